//! Rendering: net-snmp's text and our JSON for values and varbinds (from `snmpkit-mib`, where
//! the MIB-aware rendering lives), and for whole notifications (here, beside the receiver whose
//! [`Notification`](crate::notify::Notification) they render).

mod notification;

pub(crate) use notification::civil_date;
pub use notification::{notification_json, notification_text, rfc3339, write_notification_json};
pub use snmpkit_mib::format::*;
