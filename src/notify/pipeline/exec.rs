//! Handler programs (`listen --exec`, snmptrapd's `traphandle`) run with bounded concurrency.
//! Submitting never waits: beyond `concurrency` running and `queue` waiting, a notification is
//! not handed to its handler and is counted. Reception never waits for a handler.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Handlers that may run at once by default.
pub const EXEC_CONCURRENCY: usize = 16;
/// Notifications that may wait for a handler slot by default.
pub const EXEC_QUEUE: usize = 1024;
/// A handler still running after this long is killed, by default.
pub const EXEC_TIMEOUT: Duration = Duration::from_secs(60);

/// The pool's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecStats {
    /// Handlers started.
    pub started: u64,
    /// Handlers that could not start, exited unsuccessfully or were killed.
    pub failed: u64,
    /// Notifications not handed to a handler because the pool was full.
    pub dropped: u64,
}

/// Runs shell commands (`sh -c CMD`) with the given bytes on their stdin.
#[derive(Debug)]
pub struct ExecPool {
    slots: Arc<Semaphore>,
    pending: Arc<AtomicUsize>,
    started: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    dropped: AtomicU64,
    limit: usize,
    timeout: Duration,
    failures: tokio::sync::mpsc::UnboundedSender<String>,
    failure_rx: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<String>>>,
}

impl Default for ExecPool {
    fn default() -> Self {
        ExecPool::new(EXEC_CONCURRENCY, EXEC_QUEUE, EXEC_TIMEOUT)
    }
}

impl ExecPool {
    /// A pool running at most `concurrency` handlers, with `queue` more waiting, each killed
    /// after `timeout`.
    pub fn new(concurrency: usize, queue: usize, timeout: Duration) -> ExecPool {
        let (failures, rx) = tokio::sync::mpsc::unbounded_channel();
        ExecPool {
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            pending: Arc::new(AtomicUsize::new(0)),
            started: Arc::new(AtomicU64::new(0)),
            failed: Arc::new(AtomicU64::new(0)),
            dropped: AtomicU64::new(0),
            limit: concurrency.max(1) + queue,
            timeout,
            failures,
            failure_rx: std::sync::Mutex::new(Some(rx)),
        }
    }

    /// Takes the stream of failure messages (`cmd: exited with status 1`), for a verbose log.
    /// Only the first call gets it. Messages are kept only while someone holds the receiver.
    pub fn failure_messages(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
        self.failure_rx.lock().ok()?.take()
    }

    /// Runs `sh -c cmd` with `input` on its stdin, unless the pool is full (then returns
    /// false and counts the notification as dropped). Must be called inside a tokio runtime.
    pub fn submit(&self, cmd: Arc<str>, input: Vec<u8>) -> bool {
        if self.pending.load(Ordering::Relaxed) >= self.limit {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        self.pending.fetch_add(1, Ordering::Relaxed);
        let (slots, pending) = (self.slots.clone(), self.pending.clone());
        let (started, failed, timeout) = (self.started.clone(), self.failed.clone(), self.timeout);
        let failures = self.failures.clone();
        tokio::spawn(async move {
            if let Ok(_permit) = slots.acquire_owned().await {
                started.fetch_add(1, Ordering::Relaxed);
                if let Err(e) = run_handler(&cmd, input, timeout).await {
                    failed.fetch_add(1, Ordering::Relaxed);
                    if !failures.is_closed() {
                        let _ = failures.send(format!("{cmd}: {e}"));
                    }
                }
            }
            pending.fetch_sub(1, Ordering::Relaxed);
        });
        true
    }

    /// Handlers running or waiting for a slot.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    /// The counters.
    pub fn stats(&self) -> ExecStats {
        ExecStats {
            started: self.started.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
        }
    }
}

async fn run_handler(cmd: &str, input: Vec<u8>, timeout: Duration) -> Result<(), String> {
    use std::process::Stdio;
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        // The handler's stdout would interleave with ours; its stderr is passed through.
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A handler that does not read its input is not an error.
        let _ = stdin.write_all(&input).await;
    }
    match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(st)) if st.success() => Ok(()),
        Ok(Ok(st)) => Err(format!("exited with {st}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => {
            let _ = child.kill().await;
            Err(format!("killed after {} s", timeout.as_secs()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn wait_idle(p: &ExecPool) {
        for _ in 0..2000 {
            if p.pending() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("handlers still pending");
    }

    #[tokio::test]
    async fn handlers_get_their_input_and_failures_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let pool = ExecPool::new(2, 8, Duration::from_secs(20));
        let cmd: Arc<str> = format!("cat >> {}", out.display()).into();
        for i in 0..5 {
            assert!(pool.submit(cmd.clone(), format!("line {i}\n").into_bytes()));
        }
        assert!(pool.submit("exit 3".into(), Vec::new()));
        wait_idle(&pool).await;
        let text = std::fs::read_to_string(&out).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort();
        assert_eq!(lines, ["line 0", "line 1", "line 2", "line 3", "line 4"]);
        assert_eq!(
            pool.stats(),
            ExecStats {
                started: 6,
                failed: 1,
                dropped: 0
            }
        );
    }

    #[tokio::test]
    async fn a_full_pool_drops_and_counts_without_waiting() {
        let pool = ExecPool::new(1, 2, Duration::from_secs(20));
        // One running and two waiting: the rest are refused at once.
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let dir = tempfile::tempdir().unwrap();
        let gate = dir.path().join("gate");
        let cmd: Arc<str> =
            format!("while [ ! -e {} ]; do sleep 0.01; done", gate.display()).into();
        let mut accepted = 0;
        for _ in 0..10 {
            if pool.submit(cmd.clone(), Vec::new()) {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 3);
        assert_eq!(pool.stats().dropped, 7);
        std::fs::write(&gate, b"").unwrap();
        drop((tx, rx));
        wait_idle(&pool).await;
        assert_eq!(pool.stats().started, 3);
        assert_eq!(pool.stats().failed, 0);
    }

    #[tokio::test]
    async fn a_hanging_handler_is_killed_after_the_timeout() {
        let pool = ExecPool::new(1, 0, Duration::from_millis(200));
        let mut failures = pool.failure_messages().unwrap();
        assert!(pool.submit("sleep 30".into(), Vec::new()));
        let msg = tokio::time::timeout(Duration::from_secs(20), failures.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(msg.contains("killed after"), "{msg}");
        wait_idle(&pool).await;
        assert_eq!(pool.stats().failed, 1);
    }
}
