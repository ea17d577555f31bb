//! `-o/--output`: output never destroys input. The store file and its `-wal`, `-shm` and
//! `-journal` companions are refused however they are named (another spelling, a symlink, a
//! hard link); a FIFO or a device is written through and stays what it was; a symlink is
//! followed and stays a symlink; an existing file keeps its mode and owner; a write error names
//! the file; a failed command leaves an existing file as it was.
//!
//! These tests run the real binary on temporary stores. The only system files they write are
//! `/dev/null` and `/dev/full`, and where a broken factdesk could replace those (run as root)
//! only after a device node of their own came through unharmed (see [`devices`]). Linux only:
//! other systems lack `/dev/full`.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use crate::{Desk, Seed};

fn seeded() -> Desk {
    let desk = Desk::new();
    Seed::log(&desk);
    desk
}

/// The store's directory, where the tests put their output files.
fn dir(desk: &Desk) -> PathBuf {
    desk.db.parent().unwrap().to_path_buf()
}

/// Runs `cmd`, which must be refused (exit 2) with exactly
/// `refusing to write output to 'SHOWN': it is WHAT (choose another file)`, leaving the store
/// file's bytes and rows as they were and the store still verifying.
fn refused(desk: &Desk, mut cmd: assert_cmd::Command, shown: &str, what: &str) {
    let bytes = std::fs::read(&desk.db).unwrap();
    let rows = desk.contents();
    let output = cmd.output().expect("factdesk runs");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "factdesk: refusing to write output to '{shown}': it is {what} (choose another file)\n"
        )
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        std::fs::read(&desk.db).unwrap() == bytes,
        "the store file's bytes changed"
    );
    assert_eq!(desk.contents(), rows);
    assert!(desk.ok(&["verify"]).starts_with("Verified: "));
    assert!(desk.ok(&["claim", "list"]).contains("Iran supplied Russia"));
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

#[test]
fn report_disputed_refuses_to_write_over_the_store() {
    crate::sqlite_only!("the store is a file --output could write over");
    let desk = seeded();
    let db = path_str(&desk.db).to_string();
    refused(
        &desk,
        desk.cmd(&["report", "disputed", "-o", &db]),
        &db,
        "the factdesk store",
    );
    refused(
        &desk,
        desk.cmd(&["report", "summary", "--format", "html", "--output", &db]),
        &db,
        "the factdesk store",
    );
}

#[test]
fn the_stores_companion_files_are_refused() {
    crate::sqlite_only!("the store is a file --output could write over");
    let desk = seeded();
    for (suffix, what) in [
        ("-wal", "the factdesk store's write-ahead log"),
        ("-shm", "the factdesk store's shared-memory index"),
        ("-journal", "the factdesk store's rollback journal"),
    ] {
        let companion = format!("{}{suffix}", desk.db.display());
        refused(
            &desk,
            desk.cmd(&["report", "disputed", "-o", &companion]),
            &companion,
            what,
        );
        assert!(
            !Path::new(&companion).exists(),
            "{companion} was left behind"
        );
    }
}

#[test]
fn another_spelling_of_the_store_is_refused() {
    crate::sqlite_only!("the store is a file --output could write over");
    let desk = seeded();
    let mut cmd = desk.cmd(&["export", "--format", "jsonl", "-o", "./desk.db"]);
    cmd.current_dir(dir(&desk));
    refused(&desk, cmd, "./desk.db", "the factdesk store");

    let roundabout = dir(&desk).join("sub").join("..").join(".").join("desk.db");
    std::fs::create_dir(dir(&desk).join("sub")).unwrap();
    let roundabout = path_str(&roundabout).to_string();
    refused(
        &desk,
        desk.cmd(&["export", "--format", "jsonl", "-o", &roundabout]),
        &roundabout,
        "the factdesk store",
    );

    // The store named relatively (--db desk.db) and the output absolutely.
    let absolute = path_str(&desk.db).to_string();
    let mut cmd = desk.cmd(&["--db", "desk.db", "graph", "-o", &absolute]);
    cmd.current_dir(dir(&desk));
    refused(&desk, cmd, &absolute, "the factdesk store");
}

#[test]
fn a_symlink_to_the_store_is_refused_and_stays_a_symlink() {
    crate::sqlite_only!("the store is a file --output could write over");
    let desk = seeded();
    let link = dir(&desk).join("graph.dot");
    std::os::unix::fs::symlink("desk.db", &link).unwrap();
    let shown = path_str(&link).to_string();
    refused(
        &desk,
        desk.cmd(&["graph", "-o", &shown]),
        &shown,
        "the factdesk store",
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("desk.db"));

    // A symlink to the write-ahead log, which exists only while the store is open.
    let to_wal = dir(&desk).join("wal.dot");
    std::os::unix::fs::symlink("desk.db-wal", &to_wal).unwrap();
    let shown = path_str(&to_wal).to_string();
    refused(
        &desk,
        desk.cmd(&["graph", "-o", &shown]),
        &shown,
        "the factdesk store's write-ahead log",
    );
}

#[test]
fn a_hard_link_to_the_store_is_refused() {
    crate::sqlite_only!("the store is a file --output could write over");
    let desk = seeded();
    let hard = dir(&desk).join("summary.txt");
    std::fs::hard_link(&desk.db, &hard).unwrap();
    let shown = path_str(&hard).to_string();
    refused(
        &desk,
        desk.cmd(&["report", "summary", "-o", &shown]),
        &shown,
        "the factdesk store",
    );
    assert_eq!(
        std::fs::metadata(&hard).unwrap().ino(),
        std::fs::metadata(&desk.db).unwrap().ino()
    );
}

#[test]
fn a_directory_is_refused() {
    let desk = seeded();
    let folder = dir(&desk).join("reports");
    std::fs::create_dir(&folder).unwrap();
    let shown = path_str(&folder).to_string();
    assert_eq!(
        desk.fails(&["report", "disputed", "-o", &shown], 2),
        format!("factdesk: refusing to write output to '{shown}': it is a directory (name a file)")
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
    assert_eq!(
        std::fs::read_dir(dir(&desk))
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial"))
            .count(),
        0
    );
}

#[test]
fn a_fifo_gets_the_report_and_stays_a_fifo() {
    let desk = seeded();
    let expected = desk.ok(&["report", "disputed"]);
    let fifo = dir(&desk).join("pipe");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    let (sent, received) = mpsc::channel();
    let reading = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        std::fs::File::open(&reading)
            .and_then(|mut pipe| pipe.read_to_string(&mut text))
            .expect("read the FIFO");
        let _ = sent.send(text);
    });
    let out = desk.run(&["report", "disputed", "-o", path_str(&fifo)]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
    let text = received
        .recv_timeout(Duration::from_secs(30))
        .expect("the reader got the report through the FIFO");
    assert_eq!(text, expected);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

/// The character devices to write to for the system's `system` (`/dev/null`, `/dev/full`),
/// in order.
///
/// A factdesk that replaced its output target instead of writing through it would, where it
/// may write in `/dev` (as root), replace the machine's own device. There the test first writes
/// to a node of the same device in its own folder, and to the system's only once that one came
/// through unharmed; where `/dev` is not writable the system's device cannot be replaced and is
/// used directly. Where no usable node can be made (a `nodev` mount), the test says so and
/// leaves the system's device alone.
fn devices(desk: &Desk, system: &str) -> Vec<PathBuf> {
    let system = PathBuf::from(system);
    let folder = system.parent().unwrap();
    if rustix::fs::access(folder, rustix::fs::Access::WRITE_OK).is_err() {
        return vec![system];
    }
    let own = dir(desk).join(system.file_name().unwrap());
    let made = rustix::fs::mknodat(
        rustix::fs::CWD,
        &own,
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o666),
        std::fs::metadata(&system).unwrap().rdev(),
    );
    if made.is_ok() && std::fs::OpenOptions::new().write(true).open(&own).is_ok() {
        return vec![own, system];
    }
    eprintln!(
        "skipped writing to {}: {} is writable here and no device node of its own could be used in {}",
        system.display(),
        folder.display(),
        dir(desk).display()
    );
    Vec::new()
}

/// What `-o` at the character device `path` did: still the same device, and the outcome.
fn through_device(desk: &Desk, path: &Path, args: &[&str]) -> crate::Outcome {
    let before = std::fs::metadata(path).unwrap();
    assert!(before.file_type().is_char_device());
    let mut all = args.to_vec();
    all.extend(["-o", path_str(path)]);
    let out = desk.run(&all);
    let after = std::fs::symlink_metadata(path).unwrap();
    assert!(
        after.file_type().is_char_device(),
        "{} is no longer a device",
        path.display()
    );
    assert_eq!((after.ino(), after.rdev()), (before.ino(), before.rdev()));
    out
}

#[test]
fn dev_null_takes_the_output_and_stays_a_device() {
    let desk = seeded();
    for null in devices(&desk, "/dev/null") {
        for args in [
            &["report", "disputed"][..],
            &["export", "--format", "jsonl"],
            &["graph", "--format", "mermaid"],
        ] {
            let out = through_device(&desk, &null, args);
            assert_eq!(
                (out.code, out.stdout.as_str(), out.stderr.as_str()),
                (0, "", ""),
                "factdesk {args:?} -o {}",
                null.display()
            );
        }
    }
}

#[test]
fn a_full_disk_names_the_file() {
    let desk = seeded();
    for full in devices(&desk, "/dev/full") {
        let out = through_device(&desk, &full, &["report", "disputed"]);
        assert_eq!(
            out.stderr,
            format!(
                "factdesk: cannot write '{}': No space left on device (os error 28)\n",
                full.display()
            )
        );
        assert_eq!((out.code, out.stdout.as_str()), (1, ""));
    }
}

#[test]
fn standard_output_named_as_a_file_is_written_through() {
    let desk = seeded();
    let expected = desk.ok(&["report", "disputed"]);
    // A link of the test's own to /proc's magic link first; the system's /dev/stdout only once
    // that one came through, since a broken factdesk run as root could replace it.
    let own = dir(&desk).join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &own).unwrap();
    let mut names = vec![own];
    if std::fs::read_link("/dev/stdout").is_ok() {
        names.push(PathBuf::from("/dev/stdout"));
    }
    for name in names {
        let link = std::fs::read_link(&name).unwrap();
        let out = desk.run(&["report", "disputed", "-o", path_str(&name)]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, expected.as_str(), ""),
            "-o {}",
            name.display()
        );
        assert_eq!(std::fs::read_link(&name).unwrap(), link);
    }
}

#[test]
fn a_symlink_is_followed_and_stays_a_symlink() {
    let desk = seeded();
    let expected = desk.ok(&["export", "--format", "jsonl"]);
    std::fs::create_dir(dir(&desk).join("backups")).unwrap();
    let real = dir(&desk).join("backups").join("desk.jsonl");
    std::fs::write(&real, "yesterday's export\n").unwrap();
    let link = dir(&desk).join("latest.jsonl");
    std::os::unix::fs::symlink("backups/desk.jsonl", &link).unwrap();
    let out = desk.run(&["export", "--format", "jsonl", "-o", path_str(&link)]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("backups/desk.jsonl")
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), expected);

    // A symlink whose target is not there yet: the target is created, the link kept.
    let dangling = dir(&desk).join("next.jsonl");
    std::os::unix::fs::symlink("backups/next.jsonl", &dangling).unwrap();
    desk.ok(&["export", "--format", "jsonl", "-o", path_str(&dangling)]);
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir(&desk).join("backups").join("next.jsonl")).unwrap(),
        expected
    );
    // Nothing else was left in either folder.
    let mut names: Vec<String> = std::fs::read_dir(dir(&desk).join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["desk.jsonl", "next.jsonl"]);
}

#[test]
fn an_existing_file_keeps_its_mode_and_owner() {
    let desk = seeded();
    let expected = desk.ok(&["report", "disputed"]);
    let out_file = dir(&desk).join("disputed.txt");
    std::fs::write(&out_file, "old report\n").unwrap();
    std::fs::set_permissions(&out_file, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Only root can give a file to somebody else: then the owner is checked too.
    let given_away = std::os::unix::fs::chown(&out_file, Some(4321), Some(4321)).is_ok();
    let before = std::fs::metadata(&out_file).unwrap();
    desk.ok(&["report", "disputed", "-o", path_str(&out_file)]);
    let after = std::fs::metadata(&out_file).unwrap();
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), expected);
    assert_eq!(after.permissions().mode() & 0o7777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if given_away {
        assert_eq!((after.uid(), after.gid()), (4321, 4321));
    }
}

#[test]
fn a_failed_command_leaves_an_existing_file_as_it_was() {
    let desk = seeded();
    let out_file = dir(&desk).join("disputed.txt");
    std::fs::write(&out_file, "old report\n").unwrap();
    let shown = path_str(&out_file).to_string();
    // The format is refused only once the output file is open: its temporary file goes.
    let message = desk.fails(&["report", "disputed", "--format", "dot", "-o", &shown], 2);
    assert!(message.starts_with("factdesk: "), "{message}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "old report\n");
    let mut names: Vec<String> = std::fs::read_dir(dir(&desk))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("desk.db"))
        .collect();
    names.sort();
    assert_eq!(names, ["disputed.txt"]);
}
