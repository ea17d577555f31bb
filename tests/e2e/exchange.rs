//! Exchanging work between stores with event bundles, and checking a store against its own
//! history with `verify`.

use crate::{Desk, Seed, assert_verified, short};

fn export_bundle(desk: &Desk, name: &str) -> std::path::PathBuf {
    let path = desk.db.with_file_name(name);
    let out = desk.run(&["export", "--events", "--output", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    path
}

/// Every report a desk reads, as one string.
fn reports(desk: &Desk) -> String {
    [
        &["report", "disputed", "--all"][..],
        &["report", "unresolved", "--all"],
        &["report", "summary"],
        &["report", "conflicts"],
        &["claim", "list", "--all", "--format", "json"],
        &["review", "queue"],
        &["source", "list"],
    ]
    .iter()
    .map(|args| desk.ok(args))
    .collect::<Vec<_>>()
    .join("\n")
}

#[test]
fn two_reporters_working_offline_merge_without_losing_a_line() {
    let ana = Desk::new();
    let seed = Seed::log(&ana);
    let bo = Desk::new();
    let first = export_bundle(&ana, "first.jsonl");
    assert_eq!(
        bo.ok(&["import", first.to_str().unwrap()]),
        "Added 7 of 7 events from ".to_string()
            + first.to_str().unwrap()
            + " (0 already here); 7 records rebuilt\n"
    );
    // Offline: both change the allegation's text; bo also logs a background claim.
    let a = short(&seed.allegation);
    ana.cmd(&[
        "claim",
        "edit",
        a,
        "--text",
        "Iran supplied Russia with Fath-360 missiles",
    ])
    .env("FACTDESK_NOW", "2024-09-08T10:00:00.000Z")
    .assert()
    .success();
    bo.cmd_as(
        "bo",
        &[
            "claim",
            "edit",
            a,
            "--text",
            "Iran sent Russia 200 Fath-360 missiles",
        ],
    )
    .env("FACTDESK_NOW", "2024-09-08T11:00:00.000Z")
    .assert()
    .success();
    bo.cmd_as(
        "bo",
        &[
            "claim",
            "add",
            "Iran supplied drones resembling the Shahed line",
            "--claimant",
            "Ukrainian officials",
            "-q",
        ],
    )
    .env("FACTDESK_NOW", "2024-09-08T11:05:00.000Z")
    .assert()
    .success();
    let from_ana = export_bundle(&ana, "ana.jsonl");
    let from_bo = export_bundle(&bo, "bo.jsonl");
    ana.ok(&["import", from_bo.to_str().unwrap()]);
    bo.ok(&["import", from_ana.to_str().unwrap()]);
    assert_eq!(reports(&ana), reports(&bo));
    // The later edit stands; both are in the history; the case is listed for a person.
    assert!(
        ana.ok(&["claim", "show", a])
            .contains("text:        Iran sent Russia 200 Fath-360 missiles\n")
    );
    assert_eq!(
        ana.ok(&["report", "conflicts"]),
        format!(
            "RECORD          FIELD  STANDS                                                        OVERWROTE                                                        SETTLED\n\
             claim {a}  text   Iran sent Russia 200 Fath-360 missiles (bo 2024-09-08 11:00)  Iran supplied Russia with Fath-360 miss… (ana 2024-09-08 10:00)  open\n"
        )
    );
    let edits = ana.ok(&["history", a, "--action", "claim.edit"]);
    assert_eq!(edits.lines().count(), 3, "{edits}");
    // Importing again changes nothing.
    let before = ana.contents();
    assert_eq!(
        ana.ok(&["import", from_bo.to_str().unwrap()]),
        format!(
            "Added 0 of 10 events from {} (10 already here); 0 records rebuilt\n",
            from_bo.display()
        )
    );
    assert_eq!(ana.contents(), before);
    assert!(ana.ok(&["verify"]).starts_with("Verified: "));
    assert!(bo.ok(&["verify"]).starts_with("Verified: "));
    // Settling: ana sets the text knowing both.
    ana.cmd(&[
        "claim",
        "edit",
        a,
        "--text",
        "Iran sent Russia Fath-360 missiles, 200 by one count",
    ])
    .env("FACTDESK_NOW", "2024-09-09T09:00:00.000Z")
    .assert()
    .success();
    assert!(ana.ok(&["report", "conflicts"]).contains("  by ana\n"));
}

#[test]
fn a_bad_bundle_is_refused_whole_naming_its_first_bad_line() {
    let ana = Desk::new();
    Seed::log(&ana);
    let good = std::fs::read_to_string(export_bundle(&ana, "good.jsonl")).unwrap();
    let bo = Desk::new();
    bo.claim(&["Something bo logged"]);
    let write = |name: &str, text: &str| {
        let path = bo.db.with_file_name(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let lines: Vec<&str> = good.lines().collect();

    let edited = write(
        "edited.jsonl",
        &good.replacen("short-range ballistic", "long-range ballistic", 1),
    );
    let message = bo.fails(&["import", &edited], 1);
    assert!(
        message.starts_with(&format!("factdesk: {edited}: line 4: event ")),
        "{message}"
    );
    assert!(message.ends_with("(claim.add) was altered after it was written: its hash does not match its content; nothing was imported"), "{message}");

    let truncated = write("truncated.jsonl", &(lines[..5].join("\n") + "\n"));
    assert_eq!(
        bo.fails(&["import", &truncated], 1),
        format!(
            "factdesk: {truncated}: line 6: missing: the header announces 7 events but the bundle \
             holds 4 (it is truncated or was edited); nothing was imported"
        )
    );

    let newer = write(
        "newer.jsonl",
        &good.replacen("\"factdesk_bundle\":2", "\"factdesk_bundle\":9", 1),
    );
    assert_eq!(
        bo.fails(&["import", &newer], 1),
        format!(
            "factdesk: {newer}: line 1: bundle format version 9 is newer than this factdesk reads \
             (up to 2): upgrade factdesk to import it; nothing was imported"
        )
    );

    // The link alone: it joins two claims this store has never seen. (A version 1 header: it
    // has no digest of the events to disagree with.)
    let header = r#"{"factdesk_bundle":1,"events":1,"exported_at":"2024-09-07T12:00:00.000Z","exported_by":"ana"}"#;
    let orphan = write("orphan.jsonl", &format!("{header}\n{}\n", lines[7]));
    let message = bo.fails(&["import", &orphan], 1);
    assert!(
        message.starts_with(&format!("factdesk: {orphan}: line 2: event ")),
        "{message}"
    );
    assert!(message.contains("(link.add) refers to claim"), "{message}");

    // A dry run checks everything and writes nothing.
    let dry = write("dry.jsonl", &good);
    let before = bo.contents();
    assert_eq!(
        bo.ok(&["import", &dry, "--dry-run"]),
        format!("Would add 7 of 7 events from {dry} (0 already here); 7 records rebuilt\n")
    );
    assert_eq!(bo.contents(), before);
    assert_eq!(
        bo.fails(&["import", &dry, "--skip-invalid"], 2),
        "factdesk: an event bundle is imported whole: --map, --with-verdicts, --trust-verdicts and --skip-invalid do not apply"
    );
}

#[test]
fn verify_reports_an_edit_made_behind_factdesks_back() {
    crate::sqlite_only!(
        "an edit of the store file behind factdesk's back (tests/e2e/postgres.rs rewrites the server's log)"
    );
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    assert_verified(
        &desk.ok(&["verify"]),
        "Verified: 7 events, hashes intact, guards in place, and 7 records as the history says",
    );
    let raw = desk.raw();
    raw.execute(
        "UPDATE claims SET stance = 'denies' WHERE id = ?1",
        [&seed.allegation],
    )
    .unwrap();
    raw.execute_batch(
        "DROP TRIGGER events_no_delete;
         DELETE FROM events WHERE action = 'link.add';",
    )
    .unwrap();
    drop(raw);
    let out = desk.run(&["verify"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!(
            "the event log's guard events_no_delete is missing or altered: events could be changed or deleted\n\
             claim {}: stance is 'denies' in the tables, but the events say 'asserts'\n\
             link {} is in the tables, but no event made it\n",
            seed.allegation, seed.link
        )
    );
    assert_eq!(
        out.stderr,
        "factdesk: verification failed: 3 problems (listed above)\n"
    );
}

#[test]
fn a_bundle_saved_with_a_byte_order_mark_is_read_as_a_bundle() {
    let ana = Desk::new();
    Seed::log(&ana);
    let bundle = export_bundle(&ana, "ana.jsonl");
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend(std::fs::read(&bundle).unwrap());
    std::fs::write(&bundle, marked).unwrap();
    let bo = Desk::new();
    let out = bo.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.starts_with("Added "), "{out}");
    assert_eq!(reports(&bo), reports(&ana));
}
