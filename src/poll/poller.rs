//! Polling one target once: the Get of the scalar instances, then a walk of each subtree,
//! paced by a window shared by every target of the process.

use super::record::{Record, Sample};
use crate::client::{Repetitions, Walk, WalkEnd, WalkOptions};
use crate::codec::Version;
use crate::mib::{Mib, NodeInfo, NodeKind};
use crate::{Client, Error, ErrorStatus, Oid, VarBind};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How an object is fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A scalar or column instance (`sysUpTime.0`, `ifDescr.2`): one Get per cycle, together
    /// with the other instances.
    Instance,
    /// A subtree or table (`ifTable`, `.1.3.6.1.2.1.2.2.1.10`): walked with GetBulk (GetNext
    /// on SNMPv1).
    Subtree,
}

/// The OBJECT-TYPE (scalar or column) that `oid` is an instance of, with the instance arcs.
/// Named instances count as their object: `sysUpTime.0`, which DISMAN-EVENT-MIB names
/// `sysUpTimeInstance`, is an instance of `sysUpTime`.
pub fn object_of<'a>(oid: &'a Oid, mib: &'a Mib) -> Option<(NodeInfo<'a>, &'a [u32])> {
    let mut n = mib.lookup(oid)?;
    for _ in 0..oid.len() {
        if matches!(n.kind(), NodeKind::Scalar | NodeKind::Column) && !n.module().is_empty() {
            let suffix = oid.arcs().get(n.oid().len()..)?;
            return Some((n, suffix));
        }
        n = n.parent()?;
    }
    None
}

/// Whether `oid` names an instance or a subtree, by what the MIB knows about it: instances
/// of scalars and columns are fetched with Get; anything else (tables, columns, groups, OIDs
/// the MIB does not know) is walked. A walk that finds nothing falls back to a Get of the OID
/// itself, as snmpwalk does, so an unknown instance still works.
pub fn classify(oid: &Oid, mib: &Mib) -> ObjectKind {
    match object_of(oid, mib) {
        Some((_, suffix)) if !suffix.is_empty() => ObjectKind::Instance,
        _ => ObjectKind::Subtree,
    }
}

/// What to fetch from every target each cycle.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Instances fetched with one Get.
    pub instances: Vec<Oid>,
    /// Subtrees walked, in order.
    pub subtrees: Vec<Oid>,
    /// GetBulk max-repetitions for the walks: by default sized to each agent request by
    /// request ([`crate::client::BulkSizer`]); `-Cr N` makes it [`Repetitions::Fixed`].
    pub max_repetitions: Repetitions,
}

impl Plan {
    /// Sorts `objects` into instances and subtrees with [`classify`].
    pub fn new(objects: &[Oid], mib: &Mib) -> Plan {
        let mut plan = Plan::default();
        for o in objects {
            match classify(o, mib) {
                ObjectKind::Instance => plan.instances.push(o.clone()),
                ObjectKind::Subtree => plan.subtrees.push(o.clone()),
            }
        }
        plan
    }
}

/// One target of a fleet: its label in records and its client (which carries the security,
/// timeout and retries).
#[derive(Clone)]
pub struct PollTarget {
    /// `HOST:PORT`, as records and metrics name it.
    pub label: String,
    /// The session with the agent; clients of a fleet share one [`crate::Transport`].
    pub client: Client,
}

/// Polls targets with a [`Plan`]. Cheap to clone; clones share the pacing window.
///
/// **Pacing.** At most `window` targets have a request outstanding at once, so the responses
/// that can arrive together stay well within the socket's receive buffer. A target whose
/// request is still unanswered after one timeout gives its place up (it is most likely dead,
/// and its retries cost the others nothing), so dead targets never hold the fleet back.
#[derive(Clone)]
pub struct Poller {
    plan: Arc<Plan>,
    window: Option<Arc<Semaphore>>,
}

/// The default pacing window: targets with a request in flight at once.
pub const DEFAULT_WINDOW: usize = 32;

impl Poller {
    /// A poller for `plan` with the default window.
    pub fn new(plan: Plan) -> Poller {
        Poller {
            plan: Arc::new(plan),
            window: Some(Arc::new(Semaphore::new(DEFAULT_WINDOW))),
        }
    }

    /// Sets the pacing window (targets in flight at once); 0 means unpaced.
    pub fn with_window(mut self, window: usize) -> Poller {
        self.window = (window > 0).then(|| Arc::new(Semaphore::new(window)));
        self
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Polls one target once: Get of the instances, then each subtree walked. Never fails: a
    /// failure is the record's `error`, with whatever was fetched before it.
    pub async fn poll(&self, target: &PollTarget, cycle: u64) -> Record {
        let mut permit = match &self.window {
            Some(w) => w.clone().acquire_owned().await.ok(),
            None => None,
        };
        let time = SystemTime::now();
        let start = Instant::now();
        let mut rec = Record {
            target: target.label.clone(),
            time,
            duration: Duration::ZERO,
            error: None,
            samples: Vec::new(),
            cycle,
        };
        let timeout = target.client.options().timeout;
        if let Err(e) = self.fetch(target, &mut rec, &mut permit, timeout).await {
            rec.error = Some(error_text(&e));
        }
        rec.duration = start.elapsed();
        rec
    }

    async fn fetch(
        &self,
        target: &PollTarget,
        rec: &mut Record,
        permit: &mut Option<OwnedSemaphorePermit>,
        timeout: Duration,
    ) -> Result<(), Error> {
        let client = &target.client;
        let mut first_error = None;
        if !self.plan.instances.is_empty() {
            let mut oids = self.plan.instances.clone();
            // As snmpget does without -Cf: an SNMPv1 noSuchName drops that object and asks
            // again for the rest (at most once per object).
            for _ in 0..self.plan.instances.len() {
                match paced(permit, timeout, client.get(&oids)).await {
                    Ok(vbs) => {
                        push(rec, vbs);
                        break;
                    }
                    Err(Error::Status { status, index, .. })
                        if status == ErrorStatus::NoSuchName
                            && index >= 1
                            && (index as usize) <= oids.len() =>
                    {
                        oids.remove(index as usize - 1);
                        if oids.is_empty() {
                            break;
                        }
                    }
                    Err(e @ Error::Status { .. }) => {
                        first_error.get_or_insert(e);
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        for root in &self.plan.subtrees {
            match self.walk(client, root, rec, permit, timeout).await {
                Ok(()) => {}
                Err(e @ (Error::Status { .. } | Error::NotIncreasing { .. })) => {
                    first_error.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    async fn walk(
        &self,
        client: &Client,
        root: &Oid,
        rec: &mut Record,
        permit: &mut Option<OwnedSemaphorePermit>,
        timeout: Duration,
    ) -> Result<(), Error> {
        let opts = WalkOptions {
            bulk: (client.version() != Version::V1).then_some((0, self.plan.max_repetitions)),
            ..WalkOptions::default()
        };
        let mut walk = Walk::new(client.clone(), root.clone(), opts);
        loop {
            let page = paced(permit, timeout, walk.next_page()).await?;
            let received = Instant::now();
            rec.samples.extend(
                page.varbinds
                    .into_iter()
                    .filter(|v| !v.value.is_exception())
                    .map(|varbind| Sample {
                        varbind,
                        received,
                        rate: None,
                    }),
            );
            match page.end {
                None => continue,
                Some(WalkEnd::NotIncreasing { previous, received }) => {
                    return Err(Error::NotIncreasing {
                        previous: Box::new(previous),
                        received: Box::new(received),
                    })
                }
                Some(WalkEnd::Status {
                    status,
                    index,
                    varbinds,
                }) if !(status == ErrorStatus::NoSuchName && client.version() == Version::V1) => {
                    return Err(Error::Status {
                        status,
                        index,
                        varbinds,
                    })
                }
                Some(_) => break,
            }
        }
        if walk.found() == 0 {
            // An empty subtree may be an instance the MIB does not know: Get it, as snmpwalk
            // does.
            match paced(permit, timeout, client.get(std::slice::from_ref(root))).await {
                Ok(vbs) => push(
                    rec,
                    vbs.into_iter()
                        .filter(|v| !v.value.is_exception())
                        .collect(),
                ),
                Err(Error::Status { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

fn push(rec: &mut Record, vbs: Vec<VarBind>) {
    let received = Instant::now();
    rec.samples.extend(vbs.into_iter().map(|varbind| Sample {
        varbind,
        received,
        rate: None,
    }));
}

/// Runs one request while holding the target's place in the window; a request unanswered
/// after `timeout` (its first attempt) gives the place up and goes on without it.
async fn paced<T>(
    permit: &mut Option<OwnedSemaphorePermit>,
    timeout: Duration,
    fut: impl Future<Output = T>,
) -> T {
    if permit.is_none() {
        return fut.await;
    }
    tokio::pin!(fut);
    tokio::select! {
        r = &mut fut => r,
        _ = tokio::time::sleep(timeout) => {
            *permit = None;
            fut.await
        }
    }
}

/// An error as a record's `error` string, in net-snmp's words
/// (`Timeout: No Response from 192.0.2.1:161`).
pub fn error_text(e: &Error) -> String {
    e.to_string()
}
