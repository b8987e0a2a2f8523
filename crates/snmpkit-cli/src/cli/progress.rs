//! The progress line of a long walk: after 2 s, one line on stderr with the varbinds so far
//! and the rate, redrawn in place and erased before anything else is written. Only when
//! both stdout and stderr are terminals (never in a pipe, a file or a script's capture), and
//! `-Cq` turns it off.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long a walk runs before the line appears.
const AFTER: Duration = Duration::from_secs(2);
/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(250);

/// The progress line of one walk.
pub struct Progress {
    enabled: bool,
    prog: &'static str,
    started: Instant,
    /// When the line was last drawn.
    drawn: Option<Instant>,
    /// Whether it is on the screen now.
    visible: bool,
}

impl Progress {
    /// A progress line for a walk starting now; `quiet` is `-Cq`.
    pub fn new(prog: &'static str, quiet: bool) -> Progress {
        let enabled = !quiet && std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        Progress {
            enabled,
            prog,
            started: Instant::now(),
            drawn: None,
            visible: false,
        }
    }

    /// Waits until the line is due (forever when it is off).
    pub async fn due(&self) {
        if !self.enabled {
            return std::future::pending().await;
        }
        let at = match self.drawn {
            Some(t) => t + EVERY,
            None => self.started + AFTER,
        };
        tokio::time::sleep_until(at.into()).await;
    }

    /// Draws the line for `count` varbinds, if it is due.
    pub fn draw(&mut self, count: usize) {
        let now = Instant::now();
        let due = match self.drawn {
            Some(t) => now >= t + EVERY,
            None => now >= self.started + AFTER,
        };
        if !self.enabled || !due {
            return;
        }
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = count as f64 / secs.max(0.001);
        let mut e = std::io::stderr().lock();
        let _ = write!(
            e,
            "\r\x1b[K{}: {count} varbinds, {rate:.0}/s, {secs:.0} s",
            self.prog
        );
        let _ = e.flush();
        self.drawn = Some(now);
        self.visible = true;
    }

    /// Erases the line, before output or at the end.
    pub fn clear(&mut self) {
        if std::mem::take(&mut self.visible) {
            let mut e = std::io::stderr().lock();
            let _ = e.write_all(b"\r\x1b[K");
            let _ = e.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
