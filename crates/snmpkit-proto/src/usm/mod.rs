//! The User-based Security Model (RFC 3414, RFC 3826, RFC 7860): keys, authentication, privacy,
//! engine time and USM Reports. This is the only module that uses crypto crates.
//!
//! It is sans-I/O: [`seal`] turns a [`V3Message`](crate::codec::V3Message) into wire bytes and
//! [`open`] checks and decrypts a received one; clocks come in as [`Instant`](std::time::Instant)
//! parameters.
//!
//! ```
//! use snmpkit_proto::usm::{AuthProtocol, Credentials, PrivProtocol, SecurityLevel};
//! let user = Credentials::new("admin")
//!     .auth(AuthProtocol::Sha256, "authpass123")
//!     .privacy(PrivProtocol::Aes128, "privpass123");
//! assert_eq!(user.security_level(), SecurityLevel::AuthPriv);
//! let keys = user.localize(&[0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4]).unwrap();
//! assert_eq!(keys.security_level(), SecurityLevel::AuthPriv);
//! ```

mod auth;
mod key;
mod privacy;
mod report;
mod security;
#[cfg(test)]
mod tests;
mod time;

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use zeroize::Zeroizing;

use auth::MacKey;
use privacy::PrivKey;

pub use auth::AuthProtocol;
pub use key::{
    localize, password_to_key, password_to_key_cached, LocalizedKey, MasterKey, MIN_PASSPHRASE_LEN,
};
pub use privacy::PrivProtocol;
pub use report::{report_oids, UsmReport};
pub use security::random_u64;
pub use security::{decrypt, open, seal, verify, SaltSource};
pub use time::{EngineTime, TIME_WINDOW};

use crate::codec::flags;

/// Why a USM operation failed. Sorted as the rest of the crate sorts errors: bad input from the
/// user (protocol names, passphrases), API misuse (missing keys, bad flags), a peer whose message
/// does not verify or decrypt, and a peer's USM Report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsmError {
    /// A passphrase under 8 characters (RFC 3414 §11.2), refused before anything is sent.
    #[error("passphrase chosen is below the length requirements of the USM (min=8)")]
    PassphraseTooShort,
    /// An authentication protocol name not known to net-snmp's `-a`.
    #[error("unknown authentication protocol {0:?} (expected MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512)")]
    UnknownAuthProtocol(String),
    /// A privacy protocol name not known to net-snmp's `-x`.
    #[error("unknown privacy protocol {0:?} (expected DES, AES, AES-192, AES-256, AES-192-C or AES-256-C)")]
    UnknownPrivProtocol(String),
    /// A security level name not known to net-snmp's `-l`.
    #[error("invalid security level {0:?} (expected noAuthNoPriv, authNoPriv or authPriv)")]
    UnknownSecurityLevel(String),
    /// Credentials with privacy but no authentication: USM has no such level.
    #[error("privacy needs authentication: give an authentication protocol and passphrase too")]
    PrivacyWithoutAuth,
    /// The message asks for authentication but the user has no authentication key.
    #[error("the message needs an authentication key but the user has none")]
    MissingAuthKey,
    /// The message asks for privacy but the user has no privacy key.
    #[error("the message needs a privacy key but the user has none")]
    MissingPrivKey,
    /// msgFlags with privFlag but not authFlag (RFC 3412 §7.2 step 5).
    #[error("invalid msgFlags 0x{0:02x}: privacy without authentication")]
    InvalidFlags(u8),
    /// [`seal`] was given a message whose data is already encrypted.
    #[error("the message to seal must carry a plaintext ScopedPDU")]
    NotPlaintext,
    /// The received MAC does not match (RFC 3414 §3.2 step 6): wrong auth password, protocol or
    /// key, or a tampered message.
    #[error("Authentication failure (incorrect password, community or key)")]
    WrongDigest,
    /// The encryptedPDU could not be decrypted, or did not decrypt to a ScopedPDU (RFC 3414 §3.2
    /// step 8): most often a wrong privacy password or protocol.
    #[error("Decryption error: {0}")]
    Decryption(&'static str),
    /// An authenticated message from outside the time window (RFC 3414 §3.2 step 7).
    #[error("Not in time window")]
    NotInTimeWindow,
    /// A bug in this crate rather than in the input (reported instead of panicking).
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// The agent answered with a USM Report (RFC 3414 §3.2).
    #[error("{0}")]
    Report(UsmReport),
}

/// A USM security level (RFC 3411 §3.4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityLevel {
    /// Neither authentication nor privacy.
    NoAuthNoPriv,
    /// Authentication without privacy.
    AuthNoPriv,
    /// Authentication and privacy.
    AuthPriv,
}

impl SecurityLevel {
    /// The authFlag and privFlag bits of msgFlags for this level (RFC 3412 §6.4).
    pub fn flags(self) -> u8 {
        match self {
            SecurityLevel::NoAuthNoPriv => 0,
            SecurityLevel::AuthNoPriv => flags::AUTH,
            SecurityLevel::AuthPriv => flags::AUTH | flags::PRIV,
        }
    }

    /// The level that msgFlags declare; privacy without authentication is an error.
    pub fn from_flags(msg_flags: u8) -> Result<Self, UsmError> {
        match (msg_flags & flags::AUTH != 0, msg_flags & flags::PRIV != 0) {
            (false, false) => Ok(SecurityLevel::NoAuthNoPriv),
            (true, false) => Ok(SecurityLevel::AuthNoPriv),
            (true, true) => Ok(SecurityLevel::AuthPriv),
            (false, true) => Err(UsmError::InvalidFlags(msg_flags)),
        }
    }

    /// The level's name as net-snmp spells it.
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            SecurityLevel::AuthNoPriv => "authNoPriv",
            SecurityLevel::AuthPriv => "authPriv",
        }
    }
}

impl fmt::Display for SecurityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SecurityLevel {
    type Err = UsmError;

    /// Accepts what net-snmp's `-l` accepts, in any case: `noAuthNoPriv`/`noauth`/`nanp`/`1`,
    /// `authNoPriv`/`auth`/`anp`/`2`, `authPriv`/`priv`/`ap`/`3`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "noauthnopriv" | "noauth" | "nanp" | "1" => Ok(SecurityLevel::NoAuthNoPriv),
            "authnopriv" | "auth" | "anp" | "2" => Ok(SecurityLevel::AuthNoPriv),
            "authpriv" | "priv" | "ap" | "3" => Ok(SecurityLevel::AuthPriv),
            _ => Err(UsmError::UnknownSecurityLevel(s.to_string())),
        }
    }
}

/// An SNMPv3 user: name, and optionally an authentication and a privacy protocol with their
/// passphrases. Built in one expression; passphrases are wiped on drop and never printed.
///
/// Checking (passphrase length, privacy needing authentication) happens in
/// [`validate`](Credentials::validate) and [`localize`](Credentials::localize), so a
/// caller can refuse bad credentials before sending anything.
#[derive(Clone)]
pub struct Credentials {
    user: Vec<u8>,
    auth: Option<(AuthProtocol, Zeroizing<Vec<u8>>)>,
    privacy: Option<(PrivProtocol, Zeroizing<Vec<u8>>)>,
}

impl Credentials {
    /// A noAuthNoPriv user named `user`.
    pub fn new(user: impl Into<Vec<u8>>) -> Self {
        Credentials {
            user: user.into(),
            auth: None,
            privacy: None,
        }
    }

    /// Adds authentication with `proto` and `passphrase`.
    pub fn auth(mut self, proto: AuthProtocol, passphrase: impl AsRef<[u8]>) -> Self {
        self.auth = Some((proto, Zeroizing::new(passphrase.as_ref().to_vec())));
        self
    }

    /// Adds privacy with `proto` and `passphrase` (needs [`auth`](Credentials::auth) too).
    pub fn privacy(mut self, proto: PrivProtocol, passphrase: impl AsRef<[u8]>) -> Self {
        self.privacy = Some((proto, Zeroizing::new(passphrase.as_ref().to_vec())));
        self
    }

    /// msgUserName.
    pub fn user_name(&self) -> &[u8] {
        &self.user
    }

    /// The authentication protocol, if any.
    pub fn auth_protocol(&self) -> Option<AuthProtocol> {
        self.auth.as_ref().map(|a| a.0)
    }

    /// The privacy protocol, if any.
    pub fn priv_protocol(&self) -> Option<PrivProtocol> {
        self.privacy.as_ref().map(|p| p.0)
    }

    /// The highest level these credentials allow.
    pub fn security_level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        }
    }

    /// Checks the credentials without deriving keys: passphrases of at least 8 characters,
    /// and no privacy without authentication.
    pub fn validate(&self) -> Result<(), UsmError> {
        if self.privacy.is_some() && self.auth.is_none() {
            return Err(UsmError::PrivacyWithoutAuth);
        }
        for pass in [
            self.auth.as_ref().map(|a| &a.1),
            self.privacy.as_ref().map(|p| &p.1),
        ]
        .into_iter()
        .flatten()
        {
            if pass.len() < MIN_PASSPHRASE_LEN {
                return Err(UsmError::PassphraseTooShort);
            }
        }
        Ok(())
    }

    /// Derives the keys for the authoritative engine `engine_id`, through the process-wide
    /// caches (password-to-key per passphrase and protocol, localized keys per engine).
    pub fn localize(&self, engine_id: &[u8]) -> Result<UserKeys, UsmError> {
        self.validate()?;
        let mut keys = UserKeys {
            user: self.user.clone(),
            engine_id: engine_id.to_vec(),
            auth: None,
            privacy: None,
            prepared: Arc::default(),
        };
        if let Some((ap, apass)) = &self.auth {
            let ku = key::password_to_key_cached(*ap, apass)?;
            keys.auth = Some((*ap, key::derived_cached(&ku, engine_id, None)));
            if let Some((pp, ppass)) = &self.privacy {
                // The privacy key uses the authentication protocol's hash (RFC 3414 §8.1.1.1,
                // RFC 3826 §3.1.2.1).
                let kp = key::password_to_key_cached(*ap, ppass)?;
                keys.privacy = Some((*pp, key::derived_cached(&kp, engine_id, Some(*pp))));
            }
        }
        Ok(keys)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &String::from_utf8_lossy(&self.user))
            .field("auth", &self.auth_protocol())
            .field("privacy", &self.priv_protocol())
            .finish_non_exhaustive()
    }
}

/// A user's keys localized to one authoritative engine: what [`seal`] and [`open`] need.
/// Cheap to clone (the key octets are shared); wiped when the last copy drops.
///
/// The first message sealed or opened with a set of keys (or any clone of it) keys the HMAC
/// (its inner and outer pads hashed once) and expands the cipher's key schedule; later
/// messages reuse both. So a caller that keeps its `UserKeys` per engine pays only each
/// message's own blocks.
#[derive(Clone)]
pub struct UserKeys {
    user: Vec<u8>,
    engine_id: Vec<u8>,
    auth: Option<(AuthProtocol, Arc<Zeroizing<Vec<u8>>>)>,
    privacy: Option<(PrivProtocol, Arc<Zeroizing<Vec<u8>>>)>,
    prepared: Arc<OnceLock<Prepared>>,
}

/// The keyed HMAC and the expanded cipher of a [`UserKeys`], made once on first use.
struct Prepared {
    mac: Option<MacKey>,
    privacy: Option<Result<PrivKey, UsmError>>,
}

impl UserKeys {
    /// Keys for a user with no authentication or privacy (noAuthNoPriv only).
    pub fn none(user: impl Into<Vec<u8>>, engine_id: &[u8]) -> Self {
        UserKeys {
            user: user.into(),
            engine_id: engine_id.to_vec(),
            auth: None,
            privacy: None,
            prepared: Arc::default(),
        }
    }

    fn prepared(&self) -> &Prepared {
        self.prepared.get_or_init(|| Prepared {
            mac: self.auth.as_ref().and_then(|(p, k)| MacKey::new(*p, k)),
            privacy: self.privacy.as_ref().map(|(p, k)| PrivKey::new(*p, k)),
        })
    }

    /// The keyed HMAC state, when the keys authenticate.
    pub(crate) fn mac_key(&self) -> Option<&MacKey> {
        self.prepared().mac.as_ref()
    }

    /// The expanded cipher, when the keys have privacy (an error for a key of the wrong
    /// length).
    pub(crate) fn priv_key(&self) -> Option<Result<&PrivKey, UsmError>> {
        self.prepared()
            .privacy
            .as_ref()
            .map(|r| r.as_ref().map_err(Clone::clone))
    }

    /// Keys from already-localized keys (net-snmp's `-3k`/`-3K`). The privacy key is
    /// truncated or extended for `privacy`'s cipher as passphrase-derived ones are.
    pub fn from_localized(
        user: impl Into<Vec<u8>>,
        engine_id: &[u8],
        auth: Option<&LocalizedKey>,
        privacy: Option<(PrivProtocol, &LocalizedKey)>,
    ) -> Result<Self, UsmError> {
        let Some(a) = auth else {
            if privacy.is_some() {
                return Err(UsmError::PrivacyWithoutAuth);
            }
            return Ok(UserKeys::none(user, engine_id));
        };
        Ok(UserKeys {
            user: user.into(),
            engine_id: engine_id.to_vec(),
            auth: Some((
                a.protocol(),
                Arc::new(Zeroizing::new(a.as_bytes().to_vec())),
            )),
            privacy: privacy.map(|(p, k)| (p, Arc::new(key::privacy_key(p, k, engine_id)))),
            prepared: Arc::default(),
        })
    }

    /// msgUserName.
    pub fn user_name(&self) -> &[u8] {
        &self.user
    }

    /// The engine the keys are localized to (msgAuthoritativeEngineID).
    pub fn engine_id(&self) -> &[u8] {
        &self.engine_id
    }

    /// The authentication protocol, if any.
    pub fn auth_protocol(&self) -> Option<AuthProtocol> {
        self.auth.as_ref().map(|a| a.0)
    }

    /// The privacy protocol, if any.
    pub fn priv_protocol(&self) -> Option<PrivProtocol> {
        self.privacy.as_ref().map(|p| p.0)
    }

    /// The highest level these keys allow.
    pub fn security_level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        }
    }
}

impl fmt::Debug for UserKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserKeys")
            .field("user", &String::from_utf8_lossy(&self.user))
            .field("engine_id", &HexBytes(&self.engine_id))
            .field("auth", &self.auth_protocol())
            .field("privacy", &self.priv_protocol())
            .finish_non_exhaustive()
    }
}

struct HexBytes<'a>(&'a [u8]);

impl fmt::Debug for HexBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::hex::encode(self.0))
    }
}
