//! Authentication protocols: HMAC-MD5-96 and HMAC-SHA-96 (RFC 3414 §6, §7) and the HMAC-SHA-2
//! family (RFC 7860 §4).

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

use super::UsmError;

/// A USM authentication protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthProtocol {
    /// usmHMACMD5AuthProtocol (RFC 3414 §6): HMAC-MD5 truncated to 12 octets.
    Md5,
    /// usmHMACSHAAuthProtocol (RFC 3414 §7): HMAC-SHA-1 truncated to 12 octets.
    Sha1,
    /// usmHMAC128SHA224AuthProtocol (RFC 7860): HMAC-SHA-224 truncated to 16 octets.
    Sha224,
    /// usmHMAC192SHA256AuthProtocol (RFC 7860): HMAC-SHA-256 truncated to 24 octets.
    Sha256,
    /// usmHMAC256SHA384AuthProtocol (RFC 7860): HMAC-SHA-384 truncated to 32 octets.
    Sha384,
    /// usmHMAC384SHA512AuthProtocol (RFC 7860): HMAC-SHA-512 truncated to 48 octets.
    Sha512,
}

impl AuthProtocol {
    /// Every protocol, weakest first.
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// The length of msgAuthenticationParameters: the truncated MAC (RFC 3414 §6.3.1,
    /// RFC 7860 §4.2.1).
    pub fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// The length of master and localized keys: the hash output size.
    pub fn key_len(self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
        }
    }

    /// The protocol's name as net-snmp prints it (`MD5`, `SHA`, `SHA-224`, ...).
    pub fn name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// The protocol's registration OID (RFC 3414 §6/§7, RFC 7860 §4.1).
    pub fn oid(self) -> &'static [u32] {
        match self {
            AuthProtocol::Md5 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 2],
            AuthProtocol::Sha1 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 3],
            AuthProtocol::Sha224 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 4],
            AuthProtocol::Sha256 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 5],
            AuthProtocol::Sha384 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 6],
            AuthProtocol::Sha512 => &[1, 3, 6, 1, 6, 3, 10, 1, 1, 7],
        }
    }

    /// The plain hash of the concatenation of `parts` (used for key derivation).
    pub(crate) fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        fn h<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            AuthProtocol::Md5 => h::<Md5>(parts),
            AuthProtocol::Sha1 => h::<Sha1>(parts),
            AuthProtocol::Sha224 => h::<Sha224>(parts),
            AuthProtocol::Sha256 => h::<Sha256>(parts),
            AuthProtocol::Sha384 => h::<Sha384>(parts),
            AuthProtocol::Sha512 => h::<Sha512>(parts),
        }
    }

    #[cfg(test)]
    /// The truncated HMAC of `msg` under `key` (`mac_len()` octets).
    pub(crate) fn mac(self, key: &[u8], msg: &[u8]) -> Vec<u8> {
        self.mac_parts(key, &[msg])
    }

    #[cfg(test)]
    /// The truncated HMAC of the concatenation of `parts`, so a received message can be
    /// authenticated with its MAC field replaced by zeros without copying it.
    pub(crate) fn mac_parts(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn m<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]], len: usize) -> Vec<u8> {
            // HMAC accepts keys of any length, so this cannot fail; fall back to an empty MAC
            // (which never verifies) rather than panic.
            match <M as hmac::digest::KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    for p in parts {
                        mac.update(p);
                    }
                    let full = mac.finalize().into_bytes();
                    full.get(..len).map(<[u8]>::to_vec).unwrap_or_default()
                }
                Err(_) => Vec::new(),
            }
        }
        let len = self.mac_len();
        match self {
            AuthProtocol::Md5 => m::<Hmac<Md5>>(key, parts, len),
            AuthProtocol::Sha1 => m::<Hmac<Sha1>>(key, parts, len),
            AuthProtocol::Sha224 => m::<Hmac<Sha224>>(key, parts, len),
            AuthProtocol::Sha256 => m::<Hmac<Sha256>>(key, parts, len),
            AuthProtocol::Sha384 => m::<Hmac<Sha384>>(key, parts, len),
            AuthProtocol::Sha512 => m::<Hmac<Sha512>>(key, parts, len),
        }
    }

    /// Whether `mac` is the right truncated HMAC of `msg`, compared in constant time.
    #[cfg(test)]
    pub(crate) fn verify(self, key: &[u8], msg: &[u8], mac: &[u8]) -> bool {
        self.verify_parts(key, &[msg], mac)
    }

    #[cfg(test)]
    /// Whether `mac` is the right truncated HMAC of the concatenation of `parts`, compared in
    /// constant time.
    pub(crate) fn verify_parts(self, key: &[u8], parts: &[&[u8]], mac: &[u8]) -> bool {
        let want = self.mac_parts(key, parts);
        want.len() == self.mac_len() && bool::from(want.as_slice().ct_eq(mac))
    }
}

/// A keyed HMAC, ready to use: the key's inner and outer pads are hashed once, when it is
/// made, and each message then costs only its own blocks (a clone of this state, the message,
/// and the two finishing blocks) instead of re-keying per message.
#[derive(Clone)]
pub(crate) enum MacKey {
    Md5(Hmac<Md5>),
    Sha1(Hmac<Sha1>),
    Sha224(Hmac<Sha224>),
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

impl MacKey {
    /// The keyed state for `proto` and `key` (HMAC accepts keys of any length).
    pub(crate) fn new(proto: AuthProtocol, key: &[u8]) -> Option<MacKey> {
        use hmac::digest::KeyInit;
        Some(match proto {
            AuthProtocol::Md5 => MacKey::Md5(KeyInit::new_from_slice(key).ok()?),
            AuthProtocol::Sha1 => MacKey::Sha1(KeyInit::new_from_slice(key).ok()?),
            AuthProtocol::Sha224 => MacKey::Sha224(KeyInit::new_from_slice(key).ok()?),
            AuthProtocol::Sha256 => MacKey::Sha256(KeyInit::new_from_slice(key).ok()?),
            AuthProtocol::Sha384 => MacKey::Sha384(KeyInit::new_from_slice(key).ok()?),
            AuthProtocol::Sha512 => MacKey::Sha512(KeyInit::new_from_slice(key).ok()?),
        })
    }

    fn protocol(&self) -> AuthProtocol {
        match self {
            MacKey::Md5(_) => AuthProtocol::Md5,
            MacKey::Sha1(_) => AuthProtocol::Sha1,
            MacKey::Sha224(_) => AuthProtocol::Sha224,
            MacKey::Sha256(_) => AuthProtocol::Sha256,
            MacKey::Sha384(_) => AuthProtocol::Sha384,
            MacKey::Sha512(_) => AuthProtocol::Sha512,
        }
    }

    /// The truncated HMAC of the concatenation of `parts`, written to the front of `out`;
    /// returns its length (`mac_len()` of the protocol).
    pub(crate) fn mac_into(&self, parts: &[&[u8]], out: &mut [u8; 64]) -> usize {
        fn m<M: Mac + Clone>(state: &M, parts: &[&[u8]], out: &mut [u8; 64], len: usize) -> usize {
            let mut mac = state.clone();
            for p in parts {
                mac.update(p);
            }
            let full = mac.finalize().into_bytes();
            match (full.get(..len), out.get_mut(..len)) {
                (Some(src), Some(dst)) => {
                    dst.copy_from_slice(src);
                    len
                }
                _ => 0,
            }
        }
        let len = self.protocol().mac_len();
        match self {
            MacKey::Md5(k) => m(k, parts, out, len),
            MacKey::Sha1(k) => m(k, parts, out, len),
            MacKey::Sha224(k) => m(k, parts, out, len),
            MacKey::Sha256(k) => m(k, parts, out, len),
            MacKey::Sha384(k) => m(k, parts, out, len),
            MacKey::Sha512(k) => m(k, parts, out, len),
        }
    }

    /// Whether `mac` is the right truncated HMAC of the concatenation of `parts`, compared in
    /// constant time.
    pub(crate) fn verify_parts(&self, parts: &[&[u8]], mac: &[u8]) -> bool {
        let mut buf = [0u8; 64];
        let n = self.mac_into(parts, &mut buf);
        n == self.protocol().mac_len()
            && buf.get(..n).is_some_and(|want| bool::from(want.ct_eq(mac)))
    }
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuthProtocol {
    type Err = UsmError;

    /// Accepts net-snmp's spellings of `-a`, in any case: `MD5`, `SHA`, `SHA1`, `SHA-1`,
    /// `SHA-224`/`SHA224`, `SHA-256`/`SHA256`, `SHA-384`/`SHA384`, `SHA-512`/`SHA512`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let p = match s.to_ascii_uppercase().as_str() {
            "MD5" => AuthProtocol::Md5,
            "SHA" | "SHA1" | "SHA-1" => AuthProtocol::Sha1,
            "SHA224" | "SHA-224" => AuthProtocol::Sha224,
            "SHA256" | "SHA-256" => AuthProtocol::Sha256,
            "SHA384" | "SHA-384" => AuthProtocol::Sha384,
            "SHA512" | "SHA-512" => AuthProtocol::Sha512,
            _ => return Err(UsmError::UnknownAuthProtocol(s.to_string())),
        };
        Ok(p)
    }
}
