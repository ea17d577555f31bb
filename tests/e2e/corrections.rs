//! Correcting the record (issue 14): retracting and restoring claims and evidence. A retracted
//! record leaves every listing, report, search, graph, export and the linker, counts for or
//! against no claim, and stays in `claim show` and `history`, marked; a restoration puts it back.

use crate::{Desk, Seed, assert_verified, short};

/// The seed story plus a junk candidate that contradicts the allegation and has evidence.
fn with_junk(desk: &Desk) -> (Seed, String, String) {
    let seed = Seed::log(desk);
    let junk = desk.claim(&[
        "Officials said on Friday",
        "--claimant",
        "Newsweek",
        "--stance",
        "denies",
    ]);
    desk.ok(&[
        "link",
        "add",
        &junk,
        &seed.allegation,
        "--relation",
        "contradicts",
    ]);
    let evidence = desk
        .ok(&[
            "evidence",
            "add",
            &junk,
            "--stance",
            "supports",
            "--note",
            "junk note zebra",
        ])
        .trim()
        .to_string();
    (seed, junk, evidence)
}

#[test]
fn a_retracted_claim_leaves_every_listing_and_comes_back_when_restored() {
    let desk = Desk::new();
    let (seed, junk, _) = with_junk(&desk);
    let (a, j) = (short(&seed.allegation), short(&junk));
    let before = desk.ok(&["report", "disputed", "--all"]);
    assert!(before.contains(&format!("\n{j}  ")), "{before}");
    assert!(desk.ok(&["search", "zebra"]).contains(j));

    assert_eq!(
        desk.ok(&[
            "claim",
            "retract",
            j,
            "--note",
            "Junk candidate from ingest --accept"
        ]),
        format!(
            "Retracted claim {j}; left as they are: 1 piece of evidence, 1 link (with {a}), \
             which no longer counts\n"
        )
    );
    let disputed = desk.ok(&["report", "disputed", "--all"]);
    assert!(!disputed.contains(j), "{disputed}");
    assert!(!desk.ok(&["report", "unresolved", "--all"]).contains(j));
    assert!(!desk.ok(&["claim", "list"]).contains(j));
    let all = desk.ok(&["claim", "list", "--include-retracted"]);
    assert!(
        all.lines()
            .any(|l| l.starts_with(&format!("{j}  disputed (retracted)"))),
        "{all}"
    );
    let shown = desk.ok(&["claim", "show", j]);
    assert!(
        shown.contains("status:      disputed\nretracted:   "),
        "{shown}"
    );
    assert!(
        shown.contains(" by ana: Junk candidate from ingest --accept\n"),
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&desk.ok(&["--format", "json", "claim", "show", j])).unwrap();
    assert_eq!(json["retracted"]["by"], "ana");
    assert_eq!(
        json["retracted"]["note"],
        "Junk candidate from ingest --accept"
    );
    // The allegation no longer has the junk against it.
    let allegation = desk.ok(&["claim", "show", a]);
    assert!(!allegation.contains(&format!("claim {j}")), "{allegation}");
    let history = desk.ok(&["history", j]);
    assert!(history.contains("claim.retract  claim "), "{history}");
    assert!(
        history.contains("retracted: Junk candidate from ingest --accept"),
        "{history}"
    );
    let search = desk.run(&["search", "zebra"]);
    assert_eq!(
        (search.code, search.stdout.as_str()),
        (1, "Nothing matches.\n")
    );
    assert!(!desk.ok(&["export", "--format", "jsonl"]).contains(&junk));
    assert!(!desk.ok(&["graph", a]).contains(j));
    let suggested = desk.ok(&["link", "suggest", "--text", "Officials said on Friday"]);
    assert!(!suggested.contains(j), "{suggested}");
    let verified = desk.ok(&["verify"]);
    assert!(verified.starts_with("Verified: "), "{verified}");

    // Retracting twice, restoring what stands, and changing a retracted claim are refused.
    let twice = desk.fails(&["claim", "retract", j, "--note", "again"], 1);
    assert!(
        twice.starts_with(&format!(
            "factdesk: claim {j} is already retracted (by ana at "
        )),
        "{twice}"
    );
    assert_eq!(
        desk.fails(
            &["evidence", "add", j, "--stance", "refutes", "--note", "x"],
            1
        ),
        format!(
            "factdesk: claim {j} is retracted (by ana at {}: Junk candidate from ingest \
             --accept); restore it first with `factdesk claim restore {j}`",
            retracted_minute(&json)
        )
    );
    assert_eq!(
        desk.fails(&["claim", "retract", a, "--note", " "], 2),
        "factdesk: say why with --note: a retraction keeps its reason in the history"
    );
    assert_eq!(
        desk.fails(&["claim", "restore", a], 1),
        format!("factdesk: claim {a} is not retracted: nothing to restore")
    );

    assert_eq!(
        desk.ok(&["claim", "restore", j, "--note", "It was a claim after all"]),
        format!("Restored claim {j}\n")
    );
    assert_eq!(desk.ok(&["report", "disputed", "--all"]), before);
    // diff names both corrections, each in its own window (history lists newest first).
    let today = desk.ok(&["history", "--format", "json", j]);
    let events: serde_json::Value = serde_json::from_str(&today).unwrap();
    let retracted_at = events[1]["at"].as_str().unwrap();
    let restored_at = events[0]["at"].as_str().unwrap();
    let window = desk.ok(&["diff", "--since", retracted_at, "--until", retracted_at]);
    assert!(
        window.contains("retracted: Junk candidate from ingest --accept  ana"),
        "{window}"
    );
    let window = desk.ok(&["diff", "--since", restored_at]);
    assert!(
        window.contains(&format!("{j}  ")) && window.contains("restored"),
        "{window}"
    );
    assert!(
        desk.ok(&["history", j])
            .contains("restored (It was a claim after all)")
    );
}

/// A retraction's time as messages show it: `YYYY-MM-DD HH:MM UTC`.
fn retracted_minute(claim: &serde_json::Value) -> String {
    let at = claim["retracted"]["at"].as_str().unwrap();
    format!("{} UTC", at[..16].replace('T', " "))
}

#[test]
fn retracted_evidence_stops_counting_and_as_of_shows_it_before() {
    let desk = Desk::new();
    let claim = desk.claim(&["Iran supplied Russia with missiles", "--claimant", "WSJ"]);
    let c = short(&claim).to_string();
    let evidence = desk
        .ok(&[
            "evidence",
            "add",
            &c,
            "--stance",
            "refutes",
            "--note",
            "Tehran denies it",
        ])
        .trim()
        .to_string();
    let e = short(&evidence).to_string();
    assert!(
        desk.ok(&["claim", "list"])
            .contains(&format!("{c}  disputed"))
    );
    let before = desk.ok(&["history", "--format", "json"]);
    let moment: serde_json::Value = serde_json::from_str(&before).unwrap();
    let then = moment[0]["at"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(20));

    assert_eq!(
        desk.ok(&[
            "evidence",
            "retract",
            &e,
            "--note",
            "Meant for the drones claim"
        ]),
        format!("Retracted evidence {e} on claim {c}\n")
    );
    assert!(
        desk.ok(&["claim", "list"])
            .contains(&format!("{c}  unresolved"))
    );
    assert_eq!(
        desk.ok(&["evidence", "list", &c]),
        "No evidence on this claim.\n"
    );
    assert!(
        desk.ok(&["evidence", "list", &c, "--include-retracted"])
            .contains(&format!("{e}  refutes (retracted)")),
    );
    let shown = desk.ok(&["claim", "show", &c]);
    assert!(
        shown.contains(&format!(
            "  {e} refutes (no source) Tehran denies it [retracted "
        )),
        "{shown}"
    );
    assert!(
        shown.contains(" by ana: Meant for the drones claim]\n"),
        "{shown}"
    );
    // As of a moment before the retraction, the evidence is there.
    assert!(
        desk.ok(&["claim", "list", "--as-of", &then])
            .contains(&format!("{c}  disputed")),
    );
    assert_eq!(
        desk.fails(&["evidence", "retract", &c, "--note", "x"], 1),
        format!("factdesk: no evidence with id '{c}'")
    );
    assert_eq!(
        desk.fails(&["evidence", "restore", &c], 1),
        format!("factdesk: no evidence with id '{c}'")
    );
    let first = desk.ok(&["verify"]).lines().next().unwrap().to_string();
    assert_verified(&desk.ok(&["verify"]), &first);
    assert_eq!(
        desk.ok(&["evidence", "restore", &e]),
        format!("Restored evidence {e} on claim {c}\n")
    );
    assert!(
        desk.ok(&["claim", "list"])
            .contains(&format!("{c}  disputed"))
    );
    assert_eq!(
        desk.fails(&["evidence", "restore", &e], 1),
        format!("factdesk: evidence {e} is not retracted: nothing to restore")
    );
}

/// Bundles carry retractions: a colleague's store learns them, both verify, and two people
/// retracting the same claim at once is a conflict the report shows.
#[test]
fn retractions_travel_in_bundles_and_concurrent_ones_conflict() {
    let ana = Desk::new();
    let claim = ana.claim(&["Junk candidate", "--claimant", "Newsweek"]);
    let c = short(&claim).to_string();
    let bundle = ana.db.with_file_name("ana.jsonl");
    ana.ok(&["export", "--events", "--output", bundle.to_str().unwrap()]);
    let bo = Desk::new();
    bo.ok(&["import", bundle.to_str().unwrap()]);

    ana.ok(&["claim", "retract", &c, "--note", "not a claim"]);
    bo.ok(&["--as", "bo", "claim", "retract", &c, "--note", "duplicate"]);
    let from_bo = bo.db.with_file_name("bo.jsonl");
    bo.ok(&["export", "--events", "--output", from_bo.to_str().unwrap()]);
    ana.ok(&["import", from_bo.to_str().unwrap()]);

    assert!(!ana.ok(&["claim", "list"]).contains(&c));
    let conflicts = ana.ok(&["report", "conflicts"]);
    assert!(conflicts.contains("retracted"), "{conflicts}");
    assert!(conflicts.contains(&c), "{conflicts}");
    for desk in [&ana, &bo] {
        let out = desk.ok(&["verify"]);
        let first = out.lines().next().unwrap().to_string();
        assert_verified(&out, &first);
    }
    // Restored in one store, the claim comes back in the other with the bundle.
    bo.ok(&["--as", "bo", "claim", "restore", &c]);
    bo.ok(&["export", "--events", "--output", from_bo.to_str().unwrap()]);
    ana.ok(&["import", from_bo.to_str().unwrap()]);
    assert!(ana.ok(&["claim", "list"]).contains(&c));
}

/// Issue 14: evidence is edited (old and new values in the history) and moved to the claim it
/// belongs to; the statuses, search and a colleague's store follow, and bad input leaves the
/// store as it was.
#[test]
fn evidence_is_edited_and_moved_with_its_history() {
    let desk = Desk::new();
    let missiles = desk.claim(&["Iran supplied Russia with missiles", "--claimant", "WSJ"]);
    let drones = desk.claim(&["Iran supplied Russia with drones", "--claimant", "WSJ"]);
    let (m, d) = (short(&missiles).to_string(), short(&drones).to_string());
    let evidence = desk
        .ok(&[
            "evidence",
            "add",
            &m,
            "--stance",
            "supports",
            "--source",
            "Kyiv",
            "--note",
            "Shahed wreckage zebra",
        ])
        .trim()
        .to_string();
    let e = short(&evidence).to_string();

    assert_eq!(
        desk.ok(&[
            "evidence",
            "edit",
            &e,
            "--stance",
            "refutes",
            "--source",
            "Ukraine's air force"
        ]),
        format!("Edited evidence {e}\n")
    );
    assert_eq!(
        desk.ok(&["evidence", "edit", &e, "--stance", "refutes"]),
        format!("Evidence {e} already has those values; nothing changed\n")
    );
    assert!(
        desk.ok(&["claim", "list"])
            .contains(&format!("{m}  disputed"))
    );
    let history = desk.ok(&["history", "--action", "evidence.edit"]);
    assert!(
        history.contains(&format!(
            "on claim {m}: stance: supports → refutes; source: Kyiv → Ukraine's air force"
        )),
        "{history}"
    );

    assert_eq!(
        desk.ok(&["evidence", "move", &e, &d]),
        format!("Moved evidence {e} from claim {m} to claim {d}\n")
    );
    let list = desk.ok(&["claim", "list"]);
    assert!(list.contains(&format!("{m}  unresolved")), "{list}");
    assert!(list.contains(&format!("{d}  disputed")), "{list}");
    let found = desk.ok(&["search", "zebra"]);
    assert!(found.contains(&d) && !found.contains(&m), "{found}");

    // Bad input: each one line, the store unchanged.
    assert_eq!(
        desk.fails(&["evidence", "move", &e, &d], 1),
        format!("factdesk: evidence {e} is already on claim {d}: nothing to move")
    );
    assert_eq!(
        desk.fails(&["evidence", "move", &e, "ffffffff"], 1),
        "factdesk: no claim with id 'ffffffff'"
    );
    assert_eq!(
        desk.fails(&["evidence", "edit", &e], 2),
        "factdesk: evidence edit needs at least one change (--stance, --source, --url, --quote, --note)"
    );
    desk.ok(&["claim", "retract", &m, "--note", "duplicate"]);
    let refused = desk.fails(&["evidence", "move", &e, &m], 1);
    assert!(
        refused.starts_with(&format!("factdesk: claim {m} is retracted (by ana at ")),
        "{refused}"
    );
    desk.ok(&["evidence", "retract", &e, "--note", "unsourced"]);
    let listed: serde_json::Value = serde_json::from_str(&desk.ok(&[
        "--format",
        "json",
        "evidence",
        "list",
        &d,
        "--include-retracted",
    ]))
    .unwrap();
    assert_eq!(
        desk.fails(&["evidence", "edit", &e, "--note", "x"], 1),
        format!(
            "factdesk: evidence {e} is retracted (by ana at {}: unsourced); restore it first \
             with `factdesk evidence restore {e}`",
            retracted_minute(&listed[0])
        )
    );
    desk.ok(&["evidence", "restore", &e]);

    // A colleague's store learns all of it from a bundle, and both verify.
    let bundle = desk.db.with_file_name("ana.jsonl");
    desk.ok(&["export", "--events", "--output", bundle.to_str().unwrap()]);
    let bo = Desk::new();
    bo.ok(&["import", bundle.to_str().unwrap()]);
    assert_eq!(bo.ok(&["claim", "list"]), desk.ok(&["claim", "list"]));
    assert_eq!(bo.ok(&["search", "zebra"]), desk.ok(&["search", "zebra"]));
    assert_eq!(
        bo.ok(&["report", "conflicts"]),
        "No conflicts: no change overwrote one its author had not seen.\n"
    );
    for store in [&desk, &bo] {
        let out = store.ok(&["verify"]);
        let first = out.lines().next().unwrap().to_string();
        assert_verified(&out, &first);
    }
    // Two people changing the same note, each unaware of the other: a conflict.
    bo.ok(&[
        "--as",
        "bo",
        "evidence",
        "edit",
        &e,
        "--note",
        "Geran-2 wreckage",
    ]);
    desk.ok(&["evidence", "edit", &e, "--note", "Shahed-136 wreckage"]);
    let from_bo = bo.db.with_file_name("bo.jsonl");
    bo.ok(&["export", "--events", "--output", from_bo.to_str().unwrap()]);
    desk.ok(&["import", from_bo.to_str().unwrap()]);
    let conflicts = desk.ok(&["report", "conflicts"]);
    assert!(conflicts.contains("note"), "{conflicts}");
    assert!(
        conflicts.contains("Geran-2 wreckage") && conflicts.contains("Shahed-136 wreckage"),
        "{conflicts}"
    );
}

/// Issue 14: one person edits evidence that another, unknown to them, had retracted. The edit
/// is applied but the evidence stays retracted — `report conflicts` says so until someone who
/// knows both restores or retracts it again.
#[test]
fn an_edit_of_evidence_someone_else_retracted_is_a_conflict() {
    let ana = Desk::new();
    let claim = ana.claim(&["Iran supplied Russia with missiles", "--claimant", "WSJ"]);
    let evidence = ana
        .ok(&[
            "evidence", "add", &claim, "--stance", "supports", "--note", "Wreckage",
        ])
        .trim()
        .to_string();
    let e = short(&evidence).to_string();
    let bundle = ana.db.with_file_name("ana.jsonl");
    ana.ok(&["export", "--events", "--output", bundle.to_str().unwrap()]);
    let bo = Desk::new();
    bo.ok(&["import", bundle.to_str().unwrap()]);

    ana.ok(&["evidence", "retract", &e, "--note", "Wrong claim"]);
    std::thread::sleep(std::time::Duration::from_millis(5));
    bo.ok(&[
        "--as",
        "bo",
        "evidence",
        "edit",
        &e,
        "--note",
        "Shahed wreckage",
    ]);
    let from_bo = bo.db.with_file_name("bo.jsonl");
    bo.ok(&["export", "--events", "--output", from_bo.to_str().unwrap()]);
    ana.ok(&["import", from_bo.to_str().unwrap()]);

    let conflicts = ana.ok(&["report", "conflicts", "--format", "json"]);
    let conflicts: serde_json::Value = serde_json::from_str(&conflicts).unwrap();
    let conflicts = conflicts.as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!(c["record_kind"], "evidence");
    assert_eq!(c["record_id"], evidence.as_str());
    assert_eq!(c["field"], "edited while retracted");
    assert_eq!(c["kept"], "retracted: Wrong claim");
    assert_eq!(c["overwritten"], "edit of note");
    assert_eq!(c["overwritten_by"], "bo");
    assert_eq!(c["settled_by"], serde_json::Value::Null);
    // Still retracted, with bo's words kept for when it is restored.
    let listed = ana.ok(&["evidence", "list", &claim, "--include-retracted"]);
    assert!(listed.contains("Shahed wreckage"), "{listed}");
    assert!(
        ana.ok(&["evidence", "list", &claim])
            .starts_with("No evidence")
    );
    // Restoring it, knowing both, settles the conflict.
    ana.ok(&["evidence", "restore", &e, "--note", "Bo fixed the note"]);
    let settled = ana.ok(&["report", "conflicts"]);
    assert!(settled.contains("edited while retracted"), "{settled}");
    assert!(settled.contains("by ana"), "{settled}");
    for desk in [&ana, &bo] {
        assert!(desk.ok(&["verify"]).starts_with("Verified: "));
    }
}
