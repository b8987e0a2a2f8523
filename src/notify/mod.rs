//! The notification receiver: decode, authorise, acknowledge informs.
