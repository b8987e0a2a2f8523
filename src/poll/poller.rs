//! Polling one target once: the Get of the scalar instances, then a walk of each subtree,
//! paced by a window shared by every target of the process.

use super::record::{Record, Sample};
use crate::client::{Repetitions, Walk, WalkEnd, WalkOptions};
use crate::codec::Version;
use crate::mib::{Mib, NodeInfo, NodeKind};
use crate::{Client, Error, ErrorStatus, Oid, VarBind};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// that can arrive together stay well within the socket's receive buffer. A request still
/// unanswered after several times the fleet's smoothed round-trip time (see `Pace`) gives
/// its target's place up: the target is most likely dead, and its wait and retries cost the
/// others nothing. Dead targets thus never hold the fleet back, and a cycle with many dead
/// targets costs about one timeout (with its retries), not one per window of them. A slow
/// target that does answer takes a place again before its next request.
#[derive(Clone)]
pub struct Poller {
    plan: Arc<Plan>,
    window: Option<Arc<Pace>>,
}

/// The pacing window and the fleet's smoothed round-trip time, shared by a poller's clones.
struct Pace {
    places: Arc<Semaphore>,
    /// Smoothed round-trip time of answered requests, in microseconds; 0 until the first.
    srtt_us: AtomicU64,
}

/// Before any answer: how long a request keeps its place.
const FIRST_PATIENCE: Duration = Duration::from_millis(100);
/// The least time a request keeps its place, whatever the round-trip time.
const MIN_PATIENCE: Duration = Duration::from_millis(25);
/// A request keeps its place for this many smoothed round-trip times.
const PATIENCE_RTTS: u32 = 8;

impl Pace {
    fn new(window: usize) -> Pace {
        Pace {
            places: Arc::new(Semaphore::new(window)),
            srtt_us: AtomicU64::new(0),
        }
    }

    /// How long a request may hold its place before giving it up: several smoothed
    /// round-trip times, at least [`MIN_PATIENCE`], at most the request's timeout.
    fn patience(&self, timeout: Duration) -> Duration {
        let srtt = self.srtt_us.load(Ordering::Relaxed);
        let p = if srtt == 0 {
            FIRST_PATIENCE
        } else {
            (Duration::from_micros(srtt) * PATIENCE_RTTS).max(MIN_PATIENCE)
        };
        p.min(timeout)
    }

    /// Folds one answered request's round-trip time in (weight 1/8, as TCP's SRTT). Racing
    /// updates may lose a sample, which does not matter for an estimate.
    fn observe(&self, rtt: Duration) {
        let sample = (rtt.as_micros() as u64).max(1);
        let old = self.srtt_us.load(Ordering::Relaxed);
        let new = if old == 0 {
            sample
        } else {
            old - old / 8 + sample / 8
        };
        self.srtt_us.store(new.max(1), Ordering::Relaxed);
    }
}

/// The default pacing window: targets with a request in flight at once.
pub const DEFAULT_WINDOW: usize = 32;

impl Poller {
    /// A poller for `plan` with the default window.
    pub fn new(plan: Plan) -> Poller {
        Poller {
            plan: Arc::new(plan),
            window: Some(Arc::new(Pace::new(DEFAULT_WINDOW))),
        }
    }

    /// Sets the pacing window (targets in flight at once); 0 means unpaced.
    pub fn with_window(mut self, window: usize) -> Poller {
        self.window = (window > 0).then(|| Arc::new(Pace::new(window)));
        self
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Polls one target once: Get of the instances, then each subtree walked. Never fails: a
    /// failure is the record's `error`, with whatever was fetched before it.
    pub async fn poll(&self, target: &PollTarget, cycle: u64) -> Record {
        // The first place is taken before the clock starts: a record's duration is its own
        // requests, not its wait for the window.
        let mut permit = match &self.window {
            Some(w) => w.places.clone().acquire_owned().await.ok(),
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
        let mut pacer = Pacer {
            pace: self.window.as_deref(),
            permit: &mut permit,
            timeout,
        };
        if let Err(e) = self.fetch(target, &mut rec, &mut pacer).await {
            rec.error = Some(error_text(&e));
        }
        rec.duration = start.elapsed();
        rec
    }

    async fn fetch(
        &self,
        target: &PollTarget,
        rec: &mut Record,
        pacer: &mut Pacer<'_>,
    ) -> Result<(), Error> {
        let client = &target.client;
        let mut first_error = None;
        if !self.plan.instances.is_empty() {
            let mut oids = self.plan.instances.clone();
            // As snmpget does without -Cf: an SNMPv1 noSuchName drops that object and asks
            // again for the rest (at most once per object).
            for _ in 0..self.plan.instances.len() {
                match pacer.run(client.get(&oids)).await {
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
            match self.walk(client, root, rec, pacer).await {
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
        pacer: &mut Pacer<'_>,
    ) -> Result<(), Error> {
        let opts = WalkOptions {
            bulk: (client.version() != Version::V1).then_some((0, self.plan.max_repetitions)),
            ..WalkOptions::default()
        };
        let mut walk = Walk::new(client.clone(), root.clone(), opts);
        loop {
            let page = pacer.run(walk.next_page()).await?;
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
            match pacer.run(client.get(std::slice::from_ref(root))).await {
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

/// One target's requests, paced by the poller's window.
struct Pacer<'a> {
    pace: Option<&'a Pace>,
    /// The target's place in the window, while it holds one.
    permit: &'a mut Option<OwnedSemaphorePermit>,
    /// The client's timeout for one attempt.
    timeout: Duration,
}

impl Pacer<'_> {
    /// Runs one request holding the target's place in the window (taking one first if it
    /// has none). A request unanswered after the pace's patience gives the place up and goes
    /// on without it; one answered in time adds its round-trip time to the estimate.
    async fn run<T>(&mut self, fut: impl Future<Output = T>) -> T {
        let Some(pace) = self.pace else {
            return fut.await;
        };
        if self.permit.is_none() {
            *self.permit = pace.places.clone().acquire_owned().await.ok();
        }
        let start = Instant::now();
        tokio::pin!(fut);
        tokio::select! {
            r = &mut fut => {
                pace.observe(start.elapsed());
                r
            }
            _ = tokio::time::sleep(pace.patience(self.timeout)) => {
                *self.permit = None;
                fut.await
            }
        }
    }
}

/// An error as a record's `error` string, in net-snmp's words
/// (`Timeout: No Response from 192.0.2.1:161`).
pub fn error_text(e: &Error) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_targets_give_their_place_up_after_a_few_round_trips_not_a_whole_timeout() {
        // A whole window of dead targets once held every place for a full timeout, so a
        // cycle with more dead targets than the window cost one timeout per window of them.
        let pace = Pace::new(4);
        let timeout = Duration::from_secs(1);
        assert_eq!(pace.patience(timeout), FIRST_PATIENCE);
        for _ in 0..50 {
            pace.observe(Duration::from_micros(500));
        }
        // Fast answers: the floor, far below the timeout.
        assert_eq!(pace.patience(timeout), MIN_PATIENCE);
        // Slow answers (a remote fleet): several round trips.
        for _ in 0..100 {
            pace.observe(Duration::from_millis(40));
        }
        let p = pace.patience(timeout);
        assert!(
            p > Duration::from_millis(250) && p <= Duration::from_millis(320),
            "{p:?}"
        );
        // Never more than the timeout itself.
        assert_eq!(
            pace.patience(Duration::from_millis(30)),
            Duration::from_millis(30)
        );
    }
}
