//! Outgoing and incoming message processing (RFC 3414 §3.1 and §3.2), and salts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use super::privacy::aes_iv;
use super::{SecurityLevel, UserKeys, UsmError};
use crate::codec::{DecodedV3, ScopedPdu, ScopedPduData, V3Message};

/// Where privacy salts come from: a 64-bit counter, randomly seeded, shared by every message a
/// process sends, so a salt never repeats within an engine's lifetime (RFC 3414 §8.1.1.1,
/// RFC 3826 §3.1.2.1).
#[derive(Debug)]
pub struct SaltSource {
    counter: AtomicU64,
}

impl SaltSource {
    /// A source seeded from the operating system's randomness.
    pub fn new() -> Self {
        SaltSource::from_seed(random_u64())
    }

    /// A source that starts at `seed` (for tests and reproducible captures).
    pub fn from_seed(seed: u64) -> Self {
        SaltSource {
            counter: AtomicU64::new(seed),
        }
    }

    /// The process-wide source.
    pub fn global() -> &'static SaltSource {
        static GLOBAL: OnceLock<SaltSource> = OnceLock::new();
        GLOBAL.get_or_init(SaltSource::new)
    }

    /// The next AES salt: the 64-bit counter (RFC 3826 §3.1.2.1).
    pub fn next_aes(&self) -> [u8; 8] {
        self.counter.fetch_add(1, Ordering::Relaxed).to_be_bytes()
    }

    /// The next DES salt: engineBoots then the low 32 bits of the counter (RFC 3414 §8.1.1.1).
    pub fn next_des(&self, engine_boots: u32) -> [u8; 8] {
        let c = self.counter.fetch_add(1, Ordering::Relaxed) as u32;
        let mut s = [0u8; 8];
        s[..4].copy_from_slice(&engine_boots.to_be_bytes());
        s[4..].copy_from_slice(&c.to_be_bytes());
        s
    }
}

impl Default for SaltSource {
    fn default() -> Self {
        SaltSource::new()
    }
}

/// 64 random bits from the operating system's random source (`getrandom`), or, where that
/// fails, from std's randomly keyed hasher mixed with the process id. The crate's one source of
/// random seeds (salts, generated engine IDs).
pub fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::getrandom(&mut b).is_ok() {
        return u64::from_ne_bytes(b);
    }
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

/// Secures an outgoing v3 message (RFC 3414 §3.1) and returns its wire bytes.
///
/// `msg.flags` chooses the level; `msg.data` must be a plaintext ScopedPDU. With privFlag the
/// ScopedPDU is encrypted and msgPrivacyParameters set to a fresh salt from `salts`; with
/// authFlag the message is encoded with a zeroed MAC of the protocol's length, and the HMAC over
/// the whole message is written in its place. `msg.usm` must already carry the engine ID, boots,
/// time and user name the keys belong to; the authentication and privacy parameters are
/// overwritten. Without authFlag both are left empty.
pub fn seal(mut msg: V3Message, keys: &UserKeys, salts: &SaltSource) -> Result<Vec<u8>, UsmError> {
    let level = SecurityLevel::from_flags(msg.flags)?;
    if level == SecurityLevel::AuthPriv {
        let (pp, _) = keys.privacy.as_ref().ok_or(UsmError::MissingPrivKey)?;
        let cipher = keys.priv_key().ok_or(UsmError::MissingPrivKey)??;
        let ScopedPduData::Plaintext(scoped) = &msg.data else {
            return Err(UsmError::NotPlaintext);
        };
        let plain = zeroize::Zeroizing::new(scoped.encode());
        let (salt, ct) = if pp.is_des() {
            let salt = salts.next_des(msg.usm.engine_boots);
            (salt, cipher.des_encrypt(&salt, &plain)?)
        } else {
            let salt = salts.next_aes();
            let iv = aes_iv(msg.usm.engine_boots, msg.usm.engine_time, &salt);
            (salt, cipher.aes_cfb(&iv, &plain, true)?)
        };
        msg.usm.priv_params = salt.to_vec();
        msg.data = ScopedPduData::Encrypted(ct);
    } else {
        if !matches!(msg.data, ScopedPduData::Plaintext(_)) {
            return Err(UsmError::NotPlaintext);
        }
        msg.usm.priv_params = Vec::new();
    }
    if level == SecurityLevel::NoAuthNoPriv {
        msg.usm.auth_params = Vec::new();
        return Ok(msg.encode().bytes);
    }
    let (ap, _) = keys.auth.as_ref().ok_or(UsmError::MissingAuthKey)?;
    let mac_key = keys.mac_key().ok_or(UsmError::MissingAuthKey)?;
    msg.usm.auth_params = vec![0; ap.mac_len()];
    let mut enc = msg.encode();
    let mut buf = [0u8; 64];
    let n = mac_key.mac_into(&[&enc.bytes], &mut buf);
    let mac = buf.get(..n).unwrap_or_default();
    let end = enc.auth_offset.checked_add(enc.auth_len);
    match end.and_then(|e| enc.bytes.get_mut(enc.auth_offset..e)) {
        Some(slot) if slot.len() == mac.len() => slot.copy_from_slice(mac),
        // The codec reports the slot it wrote; a mismatch would be a codec bug.
        _ => {
            return Err(UsmError::Internal(
                "the encoded message has no slot for the MAC",
            ))
        }
    }
    Ok(enc.bytes)
}

/// Checks and opens a received v3 message (RFC 3414 §3.2 steps 6 and 8): `bytes` is the
/// datagram and `decoded` what [`decode_message`](crate::codec::decode_message) made of it.
///
/// With authFlag the MAC is recomputed over the received bytes with the MAC field taken as
/// zeros, and compared in constant time; with privFlag the encryptedPDU is decrypted and decoded.
/// Returns the message with plaintext data. The time window is not checked here: after a
/// successful open, the caller checks the message's boots and time with
/// [`EngineTime`](super::EngineTime) (step 7). User name and engine ID are the caller's to
/// match against `keys`. The same as [`verify`] then [`decrypt`].
pub fn open(bytes: &[u8], decoded: DecodedV3, keys: &UserKeys) -> Result<V3Message, UsmError> {
    verify(bytes, &decoded, keys)?;
    decrypt(decoded, keys)
}

/// RFC 3414 §3.2 step 6 alone: checks the MAC of a received message (when its msgFlags ask
/// for authentication) with `keys`' authentication key, without decrypting anything. A
/// receiver can so check a message with the authentication key before deriving a privacy
/// key, then finish with [`decrypt`].
pub fn verify(bytes: &[u8], decoded: &DecodedV3, keys: &UserKeys) -> Result<(), UsmError> {
    let level = SecurityLevel::from_flags(decoded.msg.flags)?;
    if level == SecurityLevel::NoAuthNoPriv {
        return Ok(());
    }
    let (auth_offset, auth_len) = (decoded.auth_offset, decoded.auth_len);
    let (ap, _) = keys.auth.as_ref().ok_or(UsmError::MissingAuthKey)?;
    let mac_key = keys.mac_key().ok_or(UsmError::MissingAuthKey)?;
    if auth_len != ap.mac_len() {
        return Err(UsmError::WrongDigest);
    }
    let end = auth_offset
        .checked_add(auth_len)
        .ok_or(UsmError::WrongDigest)?;
    // The MAC covers the received bytes with the MAC field zeroed (RFC 3414 §6.3.2, §7.3.2):
    // hash the bytes around the field and zeros in its place instead of copying.
    let (Some(before), Some(received), Some(after)) = (
        bytes.get(..auth_offset),
        bytes.get(auth_offset..end),
        bytes.get(end..),
    ) else {
        return Err(UsmError::WrongDigest);
    };
    let zeros = [0u8; 64];
    let zeros = zeros.get(..auth_len).ok_or(UsmError::WrongDigest)?;
    if !mac_key.verify_parts(&[before, zeros, after], received) {
        return Err(UsmError::WrongDigest);
    }
    Ok(())
}

/// RFC 3414 §3.2 step 8 for a message whose MAC [`verify`] has already checked: with
/// privFlag the encryptedPDU is decrypted with `keys`' privacy key and decoded. Returns the
/// message with plaintext data. Never call it on a message that was not verified first.
pub fn decrypt(decoded: DecodedV3, keys: &UserKeys) -> Result<V3Message, UsmError> {
    let mut msg = decoded.msg;
    let level = SecurityLevel::from_flags(msg.flags)?;
    match (level, msg.data) {
        (SecurityLevel::AuthPriv, ScopedPduData::Encrypted(ct)) => {
            let (pp, _) = keys.privacy.as_ref().ok_or(UsmError::MissingPrivKey)?;
            let cipher = keys.priv_key().ok_or(UsmError::MissingPrivKey)??;
            let plain = zeroize::Zeroizing::new(if pp.is_des() {
                cipher.des_decrypt(&msg.usm.priv_params, &ct)?
            } else {
                let salt: &[u8; 8] =
                    msg.usm.priv_params.as_slice().try_into().map_err(|_| {
                        UsmError::Decryption("msgPrivacyParameters is not 8 octets")
                    })?;
                let iv = aes_iv(msg.usm.engine_boots, msg.usm.engine_time, salt);
                cipher.aes_cfb(&iv, &ct, false)?
            });
            let scoped = ScopedPdu::decode(&plain)
                .map_err(|_| UsmError::Decryption("the plaintext is not a ScopedPDU"))?;
            msg.data = ScopedPduData::Plaintext(scoped);
        }
        (SecurityLevel::AuthPriv, ScopedPduData::Plaintext(_)) => {
            return Err(UsmError::Decryption(
                "privFlag set but msgData is not encrypted",
            ));
        }
        (_, ScopedPduData::Encrypted(_)) => {
            return Err(UsmError::Decryption("encrypted msgData without privFlag"));
        }
        (_, data @ ScopedPduData::Plaintext(_)) => msg.data = data,
    }
    Ok(msg)
}
