//! The agent's own SNMPv3 users: `createUser` lines with their keys localized to our engine.

use snmpkit::conf::UserConfig;
use snmpkit::usm::{Credentials, UserKeys, UsmError};

/// A `createUser` user with keys localized to our engine (snmpd's agent ignores `-e` for
/// its own users' localization, and so do we).
#[derive(Debug)]
pub(crate) struct LocalUser {
    pub(crate) name: String,
    pub(crate) keys: UserKeys,
}

impl LocalUser {
    pub fn new(u: &UserConfig, engine_id: &[u8]) -> Result<LocalUser, UsmError> {
        let mut c = Credentials::new(u.name.as_bytes());
        if let Some((p, pass)) = &u.auth {
            c = c.auth(*p, pass);
        }
        if let Some((p, pass)) = &u.privacy {
            c = c.privacy(*p, pass);
        }
        Ok(LocalUser {
            name: u.name.clone(),
            keys: c.localize(engine_id)?,
        })
    }
}
