//! The async SNMP manager: requests, retries, discovery, walks.
