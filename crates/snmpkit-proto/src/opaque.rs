//! Opaque's inner encodings (net-snmp's ASN_OPAQUE_* types: float, double, 64-bit integers),
//! decoded from the Opaque value's bytes.

/// An Opaque value's inner type, as net-snmp decodes it (its ASN_OPAQUE_* tags).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OpaqueValue {
    /// Opaque Float (tag 0x9f78).
    Float(f32),
    /// Opaque Double (0x9f79).
    Double(f64),
    /// Opaque Int64 (0x9f7a).
    I64(i64),
    /// Opaque UInt64 (0x9f7b).
    U64(u64),
    /// Opaque Counter64 (0x9f76).
    Counter64(u64),
}

/// Decodes the special Opaque encodings; `None` for anything else (printed as raw bytes).
pub fn decode_opaque(b: &[u8]) -> Option<OpaqueValue> {
    if b.len() < 3 || b[0] != 0x9f {
        return None;
    }
    let len = b[2] as usize;
    let body = b.get(3..3 + len)?;
    if b.len() != 3 + len {
        return None;
    }
    let uint = |body: &[u8]| -> Option<u64> {
        if body.is_empty() || body.len() > 9 || (body.len() == 9 && body[0] != 0) {
            return None;
        }
        Some(body.iter().fold(0u64, |a, &x| (a << 8) | x as u64))
    };
    match b[1] {
        0x78 if len == 4 => Some(OpaqueValue::Float(f32::from_be_bytes(
            body.try_into().ok()?,
        ))),
        0x79 if len == 8 => Some(OpaqueValue::Double(f64::from_be_bytes(
            body.try_into().ok()?,
        ))),
        0x7a if (1..=8).contains(&len) => {
            let neg = body[0] & 0x80 != 0;
            let v = body
                .iter()
                .fold(if neg { -1i64 } else { 0 }, |a, &x| (a << 8) | x as i64);
            Some(OpaqueValue::I64(v))
        }
        0x7b => uint(body).map(OpaqueValue::U64),
        0x76 => uint(body).map(OpaqueValue::Counter64),
        _ => None,
    }
}
