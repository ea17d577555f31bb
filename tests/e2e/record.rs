//! The record under real desk conditions: changes that race for the lock, `verify` while
//! people write, checkpoints, and bundles carrying values no command would accept.

use std::process::Stdio;

use crate::{Desk, Seed, assert_verified, short};

/// Events written here must never be dated before an event written before them.
fn events_out_of_order(desk: &Desk) -> i64 {
    desk.raw()
        .query_row(
            "SELECT count(*) FROM events e WHERE e.via = 'here'
                AND EXISTS (SELECT 1 FROM events p WHERE p.pk < e.pk AND p.at > e.at)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn two_verdicts_given_at_once_are_stamped_in_the_order_they_are_saved() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    for round in 0..5 {
        // Someone holds the write lock; two people give verdicts meanwhile, by the real clock.
        let holder = desk.raw();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let give = |who: &str, verdict: &str| {
            desk.std_cmd(&[
                "--as",
                who,
                "claim",
                "verdict",
                &seed.allegation,
                verdict,
                "--note",
                &format!("round {round}"),
            ])
            .env_remove("FACTDESK_NOW")
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
        };
        let mut ana = give("ana", "refuted");
        std::thread::sleep(std::time::Duration::from_millis(30));
        let mut bo = give("bo", "supported");
        std::thread::sleep(std::time::Duration::from_millis(300));
        holder.execute_batch("COMMIT").unwrap();
        assert!(ana.wait().unwrap().success());
        assert!(bo.wait().unwrap().success());
        assert_eq!(events_out_of_order(&desk), 0, "round {round}");
        // The verdict that stands is the one saved last.
        let (last, standing): (String, String) = desk
            .raw()
            .query_row(
                "SELECT (SELECT json_extract(change, '$.verdict') FROM events
                          WHERE action = 'verdict.set' ORDER BY pk DESC LIMIT 1),
                        (SELECT verdict FROM verdicts)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(last, standing, "round {round}");
        assert!(desk.ok(&["verify"]).starts_with("Verified: "));
    }
}

#[test]
fn verify_passes_every_time_while_four_people_write() {
    let desk = Desk::new();
    Seed::log(&desk);
    let writers: Vec<_> = (0..4)
        .map(|person| {
            let adds: Vec<std::process::Command> = (0..25)
                .map(|i| {
                    desk.with_env_as(
                        std::process::Command::new(assert_cmd::cargo::cargo_bin!("factdesk")),
                        &format!("writer{person}"),
                        &[
                            "claim",
                            "add",
                            &format!("Claim {i} by {person}"),
                            "--claimant",
                            "Officials",
                            "--quiet",
                        ],
                    )
                })
                .collect();
            std::thread::spawn(move || {
                for mut add in adds {
                    let status = add.stdout(Stdio::null()).status().unwrap();
                    assert!(status.success());
                }
            })
        })
        .collect();
    let mut runs = 0;
    while writers.iter().any(|w| !w.is_finished()) || runs < 3 {
        let out = desk.run(&["verify"]);
        assert_eq!(out.code, 0, "run {runs}: {}{}", out.stdout, out.stderr);
        runs += 1;
    }
    for writer in writers {
        writer.join().unwrap();
    }
    assert!(runs >= 3);
}

#[test]
fn a_checkpoint_shows_what_came_after_it_and_exposes_a_rewritten_end() {
    crate::sqlite_only!("rewriting the end of the store file's log");
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let out = desk.ok(&["verify"]);
    let head = out
        .lines()
        .nth(1)
        .unwrap()
        .strip_prefix("Head: ")
        .unwrap()
        .to_string();
    desk.ok(&[
        "claim",
        "comment",
        &seed.denial,
        "Mission statement checked",
    ]);
    let after = desk.ok(&["verify", "--checkpoint", &head]);
    let lines: Vec<&str> = after.lines().collect();
    assert_eq!(lines.len(), 4, "{after}");
    assert_eq!(
        lines[0],
        "Verified: 8 events, hashes intact, guards in place, and 7 records as the history says"
    );
    assert_eq!(lines[1], "Since the checkpoint: 1 event appended");
    assert!(
        lines[2].starts_with(&format!(
            "  2024-09-07T12:00:00.003Z ana claim.comment {} ",
            short(&seed.denial)
        )),
        "{after}"
    );
    assert_verified(&format!("{}\n{}\n", lines[0], lines[3]), lines[0]);

    // Someone removes the comment's event, the last one, and puts the guards back.
    let raw = desk.raw();
    let guards: Vec<String> = raw
        .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'events'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    raw.execute_batch(
        "DROP TRIGGER events_no_delete;
         DELETE FROM events WHERE action = 'claim.comment';",
    )
    .unwrap();
    for guard in guards.iter().filter(|g| g.contains("DELETE")) {
        raw.execute_batch(guard).unwrap();
    }
    drop(raw);
    // The shortened log is consistent on its own...
    assert!(desk.ok(&["verify"]).starts_with("Verified: 7 events"));
    // ...but not with a head kept from after the comment.
    let kept = after
        .lines()
        .nth(3)
        .unwrap()
        .strip_prefix("Head: ")
        .unwrap();
    let out = desk.run(&["verify", "--checkpoint", kept]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!(
            "the checkpoint {kept} is not in the event log: the log was rewritten before it (or \
             the checkpoint is another store's)\nSince the checkpoint: 0 events appended\n"
        )
    );
    assert_eq!(
        out.stderr,
        "factdesk: verification failed: 1 problem (listed above)\n"
    );
    assert_eq!(
        desk.fails(&["verify", "--checkpoint", "abc"], 2),
        "factdesk: 'abc' is not a checkpoint (the 64 hex digits of a head printed by `factdesk verify`)"
    );
}

/// A bundle line rewritten with its hash recomputed, as an adversary would.
fn forged(line: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut event: serde_json::Value = serde_json::from_str(line).unwrap();
    edit(&mut event);
    let text = |k: &str| event[k].as_str().unwrap().to_string();
    let hash = factdesk::history::event_hash(&factdesk::history::EventContent {
        id: &text("id"),
        at: &text("at"),
        author: &text("author"),
        action: &text("action"),
        record_kind: &text("record_kind"),
        record_id: &text("record_id"),
        change: &event["change"],
    });
    event["hash"] = hash.into();
    event.to_string()
}

#[test]
fn a_bundle_with_values_no_command_accepts_is_refused_naming_the_line() {
    let ana = Desk::new();
    ana.ok(&["config", "set", "review.required", "true"]);
    ana.claim(&["Iran supplied drones", "--claimant", "Officials"]);
    let path = ana.db.with_file_name("ana.jsonl");
    ana.ok(&["export", "--events", "--output", path.to_str().unwrap()]);
    let good = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let bo = Desk::new();
    bo.claim(&["Something bo logged"]);
    let write = |name: &str, events: &[String]| {
        let mut text = format!(
            "{{\"factdesk_bundle\":1,\"events\":{},\"exported_at\":\"2024-09-07T12:00:00.000Z\",\"exported_by\":\"ana\"}}\n",
            events.len()
        );
        for event in events {
            text.push_str(event);
            text.push('\n');
        }
        let path = bo.db.with_file_name(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let mut events: Vec<String> = lines[1..].iter().map(|l| l.to_string()).collect();
    let setting = events
        .iter()
        .position(|l| l.contains("config.set"))
        .unwrap();
    events[setting] = forged(&events[setting], |e| e["change"]["value"] = "banana".into());
    let banana = write("banana.jsonl", &events);
    let message = bo.fails(&["import", &banana], 1);
    assert!(
        message.starts_with(&format!("factdesk: {banana}: line {}: event ", setting + 2)),
        "{message}"
    );
    assert!(
        message.ends_with(
            "(config.set): setting 'review.required' is true or false, not 'banana'; nothing was imported"
        ),
        "{message}"
    );
}

/// A valid bundle of one source and `claims` claims by `cy`, written as a version 1 bundle.
fn large_bundle(path: &std::path::Path, claims: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "{{\"factdesk_bundle\":1,\"events\":{},\"exported_at\":\"2024-09-06T00:00:00.000Z\",\"exported_by\":\"cy\"}}",
        claims + 1
    )
    .unwrap();
    let mut event =
        |at: &str, action: &str, kind: &str, record: &str, change: serde_json::Value| {
            let id = uuid::Uuid::now_v7().to_string();
            let hash = factdesk::history::event_hash(&factdesk::history::EventContent {
                id: &id,
                at,
                author: "cy",
                action,
                record_kind: kind,
                record_id: record,
                change: &change,
            });
            let line = serde_json::json!({
                "id": id, "at": at, "author": "cy", "action": action, "record_kind": kind,
                "record_id": record, "change": change, "hash": hash,
            });
            writeln!(out, "{line}").unwrap();
        };
    let at = "2024-09-06T09:00:00.000Z";
    event(
        at,
        "source.add",
        "source",
        &uuid::Uuid::new_v4().to_string(),
        serde_json::json!({"name": "Wire service", "kind": "outlet"}),
    );
    for i in 0..claims {
        event(
            at,
            "claim.add",
            "claim",
            &uuid::Uuid::new_v4().to_string(),
            serde_json::json!({
                "text": format!("Wire claim number {i} about shipments"),
                "stance": "asserts",
                "claimant": "Wire service",
            }),
        );
    }
    out.flush().unwrap();
}

/// The claims in a store, counted through a raw connection.
fn claims_in(desk: &Desk) -> i64 {
    desk.raw()
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap()
}

/// Starts importing a bundle of `claims` claims, and kills the import once `ready` says so.
fn kill_import_when(desk: &Desk, claims: usize, ready: impl Fn(&Desk) -> bool) {
    use std::time::{Duration, Instant};
    let path = desk.db.with_file_name("large-bundle.jsonl");
    large_bundle(&path, claims);
    let tmp = desk.db.with_file_name("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = desk
        .std_cmd(&["import", path.to_str().unwrap()])
        .env("TMPDIR", &tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !ready(desk) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the import never got there"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn killing_a_bundle_import_while_it_checks_the_bundle_leaves_the_store_as_it_was() {
    crate::sqlite_only!("killing an import into a store file part-way");
    let desk = Desk::new();
    Seed::log(&desk);
    let before = desk.contents();
    // Killed while it reads and checks the bundle into its staging file.
    kill_import_when(&desk, 80_000, |desk| {
        std::fs::metadata(desk.db.with_file_name("desk.db-import-staging"))
            .map(|m| m.len())
            .unwrap_or(0)
            > 4 << 20
    });
    assert_eq!(crate::contents_of(&desk.db), before);
    assert!(desk.db.with_file_name("desk.db-import-staging").exists());
    // The next command finds the store as it was, and clears away what the import left.
    assert_eq!(claims_in(&desk), 2);
    assert!(desk.ok(&["verify"]).starts_with("Verified: "));
    assert_no_import_leftovers(&desk);
}

/// Asserts that no import left a file behind: its lock and its staging file are gone, and
/// nothing is left in the temporary directory [`kill_import_when`] gave it.
fn assert_no_import_leftovers(desk: &Desk) {
    let tmp = desk.db.with_file_name("tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left in {}: {left:?}", tmp.display());
    for suffix in ["-import", "-import-staging"] {
        let mut name = desk.db.as_os_str().to_owned();
        name.push(suffix);
        assert!(
            !std::path::Path::new(&name).exists(),
            "{} was left behind",
            std::path::Path::new(&name).display()
        );
    }
}

#[test]
fn killing_a_bundle_import_between_batches_is_finished_by_the_next_command() {
    crate::sqlite_only!("killing an import into a store file part-way");
    let desk = Desk::new();
    Seed::log(&desk);
    // Killed once the events are in the store and the first batches are being applied.
    kill_import_when(&desk, 40_000, |desk| claims_in(desk) > 2);
    let (applied, events): (i64, i64) = desk
        .raw()
        .query_row(
            "SELECT applied_through, events FROM bundle_import",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(applied < events, "the import was not cut short");
    assert_eq!(events, 40_001);
    // Whatever anyone runs next finishes it first: the store then holds the whole bundle.
    assert!(desk.ok(&["report", "disputed"]).lines().count() > 0);
    assert_eq!(claims_in(&desk), 40_002);
    let left: i64 = desk
        .raw()
        .query_row(
            "SELECT (SELECT count(*) FROM bundle_pending) + (SELECT count(*) FROM bundle_import)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    assert!(desk.ok(&["verify"]).starts_with("Verified: 40"));
    assert_no_import_leftovers(&desk);
}

/// Starts importing a bundle of `claims` claims and returns once it applies its batches (the
/// store holds claims beyond the seed's two).
fn import_applying_batches(desk: &Desk, claims: usize) -> std::process::Child {
    let path = desk.db.with_file_name("large-bundle.jsonl");
    large_bundle(&path, claims);
    let mut import = desk
        .std_cmd(&["import", path.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    while claims_in(desk) <= 2 {
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended first"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    import
}

#[test]
fn a_colleague_can_log_claims_while_a_long_bundle_import_runs() {
    crate::sqlite_only!("the batches of an import into a store file");
    let desk = Desk::new();
    Seed::log(&desk);
    // Once the import has started applying its batches, bo logs claims meanwhile: each must
    // get the lock within factdesk's busy timeout.
    let mut import = import_applying_batches(&desk, 40_000);
    let mut logged = 0;
    while import.try_wait().unwrap().is_none() {
        let out = desk
            .cmd(&[
                "--as",
                "bo",
                "claim",
                "add",
                &format!("Bo's claim {logged}"),
                "--quiet",
            ])
            .env_remove("FACTDESK_NOW")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        logged += 1;
    }
    assert!(import.wait().unwrap().success());
    assert!(
        logged > 0,
        "the import finished before bo could log anything"
    );
    assert_eq!(claims_in(&desk), 40_002 + logged);
    assert!(desk.ok(&["verify"]).starts_with("Verified: "));
}

#[test]
fn a_damaged_store_refuses_changes_once_any_command_has_met_the_damage() {
    crate::sqlite_only!("damaging the store file's pages");
    let desk = Desk::new();
    Seed::log(&desk);
    // Damage the page of the claims' tags: listing claims reads it, logging an untagged claim
    // does not.
    let (page, page_size): (i64, i64) = {
        let raw = desk.raw();
        raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        raw.query_row(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_schema
              WHERE name = 'claim_tags'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let backup = std::fs::read(&desk.db).unwrap();
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(&desk.db)
            .unwrap();
        file.seek(SeekFrom::Start(((page - 1) * page_size) as u64))
            .unwrap();
        file.write_all(&[0x0d, 0x00, 0x00, 0xff, 0xff]).unwrap();
        file.write_all(&[0xee; 64]).unwrap();
    }
    let listed = desk.run(&["claim", "list"]);
    assert_eq!(listed.code, 3);
    assert_eq!(
        listed.stderr,
        "factdesk: the store is corrupt: database disk image is malformed\n"
    );
    let before = std::fs::read(&desk.db).unwrap();
    let added = desk.run(&["claim", "add", "Iran wants Su-35 jets", "--quiet"]);
    assert_eq!(added.code, 3);
    assert_eq!(
        added.stderr,
        format!(
            "factdesk: store '{}' was found damaged (the store is corrupt: database disk image \
             is malformed): changes are refused until `factdesk verify` finds it whole (repair \
             it, or restore a backup)\n",
            desk.db.display()
        )
    );
    assert_eq!(std::fs::read(&desk.db).unwrap(), before);
    // Restored from the backup, and found whole by verify: changes are welcome again.
    std::fs::write(&desk.db, &backup).unwrap();
    assert!(desk.ok(&["verify"]).starts_with("Verified: "));
    desk.claim(&["Iran wants Su-35 jets", "--quiet"]);
}

#[test]
fn a_second_import_waits_its_turn_and_readers_leave_a_live_import_to_itself() {
    crate::sqlite_only!("two imports into one store file at once");
    let desk = Desk::new();
    Seed::log(&desk);
    let mut import = import_applying_batches(&desk, 40_000);
    let other = desk.db.with_file_name("other.jsonl");
    large_bundle(&other, 10);
    let second = desk.run(&["import", other.to_str().unwrap()]);
    let pending: i64 = desk
        .raw()
        .query_row("SELECT count(*) FROM bundle_import", [], |r| r.get(0))
        .unwrap();
    if pending > 0 {
        // Still running when the second one came: refused, and the report reads the store as
        // it is without applying the other's batches for it.
        assert_eq!(second.code, 3);
        assert_eq!(
            second.stderr,
            "factdesk: another factdesk is importing a bundle into this store: try again when it \
             is done\n"
        );
        desk.ok(&["report", "disputed"]);
    }
    assert!(import.wait().unwrap().success());
    assert_eq!(claims_in(&desk), 40_002 + if pending > 0 { 0 } else { 10 });
    assert!(desk.ok(&["verify"]).starts_with("Verified: "));
}

#[test]
fn times_beyond_year_9999_are_refused_not_compared_as_text() {
    let desk = Desk::new();
    Seed::log(&desk);
    for args in [
        &["report", "disputed", "--as-of", "+10000-01-01T00:00:00Z"][..],
        &["history", "--since", "+10000-01-01T00:00:00Z"],
    ] {
        assert_eq!(
            desk.fails(args, 1),
            "factdesk: time '+10000-01-01T00:00:00Z' is out of range (years 0000 to 9999)"
        );
    }
    let out = desk
        .cmd(&["claim", "list"])
        .env("FACTDESK_NOW", "garbage-time")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "factdesk: FACTDESK_NOW: malformed time 'garbage-time' (expected an RFC 3339 time like \
         2024-09-07T12:00:00Z)\n"
    );
}
