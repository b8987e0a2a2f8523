//! The part of net-snmp's `snmpd.conf` that a lab agent needs.
