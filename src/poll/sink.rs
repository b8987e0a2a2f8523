//! What the poller hands its records to: the [`Sink`] trait, a cycle's [`CycleSummary`], and
//! [`Tee`] for several sinks. The sinks themselves are in [`crate::sink`].

use super::Record;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// Why a sink could not take a record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SinkError {
    /// Writing failed (a closed pipe, a full disk).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Any other sink's failure, in its own words.
    #[error("{0}")]
    Other(String),
}

/// A cycle as a whole, given to [`Sink::end_cycle`].
#[derive(Clone, Debug)]
pub struct CycleSummary {
    /// The cycle number (1 for the first).
    pub cycle: u64,
    /// When it started.
    pub started: SystemTime,
    /// How long it took.
    pub duration: Duration,
    /// Records produced.
    pub records: u64,
    /// Records with an error.
    pub failed: u64,
}

impl Default for CycleSummary {
    fn default() -> Self {
        CycleSummary {
            cycle: 0,
            started: SystemTime::UNIX_EPOCH,
            duration: Duration::ZERO,
            records: 0,
            failed: 0,
        }
    }
}

/// The future a sink returns.
pub type SinkFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SinkError>> + Send + 'a>>;

/// A destination for poll records.
pub trait Sink: Send {
    /// Takes one record (rates already filled in).
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a>;

    /// Called after the last record of a cycle.
    fn end_cycle<'a>(&'a mut self, _cycle: &'a CycleSummary) -> SinkFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        (**self).record(record)
    }

    fn end_cycle<'a>(&'a mut self, cycle: &'a CycleSummary) -> SinkFuture<'a> {
        (**self).end_cycle(cycle)
    }
}

/// Several sinks fed the same records, in order; the first error stops the rest.
#[derive(Default)]
pub struct Tee {
    /// The sinks.
    pub sinks: Vec<Box<dyn Sink>>,
}

impl Sink for Tee {
    fn record<'a>(&'a mut self, record: &'a Record) -> SinkFuture<'a> {
        Box::pin(async move {
            for s in &mut self.sinks {
                s.record(record).await?;
            }
            Ok(())
        })
    }

    fn end_cycle<'a>(&'a mut self, cycle: &'a CycleSummary) -> SinkFuture<'a> {
        Box::pin(async move {
            for s in &mut self.sinks {
                s.end_cycle(cycle).await?;
            }
            Ok(())
        })
    }
}
