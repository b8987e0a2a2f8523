//! snmpkit's typed errors as the Python exceptions of `snmpkit/_errors.py`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use snmpkit::Error;

/// The exception class `name` of `snmpkit._errors`, imported once.
fn class<'py>(py: Python<'py>, name: &'static str) -> PyResult<Bound<'py, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let m = MODULE.get_or_try_init(py, || py.import("snmpkit._errors").map(|m| m.unbind()))?;
    m.bind(py)
        .getattr(name)?
        .cast_into::<PyType>()
        .map_err(Into::into)
}

/// A new exception of class `name` with `args`.
fn raise(
    name: &'static str,
    args: impl for<'py> IntoPyObject<'py, Target = pyo3::types::PyTuple> + Send + Sync + 'static,
) -> PyErr {
    Python::attach(|py| match class(py, name) {
        Ok(cls) => PyErr::from_type(cls, args),
        Err(e) => e,
    })
}

/// `snmpkit.SnmpError(msg)`.
pub(crate) fn snmp_error(msg: String) -> PyErr {
    raise("SnmpError", (msg,))
}

/// `snmpkit.TimeoutError(msg)`.
pub(crate) fn timeout_error(msg: String) -> PyErr {
    raise("TimeoutError", (msg,))
}

/// The Python exception for a failed request: `TimeoutError` for no answer, `AuthError` for
/// USM failures, `ErrorStatus` (with `.status` and `.index`) for an agent's error-status,
/// `ValueError` for bad arguments, `SnmpError` for the rest. Messages are net-snmp's.
pub(crate) fn to_py(e: Error) -> PyErr {
    match e {
        Error::Timeout(_) => timeout_error(format!("{e}.")),
        Error::Usm(_) => raise("AuthError", (e.to_string(),)),
        Error::Status {
            status,
            index,
            ref varbinds,
        } => {
            let mut msg = e.to_string();
            let failed = usize::try_from(index)
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| varbinds.get(i));
            if let Some(vb) = failed {
                let name = crate::mib().format_oid(&vb.oid, snmpkit::mib::OidStyle::Module, false);
                msg.push_str(&format!("\nFailed object: {name}"));
            }
            raise("ErrorStatus", (msg, status.name().to_string(), index))
        }
        Error::InvalidArgument(_) | Error::Addr(_) | Error::BulkOnV1 => {
            PyValueError::new_err(e.to_string())
        }
        other => snmp_error(other.to_string()),
    }
}
