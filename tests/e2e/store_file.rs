//! The store file itself: creation and migration, refusing files that are not factdesk stores
//! or come from a newer factdesk, the append-only event log under raw SQL, several processes
//! writing at once, and output to a closed pipe.

use std::io::Read;
use std::process::{Command, Stdio};

use assert_cmd::cargo::cargo_bin;

use crate::{Desk, NOW, contents_of};

#[test]
fn an_empty_file_becomes_a_store_only_through_init() {
    crate::sqlite_only!("an empty file as the store");
    let desk = Desk::uninitialised();
    std::fs::write(&desk.db, b"").unwrap();
    let out = desk.run(&["claim", "list"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr,
        format!(
            "factdesk: '{}' is empty, not a factdesk store yet: run `factdesk init` to create one\n",
            desk.db.display()
        )
    );
    assert_eq!(std::fs::read(&desk.db).unwrap(), b"");
    assert!(!desk.db.with_extension("db-wal").exists());

    desk.ok(&["init"]);
    assert_eq!(desk.ok(&["claim", "list"]), "No claims.\n");
    let raw = desk.raw();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, factdesk::store::LATEST_VERSION);
    let application_id: i64 = raw
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(application_id, factdesk::store::APPLICATION_ID);
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_store_with_a_schema_version_no_factdesk_writes_is_refused() {
    crate::sqlite_only!("the file's schema version");
    let desk = Desk::uninitialised();
    {
        let raw = rusqlite::Connection::open(&desk.db).unwrap();
        raw.pragma_update(None, "application_id", factdesk::store::APPLICATION_ID)
            .unwrap();
        raw.pragma_update(None, "user_version", -3).unwrap();
    }
    let before = std::fs::read(&desk.db).unwrap();
    let out = desk.run(&["init"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr,
        format!(
            "factdesk: store '{}' has schema version -3, which no factdesk writes: it is damaged \
             or was not written by factdesk\n",
            desk.db.display()
        )
    );
    assert_eq!(std::fs::read(&desk.db).unwrap(), before);
}

#[test]
fn a_missing_store_is_not_created_by_accident() {
    crate::sqlite_only!("a missing store file");
    let desk = Desk::uninitialised();
    let out = desk.run(&["claim", "list"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr,
        format!(
            "factdesk: no factdesk store at '{}' (run `factdesk init` to create one, or pass --db)\n",
            desk.db.display()
        )
    );
    assert!(!desk.db.exists());
}

#[test]
fn a_store_from_a_newer_factdesk_is_refused_and_left_untouched() {
    crate::sqlite_only!("the file's schema version (tests/e2e/postgres.rs has the server's)");
    let desk = Desk::new();
    desk.claim(&["A claim"]);
    desk.raw().pragma_update(None, "user_version", 99).unwrap();
    // Fold the WAL into the main file so the bytes compared below are the whole store.
    desk.raw()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let before = std::fs::read(&desk.db).unwrap();
    let message = desk.fails(&["claim", "add", "Another"], 3);
    assert_eq!(
        message,
        format!(
            "factdesk: store '{}' was written by a newer factdesk (schema version 99; this factdesk knows up to {}): upgrade factdesk to open it",
            desk.db.display(),
            factdesk::store::LATEST_VERSION
        )
    );
    assert_eq!(std::fs::read(&desk.db).unwrap(), before);
}

#[test]
fn files_that_are_not_factdesk_stores_are_refused_and_left_untouched() {
    crate::sqlite_only!("other files as the store");
    let desk = Desk::uninitialised();
    let text = b"This is a plain text file, not a database at all. ".repeat(100);
    std::fs::write(&desk.db, &text).unwrap();
    let out = desk.run(&["claim", "add", "X"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr,
        format!(
            "factdesk: '{}' is not a factdesk store (not a SQLite database)\n",
            desk.db.display()
        )
    );
    assert_eq!(std::fs::read(&desk.db).unwrap(), text);

    let other = Desk::uninitialised();
    rusqlite::Connection::open(&other.db)
        .unwrap()
        .execute_batch("CREATE TABLE recipes (name TEXT)")
        .unwrap();
    let before = std::fs::read(&other.db).unwrap();
    let out = other.run(&["init"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr,
        format!(
            "factdesk: '{}' is not a factdesk store (it is a SQLite database made by something else)\n",
            other.db.display()
        )
    );
    assert_eq!(std::fs::read(&other.db).unwrap(), before);
}

#[test]
fn events_cannot_be_rewritten_even_with_raw_sql() {
    crate::sqlite_only!("sqlite3 on the store file (tests/e2e/postgres.rs does it with psql)");
    let desk = Desk::new();
    desk.claim(&["A claim", "--claimant", "Someone"]);
    let before = desk.contents();
    let raw = desk.raw();
    let update = raw
        .execute("UPDATE events SET author = 'mallory'", [])
        .unwrap_err();
    assert!(
        update
            .to_string()
            .contains("factdesk events are append-only: UPDATE refused"),
        "{update}"
    );
    let delete = raw.execute("DELETE FROM events", []).unwrap_err();
    assert!(
        delete
            .to_string()
            .contains("factdesk events are append-only: DELETE refused"),
        "{delete}"
    );
    drop(raw);
    assert_eq!(desk.contents(), before);
}

#[test]
fn every_change_has_its_event_in_the_same_store() {
    let desk = Desk::new();
    let seed = crate::Seed::log(&desk);
    desk.ok(&[
        "evidence",
        "add",
        &seed.allegation,
        "--stance",
        "supports",
        "--source",
        "U.S. officials",
    ]);
    desk.ok(&["claim", "verdict", &seed.denial, "refuted", "--note", "x"]);
    let raw = desk.raw();
    let count = |sql: &str| -> i64 { raw.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM sources"),
        count("SELECT count(*) FROM events WHERE action = 'source.add'")
    );
    assert_eq!(
        count("SELECT count(*) FROM claims"),
        count("SELECT count(*) FROM events WHERE action = 'claim.add'")
    );
    assert_eq!(
        count("SELECT count(*) FROM evidence"),
        count("SELECT count(*) FROM events WHERE action = 'evidence.add'")
    );
    assert_eq!(
        count("SELECT count(*) FROM links"),
        count("SELECT count(*) FROM events WHERE action = 'link.add'")
    );
    assert_eq!(
        count("SELECT count(*) FROM verdicts"),
        count("SELECT count(*) FROM events WHERE action = 'verdict.set'")
    );
    assert_eq!(
        count(
            // Each command's events are stamped a millisecond after the last (the hybrid
            // clock: the fixed clock never moves on by itself).
            "SELECT count(*) FROM events WHERE at NOT GLOB '2024-09-07T12:00:00.0[0-9][0-9]Z'
                OR author <> 'ana'"
        ),
        0
    );
}

#[test]
fn several_processes_writing_one_store_at_once_all_land() {
    let desk = Desk::new();
    let writers = 8;
    let claims_each = 10;
    let children: Vec<_> = (0..writers)
        .map(|w| {
            // Each process logs claims and links them, reading ids back between writes.
            let script = format!(
                "set -e; for i in $(seq 1 {claims_each}); do \
                   a=$(\"$FD\" claim add \"writer {w} claim $i\" --claimant \"Writer {w}\"); \
                   b=$(\"$FD\" claim add \"writer {w} answer $i\" --claimant \"Writer {w}\" --stance denies); \
                   \"$FD\" link add \"$b\" \"$a\" --relation contradicts >/dev/null; \
                 done"
            );
            desk.with_env_as(Command::new("sh"), &format!("writer{w}"), &["-c", &script])
                .env("FD", cargo_bin!("factdesk"))
                .env("FACTDESK_NOW", NOW)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let raw = desk.raw();
    let claims: i64 = raw
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap();
    let links: i64 = raw
        .query_row("SELECT count(*) FROM links", [], |r| r.get(0))
        .unwrap();
    assert_eq!(claims, (writers * claims_each * 2) as i64);
    assert_eq!(links, (writers * claims_each) as i64);
    let disputed = desk.ok(&["--format", "json", "report", "disputed", "--all"]);
    let disputed: serde_json::Value = serde_json::from_str(&disputed).unwrap();
    assert_eq!(
        disputed.as_array().unwrap().len(),
        writers * claims_each * 2
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    crate::sqlite_only!("claims written straight into the store file");
    let desk = Desk::new();
    let raw = desk.raw();
    let tx = raw.unchecked_transaction().unwrap();
    for i in 0..3000 {
        tx.execute(
            "INSERT INTO claims (id, text, stance, created_at, created_by)
             VALUES (printf('%08x-0000-4000-8000-000000000000', ?1), 'A claim long enough to fill a pipe quickly, line after line', 'asserts', '2024-09-07T12:00:00.000Z', 'ana')",
            [i],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    let mut child = desk
        .std_cmd(&["claim", "list", "--all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert!(contents_of(&desk.db).contains("claims: "));
}

#[test]
fn a_version_1_store_is_upgraded_and_its_claims_become_searchable() {
    crate::sqlite_only!("a SQLite store written by version 1");
    let desk = Desk::uninitialised();
    {
        // A store as factdesk's first schema left it, with a claim in it.
        let raw = rusqlite::Connection::open(&desk.db).unwrap();
        raw.execute_batch(include_str!("../../schema/0001_init.sql"))
            .unwrap();
        raw.pragma_update(None, "application_id", factdesk::store::APPLICATION_ID)
            .unwrap();
        raw.pragma_update(None, "user_version", 1).unwrap();
        raw.execute(
            "INSERT INTO claims (id, text, stance, created_at, created_by)
             VALUES ('0123abcd-0000-4000-8000-000000000000', 'Iran supplied Russia with missiles', 'asserts', '2024-09-07T12:00:00.000Z', 'ana')",
            [],
        )
        .unwrap();
    }
    assert!(
        desk.ok(&["claim", "list"])
            .contains("Iran supplied Russia with missiles")
    );
    let raw = desk.raw();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, factdesk::store::LATEST_VERSION);
    let found: String = raw
        .query_row(
            "SELECT c.id FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid WHERE claims_fts MATCH 'missile'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, "0123abcd-0000-4000-8000-000000000000");
}

#[test]
fn a_store_on_a_network_filesystem_is_refused_unless_allowed() {
    crate::sqlite_only!("a store file on a network filesystem");
    let desk = Desk::new();
    desk.claim(&["Iran supplied Russia with ballistic missiles"]);
    // A mount table that puts the store's directory on NFS.
    let dir = desk.db.parent().unwrap().canonicalize().unwrap();
    let table = dir.join("mountinfo");
    std::fs::write(
        &table,
        format!(
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
             90 22 0:52 / {} rw,relatime shared:60 - nfs4 desk-server:/export rw\n",
            dir.display()
        ),
    )
    .unwrap();
    let before = desk.contents();
    let out = desk
        .cmd(&["claim", "list"])
        .env("FACTDESK_MOUNTINFO", &table)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "factdesk: store '{}' is on a network filesystem (nfs4), where SQLite's locking is \
             unreliable and can corrupt the file: keep the store on a local disk and exchange \
             work with `factdesk export --events`, or pass --allow-network-fs if no two \
             machines ever open it at once\n",
            desk.db.display()
        )
    );
    assert_eq!(desk.contents(), before);
    let out = desk
        .cmd(&["claim", "list", "--allow-network-fs"])
        .env("FACTDESK_MOUNTINFO", &table)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("ballistic missiles")
    );
}

#[test]
fn an_unreadable_mount_table_is_said_on_stderr() {
    let desk = Desk::new();
    desk.claim(&["Iran supplied Russia with ballistic missiles"]);
    let missing = desk.db.with_file_name("no-mountinfo");
    let out = desk
        .cmd(&["claim", "list"])
        .env("FACTDESK_MOUNTINFO", &missing)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "factdesk: note: cannot read the mount table '{}' (No such file or directory (os error 2)), so \
             factdesk cannot tell whether the store is on a network filesystem, where SQLite's \
             locking is unreliable\n",
            missing.display()
        )
    );
}

/// Four people on one desk server, each making 500 changes as fast as they can: claims, links,
/// verdicts and comments. Every write must land — none may fail with "database is locked" —
/// and the store must still verify.
#[test]
fn four_people_making_500_changes_each_at_once_all_land_and_the_store_verifies() {
    let desk = Desk::new();
    let anchor = desk.claim(&["Iran supplied Russia with short-range ballistic missiles"]);
    let people = 4;
    let rounds = 125; // four writes a round: 500 each
    let workers: Vec<_> = (0..people)
        .map(|p| {
            let env = desk.env_as(&format!("person{p}"));
            let anchor = anchor.clone();
            std::thread::spawn(move || -> Vec<String> {
                let mut failures = Vec::new();
                let run = |args: &[&str]| {
                    let mut cmd = Command::new(cargo_bin!("factdesk"));
                    for (name, value) in &env {
                        match value {
                            Some(value) => cmd.env(name, value),
                            None => cmd.env_remove(name),
                        };
                    }
                    let output = cmd.args(args).output().unwrap();
                    (
                        output.status.success(),
                        String::from_utf8_lossy(&output.stdout).trim().to_string(),
                        String::from_utf8_lossy(&output.stderr).trim().to_string(),
                    )
                };
                for r in 0..rounds {
                    let text = format!("person {p} claim {r}");
                    let (ok, id, err) =
                        run(&["claim", "add", &text, "--claimant", "Officials", "-q"]);
                    if !ok {
                        failures.push(format!("claim add: {err}"));
                        continue;
                    }
                    for args in [
                        vec!["link", "add", &id, &anchor, "--relation", "related"],
                        vec![
                            "claim",
                            "verdict",
                            &id,
                            "unverifiable",
                            "--note",
                            "No records yet",
                        ],
                        vec!["claim", "comment", &id, "Checked the wires"],
                    ] {
                        let (ok, _, err) = run(&args);
                        if !ok {
                            failures.push(format!("{} {}: {err}", args[0], args[1]));
                        }
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} writes failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    let raw = desk.raw();
    let count = |sql: &str| -> i64 { raw.query_row(sql, [], |r| r.get(0)).unwrap() };
    let writes = (people * rounds) as i64;
    assert_eq!(count("SELECT count(*) FROM claims"), writes + 1);
    assert_eq!(count("SELECT count(*) FROM links"), writes);
    assert_eq!(count("SELECT count(*) FROM verdicts"), writes);
    assert_eq!(
        count("SELECT count(*) FROM events WHERE action = 'claim.comment'"),
        writes
    );
    let verified = desk.ok(&["verify"]);
    assert!(verified.starts_with("Verified: "), "{verified}");
}

#[test]
fn a_store_this_user_may_only_read_answers_read_commands_and_refuses_changes() {
    crate::sqlite_only!("a store file's permissions (roles on PostgreSQL: tests/e2e/postgres.rs)");
    use std::os::unix::fs::PermissionsExt;
    // Needs another user to be: root reads and writes everything.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok();
    if !root || !setpriv {
        eprintln!("skipped: needs root and setpriv to run factdesk as another user");
        return;
    }
    let desk = Desk::new();
    let id = desk.claim(&["Iran supplied Russia with ballistic missiles", "--quiet"]);
    let dir = desk.db.parent().unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(&desk.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = desk.contents();
    let as_nobody = |args: &[&str]| {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(cargo_bin!("factdesk"))
            .args(["--db", desk.db.to_str().unwrap(), "--as", "bo"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, listed, err) = as_nobody(&["claim", "list"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(listed.contains(&id[..8]), "{listed}");
    let (code, _, err) = as_nobody(&["verify"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = as_nobody(&["claim", "add", "Iran wants Su-35 jets"]);
    assert_eq!(
        (code, err),
        (
            Some(3),
            format!(
                "factdesk: the store '{}' is read-only: attempt to write a readonly database\n",
                desk.db.display()
            )
        )
    );
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(desk.contents(), before);
}
