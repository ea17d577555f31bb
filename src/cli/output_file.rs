//! Writing a command's output to the file named by `-o/--output`, under one rule: output never
//! destroys input.
//!
//! This module owns the decision of *how* an output file is written, and nothing else:
//!
//! - The store file and its `-wal`, `-shm` and `-journal` companions are refused (a usage
//!   error), whichever way they are named: another spelling, a symlink, a hard link. Paths are
//!   compared canonicalised, and existing files by (device, inode).
//! - A directory, or a block device (a disk), is refused.
//! - A FIFO or a character device (`/dev/null`, `/dev/stdout`, a terminal) is written straight
//!   through: opened for writing as it is, never replaced. Opening a FIFO waits for its reader,
//!   as a shell's `>` does.
//! - Symlinks are followed: the file written is the one the link leads to (created when the
//!   link dangles), and the link stays a link.
//! - Anything else is written to a temporary file beside the *resolved* target and renamed into
//!   place, so it is never left half-written. An existing file's permissions and owner are
//!   copied onto the temporary file first. When its owner cannot be given back (a user other
//!   than root cannot give a file to somebody else), the finished output is copied into the
//!   existing file instead — its owner, mode and identity stay, at the price of atomicity during
//!   that copy only (vim's `backupcopy=auto` makes the same choice). A hard link to an ordinary
//!   file is broken by the rename, as by most editors: the other names keep the old content.
//! - A write error names the file (`cannot write 'out.json': No space left on device …`); on any
//!   failure the temporary file is removed and an existing target is left as it was.
//!
//! It must not know what is written (the caller's closure renders it), open the store, or print
//! anything; it never writes anywhere but the resolved target and its temporary file. It is
//! written for Unix (owners, modes, inodes and device files as Linux and macOS have them).

use std::ffi::OsString;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The files that make up a store, by the suffix SQLite adds to its name, and what each is.
const STORE_FILES: &[(&str, &str)] = &[
    ("", "the factdesk store"),
    ("-wal", "the factdesk store's write-ahead log"),
    ("-shm", "the factdesk store's shared-memory index"),
    ("-journal", "the factdesk store's rollback journal"),
];

/// How many symlinks are followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// Gives an open file a new owner and/or group; [`fchown`] except in tests.
type Chown = fn(&File, Option<u32>, Option<u32>) -> io::Result<()>;

/// Writes what `write` produces to `path` (as the user named it), following the rules above;
/// `store` is the store file the command runs on, which output must never replace.
pub fn write_output(
    path: &Path,
    store: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    write_with(path, store, write, fchown)
}

fn fchown(file: &File, uid: Option<u32>, gid: Option<u32>) -> io::Result<()> {
    std::os::unix::fs::fchown(file, uid, gid)
}

fn write_with(
    path: &Path,
    store: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
    chown: Chown,
) -> Result<()> {
    let cannot = |e| cannot_write(path, e);
    if path.file_name().is_none() {
        return Err(Error::usage(format!(
            "'{}' is not a file name",
            path.display()
        )));
    }
    // The kernel follows every symlink here, /proc's magic ones (/dev/stdout) included.
    let found = match fs::metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(cannot(e)),
    };
    let refuse = |what: &str| {
        Error::usage(format!(
            "refusing to write output to '{}': it is {what} (name a file)",
            path.display()
        ))
    };
    match &found {
        Some(meta) if meta.is_dir() => return Err(refuse("a directory")),
        Some(meta) if meta.file_type().is_block_device() => return Err(refuse("a block device")),
        // A FIFO, a character device or a socket: never one of the store's files.
        Some(meta) if !meta.is_file() => return write_through(path, write),
        _ => {}
    }
    let resolved = resolve(path).map_err(cannot)?;
    if let Some(store) = store {
        refuse_store(path, &resolved, found.as_ref(), store)?;
    }
    replace(path, &resolved, found.as_ref(), write, chown)
}

/// The path `path` leads to: symlinks followed (also when the last one dangles) and made
/// absolute and canonical; for a file not there yet, its canonical folder joined with its name.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(folder) => folder.join(to),
                    None => to,
                };
            }
            Ok(_) => return fs::canonicalize(&current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let name = current.file_name().ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "not a file name")
                })?;
                let folder = match current.parent() {
                    Some(folder) if !folder.as_os_str().is_empty() => folder,
                    _ => Path::new("."),
                };
                return Ok(fs::canonicalize(folder)?.join(name));
            }
            Err(e) => return Err(e),
        }
    }
    // Too many links: the system says so (ELOOP).
    fs::canonicalize(path)
}

/// Refuses `resolved` (found as `found`, when it exists) when it is the store at `store` or one
/// of its companion files, by canonical path or by (device, inode).
fn refuse_store(
    shown: &Path,
    resolved: &Path,
    found: Option<&Metadata>,
    store: &Path,
) -> Result<()> {
    // SQLite names the companions after the store as opened, or after the file a symlink leads
    // to: both are checked.
    let mut stores = vec![store.to_path_buf()];
    stores.extend(resolve(store).ok());
    for (suffix, what) in STORE_FILES {
        for base in &stores {
            let mut name = OsString::from(base.as_os_str());
            name.push(suffix);
            let name = PathBuf::from(name);
            let same_path = resolve(&name).is_ok_and(|other| other == resolved);
            let same_file = found.is_some_and(|found| {
                fs::metadata(&name)
                    .is_ok_and(|other| (other.dev(), other.ino()) == (found.dev(), found.ino()))
            });
            if same_path || same_file {
                return Err(Error::usage(format!(
                    "refusing to write output to '{}': it is {what} (choose another file)",
                    shown.display()
                )));
            }
        }
    }
    Ok(())
}

/// Writes straight into the special file (FIFO, character device) at `path`.
fn write_through(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let cannot = |e| cannot_write(path, e);
    let file = OpenOptions::new().write(true).open(path).map_err(cannot)?;
    // Replaced by an ordinary file since it was looked at: never overwrite one in place here.
    if file.metadata().map_err(cannot)?.is_file() {
        return Err(cannot(io::Error::other(
            "it was replaced while factdesk was opening it",
        )));
    }
    produce(path, file, write).map(drop)
}

/// Writes the output to a temporary file beside `resolved` and renames it into place; `old` is
/// the file there now, whose permissions and owner the new one takes.
fn replace(
    shown: &Path,
    resolved: &Path,
    old: Option<&Metadata>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
    chown: Chown,
) -> Result<()> {
    let cannot = |e| cannot_write(shown, e);
    let (partial, file) = create_partial(resolved, old.is_some()).map_err(cannot)?;
    let renamed = (|| {
        let mut file = produce(shown, file, write)?;
        if let Some(old) = old {
            let now = file.metadata().map_err(cannot)?;
            let uid = (now.uid() != old.uid()).then_some(old.uid());
            let gid = (now.gid() != old.gid()).then_some(old.gid());
            if uid.is_some() || gid.is_some() {
                match chown(&file, uid, gid) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                        copy_in_place(&mut file, resolved, old).map_err(cannot)?;
                        return Ok(false);
                    }
                    Err(e) => return Err(cannot(e)),
                }
            }
            // After the owner: giving a file away clears its set-user-ID and set-group-ID bits.
            file.set_permissions(old.permissions()).map_err(cannot)?;
        }
        file.sync_all().map_err(cannot)?;
        fs::rename(&partial, resolved).map_err(cannot)?;
        Ok(true)
    })();
    if !matches!(renamed, Ok(true)) {
        let _ = fs::remove_file(&partial);
    }
    renamed.map(drop)
}

/// Creates a new temporary file beside `resolved` (`.NAME.partial-PID`), readable only by its
/// owner when it is to replace an existing file (whose permissions it takes at the end).
fn create_partial(resolved: &Path, private: bool) -> io::Result<(PathBuf, File)> {
    let name = resolved.file_name().unwrap_or_default();
    let mut attempt = 0;
    loop {
        let mut partial = OsString::from(".");
        partial.push(name);
        partial.push(format!(".partial-{}", std::process::id()));
        if attempt > 0 {
            partial.push(format!("-{attempt}"));
        }
        let partial = resolved.with_file_name(partial);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create_new(true);
        if private {
            options.mode(0o600);
        }
        match options.open(&partial) {
            Ok(file) => return Ok((partial, file)),
            // Left by an earlier process with the same id, or taken by a concurrent one.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Copies the finished output in `partial` over the existing file at `resolved` (which must
/// still be `old`), keeping that file's owner, mode and identity.
fn copy_in_place(partial: &mut File, resolved: &Path, old: &Metadata) -> io::Result<()> {
    let mut target = OpenOptions::new().write(true).open(resolved)?;
    let now = target.metadata()?;
    if (now.dev(), now.ino()) != (old.dev(), old.ino()) {
        return Err(io::Error::other(
            "it was replaced while factdesk was writing it",
        ));
    }
    partial.seek(SeekFrom::Start(0))?;
    let length = io::copy(partial, &mut target)?;
    target.set_len(length)?;
    target.sync_all()
}

/// Runs `write` into `file`, buffered; returns the file with everything written to it. An
/// error writing the file names it.
fn produce(
    shown: &Path,
    file: File,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<File> {
    let mut out = BufWriter::new(Watched {
        inner: file,
        failure: None,
    });
    if let Err(e) = write(&mut out) {
        let (mut watched, _unwritten) = out.into_parts();
        return Err(match (e, watched.failure.take()) {
            (Error::Io(_), Some(failure)) => cannot_write(shown, failure),
            (e, _) => e,
        });
    }
    let watched = out
        .into_inner()
        .map_err(|e| cannot_write(shown, e.into_error()))?;
    Ok(watched.inner)
}

/// `cannot write 'PATH': REASON` (exit 1). A FIFO whose reader has gone is a closed pipe,
/// which the command line treats as a normal end, as on standard output.
fn cannot_write(shown: &Path, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Error::Io(e);
    }
    Error::invalid(format!("cannot write '{}': {e}", shown.display()))
}

/// A writer that remembers its last error, so that an I/O error surfacing from the caller's
/// closure can be told apart from one writing elsewhere (standard error) and named.
struct Watched<W> {
    inner: W,
    failure: Option<io::Error>,
}

impl<W: Write> Watched<W> {
    fn watch<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            self.failure = Some(match e.raw_os_error() {
                Some(code) => io::Error::from_raw_os_error(code),
                None => io::Error::new(e.kind(), e.to_string()),
            });
        }
        result
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn text(s: &'static str) -> impl FnOnce(&mut dyn Write) -> Result<()> {
        move |out| Ok(out.write_all(s.as_bytes())?)
    }

    fn write(path: &Path, store: Option<&Path>, s: &'static str) -> Result<()> {
        write_output(path, store, text(s))
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn refused_as(result: Result<()>) -> String {
        match result {
            Err(Error::Usage(message)) => message,
            other => panic!("not a usage error: {other:?}"),
        }
    }

    #[test]
    fn a_new_file_is_created_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        write(&out, None, "hello\n").unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "hello\n");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn the_store_and_its_companions_are_refused_by_name_even_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.db");
        for (name, what) in [
            ("s.db", "the factdesk store"),
            ("s.db-wal", "the factdesk store's write-ahead log"),
            ("s.db-shm", "the factdesk store's shared-memory index"),
            ("s.db-journal", "the factdesk store's rollback journal"),
        ] {
            let target = dir.path().join("sub/..").join(name);
            fs::create_dir_all(dir.path().join("sub")).unwrap();
            assert_eq!(
                refused_as(write(&target, Some(&store), "x")),
                format!(
                    "refusing to write output to '{}': it is {what} (choose another file)",
                    target.display()
                )
            );
        }
        assert_eq!(names(dir.path()), ["sub"]);
    }

    #[test]
    fn a_hard_link_or_a_symlink_to_the_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.db");
        fs::write(&store, "the store").unwrap();
        let hard = dir.path().join("hard.txt");
        fs::hard_link(&store, &hard).unwrap();
        let soft = dir.path().join("soft.txt");
        symlink(&hard, &soft).unwrap();
        // The store named through a symlink of its own: its companions are still known.
        let store_link = dir.path().join("link.db");
        symlink("s.db", &store_link).unwrap();
        for (target, store) in [(&hard, &store), (&soft, &store), (&store, &store_link)] {
            let message = refused_as(write(target, Some(store), "x"));
            assert!(message.ends_with("it is the factdesk store (choose another file)"));
        }
        assert_eq!(
            refused_as(write(&dir.path().join("s.db-wal"), Some(&store_link), "x")),
            format!(
                "refusing to write output to '{}': it is the factdesk store's write-ahead log (choose another file)",
                dir.path().join("s.db-wal").display()
            )
        );
        assert_eq!(fs::read_to_string(&store).unwrap(), "the store");
    }

    #[test]
    fn a_chain_of_symlinks_is_followed_even_when_it_dangles() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        symlink("a/second", dir.path().join("first")).unwrap();
        symlink("../final.txt", dir.path().join("a").join("second")).unwrap();
        let canonical = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            resolve(&dir.path().join("first")).unwrap(),
            canonical.join("final.txt")
        );
        write(&dir.path().join("first"), None, "through two links\n").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("final.txt")).unwrap(),
            "through two links\n"
        );
        assert!(
            fs::symlink_metadata(dir.path().join("first"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_loop_of_symlinks_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        symlink("b", &a).unwrap();
        symlink("a", &b).unwrap();
        match write(&a, None, "x") {
            Err(Error::Invalid(message)) => assert!(
                message.starts_with(&format!("cannot write '{}': ", a.display())),
                "{message}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_directory_and_a_non_file_name_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            refused_as(write(dir.path(), None, "x")),
            format!(
                "refusing to write output to '{}': it is a directory (name a file)",
                dir.path().display()
            )
        );
        let dots = dir.path().join("..");
        assert_eq!(
            refused_as(write(&dots, None, "x")),
            format!("'{}' is not a file name", dots.display())
        );
    }

    #[test]
    fn an_existing_file_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        fs::write(&out, "old").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o604)).unwrap();
        write(&out, None, "new\n").unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "new\n");
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o7777,
            0o604
        );
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn copying_in_place_keeps_the_files_identity_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        fs::write(&out, "a much longer old content than the new one\n").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
        let old = fs::metadata(&out).unwrap();
        let (partial, mut temp) = create_partial(&out, true).unwrap();
        temp.write_all(b"new\n").unwrap();
        copy_in_place(&mut temp, &out, &old).unwrap();
        fs::remove_file(partial).unwrap();
        let now = fs::metadata(&out).unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "new\n");
        assert_eq!(now.ino(), old.ino());
        assert_eq!(now.permissions().mode() & 0o7777, 0o640);
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn a_file_owned_by_somebody_else_keeps_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        fs::write(&out, "a much longer old content than the new one\n").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
        // Only root can give a file away; elsewhere the test above covers the copy.
        if std::os::unix::fs::chown(&out, Some(4321), Some(4321)).is_err() {
            return;
        }
        let check = |content: &str| {
            let now = fs::metadata(&out).unwrap();
            assert_eq!(fs::read_to_string(&out).unwrap(), content);
            assert_eq!((now.uid(), now.gid()), (4321, 4321));
            assert_eq!(now.permissions().mode() & 0o7777, 0o640);
            assert_eq!(names(dir.path()), ["out.txt"]);
        };
        // Root gives the new file back to its owner: replaced, owner and mode kept.
        let before = fs::metadata(&out).unwrap().ino();
        write_with(&out, None, text("replaced\n"), fchown).unwrap();
        check("replaced\n");
        assert_ne!(fs::metadata(&out).unwrap().ino(), before);
        // A user who may not: the output is copied into the existing file instead.
        let before = fs::metadata(&out).unwrap().ino();
        let refused: Chown = |_, _, _| Err(io::Error::from_raw_os_error(1)); // EPERM
        write_with(&out, None, text("in place\n"), refused).unwrap();
        check("in place\n");
        assert_eq!(fs::metadata(&out).unwrap().ino(), before);
        // Any other failure giving it back fails the command, leaving the file as it was.
        let broken: Chown = |_, _, _| Err(io::Error::from_raw_os_error(5)); // EIO
        match write_with(&out, None, text("never\n"), broken) {
            Err(Error::Invalid(message)) => assert_eq!(
                message,
                format!(
                    "cannot write '{}': Input/output error (os error 5)",
                    out.display()
                )
            ),
            other => panic!("{other:?}"),
        }
        check("in place\n");
    }

    #[test]
    fn a_failure_while_writing_leaves_an_existing_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        fs::write(&out, "old\n").unwrap();
        let failing = |out: &mut dyn Write| {
            out.write_all(b"half of it")?;
            Err(Error::invalid("the store went away"))
        };
        match write_output(&out, None, failing) {
            Err(Error::Invalid(message)) => assert_eq!(message, "the store went away"),
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read_to_string(&out).unwrap(), "old\n");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    /// The devices to write through for the system's `system` (`/dev/null`, `/dev/full`), in
    /// order. Where this process could replace the system's device (root may write in `/dev`),
    /// a node of the same device in `dir` comes first, so that broken code replaces that one
    /// and fails the test before reaching the system's; with no usable node there (a `nodev`
    /// mount), the system's device is left alone.
    #[cfg(target_os = "linux")]
    fn devices(dir: &Path, system: &str) -> Vec<PathBuf> {
        let system = PathBuf::from(system);
        let folder = system.parent().unwrap();
        if rustix::fs::access(folder, rustix::fs::Access::WRITE_OK).is_err() {
            return vec![system];
        }
        let own = dir.join(system.file_name().unwrap());
        let made = rustix::fs::mknodat(
            rustix::fs::CWD,
            &own,
            rustix::fs::FileType::CharacterDevice,
            rustix::fs::Mode::from_raw_mode(0o666),
            fs::metadata(&system).unwrap().rdev(),
        );
        if made.is_ok() && OpenOptions::new().write(true).open(&own).is_ok() {
            vec![own, system]
        } else {
            Vec::new()
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_written_through_and_a_write_error_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let still_the_device = |path: &Path, before: &Metadata| {
            let after = fs::symlink_metadata(path).unwrap();
            assert!(after.file_type().is_char_device());
            assert_eq!((after.ino(), after.rdev()), (before.ino(), before.rdev()));
        };
        for null in devices(dir.path(), "/dev/null") {
            let before = fs::metadata(&null).unwrap();
            write(&null, None, "nothing\n").unwrap();
            still_the_device(&null, &before);
        }
        for full in devices(dir.path(), "/dev/full") {
            let before = fs::metadata(&full).unwrap();
            match write(&full, None, "x") {
                Err(Error::Invalid(message)) => assert_eq!(
                    message,
                    format!(
                        "cannot write '{}': No space left on device (os error 28)",
                        full.display()
                    )
                ),
                other => panic!("{other:?}"),
            }
            still_the_device(&full, &before);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_written_through_and_stays_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let (sent, received) = std::sync::mpsc::channel();
        let reading = fifo.clone();
        std::thread::spawn(move || sent.send(fs::read_to_string(reading).unwrap()));
        write(&fifo, None, "through the pipe\n").unwrap();
        let read = received.recv_timeout(std::time::Duration::from_secs(30));
        assert_eq!(read.as_deref(), Ok("through the pipe\n"));
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(names(dir.path()), ["pipe"]);
    }
}
