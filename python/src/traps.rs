//! `snmpkit.TrapReceiver` and `snmpkit.Notification`: the library's notification receiver,
//! iterable from Python (sync) and with `async for`.

use crate::convert::{page_to_py, PyVarBind, Ready};
use crate::errors::{snmp_error, timeout_error};
use crate::{async_rt, mib};
use pyo3::exceptions::{PyStopAsyncIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use snmpkit::format::{write_notification_json, OutputOptions};
use snmpkit::mib::OidStyle;
use snmpkit::notify::conf::{parse_hex, TrapdConfig};
use snmpkit::notify::{
    ListenAddr, LocalEngine, Notification, Receiver, ReceiverConfig, Sender, V3User,
};
use snmpkit::usm::{AuthProtocol, PrivProtocol};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// At most this many notifications are taken from the receiver per wake-up: a burst reaches
/// Python in batches, not one runtime round trip per trap.
const BATCH: usize = 1024;

/// How long a blocking wait runs before Python gets a chance to handle a signal (Ctrl-C).
const SIGNAL_SLICE: Duration = Duration::from_millis(200);

fn value_error(m: String) -> PyErr {
    PyValueError::new_err(m)
}

/// One `users=[dict(...)]` entry as a receiver user.
fn user_of(d: &Bound<'_, PyAny>) -> PyResult<V3User> {
    let d = d.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err("users are dicts: dict(user=..., auth_protocol=..., ...)")
    })?;
    let get = |k: &str| -> PyResult<Option<String>> {
        match d.get_item(k)? {
            Some(v) if !v.is_none() => Ok(Some(v.extract::<String>()?)),
            _ => Ok(None),
        }
    };
    for k in d.keys() {
        let k: String = k.extract()?;
        if !matches!(
            k.as_str(),
            "user"
                | "auth_protocol"
                | "auth_password"
                | "priv_protocol"
                | "priv_password"
                | "engine_id"
        ) {
            return Err(value_error(format!("unknown user key {k:?}")));
        }
    }
    let name = get("user")?.ok_or_else(|| value_error("a user needs user=...".into()))?;
    let auth_pw = get("auth_password")?;
    let priv_pw = get("priv_password")?;
    let auth = match (&auth_pw, get("auth_protocol")?) {
        (Some(pw), p) => {
            let p: AuthProtocol = p
                .as_deref()
                .unwrap_or("MD5")
                .parse()
                .map_err(|e| value_error(format!("{e}")))?;
            Some((p, pw.as_bytes()))
        }
        (None, Some(_)) => {
            return Err(value_error(format!(
                "user {name:?}: auth_protocol without auth_password"
            )))
        }
        (None, None) => None,
    };
    let privacy = match (&priv_pw, get("priv_protocol")?) {
        (Some(pw), p) => {
            let p: PrivProtocol = p
                .as_deref()
                .unwrap_or("DES")
                .parse()
                .map_err(|e| value_error(format!("{e}")))?;
            Some((p, pw.as_bytes()))
        }
        (None, Some(_)) => {
            return Err(value_error(format!(
                "user {name:?}: priv_protocol without priv_password"
            )))
        }
        (None, None) => None,
    };
    let engine_id =
        match d.get_item("engine_id")? {
            Some(v) if !v.is_none() => {
                if let Ok(b) = v.extract::<Vec<u8>>() {
                    if v.is_instance_of::<PyString>() {
                        let s: String = v.extract()?;
                        Some(parse_hex(&s).ok_or_else(|| {
                            value_error(format!("bad engine_id {s:?}: expected hex"))
                        })?)
                    } else {
                        Some(b)
                    }
                } else {
                    return Err(value_error("engine_id is hex text or bytes".into()));
                }
            }
            _ => None,
        };
    V3User::new(&name, engine_id, auth, privacy)
        .map_err(|e| value_error(format!("user {name:?}: {e}")))
}

/// Addresses: one string or a list of them, in snmptrapd's syntax.
fn addresses(a: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = a.extract::<String>() {
        return Ok(vec![s]);
    }
    a.extract::<Vec<String>>()
        .map_err(|_| PyTypeError::new_err("address is a string or a list of strings"))
}

/// A notification receiver. `for n in rx`, `rx.recv(timeout=...)` and `async for n in rx`
/// all take from the same queue. Informs are acknowledged on receipt.
#[pyclass(module = "snmpkit")]
pub struct TrapReceiver {
    rx: Arc<tokio::sync::Mutex<Option<Receiver>>>,
    ready: Arc<Mutex<VecDeque<Notification>>>,
    addrs: Vec<String>,
}

/// Takes up to [`BATCH`] more that are already waiting.
fn drain(rx: &mut Receiver, into: &mut VecDeque<Notification>) {
    for _ in 1..BATCH {
        match rx.try_recv() {
            Some(n) => into.push_back(n),
            None => break,
        }
    }
}

impl TrapReceiver {
    /// Waits up to `wait` for the next notification (with the GIL released). `Ok(None)` when
    /// the time ran out; `Err` when the receiver is closed.
    fn wait(&self, py: Python<'_>, wait: Duration) -> PyResult<Option<Notification>> {
        if let Some(n) = self.ready.lock().ok().and_then(|mut r| r.pop_front()) {
            return Ok(Some(n));
        }
        let rx = Arc::clone(&self.rx);
        let ready = Arc::clone(&self.ready);
        py.detach(|| {
            async_rt().block_on(async move {
                let mut g = rx.lock().await;
                let Some(r) = g.as_mut() else {
                    return Err(());
                };
                match tokio::time::timeout(wait, r.recv()).await {
                    Err(_) => Ok(None),
                    Ok(None) => Err(()),
                    Ok(Some(n)) => {
                        if let Ok(mut q) = ready.lock() {
                            drain(r, &mut q);
                        }
                        Ok(Some(n))
                    }
                }
            })
        })
        .map_err(|()| snmp_error("the receiver is closed".into()))
    }
}

#[pymethods]
impl TrapReceiver {
    #[new]
    #[pyo3(signature = (address=None, *, community=None, users=None, config=None))]
    fn new(
        py: Python<'_>,
        address: Option<&Bound<'_, PyAny>>,
        community: Option<&Bound<'_, PyAny>>,
        users: Option<&Bound<'_, PyList>>,
        config: Option<std::path::PathBuf>,
    ) -> PyResult<TrapReceiver> {
        let conf = match &config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| value_error(format!("cannot read {}: {e}", path.display())))?;
                let conf = TrapdConfig::parse(&text);
                let warnings = py.import("warnings")?;
                for w in &conf.warnings {
                    warnings.call_method1("warn", (format!("{}: {w}", path.display()),))?;
                }
                conf
            }
            None => TrapdConfig::default(),
        };
        let mut v3 = Vec::new();
        for u in &conf.users {
            let auth = u.auth.as_ref().map(|(p, s)| (*p, s.as_bytes()));
            let privacy = u.privacy.as_ref().map(|(p, s)| (*p, s.as_bytes()));
            v3.push(
                V3User::new(&u.name, u.engine_id.clone(), auth, privacy)
                    .map_err(|e| value_error(format!("user {:?}: {e}", u.name)))?,
            );
        }
        if let Some(list) = users {
            for u in list.iter() {
                v3.push(user_of(&u)?);
            }
        }
        let mut communities: Vec<Vec<u8>> = match community {
            None => Vec::new(),
            Some(c) => {
                if let Ok(s) = c.extract::<String>() {
                    vec![s.into_bytes()]
                } else {
                    c.extract::<Vec<String>>()
                        .map_err(|_| {
                            PyTypeError::new_err("community is a string or a list of strings")
                        })?
                        .into_iter()
                        .map(String::into_bytes)
                        .collect()
                }
            }
        };
        let explicit = !communities.is_empty();
        communities.extend(conf.communities.iter().map(|c| c.as_bytes().to_vec()));
        if conf.disable_authorization && !explicit {
            communities.clear();
        }
        let specs = match address {
            Some(a) => addresses(a)?,
            None if !conf.listen.is_empty() => conf.listen.clone(),
            None => vec!["udp:127.0.0.1:162".into()],
        };
        let engine = (!v3.is_empty()).then(LocalEngine::generate);
        let rx = py
            .detach(|| {
                async_rt().block_on(async move {
                    let mut listen = Vec::new();
                    for s in &specs {
                        let a = ListenAddr::parse(s).map_err(|e| e.to_string())?;
                        listen.push(a.resolve().await.map_err(|e| e.to_string())?);
                    }
                    let mut rc = ReceiverConfig::default();
                    rc.listen = listen;
                    rc.communities = communities;
                    rc.users = v3;
                    rc.engine = engine;
                    Receiver::bind(rc).await.map_err(|e| e.to_string())
                })
            })
            .map_err(snmp_error)?;
        let addrs = rx.local_addrs().iter().map(|a| a.to_string()).collect();
        Ok(TrapReceiver {
            rx: Arc::new(tokio::sync::Mutex::new(Some(rx))),
            ready: Arc::new(Mutex::new(VecDeque::new())),
            addrs,
        })
    }

    /// The addresses listened on (`127.0.0.1:1162`), with the ports the OS chose for port 0.
    #[getter]
    fn addresses(&self) -> Vec<String> {
        self.addrs.clone()
    }

    /// The next notification, waiting at most `timeout` seconds (forever when None);
    /// `snmpkit.TimeoutError` when none came.
    #[pyo3(signature = (timeout=None))]
    fn recv(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<PyNotification> {
        let deadline = match timeout {
            Some(t) if t.is_finite() && t >= 0.0 => {
                Some(Instant::now() + Duration::from_secs_f64(t))
            }
            Some(t) => return Err(value_error(format!("timeout must be >= 0, not {t}"))),
            None => None,
        };
        loop {
            let slice = match deadline {
                Some(d) => d
                    .saturating_duration_since(Instant::now())
                    .min(SIGNAL_SLICE),
                None => SIGNAL_SLICE,
            };
            if let Some(n) = self.wait(py, slice)? {
                return Ok(PyNotification { n });
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(timeout_error("No notification received".into()));
            }
            py.check_signals()?;
        }
    }

    /// Counters: received, delivered, dropped (by reason), kernel drops.
    fn stats(&self, py: Python<'_>) -> PyResult<Py<PyDict>> {
        let rx = Arc::clone(&self.rx);
        let s = py.detach(|| {
            async_rt().block_on(async move { rx.lock().await.as_ref().map(|r| r.stats()) })
        });
        let d = PyDict::new(py);
        if let Some(s) = s {
            d.set_item("received", s.received)?;
            d.set_item("delivered", s.delivered)?;
            d.set_item("informs_acknowledged", s.informs_acknowledged)?;
            d.set_item("dropped", s.dropped_total())?;
            d.set_item("kernel_drops", s.kernel_drops)?;
            let reasons = PyDict::new(py);
            for (r, n) in s.drops() {
                reasons.set_item(r.as_str(), n)?;
            }
            d.set_item("dropped_by_reason", reasons)?;
        }
        Ok(d.unbind())
    }

    /// Stops listening.
    fn close(&self, py: Python<'_>) {
        let rx = Arc::clone(&self.rx);
        py.detach(|| async_rt().block_on(async move { rx.lock().await.take() }));
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyNotification>> {
        loop {
            match self.wait(py, SIGNAL_SLICE) {
                Ok(Some(n)) => return Ok(Some(PyNotification { n })),
                Ok(None) => py.check_signals()?,
                // Closed: the iteration ends.
                Err(_) => return Ok(None),
            }
        }
    }

    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(n) = self.ready.lock().ok().and_then(|mut r| r.pop_front()) {
            let obj = Py::new(py, PyNotification { n })?;
            return Ok(Ready::new(obj.into_any()).into_pyobject(py)?.into_any());
        }
        let rx = Arc::clone(&self.rx);
        let ready = Arc::clone(&self.ready);
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let mut g = rx.lock().await;
            if let Some(n) = ready.lock().ok().and_then(|mut r| r.pop_front()) {
                return Ok(PyNotification { n });
            }
            let Some(r) = g.as_mut() else {
                return Err(PyStopAsyncIteration::new_err(()));
            };
            match r.recv().await {
                None => Err(PyStopAsyncIteration::new_err(())),
                Some(n) => {
                    if let Ok(mut q) = ready.lock() {
                        drain(r, &mut q);
                    }
                    Ok(PyNotification { n })
                }
            }
        })
    }

    fn __repr__(&self) -> String {
        format!("TrapReceiver({:?})", self.addrs)
    }
}

/// One received notification, decoded and authorised.
#[pyclass(frozen, module = "snmpkit", name = "Notification")]
pub struct PyNotification {
    n: Notification,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[pymethods]
impl PyNotification {
    /// The sender's address, `HOST:PORT`.
    #[getter]
    fn source(&self) -> String {
        self.n.source.to_string()
    }

    /// `1`, `2c` or `3`.
    #[getter]
    fn version(&self) -> &'static str {
        self.n.version.as_str()
    }

    /// `TrapV1`, `TrapV2` or `Inform`.
    #[getter]
    fn pdu(&self) -> &'static str {
        self.n.kind.as_str()
    }

    /// The community (v1/v2c), else None.
    #[getter]
    fn community(&self) -> Option<String> {
        self.n.community().map(lossy)
    }

    /// The v3 user, else None.
    #[getter]
    fn user(&self) -> Option<String> {
        match &self.n.sender {
            Sender::Usm { user, .. } => Some(lossy(user)),
            _ => None,
        }
    }

    /// The v3 context name, else None.
    #[getter]
    fn context(&self) -> Option<String> {
        match &self.n.sender {
            Sender::Usm { context_name, .. } => Some(lossy(context_name)),
            _ => None,
        }
    }

    /// The v3 authoritative engine ID in hex (the sender's for traps), else None.
    #[getter]
    fn engine_id(&self) -> Option<String> {
        match &self.n.sender {
            Sender::Usm { engine_id, .. } => Some(snmpkit::hex::encode(engine_id)),
            _ => None,
        }
    }

    /// snmpTrapOID.0, numeric without a leading dot.
    #[getter]
    fn trap_oid(&self) -> Option<String> {
        self.n.trap_oid.as_ref().map(|o| o.to_string())
    }

    /// The trap's name from the MIB (`IF-MIB::linkDown`), else None.
    #[getter]
    fn trap_name(&self) -> Option<String> {
        let oid = self.n.trap_oid.as_ref()?;
        let node = mib().lookup(oid)?;
        (!node.module().is_empty()).then(|| mib().format_oid(oid, OidStyle::Module, false))
    }

    /// sysUpTime.0 in hundredths of a second, else None.
    #[getter]
    fn uptime(&self) -> Option<u32> {
        self.n.uptime
    }

    /// Every varbind, sysUpTime.0 and snmpTrapOID.0 included, as `listen` prints them.
    #[getter]
    fn varbinds(&self, py: Python<'_>) -> PyResult<Vec<Py<PyVarBind>>> {
        page_to_py(py, self.n.varbinds.clone())
    }

    /// The object `snmpkit listen --json` prints for this notification, as a dict.
    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut s = String::new();
        write_notification_json(&self.n, &OutputOptions::default(), mib(), &mut s);
        Ok(py.import("json")?.call_method1("loads", (s,))?.unbind())
    }

    fn __repr__(&self) -> String {
        format!(
            "Notification(source='{}', version='{}', pdu='{}', trap_oid={})",
            self.source(),
            self.version(),
            self.pdu(),
            self.trap_name()
                .or_else(|| self.trap_oid())
                .map(|t| format!("'{t}'"))
                .unwrap_or_else(|| "None".into())
        )
    }
}
