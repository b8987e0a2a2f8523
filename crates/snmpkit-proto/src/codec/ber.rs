//! Minimal BER primitives for SNMP: a bounded, lenient reader and a length-patching writer.

use super::DecodeError;
use crate::oid::{Oid, MAX_OID_LEN};

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_IPADDRESS: u8 = 0x40;
pub(crate) const TAG_COUNTER32: u8 = 0x41;
pub(crate) const TAG_GAUGE32: u8 = 0x42;
pub(crate) const TAG_TIMETICKS: u8 = 0x43;
pub(crate) const TAG_OPAQUE: u8 = 0x44;
pub(crate) const TAG_COUNTER64: u8 = 0x46;
pub(crate) const TAG_NO_SUCH_OBJECT: u8 = 0x80;
pub(crate) const TAG_NO_SUCH_INSTANCE: u8 = 0x81;
pub(crate) const TAG_END_OF_MIB_VIEW: u8 = 0x82;

/// A cursor over a byte slice. Offsets are absolute within `data`, so callers can locate fields
/// (the v3 authentication parameters) in the original datagram.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
}

/// One decoded TLV: its tag, content and where the content starts in the original buffer.
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub start: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            pos: 0,
            end: data.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes left to read.
    pub fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// The tag of the next TLV, without consuming it.
    pub fn peek_tag(&self) -> Option<u8> {
        if self.pos < self.end {
            Some(self.data[self.pos])
        } else {
            None
        }
    }

    /// Reads one TLV. Long-form and non-minimal lengths are accepted; indefinite lengths and
    /// multi-octet tags are not (SNMP uses neither).
    pub fn read_tlv(&mut self, what: &'static str) -> Result<Tlv<'a>, DecodeError> {
        let avail = self.end - self.pos;
        if avail < 2 {
            return Err(DecodeError::Truncated(what));
        }
        let tag = self.data[self.pos];
        if tag & 0x1f == 0x1f {
            return Err(DecodeError::Invalid("multi-octet tag"));
        }
        let first = self.data[self.pos + 1];
        let mut p = self.pos + 2;
        let len: usize = if first < 0x80 {
            first as usize
        } else if first == 0x80 || first == 0xff {
            return Err(DecodeError::BadLength(what));
        } else {
            let n = (first & 0x7f) as usize;
            if p + n > self.end {
                return Err(DecodeError::Truncated(what));
            }
            let mut l: u64 = 0;
            for &b in &self.data[p..p + n] {
                if l > (u32::MAX as u64) >> 8 {
                    return Err(DecodeError::BadLength(what));
                }
                l = (l << 8) | b as u64;
            }
            p += n;
            l as usize
        };
        if len > self.end - p {
            return Err(DecodeError::Truncated(what));
        }
        let start = p;
        self.pos = p + len;
        Ok(Tlv {
            tag,
            content: &self.data[start..start + len],
            start,
        })
    }

    /// Reads a TLV that must carry `tag`.
    pub fn expect(&mut self, tag: u8, what: &'static str) -> Result<Tlv<'a>, DecodeError> {
        let t = self.read_tlv(what)?;
        if t.tag != tag {
            return Err(DecodeError::UnexpectedTag {
                what,
                expected: tag,
                found: t.tag,
            });
        }
        Ok(t)
    }

    /// Enters a constructed TLV with `tag`, returning a reader over its content.
    pub fn enter(&mut self, tag: u8, what: &'static str) -> Result<Reader<'a>, DecodeError> {
        let t = self.expect(tag, what)?;
        Ok(self.sub(&t))
    }

    /// A reader over the content of `t` (which must come from this reader's buffer).
    pub fn sub(&self, t: &Tlv<'a>) -> Reader<'a> {
        Reader {
            data: self.data,
            pos: t.start,
            end: t.start + t.content.len(),
        }
    }

    pub fn read_i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        let t = self.expect(TAG_INTEGER, what)?;
        decode_i64(t.content, what)
    }

    pub fn read_i32(&mut self, what: &'static str) -> Result<i32, DecodeError> {
        let v = self.read_i64(what)?;
        i32::try_from(v).map_err(|_| DecodeError::BadInteger(what))
    }

    pub fn read_octets(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        Ok(self.expect(TAG_OCTET_STRING, what)?.content)
    }
}

/// Signed two's-complement integer, tolerating redundant leading 0x00/0xFF octets.
pub(crate) fn decode_i64(c: &[u8], what: &'static str) -> Result<i64, DecodeError> {
    if c.is_empty() {
        return Err(DecodeError::BadInteger(what));
    }
    let neg = c[0] & 0x80 != 0;
    let pad = if neg { 0xff } else { 0x00 };
    let mut s = c;
    while s.len() > 8 && s[0] == pad {
        s = &s[1..];
    }
    // What is left must still carry the sign of the padding: `00 FF..FF` (2^64-1) would
    // otherwise read as -1, and `FF 7F FF..` as i64::MAX.
    if s.len() > 8 || (s[0] & 0x80 != 0) != neg {
        return Err(DecodeError::BadInteger(what));
    }
    let mut v: i64 = if neg { -1 } else { 0 };
    for &b in s {
        v = (v << 8) | b as i64;
    }
    Ok(v)
}

/// Unsigned integer of at most `bits` bits. Real agents send Counter32 values with the top bit
/// set and no leading zero (`41 04 FF FF FF FF`), and sometimes pad with 0x00 or sign-extend
/// with 0xFF; all of these are read as the low `bits` bits when the extra octets are padding.
pub(crate) fn decode_unsigned(c: &[u8], bits: u32, what: &'static str) -> Result<u64, DecodeError> {
    if c.is_empty() {
        return Err(DecodeError::BadInteger(what));
    }
    let nbytes = (bits / 8) as usize;
    let mut s = c;
    if s.len() > nbytes {
        let extra = s.len() - nbytes;
        let pad = s[0];
        if (pad != 0x00 && pad != 0xff) || s[..extra].iter().any(|&b| b != pad) {
            return Err(DecodeError::BadInteger(what));
        }
        s = &s[extra..];
    }
    let mut v: u64 = 0;
    for &b in s {
        v = (v << 8) | b as u64;
    }
    Ok(v)
}

pub(crate) fn decode_oid(c: &[u8]) -> Result<Oid, DecodeError> {
    if c.is_empty() {
        // `06 00` is not a valid OID; net-snmp reads it as `.0`, and so do we (and write `.0`
        // back as `06 00`, so that what we decode re-encodes to the same bytes).
        return Ok(Oid::from_slice(&[0]));
    }
    // Collected in a plain array and handed over whole: pushing onto an `Oid` arc by arc
    // cost a walk about a tenth of its time (issue 13). Each byte without its top bit ends a
    // sub-identifier, and the first one holds two arcs, so this counts the arcs: an OID that
    // fits the inline storage (most do) is decoded straight into it, without clearing and
    // copying a 130-arc array (which was a twentieth of a walk's user time).
    let arcs = c.iter().filter(|b| *b & 0x80 == 0).count() + 1;
    if arcs <= crate::oid::INLINE_ARCS {
        let mut buf = [0u32; crate::oid::INLINE_ARCS];
        let n = decode_arcs(c, &mut buf)?;
        return Ok(Oid::from_inline(buf, n));
    }
    let mut buf = [0u32; MAX_OID_LEN + 2];
    let n = decode_arcs(c, &mut buf)?;
    Ok(Oid::from_slice(&buf[..n]))
}

/// Decodes the sub-identifiers of a non-empty OID into `arcs`; returns how many there are.
fn decode_arcs(c: &[u8], arcs: &mut [u32]) -> Result<usize, DecodeError> {
    let mut n = 0usize;
    let too_long = DecodeError::BadOid("more than 128 sub-identifiers");
    let mut acc: u64 = 0;
    let mut nbytes = 0;
    // A leading 0x80 in a sub-identifier is a non-minimal encoding; it adds nothing to `acc`
    // and is tolerated.
    for &b in c {
        // Most sub-identifiers past the first are one byte (below 128).
        if b < 0x80 && nbytes == 0 && n >= 2 {
            *arcs.get_mut(n).ok_or_else(|| too_long.clone())? = u32::from(b);
            n += 1;
            if n > MAX_OID_LEN {
                return Err(too_long);
            }
            continue;
        }
        acc = (acc << 7) | (b & 0x7f) as u64;
        nbytes += 1;
        if nbytes > 5 || acc > u32::MAX as u64 + 80 {
            return Err(DecodeError::BadOid("sub-identifier too large"));
        }
        if b & 0x80 == 0 {
            if n == 0 {
                let (a, b2) = if acc < 40 {
                    (0, acc)
                } else if acc < 80 {
                    (1, acc - 40)
                } else {
                    (2, acc - 80)
                };
                let b2 = u32::try_from(b2)
                    .map_err(|_| DecodeError::BadOid("sub-identifier too large"))?;
                let [first, second, ..] = arcs else {
                    return Err(too_long);
                };
                (*first, *second) = (a, b2);
                n = 2;
            } else {
                let arc = u32::try_from(acc)
                    .map_err(|_| DecodeError::BadOid("sub-identifier too large"))?;
                *arcs.get_mut(n).ok_or_else(|| too_long.clone())? = arc;
                n += 1;
            }
            if n > MAX_OID_LEN {
                return Err(too_long);
            }
            acc = 0;
            nbytes = 0;
        }
    }
    if nbytes != 0 {
        return Err(DecodeError::BadOid("truncated sub-identifier"));
    }
    Ok(n)
}

/// A BER writer. Constructed TLVs are opened with [`Writer::begin`] and closed with
/// [`Writer::end`], which patches in the length (moving the content when it needs a long form).
#[derive(Default)]
pub(crate) struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    pub fn begin(&mut self, tag: u8) -> usize {
        self.buf.push(tag);
        self.buf.push(0);
        self.buf.len()
    }

    pub fn end(&mut self, start: usize) {
        let len = self.buf.len() - start;
        if len < 0x80 {
            self.buf[start - 1] = len as u8;
        } else {
            let n = len_octets(len);
            self.buf[start - 1] = 0x80 | n as u8;
            let be = (len as u32).to_be_bytes();
            self.buf.splice(start..start, be[4 - n..].iter().copied());
        }
    }

    pub fn write_len(&mut self, len: usize) {
        if len < 0x80 {
            self.buf.push(len as u8);
        } else {
            let n = len_octets(len);
            self.buf.push(0x80 | n as u8);
            let be = (len as u32).to_be_bytes();
            self.buf.extend_from_slice(&be[4 - n..]);
        }
    }

    pub fn write_tlv(&mut self, tag: u8, content: &[u8]) {
        self.buf.push(tag);
        self.write_len(content.len());
        self.buf.extend_from_slice(content);
    }

    pub fn write_i64(&mut self, tag: u8, v: i64) {
        let be = v.to_be_bytes();
        self.write_tlv(tag, &be[8 - signed_len(v)..]);
    }

    pub fn write_u64(&mut self, tag: u8, v: u64) {
        let be = v.to_be_bytes();
        let mut i = 0;
        while i < 7 && be[i] == 0 {
            i += 1;
        }
        if be[i] & 0x80 != 0 {
            self.buf.push(tag);
            self.write_len(9 - i);
            self.buf.push(0);
            self.buf.extend_from_slice(&be[i..]);
        } else {
            self.write_tlv(tag, &be[i..]);
        }
    }

    pub fn write_null(&mut self, tag: u8) {
        self.buf.push(tag);
        self.buf.push(0);
    }

    pub fn write_oid(&mut self, oid: &Oid) {
        let arcs = oid.arcs();
        self.buf.push(TAG_OID);
        let lenpos = self.buf.len();
        self.buf.push(0);
        let start = self.buf.len();
        let (first, rest): (u64, &[u32]) = match arcs {
            // The empty OID and `.0` have no encoding; `06 00` is what net-snmp reads as `.0`.
            [] | [0] => return,
            [a] => (u64::from(*a) * 40, &[]),
            [a, b, rest @ ..] => (u64::from(*a) * 40 + u64::from(*b), rest),
        };
        push_base128(&mut self.buf, first);
        for &a in rest {
            push_base128(&mut self.buf, a as u64);
        }
        let len = self.buf.len() - start;
        if len < 0x80 {
            self.buf[lenpos] = len as u8;
        } else {
            let n = len_octets(len);
            self.buf[lenpos] = 0x80 | n as u8;
            let be = (len as u32).to_be_bytes();
            self.buf.splice(start..start, be[4 - n..].iter().copied());
        }
    }
}

/// How many content octets the minimal two's-complement encoding of `v` takes.
pub(crate) fn signed_len(v: i64) -> usize {
    let be = v.to_be_bytes();
    let mut i = 0;
    while i < 7 {
        let next_hi = be[i + 1] & 0x80;
        if (be[i] == 0x00 && next_hi == 0) || (be[i] == 0xff && next_hi != 0) {
            i += 1;
        } else {
            break;
        }
    }
    8 - i
}

/// How many content octets [`Writer::write_u64`] writes for `v`.
pub(crate) fn unsigned_len(v: u64) -> usize {
    let bytes = (64 - v.leading_zeros() as usize).div_ceil(8).max(1);
    let top = (v >> ((bytes - 1) * 8)) as u8;
    bytes + usize::from(top & 0x80 != 0)
}

/// The size of a whole TLV with `content` octets of content.
pub(crate) fn tlv_len(content: usize) -> usize {
    let len = if content < 0x80 {
        1
    } else {
        1 + len_octets(content)
    };
    1 + len + content
}

/// How many content octets [`Writer::write_oid`] writes for `oid`.
pub(crate) fn oid_len(oid: &Oid) -> usize {
    let b128 = |v: u64| (64 - v.leading_zeros() as usize).div_ceil(7).max(1);
    match oid.arcs() {
        // Written as `06 00` (see write_oid).
        [] | [0] => 0,
        [x] => b128(u64::from(*x) * 40),
        [x, y, rest @ ..] => {
            b128(u64::from(*x) * 40 + u64::from(*y))
                + rest.iter().map(|&r| b128(u64::from(r))).sum::<usize>()
        }
    }
}

fn len_octets(len: usize) -> usize {
    if len < 0x100 {
        1
    } else if len < 0x1_0000 {
        2
    } else if len < 0x100_0000 {
        3
    } else {
        4
    }
}

fn push_base128(buf: &mut Vec<u8>, v: u64) {
    let mut tmp = [0u8; 10];
    let mut n = 0;
    let mut x = v;
    loop {
        tmp[n] = (x & 0x7f) as u8;
        n += 1;
        x >>= 7;
        if x == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let mut b = tmp[i];
        if i != 0 {
            b |= 0x80;
        }
        buf.push(b);
    }
}
