//! Where the libraries' `tracing` events go: warnings and errors to stderr, one line each,
//! named by the program (`snmpkit listen: receive error on ...`), as the tools print their own
//! messages. Packet dumps (`-d`) go to stderr as net-snmp prints them.

use std::fmt::Write as _;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Collects an event's message and other fields into one line.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

struct Stderr;

/// The most verbose level printed: warnings by default; `exporter --log.level` changes it.
static MAX_LEVEL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(2);

fn rank(l: &Level) -> u8 {
    match *l {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        _ => 5,
    }
}

/// Prints events up to `level` from now on.
pub fn set_level(level: Level) {
    MAX_LEVEL.store(rank(&level), std::sync::atomic::Ordering::Relaxed);
}

impl<S: Subscriber> Layer<S> for Stderr {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if rank(event.metadata().level()) > MAX_LEVEL.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let mut line = Line(String::new());
        event.record(&mut line);
        eprintln!("{}: {}", super::prog(), line.0);
    }
}

/// Installs the stderr printer for library events and packet dumps. Called once, first.
pub fn init() {
    snmpkit::transport::set_packet_dump(|text| eprintln!("{text}"));
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Stderr));
}
