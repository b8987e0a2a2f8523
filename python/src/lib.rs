//! `snmpkit._snmpkit`: the Python binding of the snmpkit library (issue 22).
//!
//! A thin client of the library's public API: sessions (`session`), received notifications
//! (`traps`), and the conversions between snmpkit's types and Python objects (`convert`).
//! The exception classes live in Python (`snmpkit/_errors.py`), where `snmpkit.TimeoutError`
//! can derive from both `SnmpError` and `builtins.TimeoutError`; this module raises them.
#![forbid(unsafe_code)]

mod convert;
mod errors;
mod session;
mod traps;

use pyo3::prelude::*;
use snmpkit::mib::{Mib, OidStyle};
use snmpkit::Oid;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// The built-in MIBs, loaded once per process.
pub(crate) fn mib() -> &'static Mib {
    static MIB: OnceLock<Mib> = OnceLock::new();
    MIB.get_or_init(Mib::builtin)
}

/// The runtime of the synchronous API: one current-thread runtime that each calling thread
/// drives while it waits (with the GIL released), so a request or a walk costs no thread
/// switch, as in the CLI. Several Python threads may wait at once: tokio hands the driver to
/// one of them and wakes the others.
pub(crate) fn sync_rt() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// The runtime of the asyncio API and of trap receivers: pyo3-async-runtimes' multi-thread
/// runtime, whose workers keep decoding notifications while Python does other things.
pub(crate) fn async_rt() -> &'static Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// Reads an OID as net-snmp's tools do: a name (`sysDescr.0`, `IF-MIB::ifTable`) or numbers,
/// with or without a leading dot. A bad one is a `ValueError` in net-snmp's words.
pub(crate) fn parse_oid(text: &str) -> PyResult<Oid> {
    mib()
        .resolve(text)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Whether `text` is a numeric OID (digits and dots, an optional leading dot).
fn is_numeric(text: &str) -> bool {
    let t = text.strip_prefix('.').unwrap_or(text);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// `translate(name_or_oid)`: a name gives its numeric OID (`1.3.6.1.2.1.1.5.0`), a numeric
/// OID its name (`SNMPv2-MIB::sysName.0`), as `snmptranslate -On` and `snmptranslate` print
/// them.
#[pyfunction]
fn translate(name_or_oid: &str) -> PyResult<String> {
    let oid = parse_oid(name_or_oid)?;
    if is_numeric(name_or_oid) {
        Ok(mib().format_oid(&oid, OidStyle::Module, false))
    } else {
        Ok(oid.to_string())
    }
}

#[pymodule]
fn _snmpkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(translate, m)?)?;
    m.add_class::<convert::PyVarBind>()?;
    m.add_class::<session::Session>()?;
    m.add_class::<session::AsyncSession>()?;
    m.add_class::<session::WalkIter>()?;
    m.add_class::<session::AsyncWalkIter>()?;
    m.add_class::<traps::TrapReceiver>()?;
    m.add_class::<traps::PyNotification>()?;
    m.add_class::<convert::Ready>()?;
    Ok(())
}
