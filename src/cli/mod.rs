//! Command-line interface: net-snmp-style arguments, one file per command.
