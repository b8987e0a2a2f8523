//! Privacy protocols: DES-CBC (RFC 3414 §8) and AES-CFB128 (RFC 3826, and the AES-192/256
//! variants of draft-blumenthal-aes-usm-04 and their Cisco-style "Reeder" key extension).
//!
//! The block modes are written here over the block ciphers, since they are a few lines each.

use std::fmt;
use std::str::FromStr;

use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};
use aes::{Aes128, Aes192, Aes256};
use des::Des;

use super::UsmError;

/// A USM privacy protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivProtocol {
    /// usmDESPrivProtocol (RFC 3414 §8): CBC-DES.
    Des,
    /// usmAesCfb128Protocol (RFC 3826): AES-128 in CFB128 mode.
    Aes128,
    /// AES-192-CFB with the key extension of draft-blumenthal-aes-usm-04 §3.1.2.1 (net-snmp's
    /// `AES-192`).
    Aes192,
    /// AES-256-CFB with the key extension of draft-blumenthal-aes-usm-04 §3.1.2.1 (net-snmp's
    /// `AES-256`).
    Aes256,
    /// AES-192-CFB with the key extension of draft-reeder-snmpv3-usm-3desede-00 §2.1, used by
    /// Cisco-style agents (net-snmp's `AES-192-C`).
    Aes192Cisco,
    /// AES-256-CFB with the Reeder key extension (net-snmp's `AES-256-C`).
    Aes256Cisco,
}

/// How a privacy key too short for the cipher is lengthened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyExtension {
    /// Append H(K) repeatedly (draft-blumenthal-aes-usm-04 §3.1.2.1).
    Blumenthal,
    /// Append localize(password_to_key(K)) repeatedly (draft-reeder-snmpv3-usm-3desede-00 §2.1).
    Reeder,
}

impl PrivProtocol {
    /// Every protocol.
    pub const ALL: [PrivProtocol; 6] = [
        PrivProtocol::Des,
        PrivProtocol::Aes128,
        PrivProtocol::Aes192,
        PrivProtocol::Aes256,
        PrivProtocol::Aes192Cisco,
        PrivProtocol::Aes256Cisco,
    ];

    /// The number of key octets the cipher uses. For DES it is 16: the 8-octet DES key and the
    /// 8-octet pre-IV (RFC 3414 §8.1.1.1).
    pub fn key_len(self) -> usize {
        match self {
            PrivProtocol::Des | PrivProtocol::Aes128 => 16,
            PrivProtocol::Aes192 | PrivProtocol::Aes192Cisco => 24,
            PrivProtocol::Aes256 | PrivProtocol::Aes256Cisco => 32,
        }
    }

    /// The protocol's name as net-snmp spells it (`DES`, `AES`, `AES-192`, `AES-256-C`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PrivProtocol::Des => "DES",
            PrivProtocol::Aes128 => "AES",
            PrivProtocol::Aes192 => "AES-192",
            PrivProtocol::Aes256 => "AES-256",
            PrivProtocol::Aes192Cisco => "AES-192-C",
            PrivProtocol::Aes256Cisco => "AES-256-C",
        }
    }

    pub(crate) fn extension(self) -> KeyExtension {
        match self {
            PrivProtocol::Aes192Cisco | PrivProtocol::Aes256Cisco => KeyExtension::Reeder,
            _ => KeyExtension::Blumenthal,
        }
    }

    /// Whether this is DES (8-octet salt with engineBoots, CBC padding) rather than AES.
    pub(crate) fn is_des(self) -> bool {
        self == PrivProtocol::Des
    }
}

impl fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PrivProtocol {
    type Err = UsmError;

    /// Accepts net-snmp's spellings of `-x`, in any case: `DES`, `AES`/`AES128`/`AES-128`,
    /// `AES192`/`AES-192`, `AES256`/`AES-256`, `AES-192-C`/`AES192C`, `AES-256-C`/`AES256C`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let p = match s.to_ascii_uppercase().as_str() {
            "DES" => PrivProtocol::Des,
            "AES" | "AES128" | "AES-128" => PrivProtocol::Aes128,
            "AES192" | "AES-192" => PrivProtocol::Aes192,
            "AES256" | "AES-256" => PrivProtocol::Aes256,
            "AES192C" | "AES-192-C" => PrivProtocol::Aes192Cisco,
            "AES256C" | "AES-256-C" => PrivProtocol::Aes256Cisco,
            _ => return Err(UsmError::UnknownPrivProtocol(s.to_string())),
        };
        Ok(p)
    }
}

#[cfg(test)]
/// DES-CBC encryption of a ScopedPDU (RFC 3414 §8.1.1.2). `key` is the 16-octet privacy key:
/// DES key then pre-IV; the IV is the pre-IV XOR the salt. The plaintext is padded with zeros to a
/// multiple of 8 (the padding's value is not significant, §8.1.1.2).
pub(crate) fn des_encrypt(key: &[u8], salt: &[u8; 8], plain: &[u8]) -> Result<Vec<u8>, UsmError> {
    PrivKey::new(PrivProtocol::Des, key)?.des_encrypt(salt, plain)
}

#[cfg(test)]
/// DES-CBC decryption (RFC 3414 §8.1.1.3). The ciphertext must be a multiple of 8 octets.
pub(crate) fn des_decrypt(key: &[u8], salt: &[u8], data: &[u8]) -> Result<Vec<u8>, UsmError> {
    PrivKey::new(PrivProtocol::Des, key)?.des_decrypt(salt, data)
}

/// The AES IV of RFC 3826 §3.1.2.1: engineBoots, engineTime (both big-endian 32-bit) and the
/// 64-bit salt.
pub(crate) fn aes_iv(boots: u32, time: u32, salt: &[u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..4].copy_from_slice(&boots.to_be_bytes());
    iv[4..8].copy_from_slice(&time.to_be_bytes());
    iv[8..].copy_from_slice(salt);
    iv
}

#[cfg(test)]
/// AES in CFB128 mode (RFC 3826 §3.1.3, §3.1.4). `key` selects AES-128/192/256 by length. CFB
/// needs no padding, so the output has the input's length.
pub(crate) fn aes_cfb(
    key: &[u8],
    iv: &[u8; 16],
    data: &[u8],
    encrypt: bool,
) -> Result<Vec<u8>, UsmError> {
    let proto = match key.len() {
        16 => PrivProtocol::Aes128,
        24 => PrivProtocol::Aes192,
        32 => PrivProtocol::Aes256,
        _ => return Err(UsmError::Decryption("bad AES key length")),
    };
    PrivKey::new(proto, key)?.aes_cfb(iv, data, encrypt)
}

/// A privacy key with its cipher's key schedule already expanded, so each message costs only
/// its own blocks.
#[derive(Clone)]
pub(crate) enum PrivKey {
    /// The DES cipher and the pre-IV (RFC 3414 §8.1.1.1).
    Des(Des, [u8; 8]),
    Aes128(Aes128),
    Aes192(Aes192),
    Aes256(Aes256),
}

impl PrivKey {
    /// The cipher for `proto` from its privacy key (`proto.key_len()` octets; AES takes its
    /// variant from the key's length, as the key was made for the protocol).
    pub(crate) fn new(proto: PrivProtocol, key: &[u8]) -> Result<PrivKey, UsmError> {
        if proto.is_des() {
            let (Some(k), Some(pre_iv)) = (key.get(..8), key.get(8..16)) else {
                return Err(UsmError::Decryption(
                    "DES privacy key is shorter than 16 octets",
                ));
            };
            let cipher =
                Des::new_from_slice(k).map_err(|_| UsmError::Decryption("bad DES key length"))?;
            let mut p = [0u8; 8];
            p.copy_from_slice(pre_iv);
            return Ok(PrivKey::Des(cipher, p));
        }
        let bad = |_| UsmError::Decryption("bad AES key length");
        Ok(match key.len() {
            16 => PrivKey::Aes128(Aes128::new_from_slice(key).map_err(bad)?),
            24 => PrivKey::Aes192(Aes192::new_from_slice(key).map_err(bad)?),
            32 => PrivKey::Aes256(Aes256::new_from_slice(key).map_err(bad)?),
            _ => return Err(UsmError::Decryption("bad AES key length")),
        })
    }

    fn des(&self, salt: &[u8; 8]) -> Result<(&Des, [u8; 8]), UsmError> {
        let PrivKey::Des(cipher, pre_iv) = self else {
            return Err(UsmError::Decryption("not a DES key"));
        };
        let mut iv = [0u8; 8];
        for ((i, p), s) in iv.iter_mut().zip(pre_iv).zip(salt) {
            *i = p ^ s;
        }
        Ok((cipher, iv))
    }

    /// DES-CBC encryption of a ScopedPDU (RFC 3414 §8.1.1.2): the IV is the pre-IV XOR the
    /// salt, and the plaintext is padded with zeros to a multiple of 8 (§8.1.1.2).
    pub(crate) fn des_encrypt(&self, salt: &[u8; 8], plain: &[u8]) -> Result<Vec<u8>, UsmError> {
        let (cipher, mut prev) = self.des(salt)?;
        let padded = plain.len().div_ceil(8) * 8;
        let mut out = Vec::with_capacity(padded);
        out.extend_from_slice(plain);
        out.resize(padded, 0);
        for block in out.chunks_exact_mut(8) {
            for (b, p) in block.iter_mut().zip(prev.iter()) {
                *b ^= p;
            }
            cipher.encrypt_block(GenericArray::from_mut_slice(block));
            prev.copy_from_slice(block);
        }
        Ok(out)
    }

    /// DES-CBC decryption (RFC 3414 §8.1.1.3). The ciphertext must be a multiple of 8 octets.
    pub(crate) fn des_decrypt(&self, salt: &[u8], data: &[u8]) -> Result<Vec<u8>, UsmError> {
        let salt: &[u8; 8] = salt
            .try_into()
            .map_err(|_| UsmError::Decryption("msgPrivacyParameters is not 8 octets"))?;
        if data.len() % 8 != 0 {
            return Err(UsmError::Decryption(
                "encryptedPDU is not a multiple of 8 octets",
            ));
        }
        let (cipher, mut prev) = self.des(salt)?;
        let mut out = data.to_vec();
        for block in out.chunks_exact_mut(8) {
            let mut ct = [0u8; 8];
            ct.copy_from_slice(block);
            cipher.decrypt_block(GenericArray::from_mut_slice(block));
            for (b, p) in block.iter_mut().zip(prev.iter()) {
                *b ^= p;
            }
            prev = ct;
        }
        Ok(out)
    }

    /// AES in CFB128 mode (RFC 3826 §3.1.3, §3.1.4). CFB needs no padding, so the output has
    /// the input's length.
    pub(crate) fn aes_cfb(
        &self,
        iv: &[u8; 16],
        data: &[u8],
        encrypt: bool,
    ) -> Result<Vec<u8>, UsmError> {
        match self {
            PrivKey::Aes128(c) => Ok(cfb(c, iv, data, encrypt)),
            PrivKey::Aes192(c) => Ok(cfb(c, iv, data, encrypt)),
            PrivKey::Aes256(c) => Ok(cfb(c, iv, data, encrypt)),
            PrivKey::Des(..) => Err(UsmError::Decryption("not an AES key")),
        }
    }
}

fn cfb<C: BlockEncrypt>(cipher: &C, iv: &[u8; 16], data: &[u8], encrypt: bool) -> Vec<u8> {
    let mut out = data.to_vec();
    let mut feedback = *iv;
    for block in out.chunks_mut(16) {
        let mut ks = feedback;
        cipher.encrypt_block(GenericArray::from_mut_slice(&mut ks));
        if encrypt {
            for (b, k) in block.iter_mut().zip(ks.iter()) {
                *b ^= k;
            }
            feedback[..block.len()].copy_from_slice(block);
        } else {
            feedback[..block.len()].copy_from_slice(block);
            for (b, k) in block.iter_mut().zip(ks.iter()) {
                *b ^= k;
            }
        }
    }
    out
}
