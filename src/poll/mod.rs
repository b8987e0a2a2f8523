//! Fleet polling: targets, schedule, pacing, counter rates and the record model.
//!
//! - [`interfaces`]: one agent's interfaces watched live (`snmpkit top`), one GetBulk pass
//!   per refresh.
//! - [`targets`]: the targets file (`HOST[:PORT] [options]` a line).
//! - [`Plan`] sorts the objects asked for into instances (one Get) and subtrees (GetBulk walks).
//! - [`Poller::poll`] polls one target once and returns its [`Record`]; it is the unit that a
//!   scheduler, a work queue or a script can call.
//! - [`Cycle`] polls a fleet once, paced so that responses never overflow the socket;
//!   [`run`] repeats cycles on a [`Schedule`], fills in rates ([`RateTracker`]) and hands each
//!   record to a [`Sink`].
//!
//! ```no_run
//! use snmpkit::poll::{Plan, PollTarget, Poller};
//! use snmpkit::{Client, ClientOptions, Security, Transport};
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let mib = snmpkit::mib::Mib::builtin();
//! let objects = [mib.resolve("sysUpTime.0")?, mib.resolve("ifTable")?];
//! let poller = Poller::new(Plan::new(&objects, &mib));
//! let transport = Transport::new();
//! let client = Client::connect_with(transport, "192.0.2.1", Security::v2c("public"),
//!     ClientOptions::default()).await?;
//! let target = PollTarget { label: "192.0.2.1:161".into(), client };
//! let record = poller.poll(&target, 1).await;
//! println!("{} varbinds, error: {:?}", record.samples.len(), record.error);
//! # Ok(()) }
//! ```

pub mod interfaces;
mod poller;
mod rates;
mod record;
mod schedule;
pub mod sink;
pub mod targets;
mod timetable;

pub use poller::{
    classify, error_text, object_of, ObjectKind, Plan, PollTarget, Poller, DEFAULT_WINDOW,
};
pub use rates::{counter_delta, RateTracker};
pub use record::{rfc3339, Record, Sample};
pub use schedule::{run, Cycle, RunSummary};
pub use sink::{CycleSummary, Sink, SinkError, Tee};
pub use targets::{parse_targets, target_label, TargetLine, TargetsError};
pub use timetable::{Due, Schedule, Timetable};
