//! MIB loading, name <-> OID translation, display hints, enums and table indexes.
