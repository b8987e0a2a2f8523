//! snmpkit values as Python objects: [`PyVarBind`] (`snmpkit.VarBind`), typed values, and
//! pages of varbinds turned into Python objects at once.

use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use snmpkit::format::{format_value_for, OutputOptions};
use snmpkit::mib::OidStyle;
use snmpkit::{Value, VarBind};
use std::sync::OnceLock;

/// One variable binding: `.oid` (numeric, no leading dot), `.name` (`SNMPv2-MIB::sysDescr.0`),
/// `.type` (the ASN.1 name), `.value` (typed) and `.text` (as net-snmp prints the value).
///
/// `.oid` and `.value` are made when the varbind reaches Python (once); `.name`, `.type` and
/// `.text` from the kept Rust varbind when asked for.
#[pyclass(frozen, module = "snmpkit", name = "VarBind")]
pub struct PyVarBind {
    oid: Py<PyString>,
    value: Py<PyAny>,
    inner: VarBind,
}

/// The ASN.1 name of a value's type, as the issue and net-snmp's MIB vocabulary spell it.
pub(crate) fn asn1_type(v: &Value) -> &'static str {
    match v {
        Value::Integer(_) => "INTEGER",
        Value::OctetString(_) => "OCTET STRING",
        Value::Null => "NULL",
        Value::ObjectIdentifier(_) => "OBJECT IDENTIFIER",
        Value::IpAddress(_) => "IpAddress",
        Value::Counter32(_) => "Counter32",
        Value::Gauge32(_) => "Gauge32",
        Value::TimeTicks(_) => "Timeticks",
        Value::Opaque(_) => "Opaque",
        Value::Counter64(_) => "Counter64",
        Value::NoSuchObject => "noSuchObject",
        Value::NoSuchInstance => "noSuchInstance",
        Value::EndOfMibView => "endOfMibView",
        other => other.type_name(),
    }
}

/// The Python value: `int` for the numbers, `bytes` for OCTET STRING and Opaque, `str` for
/// OBJECT IDENTIFIER (numeric, no leading dot) and IpAddress, `None` for NULL and the
/// exceptions.
pub(crate) fn value_to_py(py: Python<'_>, v: &Value) -> Py<PyAny> {
    match v {
        Value::Integer(i) => i.into_pyobject(py).map(|o| o.into_any().unbind()),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
            n.into_pyobject(py).map(|o| o.into_any().unbind())
        }
        Value::Counter64(n) => n.into_pyobject(py).map(|o| o.into_any().unbind()),
        Value::OctetString(b) | Value::Opaque(b) => Ok(PyBytes::new(py, b).into_any().unbind()),
        Value::Unknown { data, .. } => Ok(PyBytes::new(py, data).into_any().unbind()),
        Value::ObjectIdentifier(o) => Ok(PyString::new(py, &o.to_string()).into_any().unbind()),
        Value::IpAddress(a) => {
            let s = format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
            Ok(PyString::new(py, &s).into_any().unbind())
        }
        _ => Ok(py.None()),
    }
    .unwrap_or_else(|e: std::convert::Infallible| match e {})
}

/// `-Oqv`: the value alone, with the MIB's hint, enumeration label and units.
fn value_options() -> &'static OutputOptions {
    static O: OnceLock<OutputOptions> = OnceLock::new();
    O.get_or_init(|| OutputOptions {
        quick: true,
        bare_value: true,
        ..OutputOptions::default()
    })
}

/// The value as net-snmp prints it (`snmpget -Oqv`) for the object `vb` names.
pub(crate) fn value_text(vb: &VarBind) -> String {
    let mib = crate::mib();
    let node = mib.lookup(&vb.oid);
    format_value_for(&vb.value, node.as_ref(), value_options(), mib)
}

/// The numeric text of consecutive OIDs, without a leading dot: a walk's OIDs share long
/// prefixes, so only the arcs after the common prefix with the previous OID are formatted.
#[derive(Default)]
struct OidText {
    text: String,
    arcs: Vec<u32>,
    /// Where each arc's digits end in `text`.
    ends: Vec<usize>,
}

impl OidText {
    fn set(&mut self, arcs: &[u32]) -> &str {
        let common = self
            .arcs
            .iter()
            .zip(arcs)
            .take_while(|(a, b)| a == b)
            .count();
        self.text.truncate(if common == 0 {
            0
        } else {
            self.ends[common - 1]
        });
        self.ends.truncate(common);
        self.arcs.truncate(common);
        let mut digits = itoa::Buffer::new();
        for &a in &arcs[common..] {
            if !self.text.is_empty() {
                self.text.push('.');
            }
            self.text.push_str(digits.format(a));
            self.ends.push(self.text.len());
            self.arcs.push(a);
        }
        &self.text
    }
}

impl PyVarBind {
    /// Makes the Python varbind; `text` remembers the previous OID's text.
    fn make(py: Python<'_>, vb: VarBind, text: &mut OidText) -> PyResult<Py<PyVarBind>> {
        let oid = PyString::new(py, text.set(vb.oid.arcs())).unbind();
        let value = value_to_py(py, &vb.value);
        Py::new(
            py,
            PyVarBind {
                oid,
                value,
                inner: vb,
            },
        )
    }
}

/// A response's varbinds as Python objects, made in one pass with the GIL held once.
pub(crate) fn page_to_py(py: Python<'_>, vbs: Vec<VarBind>) -> PyResult<Vec<Py<PyVarBind>>> {
    let mut text = OidText::default();
    vbs.into_iter()
        .map(|vb| PyVarBind::make(py, vb, &mut text))
        .collect()
}

#[pymethods]
impl PyVarBind {
    /// The OID, numeric, without a leading dot.
    #[getter]
    fn oid(&self, py: Python<'_>) -> Py<PyString> {
        self.oid.clone_ref(py)
    }

    /// The OID as net-snmp names it: `SNMPv2-MIB::sysDescr.0`.
    #[getter]
    fn name(&self) -> String {
        crate::mib().format_oid(&self.inner.oid, OidStyle::Module, false)
    }

    /// The ASN.1 type name: `INTEGER`, `OCTET STRING`, `Counter64`, `Timeticks`, ... or the
    /// exception (`noSuchObject`, `noSuchInstance`, `endOfMibView`).
    #[getter]
    fn r#type(&self) -> &'static str {
        asn1_type(&self.inner.value)
    }

    /// The typed value.
    #[getter]
    fn value(&self, py: Python<'_>) -> Py<PyAny> {
        self.value.clone_ref(py)
    }

    /// The value as net-snmp prints it with the MIB's hint or enumeration label.
    #[getter]
    fn text(&self) -> String {
        value_text(&self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let value = self.value.bind(py).repr()?;
        Ok(format!(
            "VarBind(oid='{}', name='{}', type='{}', value={})",
            self.oid.bind(py),
            self.name(),
            self.r#type(),
            value
        ))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyVarBind>() {
            Ok(o) => o.get().inner == self.inner,
            Err(_) => false,
        }
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.inner.oid.hash(&mut h);
        h.finish()
    }
}

/// An awaitable that is already done: what an async iterator's `__anext__` returns when the
/// next item is already in Python's hands (the rest of a page), so that item costs no trip
/// through the event loop.
#[pyclass(module = "snmpkit")]
pub struct Ready {
    value: Option<Py<PyAny>>,
}

impl Ready {
    pub(crate) fn new(value: Py<PyAny>) -> Ready {
        Ready { value: Some(value) }
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v = self.value.take().unwrap_or_else(|| py.None());
        Err(PyStopIteration::new_err((v,)))
    }
}
