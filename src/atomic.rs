//! Safe file output. Every file cydex writes goes to a temporary file beside its target — created
//! exclusively, with an unpredictable name — is flushed to disk, then renamed over the target, so a
//! failed or interrupted write never leaves a partial or half-overwritten file.
//!
//! Two kinds of target:
//! - **A file the user named** (`report -o FILE`, `init PATH`): an existing device or FIFO there
//!   (`/dev/stdout`, `/dev/full`) is written in place, never replaced, as the user asked.
//! - **A file inside an output directory** (`run --out DIR`, `batch --out DIR`): written only as a
//!   regular file cydex creates. A symbolic link, FIFO, device or directory planted at the name is
//!   refused, naming the path, and never followed. Files of one output set are staged together and
//!   published together ([`OutputSet`]), so a failure leaves the previous set whole.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Writes `bytes` to the user-named `path` atomically. On error the target is untouched and the
/// temporary file is removed.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// Writes to the user-named `path` atomically through `fill`, which receives the temporary file.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>) -> io::Result<()> {
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
    let staged = stage(dir_of(path), fill, true)?;
    staged.persist(path).map(drop).map_err(|e| e.error)
}

/// The directory a path's file lives in (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes a temporary file in `dir` through `fill`: created exclusively (`O_EXCL`) under an
/// unpredictable name, flushed, and synced to disk when `sync`. Dropped unpublished, it is removed.
fn stage(
    dir: &Path,
    fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
    sync: bool,
) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cydex-").suffix(".tmp");
    // Outputs are for sharing: the usual mode of a new file (0666 less the umask), not the 0600
    // tempfile gives its own files.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder.tempfile_in(dir)?;
    let (file, path) = tmp.into_parts();
    let mut w = io::BufWriter::new(file);
    fill(&mut w)?;
    w.flush()?;
    let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    if sync {
        file.sync_all()?;
    }
    Ok(NamedTempFile::from_parts(file, path))
}

/// Refuses a name inside an output directory that holds anything but a regular file: a symbolic
/// link (never followed), a FIFO, a device or a directory. A missing file is fine.
pub fn check_target(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Ok(()),
        Ok(m) => {
            let what = if m.file_type().is_symlink() {
                "a symbolic link"
            } else if m.is_dir() {
                "a directory"
            } else {
                "a device, FIFO or socket"
            };
            Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "`{}` is {what}, not a regular file; cydex writes only regular files it creates in an output directory — remove it or choose another directory",
                    path.display()
                ),
            ))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A set of files written into one output directory and published together: each is staged in
/// full first (temporary files in the directory), and only when every one is written are they
/// renamed into place. A failure while staging — a full disk, a planted link — leaves the previous
/// files untouched and removes the staged ones.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    sync: bool,
    staged: Vec<(String, NamedTempFile)>,
}

/// A file of an [`OutputSet`] written to its temporary file and not yet in the set.
#[derive(Debug)]
pub struct Staged {
    name: String,
    tmp: NamedTempFile,
}

impl OutputSet {
    /// A set for `dir`, which must exist. `sync` flushes each file to disk before publishing.
    pub fn new(dir: &Path, sync: bool) -> OutputSet {
        OutputSet { dir: dir.to_path_buf(), sync, staged: Vec::new() }
    }

    /// Stages file `name` (a bare file name) through `fill`. Refuses a name holding anything but a
    /// regular file.
    pub fn add(&mut self, name: &str, fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>) -> io::Result<()> {
        let staged = self.stage(name, fill)?;
        self.push(staged);
        Ok(())
    }

    /// Writes file `name` (a bare file name) through `fill` to a temporary file of the set's
    /// directory, without adding it to the set: files staged on several threads at once are then
    /// [`OutputSet::push`]ed in a fixed order. Dropped unpushed, the temporary file is removed.
    pub fn stage(
        &self,
        name: &str,
        fill: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
    ) -> io::Result<Staged> {
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("`{name}` is not a bare file name")));
        }
        check_target(&self.dir.join(name))?;
        Ok(Staged { name: name.to_string(), tmp: stage(&self.dir, fill, self.sync)? })
    }

    /// [`OutputSet::stage`]s file `name` with these bytes.
    pub fn stage_bytes(&self, name: &str, bytes: &[u8]) -> io::Result<Staged> {
        self.stage(name, |w| w.write_all(bytes))
    }

    /// Adds a file [`OutputSet::stage`] wrote: published after the files added before it.
    pub fn push(&mut self, staged: Staged) {
        self.staged.push((staged.name, staged.tmp));
    }

    /// Stages file `name` with these bytes.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let staged = self.stage_bytes(name, bytes)?;
        self.push(staged);
        Ok(())
    }

    /// Publishes every staged file, in the order added, and returns their paths. Each target is
    /// checked again just before its rename; a rename replaces a link planted meanwhile rather than
    /// following it.
    pub fn publish(self) -> io::Result<Vec<PathBuf>> {
        for (name, _) in &self.staged {
            check_target(&self.dir.join(name))?;
        }
        let mut done = Vec::with_capacity(self.staged.len());
        for (name, tmp) in self.staged {
            let path = self.dir.join(&name);
            tmp.persist(&path).map_err(|e| e.error)?;
            done.push(path);
        }
        Ok(done)
    }
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
    fn special_files_named_by_the_user_are_written_in_place_not_replaced() {
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

    #[test]
    fn a_set_is_published_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(dir.path(), false);
        set.add_bytes("a.json", b"A1").unwrap();
        set.add_bytes("b.md", b"B1").unwrap();
        assert!(!dir.path().join("a.json").exists(), "nothing is visible before publishing");
        set.publish().unwrap();
        let mut set = OutputSet::new(dir.path(), false);
        set.add_bytes("a.json", b"A2").unwrap();
        let failed = set.add("b.md", |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        drop(set);
        assert_eq!(fs::read(dir.path().join("a.json")).unwrap(), b"A1", "the old set stays whole");
        assert_eq!(fs::read(dir.path().join("b.md")).unwrap(), b"B1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "staged files are removed");
    }

    #[test]
    fn files_staged_side_by_side_publish_in_the_order_pushed_and_unpushed_ones_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(dir.path(), false);
        let (b, a) = std::thread::scope(|s| {
            let b = s.spawn(|| set.stage("b.csv", |w| w.write_all(b"B")));
            (b.join().unwrap(), set.stage("a.jsonl", |w| w.write_all(b"A")))
        });
        set.push(a.unwrap());
        set.push(b.unwrap());
        let published = set.publish().unwrap();
        assert_eq!(published, [dir.path().join("a.jsonl"), dir.path().join("b.csv")]);
        assert_eq!(fs::read(dir.path().join("b.csv")).unwrap(), b"B");
        let set = OutputSet::new(dir.path(), false);
        let orphan = set.stage("a.jsonl", |w| w.write_all(b"A2")).unwrap();
        assert!(set.stage("../c.csv", |w| w.write_all(b"C")).is_err(), "a bare file name only");
        drop(orphan);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "the unpushed file is removed");
        assert_eq!(fs::read(dir.path().join("a.jsonl")).unwrap(), b"A");
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_planted_in_an_output_directory_are_refused_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("report.md")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("absent"), dir.path().join("dangling.md")).unwrap();
        let mut set = OutputSet::new(dir.path(), false);
        let err = set.add_bytes("report.md", b"x").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(err.to_string().contains("report.md"), "names the path: {err}");
        assert!(set.add_bytes("dangling.md", b"x").is_err());
        assert!(!dir.path().join("absent").exists(), "a dangling link's target is never created");
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(set.add_bytes("sub", b"x").is_err());
        assert!(set.add_bytes("../escape", b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_usual_mode_of_a_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("shared.json");
        write(&p, b"x").unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        fs::write(&plain, b"x").unwrap();
        assert_eq!(mode, fs::metadata(&plain).unwrap().permissions().mode() & 0o777, "as File::create would");
    }

    #[test]
    fn temporary_names_are_unpredictable_and_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let a = stage(dir.path(), |w| w.write_all(b"1"), false).unwrap();
        let b = stage(dir.path(), |w| w.write_all(b"2"), false).unwrap();
        assert_ne!(a.path(), b.path());
        let name = a.path().file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with(".cydex-") && name.len() > ".cydex-.tmp".len(), "{name}");
    }
}
