//! An on-disk queue of notifications waiting for a destination (`listen --spool DIR`).
//!
//! Layout: `DIR/NNNNNNNNNNNNNNNNNNNN.seg` segment files (numbered in order, append-only) and
//! `DIR/committed` (the segment and byte offset up to which everything was delivered, written
//! to a temporary file and renamed over the old one). A record is
//! `length (u32 LE) | CRC-32 of the rest (u32 LE) | sequence (u64 LE) | payload`.
//!
//! The guarantee: a record appended and [`Spool::sync`]ed (fsync of the segment) survives a
//! crash of the process or the machine; a record is removed only by [`Spool::commit`] after
//! the destination took it. After a crash, records committed but whose commit was not yet
//! written are sent again (at-least-once, never at-most-once). At open, every pending record
//! is checked; a truncated or corrupt record ends its segment: it and what follows in that
//! segment are skipped, counted and reported ([`Spool::open`]'s [`SpoolRecovery`]), and the
//! last segment is cut back to its last good record so that appends continue cleanly. No
//! input makes it panic.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Bytes of a record's header.
pub const HEADER: usize = 16;
/// The largest payload accepted (larger ones are refused, never written).
pub const MAX_RECORD: usize = 16 * 1024 * 1024;
/// A segment is closed once it reaches this size (or an eighth of the spool's bound).
pub const SEGMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Why a record could not be appended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpoolError {
    /// The spool holds `--spool-max` bytes already.
    #[error("spool full ({0} bytes)")]
    Full(u64),
    /// The payload is larger than [`MAX_RECORD`].
    #[error("record of {0} bytes is too large for the spool")]
    TooLarge(usize),
    /// A file could not be read or written.
    #[error("spool {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
    move |source| SpoolError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What opening the spool found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpoolRecovery {
    /// Records waiting from an earlier run (they are read first).
    pub pending: u64,
    /// Their bytes, headers included.
    pub pending_bytes: u64,
    /// Bad records found (each ends its segment), with the segment and offset of each.
    pub corrupt: Vec<(PathBuf, u64, String)>,
    /// Bytes skipped because of them.
    pub skipped_bytes: u64,
}

/// One record read back: its sequence number and payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The sequence number given at append.
    pub seq: u64,
    /// The bytes appended.
    pub payload: Vec<u8>,
}

#[derive(Debug)]
struct Segment {
    id: u64,
    /// Where its valid records end.
    len: u64,
}

/// The spool. Not thread-safe by itself: wrap it in a mutex.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    max_bytes: u64,
    segment_bytes: u64,
    /// Segments from the oldest pending one to the one appended to.
    segments: Vec<Segment>,
    writer: File,
    /// The read cursor: index into `segments` and offset; records before it were handed out.
    read_seg: usize,
    read_off: u64,
    reader: Option<(u64, File)>,
    /// What has been committed (delivered): segment id and offset.
    committed: (u64, u64),
    next_seq: u64,
    /// Bytes of records not yet committed.
    pending_bytes: u64,
    pending: u64,
    unsynced: bool,
}

fn seg_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("{id:020}.seg"))
}

/// Checks one record at `buf[..]`; `Ok(Some((seq, total_len)))`, `Ok(None)` at a clean end.
fn parse_header(h: &[u8; HEADER]) -> (usize, u32, u64) {
    let len = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
    let crc = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
    let mut s = [0u8; 8];
    s.copy_from_slice(&h[8..16]);
    (len, crc, u64::from_le_bytes(s))
}

fn crc_of(seq: u64, payload: &[u8]) -> u32 {
    let mut c = crc32fast::Hasher::new();
    c.update(&seq.to_le_bytes());
    c.update(payload);
    c.finalize()
}

/// Reads the record at the file's position. `Ok(None)`: clean end of file. `Err(why)`: a
/// truncated or corrupt record.
fn read_record(f: &mut File, left: u64) -> Result<Option<Record>, String> {
    if left == 0 {
        return Ok(None);
    }
    if left < HEADER as u64 {
        return Err(format!("truncated record header ({left} bytes)"));
    }
    let mut h = [0u8; HEADER];
    f.read_exact(&mut h).map_err(|e| e.to_string())?;
    let (len, crc, seq) = parse_header(&h);
    if len > MAX_RECORD {
        return Err(format!("bad record length {len}"));
    }
    if (len as u64) > left - HEADER as u64 {
        return Err(format!(
            "truncated record ({} of {len} bytes)",
            left - HEADER as u64
        ));
    }
    let mut payload = vec![0u8; len];
    f.read_exact(&mut payload).map_err(|e| e.to_string())?;
    if crc_of(seq, &payload) != crc {
        return Err("CRC mismatch".into());
    }
    Ok(Some(Record { seq, payload }))
}

impl Spool {
    /// Opens (creating) the spool in `dir`, bounded to `max_bytes` of pending records, and
    /// checks what an earlier run left.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<(Spool, SpoolRecovery), SpoolError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let committed = read_committed(dir);
        let mut ids: Vec<u64> = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_suffix(".seg")?.parse::<u64>().ok()
            })
            .collect();
        ids.sort_unstable();
        let mut recovery = SpoolRecovery::default();
        let mut segments = Vec::new();
        let mut next_seq = 0u64;
        for id in ids {
            let path = seg_path(dir, id);
            if id < committed.0 {
                let _ = std::fs::remove_file(&path);
                continue;
            }
            let mut f = File::open(&path).map_err(io(&path))?;
            let size = f.metadata().map_err(io(&path))?.len();
            let start = if id == committed.0 {
                committed.1.min(size)
            } else {
                0
            };
            // Walk the whole segment (the records before the committed offset too, to find
            // where valid data ends and the highest sequence number).
            let mut off = 0u64;
            let mut good_end = 0u64;
            loop {
                match read_record(&mut f, size - off) {
                    Ok(None) => break,
                    Ok(Some(r)) => {
                        let l = HEADER as u64 + r.payload.len() as u64;
                        off += l;
                        good_end = off;
                        next_seq = next_seq.max(r.seq + 1);
                        if off > start {
                            recovery.pending += 1;
                            recovery.pending_bytes += l;
                        }
                    }
                    Err(why) => {
                        recovery.corrupt.push((path.clone(), off, why));
                        recovery.skipped_bytes += size - off;
                        break;
                    }
                }
                if f.seek(SeekFrom::Start(off)).is_err() {
                    break;
                }
            }
            segments.push(Segment { id, len: good_end });
        }
        // Cut the last segment back to its last good record, so appends follow it.
        if let Some(last) = segments.last() {
            let path = seg_path(dir, last.id);
            let f = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(io(&path))?;
            if f.metadata().map_err(io(&path))?.len() != last.len {
                f.set_len(last.len).map_err(io(&path))?;
                f.sync_all().map_err(io(&path))?;
            }
        }
        if segments.is_empty() {
            segments.push(Segment {
                id: committed.0.max(1),
                len: 0,
            });
        }
        let last_id = segments.last().map(|s| s.id).unwrap_or(1);
        let wpath = seg_path(dir, last_id);
        let writer = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&wpath)
            .map_err(io(&wpath))?;
        let first = segments.first().map(|s| s.id).unwrap_or(last_id);
        let read_off = if first == committed.0 { committed.1 } else { 0 };
        let read_off = read_off.min(segments[0].len);
        let spool = Spool {
            dir: dir.to_path_buf(),
            max_bytes,
            segment_bytes: SEGMENT_BYTES.min((max_bytes / 8).max(64 * 1024)),
            segments,
            writer,
            read_seg: 0,
            read_off,
            reader: None,
            committed: (first, read_off),
            next_seq,
            pending_bytes: recovery.pending_bytes,
            pending: recovery.pending,
            unsynced: false,
        };
        Ok((spool, recovery))
    }

    /// Appends one record (not yet durable: call [`Spool::sync`] after a batch). Returns its
    /// sequence number.
    pub fn append(&mut self, payload: &[u8]) -> Result<u64, SpoolError> {
        if payload.len() > MAX_RECORD {
            return Err(SpoolError::TooLarge(payload.len()));
        }
        let total = (HEADER + payload.len()) as u64;
        if self.pending_bytes + total > self.max_bytes {
            return Err(SpoolError::Full(self.max_bytes));
        }
        if self
            .segments
            .last()
            .is_some_and(|s| s.len >= self.segment_bytes)
        {
            self.roll()?;
        }
        let seq = self.next_seq;
        let mut rec = Vec::with_capacity(HEADER + payload.len());
        rec.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        rec.extend_from_slice(&crc_of(seq, payload).to_le_bytes());
        rec.extend_from_slice(&seq.to_le_bytes());
        rec.extend_from_slice(payload);
        let id = self.segments.last().map(|s| s.id).unwrap_or(1);
        let path = seg_path(&self.dir, id);
        self.writer.write_all(&rec).map_err(io(&path))?;
        if let Some(s) = self.segments.last_mut() {
            s.len += total;
        }
        self.next_seq += 1;
        self.pending += 1;
        self.pending_bytes += total;
        self.unsynced = true;
        Ok(seq)
    }

    /// Makes every appended record durable (fsync of the segment being written).
    pub fn sync(&mut self) -> Result<(), SpoolError> {
        if self.unsynced {
            let id = self.segments.last().map(|s| s.id).unwrap_or(1);
            self.writer
                .sync_data()
                .map_err(io(&seg_path(&self.dir, id)))?;
            self.unsynced = false;
        }
        Ok(())
    }

    fn roll(&mut self) -> Result<(), SpoolError> {
        self.sync()?;
        let id = self.segments.last().map(|s| s.id + 1).unwrap_or(1);
        let path = seg_path(&self.dir, id);
        self.writer = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        self.segments.push(Segment { id, len: 0 });
        // Make the new file's name durable too.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Reads up to `max` records (and about `max_bytes`) after the read cursor, moving it
    /// past them. They stay in the spool until [`Spool::commit`]. A record that cannot be
    /// read ends its segment (counted in the returned skip count).
    pub fn read(&mut self, max: usize, max_bytes: usize) -> (Vec<Record>, u64) {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        let mut skipped = 0u64;
        while out.len() < max && bytes < max_bytes {
            let Some(seg) = self.segments.get(self.read_seg) else {
                break;
            };
            let (id, len) = (seg.id, seg.len);
            if self.read_off >= len {
                if self.read_seg + 1 < self.segments.len() {
                    self.read_seg += 1;
                    self.read_off = 0;
                    continue;
                }
                break;
            }
            let path = seg_path(&self.dir, id);
            if self.reader.as_ref().map(|r| r.0) != Some(id) {
                match File::open(&path) {
                    Ok(f) => self.reader = Some((id, f)),
                    Err(_) => {
                        skipped += 1;
                        self.read_off = len;
                        continue;
                    }
                }
            }
            let Some((_, f)) = self.reader.as_mut() else {
                break;
            };
            if f.seek(SeekFrom::Start(self.read_off)).is_err() {
                self.read_off = len;
                skipped += 1;
                continue;
            }
            match read_record(f, len - self.read_off) {
                Ok(Some(r)) => {
                    self.read_off += (HEADER + r.payload.len()) as u64;
                    bytes += r.payload.len();
                    out.push(r);
                }
                Ok(None) => self.read_off = len,
                Err(_) => {
                    skipped += 1;
                    self.read_off = len;
                }
            }
        }
        (out, skipped)
    }

    /// Moves the read cursor back to the last commit (the records read since are read
    /// again, for a retry after a restart of the sender).
    pub fn rewind(&mut self) {
        let idx = self
            .segments
            .iter()
            .position(|s| s.id == self.committed.0)
            .unwrap_or(0);
        self.read_seg = idx;
        self.read_off = self.committed.1;
    }

    /// Marks everything read so far as delivered: deletes finished segments and records the
    /// position in `committed`.
    pub fn commit(&mut self) -> Result<(), SpoolError> {
        let Some(seg) = self.segments.get(self.read_seg) else {
            return Ok(());
        };
        let pos = (seg.id, self.read_off);
        // What is released: the bytes between the old and new commit.
        let mut released = 0u64;
        let mut count = 0u64;
        for s in &self.segments {
            if s.id < self.committed.0 || s.id > pos.0 {
                continue;
            }
            let from = if s.id == self.committed.0 {
                self.committed.1
            } else {
                0
            };
            let to = if s.id == pos.0 { pos.1 } else { s.len };
            released += to.saturating_sub(from);
            let _ = &mut count;
        }
        self.pending_bytes = self.pending_bytes.saturating_sub(released);
        self.committed = pos;
        write_committed(&self.dir, pos)?;
        // Segments wholly before the cursor are done.
        while self.read_seg > 0 {
            let old = self.segments.remove(0);
            let _ = std::fs::remove_file(seg_path(&self.dir, old.id));
            self.read_seg -= 1;
            if self.reader.as_ref().map(|r| r.0) == Some(old.id) {
                self.reader = None;
            }
        }
        Ok(())
    }

    /// Records reported delivered so far are subtracted by the caller; this is the number of
    /// records appended or found at open that are not yet committed, as counted by the caller
    /// through [`Spool::note_committed`].
    pub fn pending(&self) -> u64 {
        self.pending
    }

    /// Tells the spool that `n` records were committed (for [`Spool::pending`]).
    pub fn note_committed(&mut self, n: u64) {
        self.pending = self.pending.saturating_sub(n);
    }

    /// Bytes of records not yet committed.
    pub fn pending_bytes(&self) -> u64 {
        self.pending_bytes
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn read_committed(dir: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(dir.join("committed")).unwrap_or_default();
    let mut it = text.split_whitespace().map(|w| w.parse::<u64>().ok());
    match (it.next().flatten(), it.next().flatten()) {
        (Some(a), Some(b)) => (a, b),
        _ => (0, 0),
    }
}

fn write_committed(dir: &Path, pos: (u64, u64)) -> Result<(), SpoolError> {
    let tmp = dir.join("committed.tmp");
    std::fs::write(&tmp, format!("{} {}\n", pos.0, pos.1)).map_err(io(&tmp))?;
    let dst = dir.join("committed");
    std::fs::rename(&tmp, &dst).map_err(io(&dst))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payloads(s: &mut Spool, from: u32, to: u32) {
        for i in from..to {
            s.append(format!("record {i}").as_bytes()).unwrap();
        }
        s.sync().unwrap();
    }

    fn texts(r: &[Record]) -> Vec<String> {
        r.iter()
            .map(|r| String::from_utf8(r.payload.clone()).unwrap())
            .collect()
    }

    #[test]
    fn records_survive_a_restart_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, rec) = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(rec, SpoolRecovery::default());
        payloads(&mut s, 0, 10);
        let (r, skipped) = s.read(4, 1 << 20);
        assert_eq!((texts(&r).len(), skipped), (4, 0));
        s.commit().unwrap();
        drop(s);
        let (mut s, rec) = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(rec.pending, 6);
        assert!(rec.corrupt.is_empty());
        let (r, _) = s.read(100, 1 << 20);
        assert_eq!(texts(&r)[0], "record 4");
        assert_eq!(r.len(), 6);
        // New records follow with higher sequence numbers.
        let seq = s.append(b"new").unwrap();
        assert!(seq > r[5].seq);
        s.sync().unwrap();
        let (r2, _) = s.read(100, 1 << 20);
        assert_eq!(texts(&r2), ["new"]);
        s.commit().unwrap();
        assert_eq!(s.pending_bytes(), 0);
        drop(s);
        let (_, rec) = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(rec.pending, 0);
    }

    #[test]
    fn bounded_by_max_bytes_and_record_size() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Spool::open(dir.path(), 1000).unwrap();
        let mut n = 0;
        while s.append(&[7u8; 84]).is_ok() {
            n += 1;
            assert!(n <= 10);
        }
        assert_eq!(n, 10); // 10 x 100 bytes
        assert!(matches!(s.append(b"x"), Err(SpoolError::Full(1000))));
        assert!(matches!(
            s.append(&vec![0u8; MAX_RECORD + 1]),
            Err(SpoolError::TooLarge(_))
        ));
        // Committing makes room again.
        let (r, _) = s.read(5, 1 << 20);
        assert_eq!(r.len(), 5);
        s.commit().unwrap();
        assert!(s.append(&[7u8; 84]).is_ok());
    }

    #[test]
    fn segments_roll_and_finished_ones_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        // 512 KiB spool: 64 KiB segments.
        let (mut s, _) = Spool::open(dir.path(), 512 * 1024).unwrap();
        for _ in 0..300 {
            s.append(&[1u8; 1000]).unwrap();
        }
        s.sync().unwrap();
        let segs = |d: &Path| {
            std::fs::read_dir(d)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .ends_with(".seg")
                })
                .count()
        };
        assert!(segs(dir.path()) >= 4, "{}", segs(dir.path()));
        let (r, _) = s.read(1000, usize::MAX);
        assert_eq!(r.len(), 300);
        s.commit().unwrap();
        assert_eq!(segs(dir.path()), 1);
    }

    /// A crash in the middle of a write leaves a partial record: found, reported, cut off;
    /// what came before is read, and appends go on after it.
    #[test]
    fn truncated_tail_is_detected_and_cut() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Spool::open(dir.path(), 1 << 20).unwrap();
        payloads(&mut s, 0, 5);
        drop(s);
        let seg = seg_path(dir.path(), 1);
        let len = std::fs::metadata(&seg).unwrap().len();
        for cut in [len - 1, len - 8, len - 20] {
            let copy = tempfile::tempdir().unwrap();
            std::fs::copy(&seg, seg_path(copy.path(), 1)).unwrap();
            let f = OpenOptions::new()
                .write(true)
                .open(seg_path(copy.path(), 1))
                .unwrap();
            f.set_len(cut).unwrap();
            drop(f);
            let (mut s, rec) = Spool::open(copy.path(), 1 << 20).unwrap();
            assert_eq!(rec.pending, 4, "cut at {cut}");
            assert_eq!(rec.corrupt.len(), 1);
            assert!(rec.corrupt[0].2.contains("truncated"), "{:?}", rec.corrupt);
            s.append(b"after").unwrap();
            s.sync().unwrap();
            let (r, skipped) = s.read(100, 1 << 20);
            assert_eq!(skipped, 0);
            assert_eq!(
                texts(&r),
                ["record 0", "record 1", "record 2", "record 3", "after"]
            );
        }
    }

    #[test]
    fn corrupt_records_are_skipped_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Spool::open(dir.path(), 1 << 20).unwrap();
        payloads(&mut s, 0, 5);
        drop(s);
        let seg = seg_path(dir.path(), 1);
        let good = std::fs::read(&seg).unwrap();
        // A flipped payload byte in the third record: CRC mismatch.
        let rec_len = HEADER + "record 0".len();
        let mut bad = good.clone();
        bad[2 * rec_len + HEADER + 1] ^= 0xff;
        std::fs::write(&seg, &bad).unwrap();
        let (mut s, rec) = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(rec.pending, 2);
        assert_eq!(rec.corrupt[0].1, 2 * rec_len as u64);
        assert!(rec.corrupt[0].2.contains("CRC"));
        assert_eq!(rec.skipped_bytes, 3 * rec_len as u64);
        let (r, _) = s.read(100, 1 << 20);
        assert_eq!(texts(&r), ["record 0", "record 1"]);
        // Every single-byte corruption and every length: never a panic.
        for i in 0..good.len() {
            for (val, cut) in [(0u8, false), (0xff, false), (0, true)] {
                let copy = tempfile::tempdir().unwrap();
                let mut b = good.clone();
                if cut {
                    b.truncate(i);
                } else {
                    b[i] = val;
                }
                std::fs::write(seg_path(copy.path(), 1), &b).unwrap();
                let (mut s, rec) = Spool::open(copy.path(), 1 << 20).unwrap();
                let (r, _) = s.read(100, 1 << 20);
                assert_eq!(r.len() as u64, rec.pending);
                assert!(r.len() <= 5);
            }
        }
        // A garbage committed file is read as "nothing committed".
        std::fs::write(dir.path().join("committed"), b"\xff\xfe zz").unwrap();
        assert!(Spool::open(dir.path(), 1 << 20).is_ok());
    }
}
