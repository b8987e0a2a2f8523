//! Recordings an agent replays: `snmpwalk -On` text and snmpsim's `.snmprec`.
