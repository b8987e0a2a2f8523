//! Rendering of values and varbinds: net-snmp-compatible text, and JSON.
