//! Safe file input for what cydex reads back: a run's `results.json`, a batch's `batch.json` or
//! shard partial, a decision journal, a drill's report. Those are files cydex wrote, so only a
//! regular file is read: a FIFO, socket or device at the path (`/dev/zero`, a FIFO planted in a
//! shared folder) is refused without blocking on it, and never more than a stated limit is read, so
//! an endless or oversized input is refused at once instead of filling memory.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Largest `results.json` read back: far above what any run within the default budgets writes
/// (the 100,000-host linked world's is 36 MB, about 365 bytes per host that took part).
pub const MAX_RESULTS: u64 = 4 << 30;

/// Largest after-action report the drill console serves back from its `--out` (a report says no
/// more than the results it renders, so their limit).
pub const MAX_REPORT: u64 = MAX_RESULTS;

/// Largest `batch.json` or shard partial read back (a summary: about 1 MB at 100,000 runs).
pub const MAX_BATCH_FILE: u64 = 256 << 20;

/// Largest decision journal read back (a drill's journal is a few megabytes).
pub const MAX_JOURNAL: u64 = 256 << 20;

/// The bytes of the regular file at `path`, at most `limit` of them. Opened non-blocking, so a
/// FIFO is refused rather than waited on; a file over the limit is refused before it is read (or,
/// if it grows while read, once the limit is passed).
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_large(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// Opens `path` for reading without blocking (`O_NONBLOCK`: a FIFO with no writer would otherwise
/// wait forever) and refuses anything but a regular file, checked on the open handle.
fn open(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_dir() {
        return Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"));
    }
    if !kind.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "it is not a regular file (a FIFO, socket or device)"));
    }
    Ok(file)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(io::ErrorKind::FileTooLarge, format!("it is larger than {} MiB (README \"Limits\")", limit >> 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.json");
        std::fs::write(&p, "{\"a\": 1}").unwrap();
        assert_eq!(read_text(&p, 100).unwrap(), "{\"a\": 1}");
        assert_eq!(read(&p, 8).unwrap().len(), 8, "exactly at the limit");
    }

    #[test]
    fn over_the_limit_not_text_or_not_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        std::fs::write(&p, [b'{'; 9]).unwrap();
        assert_eq!(read(&p, 8).unwrap_err().kind(), io::ErrorKind::FileTooLarge);
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(read_text(&p, 8).unwrap_err().to_string().contains("not UTF-8"));
        assert_eq!(read(dir.path(), 8).unwrap_err().kind(), io::ErrorKind::IsADirectory);
        let err = read(Path::new("/dev/zero"), 8).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.json");
        assert!(std::process::Command::new("mkfifo").arg(&p).status().unwrap().success(), "mkfifo");
        let err = read(&p, 8).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
