//! Rendering of values and varbinds: net-snmp-compatible text, and JSON.
//! (Temporary minimal version; replaced by the full formatter.)

use crate::{Oid, Value, VarBind};

/// net-snmp `-O` output options.
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    /// `-On`.
    pub numeric: bool,
}

/// An invalid `-O` flag.
#[derive(Debug, thiserror::Error)]
#[error("Unknown output option passed to -O: {0}")]
pub struct FormatError(pub char);

impl OutputOptions {
    /// Applies `-O` flags.
    pub fn parse_flags(&mut self, s: &str) -> Result<(), FormatError> {
        for c in s.chars() {
            match c {
                'n' => self.numeric = true,
                _ => {}
            }
        }
        Ok(())
    }
}

/// OID text.
pub fn format_oid(oid: &Oid, o: &OutputOptions) -> String {
    if o.numeric {
        oid.to_dotted_leading()
    } else {
        let s = oid.to_string();
        match s.strip_prefix("1.") {
            Some(r) => format!("iso.{r}"),
            None => s,
        }
    }
}

/// Value text.
pub fn format_value(v: &Value, o: &OutputOptions) -> String {
    match v {
        Value::OctetString(s) => format!("STRING: \"{}\"", String::from_utf8_lossy(s)),
        Value::Integer(i) => format!("INTEGER: {i}"),
        Value::ObjectIdentifier(x) => format!("OID: {}", format_oid(x, o)),
        other => format!("{other:?}"),
    }
}

/// `OID = value` text.
pub fn format_varbind(vb: &VarBind, o: &OutputOptions) -> String {
    format!(
        "{} = {}",
        format_oid(&vb.oid, o),
        format_value(&vb.value, o)
    )
}

/// JSON object for a varbind.
pub fn varbind_json(vb: &VarBind, _o: &OutputOptions) -> serde_json::Value {
    serde_json::json!({"oid": vb.oid.to_dotted_leading(), "type": vb.value.type_name(), "value": format!("{:?}", vb.value)})
}

/// net-snmp's Reason text for an error-status.
pub fn error_status_text(s: i32) -> &'static str {
    match s {
        2 => "(noSuchName) There is no such variable name in this MIB.",
        _ => "error",
    }
}
