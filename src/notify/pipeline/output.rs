//! The output stage: renders and writes notifications from its own thread, behind a queue
//! bounded in batches and bytes that drops and counts instead of waiting. A stdout nobody
//! reads is felt only here, never by reception, inform acknowledgement or signal handling.

use super::{Notification, Render};
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Output that may wait for rendering and a slow writer, in bytes (rendered text, or the
/// estimated size of notifications still to render). 64 MiB holds a burst of about 100,000
/// small traps while rendering catches up.
pub const OUTPUT_QUEUE_BYTES: usize = 64 * 1024 * 1024;
/// The same queue's bound in batches (each a write of one or more notifications).
pub const OUTPUT_QUEUE_BATCHES: usize = 65_536;
/// How long a shutdown waits for queued output to reach a writer that is still being read.
pub const OUTPUT_DRAIN: Duration = Duration::from_millis(300);

/// Where rendered notifications are written.
#[non_exhaustive]
pub enum OutputSink {
    /// The process's standard output (locked for the output thread's life).
    Stdout,
    /// The process's standard error.
    Stderr,
    /// A file opened by the caller (for example in append mode, snmptrapd's `-Lf`).
    File(std::fs::File),
    /// Any writer (tests, a socket, a syslog adapter). Each batch is written in one
    /// `write_all` and flushed.
    Writer(Box<dyn Write + Send>),
}

impl std::fmt::Debug for OutputSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OutputSink::Stdout => "Stdout",
            OutputSink::Stderr => "Stderr",
            OutputSink::File(_) => "File",
            OutputSink::Writer(_) => "Writer",
        })
    }
}

/// What the output thread is handed: text rendered already (with the number of notifications
/// in it), or notifications for it to render.
enum Chunk {
    Text(String, u64),
    Notes(Vec<Notification>),
}

/// A rough bound on what a notification occupies in memory (and, about, as text), for the
/// output queue's byte bound.
pub fn estimated_size(n: &Notification) -> usize {
    256 + n
        .varbinds
        .iter()
        .map(|vb| {
            64 + vb.oid.len() * 4
                + match &vb.value {
                    crate::Value::OctetString(b) | crate::Value::Opaque(b) => b.len() * 3,
                    crate::Value::ObjectIdentifier(o) => o.len() * 4,
                    _ => 8,
                }
        })
        .sum::<usize>()
}

/// How the output stage ended: notifications not printed because the queue was full, and
/// notifications still waiting for a writer that did not take them in time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputReport {
    /// Not printed: the queue was full when they arrived.
    pub queue_full: u64,
    /// Not printed: still waiting at shutdown (the writer was not being read).
    pub waiting: u64,
    /// The writer failed (a closed pipe, a full disk).
    pub write_error: Option<String>,
}

/// The output thread and its queue. Submitting never waits: when the queue is full the batch
/// is not printed and its notifications are counted.
pub struct Output {
    tx: Option<std::sync::mpsc::SyncSender<(Chunk, usize)>>,
    queued: Arc<AtomicUsize>,
    queued_n: Arc<AtomicU64>,
    not_printed: u64,
    /// Notified when the writer failed.
    stopped: Arc<tokio::sync::Notify>,
    error: Arc<std::sync::Mutex<Option<String>>>,
    done: Option<tokio::sync::oneshot::Receiver<()>>,
    bytes_bound: usize,
}

impl Output {
    /// Starts the thread; notifications handed over whole are rendered with `r`.
    pub fn start(sink: OutputSink, r: Arc<Render>) -> Output {
        Output::with_bound(sink, r, OUTPUT_QUEUE_BYTES)
    }

    /// [`Output::start`] with another byte bound on the queue (tests use a small one).
    pub fn with_bound(sink: OutputSink, r: Arc<Render>, bytes_bound: usize) -> Output {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(Chunk, usize)>(OUTPUT_QUEUE_BATCHES);
        let queued = Arc::new(AtomicUsize::new(0));
        let queued_n = Arc::new(AtomicU64::new(0));
        let stopped = Arc::new(tokio::sync::Notify::new());
        let error = Arc::new(std::sync::Mutex::new(None));
        let (done_tx, done) = tokio::sync::oneshot::channel();
        let (q, qn, st, er) = (
            queued.clone(),
            queued_n.clone(),
            stopped.clone(),
            error.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("listen-output".into())
            .spawn(move || {
                // stdout is locked for the thread's life: the exit path cannot then flush
                // (and block on) a stdout that nobody reads.
                let mut w: Box<dyn Write> = match sink {
                    OutputSink::Stdout => Box::new(std::io::stdout().lock()),
                    OutputSink::Stderr => Box::new(std::io::stderr()),
                    OutputSink::File(f) => Box::new(f),
                    OutputSink::Writer(w) => w,
                };
                let mut text = String::with_capacity(256 * 1024);
                while let Ok((chunk, cost)) = rx.recv() {
                    let (res, n) = match chunk {
                        Chunk::Text(t, n) => (w.write_all(t.as_bytes()), n),
                        Chunk::Notes(notes) => {
                            text.clear();
                            for note in &notes {
                                r.output_into(note, &mut text);
                            }
                            (w.write_all(text.as_bytes()), notes.len() as u64)
                        }
                    };
                    let res = res.and_then(|_| w.flush());
                    q.fetch_sub(cost, Ordering::Relaxed);
                    qn.fetch_sub(n, Ordering::Relaxed);
                    if let Err(e) = res {
                        if e.kind() != std::io::ErrorKind::BrokenPipe {
                            if let Ok(mut g) = er.lock() {
                                *g = Some(e.to_string());
                            }
                        }
                        st.notify_one();
                        return;
                    }
                }
                let _ = done_tx.send(());
            });
        if let Err(e) = spawned {
            if let Ok(mut g) = error.lock() {
                *g = Some(format!("cannot start the output thread: {e}"));
            }
            stopped.notify_one();
        }
        Output {
            tx: Some(tx),
            queued,
            queued_n,
            not_printed: 0,
            stopped,
            error,
            done: Some(done),
            bytes_bound,
        }
    }

    /// Completes when the writer has failed (the listener then stops).
    pub fn stopped(&self) -> Arc<tokio::sync::Notify> {
        self.stopped.clone()
    }

    /// Queues `text` (rendering `n` notifications), or counts them as not printed.
    pub fn submit(&mut self, text: &str, n: u64) {
        self.send(Chunk::Text(text.to_owned(), n), text.len(), n);
    }

    /// Queues notifications for the thread to render and write (`bytes`: their estimated
    /// size), or counts them as not printed.
    pub fn submit_notes(&mut self, notes: Vec<Notification>, bytes: usize) {
        let n = notes.len() as u64;
        self.send(Chunk::Notes(notes), bytes, n);
    }

    fn send(&mut self, chunk: Chunk, cost: usize, n: u64) {
        let full = self.queued.load(Ordering::Relaxed) + cost > self.bytes_bound;
        let sent = !full
            && self.tx.as_ref().is_some_and(|tx| {
                self.queued.fetch_add(cost, Ordering::Relaxed);
                self.queued_n.fetch_add(n, Ordering::Relaxed);
                match tx.try_send((chunk, cost)) {
                    Ok(()) => true,
                    Err(_) => {
                        self.queued.fetch_sub(cost, Ordering::Relaxed);
                        self.queued_n.fetch_sub(n, Ordering::Relaxed);
                        false
                    }
                }
            });
        if !sent {
            self.not_printed += n;
        }
    }

    /// Notifications not printed so far because the queue was full.
    pub fn not_printed(&self) -> u64 {
        self.not_printed
    }

    /// Lets queued output reach the writer for up to `drain` if it is being read, then
    /// gives up on it.
    pub async fn finish(mut self, drain: Duration) -> OutputReport {
        self.tx = None;
        if let Some(done) = self.done.take() {
            let _ = tokio::time::timeout(drain, done).await;
        }
        OutputReport {
            queue_full: self.not_printed,
            waiting: self.queued_n.load(Ordering::Relaxed),
            write_error: self.error.lock().ok().and_then(|g| g.clone()),
        }
    }
}

/// snmptrapd's default syslog formats (`format syslog1`, `format syslog2`).
pub const SYSLOG_FORMAT1: &str = "%a: %W Trap (%q) Uptime: %#T%#v\\n";
/// See [`SYSLOG_FORMAT1`].
pub const SYSLOG_FORMAT2: &str = "%B [%b]: Trap %#v\\n";

/// A writer that sends each line written to it as one syslog message, framed as syslog(3)
/// frames it (`<PRI>Mmm dd hh:mm:ss TAG[PID]: line`), over a Unix datagram socket
/// (`/dev/log`): snmptrapd's `-Ls`. A line that the socket refuses is counted, not retried.
#[cfg(unix)]
pub struct SyslogWriter {
    sock: std::os::unix::net::UnixDatagram,
    pri: u8,
    tag: String,
    buf: Vec<u8>,
    /// Lines the socket refused.
    pub refused: u64,
}

#[cfg(unix)]
impl SyslogWriter {
    /// Connects to the syslog socket at `path`; messages go with `facility` (0..=23, as in
    /// syslog(3) divided by 8) and severity warning, as snmptrapd logs notifications.
    pub fn connect(path: &std::path::Path, facility: u8, tag: &str) -> std::io::Result<Self> {
        let sock = std::os::unix::net::UnixDatagram::unbound()?;
        sock.connect(path)?;
        Ok(SyslogWriter {
            sock,
            pri: facility.min(23) * 8 + 4,
            tag: tag.to_string(),
            buf: Vec::new(),
            refused: 0,
        })
    }
}

#[cfg(unix)]
impl Write for SyslogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        while let Some(nl) = self.buf.iter().position(|&c| c == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=nl).collect();
            let line = &line[..line.len() - 1];
            let stamp = chrono::Local::now().format("%b %e %H:%M:%S");
            let mut msg = format!(
                "<{}>{stamp} {}[{}]: ",
                self.pri,
                self.tag,
                std::process::id()
            )
            .into_bytes();
            msg.extend_from_slice(line);
            if self.sock.send(&msg).is_err() {
                self.refused += 1;
            }
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn syslog_lines_are_framed_one_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let server = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        let mut w = SyslogWriter::connect(&path, 3, "snmptrapd").unwrap();
        w.write_all(b"first line\nsecond").unwrap();
        w.write_all(b" line\n").unwrap();
        let mut buf = [0u8; 512];
        for want in ["first line", "second line"] {
            let n = server.recv(&mut buf).unwrap();
            let m = String::from_utf8_lossy(&buf[..n]).into_owned();
            assert!(m.starts_with("<28>"), "{m}");
            assert!(
                m.ends_with(&format!(" snmptrapd[{}]: {want}", std::process::id())),
                "{m}"
            );
        }
        assert_eq!(w.refused, 0);
    }
}
