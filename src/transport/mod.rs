//! Tokio UDP transport: one socket, many requests in flight, matched by id and source.
