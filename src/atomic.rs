//! Atomic file output: every file cydex writes goes to a temporary file beside its target, is
//! flushed to disk, then renamed over the target, so a failed or interrupted write never leaves a
//! partial or half-overwritten file. A target that exists and is not a regular file (a device such
//! as `/dev/stdout` or `/dev/full`, a FIFO) is written in place instead, never replaced.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically. On error the target is untouched and the temporary file is
/// removed.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// Writes to `path` atomically through `fill`, which receives the temporary file.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>) -> io::Result<()> {
    write_impl(path, true, fill)
}

/// [`write`] without flushing the file to disk before the rename: readers still never see a
/// partial file, and an interrupted process (Ctrl-C, a crash) leaves the old file or the whole new
/// one, but after a power loss the new file may be empty. For files that can be remade, such as a
/// batch's per-run records (`--resume` reruns an empty one), where an `fsync` per file would cost
/// more than the work it protects.
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_impl(path, false, |f| f.write_all(bytes))
}

fn write_impl(
    path: &Path,
    sync: bool,
    fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        if meta.is_dir() {
            return Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"));
        }
        let mut w = io::BufWriter::new(fs::OpenOptions::new().write(true).open(path)?);
        fill(&mut w)?;
        return w.flush();
    }
    let tmp = temp_path(path)?;
    let result = (|| {
        let file = File::create(&tmp)?;
        let mut w = io::BufWriter::new(file);
        fill(&mut w)?;
        w.flush()?;
        let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        if sync {
            file.sync_all()?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn temp_path(path: &Path) -> io::Result<PathBuf> {
    let name =
        path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the output path names no file"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    Ok(path.with_file_name(tmp_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write(&p, b"first").unwrap();
        write(&p, b"second").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second");
        let failed = write_with(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "temporary file left behind");
    }

    #[test]
    fn special_files_are_written_in_place_not_replaced() {
        let full = Path::new("/dev/full");
        if full.exists() {
            assert!(write(full, b"x").is_err(), "a full device must report the failure");
            assert!(!fs::metadata(full).unwrap().is_file(), "the device node must survive");
        }
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write(&dir.path().join("nope/out.json"), b"x").is_err());
    }
}
