//! The scrape engine: fetches what a module asks for from one target.
//!
//! Unlike snmp_exporter, which walks a module's subtrees one after another, the walks run in
//! parallel (at most [`ScrapeOptions::walk_concurrency`] at once per target, shared by every
//! scrape of that target), over one shared [`Transport`]. A subtree that holds several of the
//! module's metric columns is walked column by column, so a wide table is fetched by as many
//! walks in parallel. GetBulk sizes itself ([`crate::client::Repetitions::Adaptive`]) unless the
//! module sets `max_repetitions`. Columns that serve only as lookups (ifDescr, ifName, ifAlias)
//! come from a per-target cache ([`LookupCache`]) while it is fresh.

use super::config::{auth_protocol, priv_protocol, Auth, Module};
use crate::client::{Client, ClientOptions, Repetitions, Security, V3Security, Walk, WalkOptions};
use crate::usm::Credentials;
use crate::{Oid, Transport, Value, VarBind};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// sysUpTime.0, fetched with every scrape that uses cached lookups: a value lower than the
/// cached one means the agent restarted and its indexes may have changed.
const SYS_UPTIME_0: Oid = Oid::from_static(&[1, 3, 6, 1, 2, 1, 1, 3, 0]);

/// The client security for an auth.
pub fn security(auth: &Auth) -> Security {
    match auth.version {
        1 => Security::v1(&auth.community),
        3 => {
            let mut c = Credentials::new(auth.username.as_bytes().to_vec());
            let (a, p) = match auth.security_level.as_str() {
                "authPriv" => (true, true),
                "authNoPriv" => (true, false),
                _ => (false, false),
            };
            if a {
                if let Some(proto) = auth_protocol(&auth.auth_protocol) {
                    c = c.auth(proto, &auth.password);
                }
            }
            if p {
                if let Some(proto) = priv_protocol(&auth.priv_protocol) {
                    c = c.privacy(proto, &auth.priv_password);
                }
            }
            let mut v3 = V3Security::new(c);
            v3.context_name = auth.context_name.as_bytes().to_vec();
            Security::Usm(Box::new(v3))
        }
        _ => Security::v2c(&auth.community),
    }
}

/// Settings of the engine.
#[derive(Clone, Debug)]
pub struct ScrapeOptions {
    /// Walks in flight at once per target (over all scrapes of it).
    pub walk_concurrency: usize,
    /// How long cached lookup columns are used; zero walks them every scrape.
    pub lookup_ttl: Duration,
}

impl Default for ScrapeOptions {
    fn default() -> Self {
        ScrapeOptions {
            walk_concurrency: 8,
            lookup_ttl: Duration::from_secs(300),
        }
    }
}

/// What one module's scrape fetched.
#[derive(Debug, Default)]
pub struct ScrapeResult {
    /// Every instance returned, gets first, then walks in the order planned; cached lookup
    /// columns are included.
    pub pdus: Vec<VarBind>,
    /// Requests answered.
    pub packets: u64,
    /// Retries (not counted by this engine: always 0).
    pub retries: u64,
    /// Time spent fetching.
    pub walk_duration: Duration,
    /// Instances that came from the lookup cache.
    pub cached: usize,
}

/// Why a scrape failed, in snmp_exporter's words plus the cause.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScrapeError(pub String);

struct CachedColumn {
    pdus: Arc<Vec<VarBind>>,
    fetched: Instant,
    uptime: Option<u32>,
}

/// Lookup columns by target, credentials and column OID, shared by every scrape.
#[derive(Default)]
pub struct LookupCache {
    map: Mutex<HashMap<(String, String, Oid), CachedColumn>>,
}

/// At most this many columns are cached; beyond it the cache is emptied (a bounded memory, at
/// the price of one uncached scrape per target).
const MAX_CACHED_COLUMNS: usize = 100_000;

impl LookupCache {
    fn get(
        &self,
        key: &(String, String, Oid),
        ttl: Duration,
    ) -> Option<(Arc<Vec<VarBind>>, Option<u32>)> {
        let map = self.map.lock().ok()?;
        let c = map.get(key)?;
        (c.fetched.elapsed() < ttl).then(|| (c.pdus.clone(), c.uptime))
    }

    fn put(&self, key: (String, String, Oid), pdus: Arc<Vec<VarBind>>, uptime: Option<u32>) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_CACHED_COLUMNS {
                map.clear();
            }
            map.insert(
                key,
                CachedColumn {
                    pdus,
                    fetched: Instant::now(),
                    uptime,
                },
            );
        }
    }

    /// Forgets every column of `target`.
    pub fn forget(&self, target: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.retain(|k, _| k.0 != target);
        }
    }
}

/// The engine: a transport, per-target walk limits and the lookup cache.
pub struct Scraper {
    transport: Transport,
    options: ScrapeOptions,
    limits: Mutex<HashMap<String, Arc<Semaphore>>>,
    cache: LookupCache,
    /// Instances found under each configured subtree at the last scrape, by target.
    sizes: Mutex<HashMap<(String, Oid), usize>>,
}

/// What a walk root is for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Role {
    Walk,
    /// A column used only by lookups: may come from the cache.
    Lookup,
}

/// Normalises snmp_exporter's target forms (`host`, `host:port`, `udp://host:port`,
/// `[v6]:port`) to net-snmp's agent syntax.
pub fn agent_name(target: &str) -> Result<String, ScrapeError> {
    if let Some(rest) = target.strip_prefix("udp://") {
        return Ok(rest.to_string());
    }
    if let Some(rest) = target.strip_prefix("tcp://") {
        return Err(ScrapeError(format!(
            "error connecting to target {rest}: TCP targets are not supported"
        )));
    }
    Ok(target.to_string())
}

/// Below this many instances (seen at the last scrape of the target) a subtree is walked whole:
/// splitting a small table into columns costs a round trip per column for little parallelism.
const SPLIT_THRESHOLD: usize = 300;

/// The minimal walk plan: each configured subtree, or, where `split` says so, the needed
/// columns under it.
fn plan(module: &Module, split: impl Fn(&Oid) -> bool) -> Vec<(Oid, Role)> {
    let metric_oids: Vec<&Oid> = module.metrics.iter().map(|m| &m.oid).collect();
    let mut lookup_oids: BTreeSet<Oid> = BTreeSet::new();
    for m in &module.metrics {
        for l in &m.lookups {
            if let Ok(o) = l.oid.trim_start_matches('.').parse::<Oid>() {
                if !l.oid.is_empty() {
                    lookup_oids.insert(o);
                }
            }
        }
        // The type column before an InetAddress / LldpPortId value.
        if matches!(
            m.kind.as_str(),
            "InetAddress" | "InetAddressMissingSize" | "LldpPortId"
        ) {
            let mut prev = m.oid.arcs().to_vec();
            if let Some(last) = prev.last_mut() {
                *last = last.saturating_sub(1);
            }
            lookup_oids.insert(Oid::from_slice(&prev));
        }
    }
    let mut out = Vec::new();
    for root in &module.walk {
        // A metric at or above the root: the whole subtree is the metric's.
        if metric_oids.iter().any(|m| root.starts_with(m)) {
            out.push((root.clone(), Role::Walk));
            continue;
        }
        let mut needed: Vec<(Oid, Role)> = metric_oids
            .iter()
            .filter(|m| m.starts_with(root))
            .map(|m| ((*m).clone(), Role::Walk))
            .collect();
        for l in &lookup_oids {
            if l.starts_with(root)
                && !metric_oids
                    .iter()
                    .any(|m| l.starts_with(m) || m.starts_with(l))
            {
                needed.push((l.clone(), Role::Lookup));
            }
        }
        if needed.is_empty() || !split(root) {
            out.push((root.clone(), Role::Walk));
            continue;
        }
        needed.sort();
        needed.dedup_by(|b, a| b.0.starts_with(&a.0));
        out.extend(needed);
    }
    out
}

fn uptime_of(pdus: &[VarBind]) -> Option<u32> {
    pdus.iter()
        .find_map(|v| match (&v.value, v.oid == SYS_UPTIME_0) {
            (Value::TimeTicks(t), true) => Some(*t),
            _ => None,
        })
}

/// The instance suffixes below `column` in `pdus`.
fn suffixes<'a>(column: &Oid, pdus: impl Iterator<Item = &'a VarBind>) -> BTreeSet<Vec<u32>> {
    let n = column.len();
    pdus.filter(|v| v.oid.starts_with(column))
        .map(|v| v.oid.arcs()[n..].to_vec())
        .collect()
}

impl Scraper {
    /// An engine over `transport`.
    pub fn new(transport: Transport, options: ScrapeOptions) -> Scraper {
        Scraper {
            transport,
            options,
            limits: Mutex::new(HashMap::new()),
            cache: LookupCache::default(),
            sizes: Mutex::new(HashMap::new()),
        }
    }

    /// The lookup cache.
    pub fn cache(&self) -> &LookupCache {
        &self.cache
    }

    fn limit(&self, target: &str) -> Arc<Semaphore> {
        let mut map = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, s| Arc::strong_count(s) > 1);
        }
        map.entry(target.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.options.walk_concurrency.max(1))))
            .clone()
    }

    /// Scrapes one module from `target` with `auth`.
    pub async fn scrape(
        &self,
        target: &str,
        auth: &Auth,
        module: &Module,
    ) -> Result<ScrapeResult, ScrapeError> {
        let start = Instant::now();
        let agent = agent_name(target)?;
        let host = agent
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(&agent)
            .to_string();
        let mut builder = ClientOptions::builder()
            .timeout(module.params.timeout)
            .retries(module.params.retries);
        builder = match module.params.max_repetitions {
            Some(n) => builder.repetitions(Repetitions::fixed(n)),
            None => builder.repetitions(Repetitions::Adaptive),
        };
        let client = Client::connect_with(
            self.transport.clone(),
            &agent,
            security(auth),
            builder.build(),
        )
        .await
        .map_err(|e| ScrapeError(format!("error connecting to target {target}: {e}")))?;
        let cred = format!(
            "{}/{}/{}/{}",
            auth.version, auth.community, auth.username, auth.context_name
        );
        let limit = self.limit(&agent);
        let walk_opts = WalkOptions {
            bulk: (auth.version != 1).then_some((0, client.options().max_repetitions)),
            check_increasing: !module.params.allow_nonincreasing_oids,
            end: None,
        };
        let ttl = self.options.lookup_ttl;
        let mut roots = {
            let sizes = self.sizes.lock().unwrap_or_else(|e| e.into_inner());
            plan(module, |root| {
                sizes
                    .get(&(agent.clone(), root.clone()))
                    .is_none_or(|&n| n >= SPLIT_THRESHOLD)
            })
        };
        // Columns answered from the cache.
        let mut cached: Vec<(Oid, Arc<Vec<VarBind>>, Option<u32>)> = Vec::new();
        if !ttl.is_zero() {
            roots.retain(|(oid, role)| {
                if *role != Role::Lookup {
                    return true;
                }
                match self
                    .cache
                    .get(&(agent.clone(), cred.clone(), oid.clone()), ttl)
                {
                    Some((pdus, up)) => {
                        cached.push((oid.clone(), pdus, up));
                        false
                    }
                    None => true,
                }
            });
        }
        let mut gets = module.get.clone();
        let want_uptime =
            !ttl.is_zero() && roots.iter().any(|r| r.1 == Role::Lookup) || !cached.is_empty();
        let added_uptime = want_uptime && !gets.contains(&SYS_UPTIME_0);
        if added_uptime {
            gets.push(SYS_UPTIME_0);
        }
        let filters = &module.filters;
        let mut packets = 0u64;

        // Dynamic filters first: their column decides which instances the targets get.
        let mut filtered: HashMap<Oid, Vec<Vec<u32>>> = HashMap::new();
        for f in &filters.static_ {
            let idx: Vec<Vec<u32>> = f
                .indices
                .iter()
                .filter_map(|i| i.parse::<Oid>().ok().map(|o| o.arcs().to_vec()))
                .collect();
            for t in &f.targets {
                if let Ok(o) = t.trim_start_matches('.').parse::<Oid>() {
                    filtered.entry(o).or_default().extend(idx.iter().cloned());
                }
            }
        }
        for f in &filters.dynamic {
            let Ok(col) = f.oid.trim_start_matches('.').parse::<Oid>() else {
                continue;
            };
            let (vbs, n) = walk(&client, &col, walk_opts.clone())
                .await
                .map_err(|e| ScrapeError(format!("error walking target {host}: {e}")))?;
            packets += n;
            let idx: Vec<Vec<u32>> = vbs
                .iter()
                .filter(|v| {
                    let s = super::collect::value_as_string(&v.value, "DisplayString");
                    f.values.contains(&s)
                })
                .map(|v| v.oid.arcs()[col.len()..].to_vec())
                .collect();
            for t in &f.targets {
                if let Ok(o) = t.trim_start_matches('.').parse::<Oid>() {
                    filtered.entry(o).or_default().extend(idx.iter().cloned());
                }
            }
        }
        if !filtered.is_empty() {
            let mut kept = Vec::new();
            for (root, role) in roots {
                let mut hit = false;
                for (t, idx) in &filtered {
                    if root.starts_with(t) || t.starts_with(&root) {
                        hit = true;
                        for i in idx {
                            let mut o = t.clone();
                            o.extend_from_slice(i);
                            gets.push(o);
                        }
                    }
                }
                if !hit {
                    kept.push((root, role));
                }
            }
            roots = kept;
        }

        // Gets and walks, all in parallel within the target's limit.
        let mut tasks = tokio::task::JoinSet::new();
        if !gets.is_empty() {
            let c = client.clone();
            let lim = limit.clone();
            let gets = gets.clone();
            let chunk = match (auth.version, module.params.max_repetitions) {
                (1, _) => 1,
                (_, Some(n)) => n.max(1) as usize,
                _ => 60,
            };
            tasks.spawn(async move {
                let _p = lim.acquire_owned().await;
                let mut out = Vec::new();
                let mut n = 0u64;
                for part in gets.chunks(chunk) {
                    n += 1;
                    match c.get(part).await {
                        Ok(vbs) => out.extend(vbs.into_iter().filter(|v| !v.value.is_exception())),
                        // SNMPv1 reports an unsupported object with noSuchName.
                        Err(crate::Error::Status { .. })
                            if c.version() == crate::codec::Version::V1 => {}
                        Err(e) => {
                            return (
                                usize::MAX,
                                Err(format!("error getting target {}: {e}", c.peer_name())),
                                n,
                            )
                        }
                    }
                }
                (usize::MAX, Ok(out), n)
            });
        }
        for (i, (root, _)) in roots.iter().enumerate() {
            let c = client.clone();
            let lim = limit.clone();
            let root = root.clone();
            let opts = walk_opts.clone();
            tasks.spawn(async move {
                let _p = lim.acquire_owned().await;
                match walk(&c, &root, opts).await {
                    Ok((vbs, n)) => (i, Ok(vbs), n),
                    Err(e) => (
                        i,
                        Err(format!("error walking target {}: {e}", c.peer_name())),
                        0,
                    ),
                }
            });
        }
        let mut get_result = Vec::new();
        let mut walked: Vec<Option<Vec<VarBind>>> = vec![None; roots.len()];
        while let Some(r) = tasks.join_next().await {
            let (i, r, n) = r.map_err(|e| ScrapeError(format!("scrape task failed: {e}")))?;
            packets += n;
            let vbs = match r {
                Ok(v) => v,
                Err(msg) => {
                    tasks.abort_all();
                    return Err(ScrapeError(msg.replace(&agent, &host)));
                }
            };
            if i == usize::MAX {
                get_result = vbs;
            } else {
                walked[i] = Some(vbs);
            }
        }
        let uptime = uptime_of(&get_result);
        if added_uptime {
            get_result.retain(|v| v.oid != SYS_UPTIME_0);
        }
        // Fresh lookup columns go into the cache.
        for (i, (root, role)) in roots.iter().enumerate() {
            if *role == Role::Lookup && !ttl.is_zero() {
                if let Some(v) = &walked[i] {
                    self.cache.put(
                        (agent.clone(), cred.clone(), root.clone()),
                        Arc::new(v.clone()),
                        uptime,
                    );
                }
            }
        }
        // A cached column is stale when the agent restarted, or when a sibling column walked now
        // has an instance the cached one lacks (an interface added).
        let mut cached_pdus = 0usize;
        let mut stale = Vec::new();
        for (oid, pdus, up) in &cached {
            let restarted = matches!((up, uptime), (Some(a), Some(b)) if b < *a);
            let parent = Oid::from_slice(&oid.arcs()[..oid.len().saturating_sub(1)]);
            let have = suffixes(oid, pdus.iter());
            let missing = roots.iter().zip(&walked).any(|((r, _), v)| {
                r.len() == oid.len()
                    && r.starts_with(&parent)
                    && v.as_ref()
                        .is_some_and(|v| suffixes(r, v.iter()).iter().any(|s| !have.contains(s)))
            });
            if restarted || missing {
                stale.push(oid.clone());
            }
        }
        if !stale.is_empty() {
            tracing::debug!(target: "snmpkit::exporter", agent = %agent, columns = stale.len(), "lookup cache stale, walking again");
            cached.retain(|c| !stale.contains(&c.0));
            for oid in stale {
                let (vbs, n) = walk(&client, &oid, walk_opts.clone())
                    .await
                    .map_err(|e| ScrapeError(format!("error walking target {host}: {e}")))?;
                packets += n;
                self.cache.put(
                    (agent.clone(), cred.clone(), oid.clone()),
                    Arc::new(vbs.clone()),
                    uptime,
                );
                walked.push(Some(vbs));
            }
        }
        {
            let mut sizes = self.sizes.lock().unwrap_or_else(|e| e.into_inner());
            if sizes.len() > 100_000 {
                sizes.clear();
            }
            for root in &module.walk {
                let n = walked
                    .iter()
                    .flatten()
                    .map(|v| v.iter().filter(|vb| vb.oid.starts_with(root)).count())
                    .sum::<usize>()
                    + cached
                        .iter()
                        .filter(|c| c.0.starts_with(root))
                        .map(|c| c.1.len())
                        .sum::<usize>();
                sizes.insert((agent.clone(), root.clone()), n);
            }
        }
        let mut pdus = get_result;
        for v in walked.into_iter().flatten() {
            pdus.extend(v);
        }
        for (_, c, _) in &cached {
            cached_pdus += c.len();
            pdus.extend(c.iter().cloned());
        }
        Ok(ScrapeResult {
            pdus,
            packets,
            retries: 0,
            walk_duration: start.elapsed(),
            cached: cached_pdus,
        })
    }
}

/// Walks `root`, returning the instances (exceptions dropped) and the responses it took. An
/// empty subtree falls back to a Get of the root, as gosnmp's walk does.
async fn walk(
    client: &Client,
    root: &Oid,
    opts: WalkOptions,
) -> crate::Result<(Vec<VarBind>, u64)> {
    let mut w = Walk::new(client.clone(), root.clone(), opts).prefetch(true);
    let mut out = Vec::new();
    let mut n = 0u64;
    loop {
        let page = w.next_page().await?;
        n += 1;
        out.extend(
            page.varbinds
                .into_iter()
                .filter(|v| !v.value.is_exception()),
        );
        match page.end {
            None => continue,
            Some(crate::client::WalkEnd::NotIncreasing { previous, received }) => {
                return Err(crate::Error::NotIncreasing {
                    previous: Box::new(previous),
                    received: Box::new(received),
                })
            }
            Some(_) => break,
        }
    }
    if out.is_empty() {
        n += 1;
        if let Ok(vbs) = client.get(std::slice::from_ref(root)).await {
            out.extend(vbs.into_iter().filter(|v| !v.value.is_exception()));
        }
    }
    Ok((out, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_splits_tables_into_columns() {
        let yml = "m:\n  walk: [1.3.6.1.2.1.2, 1.3.6.1.2.1.31.1.1]\n  metrics:\n  - {name: a, oid: 1.3.6.1.2.1.2.2.1.10, type: counter, help: h, lookups: [{labels: [i], labelname: ifDescr, oid: 1.3.6.1.2.1.2.2.1.2, type: DisplayString}]}\n  - {name: b, oid: 1.3.6.1.2.1.2.2.1.16, type: counter, help: h}\n";
        let c = super::super::config::Config::parse(yml, "t").unwrap();
        let p = plan(&c.modules["m"], |_| true);
        let s: Vec<String> = p.iter().map(|(o, r)| format!("{o} {r:?}")).collect();
        assert_eq!(
            s,
            [
                "1.3.6.1.2.1.2.2.1.2 Lookup",
                "1.3.6.1.2.1.2.2.1.10 Walk",
                "1.3.6.1.2.1.2.2.1.16 Walk",
                "1.3.6.1.2.1.31.1.1 Walk"
            ]
        );
    }
}
