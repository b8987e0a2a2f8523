//! `snmpkit.Session` and `snmpkit.AsyncSession`: one constructor, one set of methods; the
//! first waits with the GIL released, the second returns awaitables.

use crate::convert::{page_to_py, value_to_py, PyVarBind, Ready};
use crate::errors::{snmp_error, to_py};
use crate::{async_rt, mib, parse_oid, sync_rt};
use pyo3::exceptions::{PyStopAsyncIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyMapping, PyString, PyTuple};
use snmpkit::client::{Repetitions, TableOptions, TableSpec, Walk, WalkOptions};
use snmpkit::format::parse_value;
use snmpkit::usm::{AuthProtocol, Credentials, PrivProtocol, SecurityLevel};
use snmpkit::{Client, ClientOptions, Oid, Security, VarBind};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the constructor was given, checked.
struct Target {
    agent: String,
    security: Security,
    options: ClientOptions,
}

#[allow(clippy::too_many_arguments)]
fn target(
    target: &str,
    version: &str,
    community: Option<&str>,
    user: Option<&str>,
    auth_protocol: Option<&str>,
    auth_password: Option<&str>,
    priv_protocol: Option<&str>,
    priv_password: Option<&str>,
    security_level: Option<&str>,
    context: Option<&str>,
    timeout: f64,
    retries: u32,
) -> PyResult<Target> {
    let value_error = |m: String| PyValueError::new_err(m);
    let security = match version {
        "1" | "2c" | "v1" | "v2c" => {
            let community = community
                .ok_or_else(|| value_error("No community name specified (community=...)".into()))?;
            if version.ends_with('1') {
                Security::v1(community)
            } else {
                Security::v2c(community)
            }
        }
        "3" | "v3" => {
            let user =
                user.ok_or_else(|| value_error("No securityName specified (user=...)".into()))?;
            let mut creds = Credentials::new(user);
            match (auth_protocol, auth_password) {
                (Some(p), Some(pw)) => {
                    let p: AuthProtocol = p.parse().map_err(|e| value_error(format!("{e}")))?;
                    creds = creds.auth(p, pw);
                }
                (None, Some(pw)) => creds = creds.auth(AuthProtocol::Md5, pw),
                (Some(_), None) => {
                    return Err(value_error(
                        "Missing auth_password for an auth_protocol".into(),
                    ))
                }
                (None, None) => {}
            }
            match (priv_protocol, priv_password) {
                (Some(p), Some(pw)) => {
                    let p: PrivProtocol = p.parse().map_err(|e| value_error(format!("{e}")))?;
                    creds = creds.privacy(p, pw);
                }
                (None, Some(pw)) => creds = creds.privacy(PrivProtocol::Des, pw),
                (Some(_), None) => {
                    return Err(value_error(
                        "Missing priv_password for a priv_protocol".into(),
                    ))
                }
                (None, None) => {}
            }
            creds.validate().map_err(|e| value_error(e.to_string()))?;
            let mut v3 = snmpkit::client::V3Security::new(creds);
            if let Some(l) = security_level {
                let level: SecurityLevel = l.parse().map_err(|e| value_error(format!("{e}")))?;
                if level > v3.level {
                    return Err(value_error(format!(
                        "security_level {l} needs {} credentials",
                        if level == SecurityLevel::AuthPriv {
                            "auth and priv"
                        } else {
                            "auth"
                        }
                    )));
                }
                v3.level = level;
            }
            if let Some(c) = context {
                v3.context_name = c.as_bytes().to_vec();
            }
            Security::Usm(Box::new(v3))
        }
        other => {
            return Err(value_error(format!(
                "Invalid version specified after -v flag: {other}"
            )))
        }
    };
    if !(timeout.is_finite() && timeout > 0.0) {
        return Err(value_error(format!(
            "timeout must be positive, not {timeout}"
        )));
    }
    let options = ClientOptions::builder()
        .timeout(Duration::from_secs_f64(timeout))
        .retries(retries)
        .build();
    Ok(Target {
        agent: target.to_string(),
        security,
        options,
    })
}

/// The OIDs of `*oids`: names or numbers.
fn oids_of(args: &Bound<'_, PyTuple>) -> PyResult<Vec<Oid>> {
    args.iter()
        .map(|a| {
            let s = a.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err("OIDs are strings: 'sysDescr.0', '1.3.6.1.2.1.1.1.0'")
            })?;
            parse_oid(&s.to_cow()?)
        })
        .collect()
}

/// The varbinds of `set(*triples)` or `set(mapping)`, read and checked as snmpset reads
/// `OID TYPE VALUE` (a mapping's values take their type from the MIB, `=`).
fn set_varbinds(args: &Bound<'_, PyTuple>) -> PyResult<Vec<VarBind>> {
    let m = mib();
    let one = |name: &str, letter: &str, text: &str| -> PyResult<VarBind> {
        let oid = parse_oid(name)?;
        let value = parse_value(m, &oid, letter, text)
            .map_err(|e| PyValueError::new_err(format!("{name}: {e}")))?;
        Ok(VarBind::new(oid, value))
    };
    if args.len() == 1 {
        let first = args.get_item(0)?;
        if let Ok(map) = first.cast::<PyMapping>() {
            let mut out = Vec::new();
            for item in map.items()?.iter() {
                let (k, v): (String, Bound<'_, PyAny>) = item.extract()?;
                let vb = if let Ok(b) = v.cast::<PyBytes>() {
                    one(&k, "x", &snmpkit::hex::encode(b.as_bytes()))?
                } else {
                    one(&k, "=", &v.str()?.to_string())?
                };
                out.push(vb);
            }
            return Ok(out);
        }
    }
    let mut out = Vec::new();
    for a in args.iter() {
        let (name, letter, value): (String, String, Bound<'_, PyAny>) =
            a.extract().map_err(|_| {
                PyTypeError::new_err("set() takes (OID, TYPE, VALUE) triples or one mapping")
            })?;
        let text = match value.cast::<PyBytes>() {
            Ok(b) if letter == "x" => snmpkit::hex::encode(b.as_bytes()),
            Ok(b) => String::from_utf8_lossy(b.as_bytes()).into_owned(),
            Err(_) => value.str()?.to_string(),
        };
        out.push(one(&name, &letter, &text)?);
    }
    Ok(out)
}

/// A table's rows as dicts: column name to value, plus `"index"` as `snmptable -Ci` prints it.
fn table_to_py(py: Python<'_>, table: &snmpkit::client::Table) -> PyResult<Py<PyList>> {
    let names: Vec<Bound<'_, PyString>> = table
        .columns()
        .iter()
        .map(|c| PyString::new(py, c.name()))
        .collect();
    let index_key = PyString::new(py, "index");
    let rows = PyList::empty(py);
    for row in table.rows() {
        let d = PyDict::new(py);
        d.set_item(&index_key, row.index().display(false))?;
        for (name, cell) in names.iter().zip(row.cells()) {
            if let Some(v) = cell {
                d.set_item(name, value_to_py(py, v))?;
            }
        }
        rows.append(d)?;
    }
    Ok(rows.unbind())
}

fn table_spec(oid: &str) -> PyResult<TableSpec> {
    let o = parse_oid(oid)?;
    TableSpec::from_mib(mib(), &o).map_err(|e| PyValueError::new_err(format!("{oid}: {e}")))
}

fn walk_of(client: &Client, root: Oid, bulk: Option<Option<u32>>) -> Walk {
    let opts = WalkOptions {
        bulk: bulk.map(|reps| {
            (
                0,
                match reps {
                    Some(n) => Repetitions::Fixed(n.max(1)),
                    None => Repetitions::Adaptive,
                },
            )
        }),
        ..WalkOptions::default()
    };
    // The next request goes out as soon as a response is in, while Python takes the page.
    Walk::new(client.clone(), root, opts).prefetch(true)
}

/// Holds the client; `None` once the session is closed.
struct Handle(Mutex<Option<Client>>);

impl Handle {
    fn get(&self) -> PyResult<Client> {
        self.0
            .lock()
            .map_err(|_| snmp_error("session lock poisoned".into()))?
            .clone()
            .ok_or_else(|| snmp_error("the session is closed".into()))
    }

    fn close(&self) {
        if let Ok(mut g) = self.0.lock() {
            g.take();
        }
    }
}

/// Runs `fut` on the synchronous runtime with the GIL released.
fn block<F>(py: Python<'_>, fut: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    py.detach(|| sync_rt().block_on(fut))
}

/// A synchronous SNMP session with one agent. Every method waits with the GIL released.
#[pyclass(module = "snmpkit")]
pub struct Session {
    client: Handle,
}

#[pymethods]
impl Session {
    #[new]
    #[pyo3(signature = (target, *, version="2c", community=None, user=None, auth_protocol=None,
         auth_password=None, priv_protocol=None, priv_password=None, security_level=None,
         context=None, timeout=1.0, retries=5))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        target: &str,
        version: &str,
        community: Option<&str>,
        user: Option<&str>,
        auth_protocol: Option<&str>,
        auth_password: Option<&str>,
        priv_protocol: Option<&str>,
        priv_password: Option<&str>,
        security_level: Option<&str>,
        context: Option<&str>,
        timeout: f64,
        retries: u32,
    ) -> PyResult<Session> {
        let t = self::target(
            target,
            version,
            community,
            user,
            auth_protocol,
            auth_password,
            priv_protocol,
            priv_password,
            security_level,
            context,
            timeout,
            retries,
        )?;
        let client = block(py, Client::connect(&t.agent, t.security, t.options)).map_err(to_py)?;
        Ok(Session {
            client: Handle(Mutex::new(Some(client))),
        })
    }

    /// Get: `list[VarBind]` for the OIDs.
    #[pyo3(signature = (*oids))]
    fn get(&self, py: Python<'_>, oids: &Bound<'_, PyTuple>) -> PyResult<Vec<Py<PyVarBind>>> {
        let oids = oids_of(oids)?;
        let c = self.client.get()?;
        let r = block(py, async move { c.get(&oids).await }).map_err(to_py)?;
        page_to_py(py, r)
    }

    /// GetNext: `list[VarBind]`, the instance after each OID.
    #[pyo3(signature = (*oids))]
    fn get_next(&self, py: Python<'_>, oids: &Bound<'_, PyTuple>) -> PyResult<Vec<Py<PyVarBind>>> {
        let oids = oids_of(oids)?;
        let c = self.client.get()?;
        let r = block(py, async move { c.get_next(&oids).await }).map_err(to_py)?;
        page_to_py(py, r)
    }

    /// GetBulk: `list[VarBind]`.
    #[pyo3(signature = (*oids, non_repeaters=0, max_repetitions=10))]
    fn get_bulk(
        &self,
        py: Python<'_>,
        oids: &Bound<'_, PyTuple>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> PyResult<Vec<Py<PyVarBind>>> {
        let oids = oids_of(oids)?;
        let c = self.client.get()?;
        let r = block(py, async move {
            c.get_bulk(non_repeaters, max_repetitions, &oids).await
        })
        .map_err(to_py)?;
        page_to_py(py, r)
    }

    /// Set: `set(("sysName.0", "s", "x"), ...)` with net-snmp's type letters, or
    /// `set({"sysName.0": "x"})` with the type from the MIB. Returns the response's varbinds.
    #[pyo3(signature = (*args))]
    fn set(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Vec<Py<PyVarBind>>> {
        let vbs = set_varbinds(args)?;
        let c = self.client.get()?;
        let r = block(py, async move { c.set(&vbs).await }).map_err(to_py)?;
        page_to_py(py, r)
    }

    /// A GetNext walk of the subtree: an iterator of VarBind.
    fn walk(&self, oid: &str) -> PyResult<WalkIter> {
        let root = parse_oid(oid)?;
        Ok(WalkIter::new(walk_of(&self.client.get()?, root, None)))
    }

    /// A GetBulk walk of the subtree: an iterator of VarBind. Without `max_repetitions` each
    /// request is sized to the agent (snmpkit's adaptive GetBulk).
    #[pyo3(signature = (oid, max_repetitions=None))]
    fn bulkwalk(&self, oid: &str, max_repetitions: Option<u32>) -> PyResult<WalkIter> {
        let root = parse_oid(oid)?;
        Ok(WalkIter::new(walk_of(
            &self.client.get()?,
            root,
            Some(max_repetitions),
        )))
    }

    /// A conceptual table: `list[dict]`, one per row, column names to values plus `"index"`.
    fn table(&self, py: Python<'_>, oid: &str) -> PyResult<Py<PyList>> {
        let spec = table_spec(oid)?;
        let c = self.client.get()?;
        let t = block(
            py,
            async move { c.table(&spec, &TableOptions::new()).await },
        )
        .map_err(to_py)?;
        table_to_py(py, &t)
    }

    /// Closes the session (its socket goes when no walk holds it).
    fn close(&self) {
        self.client.close();
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, PyTuple>) -> bool {
        self.client.close();
        false
    }

    fn __repr__(&self) -> String {
        match self.client.get() {
            Ok(c) => format!(
                "Session({:?}, version={:?})",
                c.peer_name(),
                c.version().as_str()
            ),
            Err(_) => "Session(closed)".into(),
        }
    }
}

/// A walk as a Python iterator: each response is turned into Python objects at once, and
/// handed out one by one.
#[pyclass(module = "snmpkit")]
pub struct WalkIter {
    walk: Mutex<Option<Walk>>,
    page: VecDeque<Py<PyVarBind>>,
}

impl WalkIter {
    fn new(walk: Walk) -> WalkIter {
        WalkIter {
            walk: Mutex::new(Some(walk)),
            page: VecDeque::new(),
        }
    }
}

#[pymethods]
impl WalkIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyVarBind>>> {
        if let Some(vb) = self.page.pop_front() {
            return Ok(Some(vb));
        }
        let slot = self
            .walk
            .get_mut()
            .map_err(|_| snmp_error("walk lock poisoned".into()))?;
        let Some(walk) = slot.as_mut() else {
            return Ok(None);
        };
        match block(py, walk.next_chunk()) {
            None => {
                *slot = None;
                Ok(None)
            }
            Some(Err(e)) => {
                *slot = None;
                Err(to_py(e))
            }
            Some(Ok(vbs)) => {
                self.page.extend(page_to_py(py, vbs)?);
                Ok(self.page.pop_front())
            }
        }
    }
}

/// The same session for asyncio: every method returns an awaitable, and many requests can be
/// in flight at once on one session.
#[pyclass(module = "snmpkit")]
pub struct AsyncSession {
    client: Handle,
}

/// `future_into_py` on the async runtime.
fn spawn<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, fut)
}

fn varbinds_future(r: snmpkit::Result<Vec<VarBind>>) -> PyResult<Py<PyAny>> {
    let vbs = r.map_err(to_py)?;
    Python::attach(|py| {
        let list = PyList::new(py, page_to_py(py, vbs)?)?;
        Ok(list.into_any().unbind())
    })
}

#[pymethods]
impl AsyncSession {
    #[new]
    #[pyo3(signature = (target, *, version="2c", community=None, user=None, auth_protocol=None,
         auth_password=None, priv_protocol=None, priv_password=None, security_level=None,
         context=None, timeout=1.0, retries=5))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        target: &str,
        version: &str,
        community: Option<&str>,
        user: Option<&str>,
        auth_protocol: Option<&str>,
        auth_password: Option<&str>,
        priv_protocol: Option<&str>,
        priv_password: Option<&str>,
        security_level: Option<&str>,
        context: Option<&str>,
        timeout: f64,
        retries: u32,
    ) -> PyResult<AsyncSession> {
        let t = self::target(
            target,
            version,
            community,
            user,
            auth_protocol,
            auth_password,
            priv_protocol,
            priv_password,
            security_level,
            context,
            timeout,
            retries,
        )?;
        // Made on the async runtime, so the transport's receive task runs on its workers.
        let client = py
            .detach(|| async_rt().block_on(Client::connect(&t.agent, t.security, t.options)))
            .map_err(to_py)?;
        Ok(AsyncSession {
            client: Handle(Mutex::new(Some(client))),
        })
    }

    /// Get: awaits `list[VarBind]`.
    #[pyo3(signature = (*oids))]
    fn get<'py>(&self, py: Python<'py>, oids: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        let oids = oids_of(oids)?;
        let c = self.client.get()?;
        spawn(py, async move { varbinds_future(c.get(&oids).await) })
    }

    /// GetNext: awaits `list[VarBind]`.
    #[pyo3(signature = (*oids))]
    fn get_next<'py>(
        &self,
        py: Python<'py>,
        oids: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let oids = oids_of(oids)?;
        let c = self.client.get()?;
        spawn(py, async move { varbinds_future(c.get_next(&oids).await) })
    }

    /// GetBulk: awaits `list[VarBind]`.
    #[pyo3(signature = (*oids, non_repeaters=0, max_repetitions=10))]
    fn get_bulk<'py>(
        &self,
        py: Python<'py>,
        oids: &Bound<'py, PyTuple>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let oids = oids_of(oids)?;
        let c = self.client.get()?;
        spawn(py, async move {
            varbinds_future(c.get_bulk(non_repeaters, max_repetitions, &oids).await)
        })
    }

    /// Set, as `Session.set`: awaits the response's varbinds.
    #[pyo3(signature = (*args))]
    fn set<'py>(&self, py: Python<'py>, args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        let vbs = set_varbinds(args)?;
        let c = self.client.get()?;
        spawn(py, async move { varbinds_future(c.set(&vbs).await) })
    }

    /// A GetNext walk: an async iterator of VarBind.
    fn walk(&self, oid: &str) -> PyResult<AsyncWalkIter> {
        let root = parse_oid(oid)?;
        Ok(AsyncWalkIter::new(walk_of(&self.client.get()?, root, None)))
    }

    /// A GetBulk walk (adaptive size unless `max_repetitions`): an async iterator of VarBind.
    #[pyo3(signature = (oid, max_repetitions=None))]
    fn bulkwalk(&self, oid: &str, max_repetitions: Option<u32>) -> PyResult<AsyncWalkIter> {
        let root = parse_oid(oid)?;
        Ok(AsyncWalkIter::new(walk_of(
            &self.client.get()?,
            root,
            Some(max_repetitions),
        )))
    }

    /// A conceptual table: awaits `list[dict]`.
    fn table<'py>(&self, py: Python<'py>, oid: &str) -> PyResult<Bound<'py, PyAny>> {
        let spec = table_spec(oid)?;
        let c = self.client.get()?;
        spawn(py, async move {
            let t = c.table(&spec, &TableOptions::new()).await.map_err(to_py)?;
            Python::attach(|py| table_to_py(py, &t))
        })
    }

    /// Closes the session.
    fn close(&self) {
        self.client.close();
    }

    fn __aenter__<'py>(slf: Py<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(Ready::new(slf.into_any()).into_pyobject(py)?.into_any())
    }

    #[pyo3(signature = (*_exc))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _exc: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.client.close();
        Ok(
            Ready::new(false.into_pyobject(py)?.to_owned().into_any().unbind())
                .into_pyobject(py)?
                .into_any(),
        )
    }

    fn __repr__(&self) -> String {
        match self.client.get() {
            Ok(c) => format!(
                "AsyncSession({:?}, version={:?})",
                c.peer_name(),
                c.version().as_str()
            ),
            Err(_) => "AsyncSession(closed)".into(),
        }
    }
}

/// What an async walk shares with the futures it hands to the event loop.
struct AsyncWalkState {
    walk: Option<Walk>,
}

/// A walk as an async iterator: a page is fetched on the async runtime, turned into Python
/// objects at once, and its varbinds are handed out without further trips to the runtime.
#[pyclass(module = "snmpkit")]
pub struct AsyncWalkIter {
    state: Arc<tokio::sync::Mutex<AsyncWalkState>>,
    page: Arc<Mutex<VecDeque<Py<PyVarBind>>>>,
}

impl AsyncWalkIter {
    fn new(walk: Walk) -> AsyncWalkIter {
        AsyncWalkIter {
            state: Arc::new(tokio::sync::Mutex::new(AsyncWalkState { walk: Some(walk) })),
            page: Arc::new(Mutex::new(VecDeque::new())),
        }
    }
}

#[pymethods]
impl AsyncWalkIter {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ready = self
            .page
            .lock()
            .map_err(|_| snmp_error("walk lock poisoned".into()))?
            .pop_front();
        if let Some(vb) = ready {
            return Ok(Ready::new(vb.into_any()).into_pyobject(py)?.into_any());
        }
        let state = Arc::clone(&self.state);
        let page = Arc::clone(&self.page);
        spawn(py, async move {
            let mut st = state.lock().await;
            // A page fetched by a concurrent __anext__ comes first.
            if let Some(vb) = page.lock().ok().and_then(|mut p| p.pop_front()) {
                return Ok(vb.into_any());
            }
            let Some(walk) = st.walk.as_mut() else {
                return Err(PyStopAsyncIteration::new_err(()));
            };
            match walk.next_chunk().await {
                None => {
                    st.walk = None;
                    Err(PyStopAsyncIteration::new_err(()))
                }
                Some(Err(e)) => {
                    st.walk = None;
                    Err(to_py(e))
                }
                Some(Ok(vbs)) => Python::attach(|py| {
                    let mut made = VecDeque::from(page_to_py(py, vbs)?);
                    let first = made.pop_front();
                    if let Ok(mut p) = page.lock() {
                        p.extend(made);
                    }
                    first
                        .map(|vb| vb.into_any())
                        .ok_or_else(|| PyStopAsyncIteration::new_err(()))
                }),
            }
        })
    }
}
