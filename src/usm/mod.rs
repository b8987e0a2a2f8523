//! The User-based Security Model (RFC 3414, RFC 3826, RFC 7860): keys, authentication, privacy.
//! This is the only module that uses crypto crates.
