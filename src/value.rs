//! SNMP values (every SMI type and the three v2 exceptions) and variable bindings.

use crate::oid::Oid;

/// A value carried in a variable binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// INTEGER / Integer32. Stored wide so that out-of-range values from lenient agents survive.
    Integer(i64),
    /// OCTET STRING (also DisplayString, PhysAddress, ...).
    OctetString(Vec<u8>),
    /// NULL, as sent in requests.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectIdentifier(Oid),
    /// IpAddress ([APPLICATION 0]).
    IpAddress([u8; 4]),
    /// Counter32 ([APPLICATION 1]).
    Counter32(u32),
    /// Gauge32 / Unsigned32 ([APPLICATION 2]).
    Gauge32(u32),
    /// TimeTicks ([APPLICATION 3]), hundredths of a second.
    TimeTicks(u32),
    /// Opaque ([APPLICATION 4]): the raw inner bytes.
    Opaque(Vec<u8>),
    /// Counter64 ([APPLICATION 6]).
    Counter64(u64),
    /// noSuchObject exception ([CONTEXT 0]).
    NoSuchObject,
    /// noSuchInstance exception ([CONTEXT 1]).
    NoSuchInstance,
    /// endOfMibView exception ([CONTEXT 2]).
    EndOfMibView,
    /// A value with a tag this library does not model (for example [APPLICATION 5] NsapAddress
    /// or [APPLICATION 7] UInteger32). Kept so one odd varbind does not lose the whole message.
    Unknown {
        /// The full BER identifier octet.
        tag: u8,
        /// The content octets.
        data: Vec<u8>,
    },
}

impl Value {
    /// True for the three v2 exception values.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }

    /// A short type name, as used in JSON output and in net-snmp's type prefixes.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Integer(_) => "INTEGER",
            Value::OctetString(_) => "STRING",
            Value::Null => "NULL",
            Value::ObjectIdentifier(_) => "OID",
            Value::IpAddress(_) => "IpAddress",
            Value::Counter32(_) => "Counter32",
            Value::Gauge32(_) => "Gauge32",
            Value::TimeTicks(_) => "Timeticks",
            Value::Opaque(_) => "Opaque",
            Value::Counter64(_) => "Counter64",
            Value::NoSuchObject => "noSuchObject",
            Value::NoSuchInstance => "noSuchInstance",
            Value::EndOfMibView => "endOfMibView",
            Value::Unknown { .. } => "Unknown",
        }
    }
}

/// A variable binding: an OID and its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VarBind {
    /// The object instance.
    pub oid: Oid,
    /// Its value (`Null` in requests).
    pub value: Value,
}

impl VarBind {
    /// A binding with a value.
    pub fn new(oid: Oid, value: Value) -> Self {
        VarBind { oid, value }
    }

    /// A binding with a NULL value, as used in Get/GetNext/GetBulk requests.
    pub fn null(oid: Oid) -> Self {
        VarBind {
            oid,
            value: Value::Null,
        }
    }
}
