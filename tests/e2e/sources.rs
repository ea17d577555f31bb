//! Correcting sources (issue 14): a typo renamed, the same person logged three ways merged into
//! one and unmerged again, a source's details edited, a near-miss name pointed out when it is
//! first used — each an event that bundles carry, `verify` checks and `--as-of` undoes.

use crate::{Desk, assert_verified};

/// Logs a claim, returning its id and what the command said on stderr.
fn claim_with_note(desk: &Desk, text: &str, claimant: &str) -> (String, String) {
    let out = desk.run(&["claim", "add", text, "--claimant", claimant, "--quiet"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    (out.stdout.trim().to_string(), out.stderr)
}

/// Sunak logged four ways, one with evidence from him: (the claims' ids).
fn four_sunaks(desk: &Desk) -> Vec<String> {
    let mut ids = Vec::new();
    let mut notes = Vec::new();
    for (text, claimant) in [
        (
            "The government has cleared the legacy asylum backlog",
            "Rishi Sunak",
        ),
        ("Inflation has halved", "Rishi Snak"),
        ("Boats are down a third", "Prime Minister Rishi Sunak"),
        ("Small boat crossings fell", "Sunak"),
    ] {
        let (id, note) = claim_with_note(desk, text, claimant);
        ids.push(id);
        notes.push(note);
    }
    // Each near miss is created as given, with a note naming the source it resembles (the
    // closest one) and the command that merges them; the first name has nothing to resemble.
    assert_eq!(
        notes,
        [
            "",
            "factdesk: note: new source 'Rishi Snak' resembles 'Rishi Sunak'; if they are one \
             source, run: factdesk source merge 'Rishi Snak' 'Rishi Sunak'\n",
            "factdesk: note: new source 'Prime Minister Rishi Sunak' resembles 'Rishi Sunak'; if \
             they are one source, run: factdesk source merge 'Prime Minister Rishi Sunak' \
             'Rishi Sunak'\n",
            "factdesk: note: new source 'Sunak' resembles 'Rishi Sunak'; if they are one source, \
             run: factdesk source merge Sunak 'Rishi Sunak'\n",
        ]
    );
    desk.ok(&[
        "evidence",
        "add",
        &ids[3],
        "--stance",
        "refutes",
        "--source",
        "sunak",
        "--note",
        "Home Office figures",
    ]);
    ids
}

#[test]
fn one_person_logged_four_ways_is_merged_counted_once_and_unmerged() {
    let desk = Desk::new();
    let ids = four_sunaks(&desk);
    assert_eq!(
        desk.ok(&["source", "list", "--format", "csv"])
            .lines()
            .count(),
        5
    );

    assert_eq!(
        desk.ok(&[
            "source",
            "merge",
            "Rishi Snak",
            "Sunak",
            "prime minister rishi sunak",
            "Rishi Sunak"
        ]),
        "Merged source Rishi Snak into Rishi Sunak (1 claim made, 0 reported, 0 evidence items)\n\
         Merged source Sunak into Rishi Sunak (1 claim made, 0 reported, 1 evidence item)\n\
         Merged source Prime Minister Rishi Sunak into Rishi Sunak (1 claim made, 0 reported, \
         0 evidence items)\n\
         Rishi Sunak now answers to: Prime Minister Rishi Sunak, Rishi Snak, Sunak\n"
    );
    let list = desk.ok(&["source", "list"]);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(
        list.contains("  Rishi Sunak  other  4       0         1         -\n"),
        "{list}"
    );
    // An alias finds the source it was merged into, in every command.
    let shown = desk.ok(&["source", "show", "SUNAK"]);
    assert!(shown.contains("name:            Rishi Sunak\n"), "{shown}");
    assert!(
        shown.contains("aliases:         Prime Minister Rishi Sunak, Rishi Snak, Sunak\n"),
        "{shown}"
    );
    assert_eq!(
        desk.ok(&[
            "claim",
            "list",
            "--claimant",
            "Rishi Snak",
            "--format",
            "csv"
        ])
        .lines()
        .count(),
        5
    );
    assert!(
        desk.ok(&["report", "claimant", "Sunak"])
            .starts_with("Rishi Sunak (other): 4 claims — 1 disputed, 3 unresolved\n")
    );
    // A claim naming an alias later counts for the survivor, and no note is needed.
    let (later, note) = claim_with_note(&desk, "Taxes will fall", "Sunak");
    assert_eq!(note, "");
    assert!(
        desk.ok(&["claim", "show", &later])
            .contains("claimant:    Rishi Sunak\n")
    );

    // Unmerged, Sunak is a source again, with every claim and the evidence that name him.
    assert_eq!(
        desk.ok(&["source", "unmerge", "sunak"]),
        "Unmerged source Sunak from Rishi Sunak: it has 2 claims made, 0 reported, 1 evidence \
         item again\n"
    );
    let show = desk.ok(&["claim", "show", &ids[3]]);
    assert!(show.contains("claimant:    Sunak\n"), "{show}");
    assert!(
        show.contains(" refutes (Sunak) Home Office figures\n"),
        "{show}"
    );
    assert!(
        desk.ok(&["source", "show", "Rishi Sunak"])
            .contains("aliases:         Prime Minister Rishi Sunak, Rishi Snak\n")
    );
    let history = desk.ok(&["history", "--format", "csv"]);
    for action in ["source.merge", "source.unmerge"] {
        assert!(history.contains(action), "{history}");
    }
    assert!(history.contains("merged into Rishi Sunak ("), "{history}");
    assert_verified(
        &desk.ok(&["verify"]),
        "Verified: 14 events, hashes intact, guards in place, and 10 records as the history says",
    );
}

#[test]
fn bad_merges_renames_and_edits_are_refused_and_change_nothing() {
    let desk = Desk::new();
    four_sunaks(&desk);
    desk.ok(&["source", "merge", "Sunak", "Rishi Sunak"]);
    for (args, message) in [
        (
            &["source", "merge", "Rishi Sunak", "rishi sunak"][..],
            "factdesk: cannot merge source 'Rishi Sunak' into itself",
        ),
        (
            &["source", "merge", "Rishi Sunak", "Sunak"],
            "factdesk: 'Sunak' is an alias of 'Rishi Sunak' (merged into it): a source cannot \
             be merged into its own alias",
        ),
        (
            &["source", "merge", "Rishi Snak", "Sunak"],
            "factdesk: 'Sunak' is an alias of 'Rishi Sunak' (merged into it): merge into \
             'Rishi Sunak' instead",
        ),
        // One bad name refuses the whole merge: Rishi Snak stays a source of its own.
        (
            &["source", "merge", "Rishi Snak", "Sunak", "Rishi Sunak"],
            "factdesk: source 'Sunak' is already merged into 'Rishi Sunak'",
        ),
        (
            &["source", "merge", "Nobody", "Rishi Sunak"],
            "factdesk: no source named or with id 'Nobody'",
        ),
        (
            &["source", "unmerge", "Rishi Snak"],
            "factdesk: source 'Rishi Snak' is not merged into another source",
        ),
        (
            &["source", "rename", "Rishi Snak", "RISHI SUNAK"],
            "factdesk: the name 'RISHI SUNAK' belongs to source 'Rishi Sunak': to make them one \
             source, run `factdesk source merge 'Rishi Snak' 'Rishi Sunak'`",
        ),
        (
            &["source", "rename", "Sunak", "Rishi S."],
            "factdesk: 'Sunak' is an alias of 'Rishi Sunak' (merged into it): rename 'Rishi \
             Sunak', or run `factdesk source unmerge 'Sunak'` first",
        ),
        (
            &["source", "rename", "Rishi Snak", "  "],
            "factdesk: source name is empty",
        ),
    ] {
        assert_eq!(desk.fails(args, 1), message, "{args:?}");
    }
    for (args, message) in [
        (
            &["source", "edit", "Rishi Sunak"][..],
            "factdesk: source edit needs at least one change (--kind, --url, --note)",
        ),
        (
            &[
                "source",
                "edit",
                "Rishi Sunak",
                "--url",
                "javascript:alert(1)",
            ],
            "factdesk: --url 'javascript:alert(1)' is not an http or https address",
        ),
    ] {
        assert_eq!(desk.fails(args, 2), message, "{args:?}");
    }
    assert_eq!(
        desk.fails(&["source", "edit", "Rishi Sunak", "--kind", "martian"], 1),
        "factdesk: unknown source kind 'martian' (expected one of: outlet, government, \
         official, organization, person, anonymous, other)"
    );
    assert_eq!(
        desk.fails(&["source", "merge", "Rishi Sunak"], 2),
        "factdesk: source merge needs the sources to merge and the one they merge into \
         (factdesk source merge FROM... INTO)"
    );
}

#[test]
fn a_typo_renamed_keeps_its_id_and_its_old_name_still_finds_it() {
    let desk = Desk::new();
    let (id, _) = claim_with_note(&desk, "Inflation has halved", "Rishi Snak");
    let before = desk.ok(&["source", "show", "Rishi Snak", "--format", "json"]);
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(
        desk.ok(&["source", "rename", "rishi snak", "Rishi Sunak"]),
        "Renamed source Rishi Snak to Rishi Sunak; 'Rishi Snak' still finds it\n"
    );
    let after = desk.ok(&["source", "show", "Rishi Snak", "--format", "json"]);
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["name"], "Rishi Sunak");
    assert_eq!(after["aliases"], serde_json::json!(["Rishi Snak"]));
    assert!(
        desk.ok(&["claim", "show", &id])
            .contains("claimant:    Rishi Sunak\n")
    );
    // The old name creates nothing new.
    claim_with_note(&desk, "Taxes will fall", "Rishi Snak");
    assert_eq!(
        desk.ok(&["source", "list", "--format", "csv"])
            .lines()
            .count(),
        2
    );

    assert_eq!(
        desk.ok(&[
            "source",
            "edit",
            "Rishi Sunak",
            "--kind",
            "person",
            "--url",
            "https://www.gov.uk/government/people/rishi-sunak",
            "--note",
            "Prime Minister 2022-24"
        ]),
        "Edited source Rishi Sunak\n"
    );
    assert_eq!(
        desk.ok(&["source", "edit", "Rishi Sunak", "--kind", "person"]),
        "Source Rishi Sunak already has those values; nothing changed\n"
    );
    desk.ok(&["source", "edit", "Rishi Sunak", "--note", ""]);
    let shown = desk.ok(&["source", "show", "Rishi Sunak"]);
    assert!(shown.contains("kind:            person\n"), "{shown}");
    assert!(shown.contains("note:            -\n"), "{shown}");
    let history = desk.ok(&["history", "--format", "csv"]);
    assert!(
        history.contains("renamed Rishi Snak → Rishi Sunak"),
        "{history}"
    );
    assert!(
        history.contains("kind: other → person; url: - → https://www.gov.uk/"),
        "{history}"
    );
    assert!(
        history.contains("note: Prime Minister 2022-24 → -"),
        "{history}"
    );
    assert_verified(
        &desk.ok(&["verify"]),
        "Verified: 6 events, hashes intact, guards in place, and 4 records as the history says",
    );
}

#[test]
fn bundles_carry_source_corrections_and_as_of_undoes_them() {
    let ana = Desk::new();
    let ids = four_sunaks(&ana);
    let then = {
        let history = ana.ok(&["history", "--format", "json"]);
        let events: serde_json::Value = serde_json::from_str(&history).unwrap();
        events[0]["at"].as_str().unwrap().to_string()
    };
    std::thread::sleep(std::time::Duration::from_millis(5));
    ana.ok(&["source", "merge", "Sunak", "Rishi Snak", "Rishi Sunak"]);
    ana.ok(&[
        "source",
        "rename",
        "Prime Minister Rishi Sunak",
        "PM Rishi Sunak",
    ]);

    // As of before the corrections, the claims name the four sources again.
    let as_of = ana.ok(&["claim", "list", "--as-of", &then, "--format", "csv"]);
    for name in [
        "Rishi Sunak",
        "Rishi Snak",
        "Prime Minister Rishi Sunak",
        "Sunak",
    ] {
        assert!(as_of.contains(&format!(",{name},asserts,")), "{as_of}");
    }
    let now = ana.ok(&["claim", "list", "--format", "csv"]);
    assert!(now.contains(",PM Rishi Sunak,asserts,"), "{now}");
    assert_eq!(now.matches(",Rishi Sunak,asserts,").count(), 3, "{now}");
    let shown = ana.ok(&["claim", "show", &ids[3], "--as-of", &then]);
    assert!(shown.contains("claimant:    Sunak\n"), "{shown}");

    // A colleague who imports the work sees the same sources, and the same claims.
    let path = ana.db.with_file_name("ana.jsonl");
    ana.ok(&["export", "--events", "--output", path.to_str().unwrap()]);
    let bo = Desk::new();
    bo.ok(&["import", path.to_str().unwrap()]);
    for args in [
        &["source", "list"][..],
        &["claim", "list", "--all"],
        &["source", "show", "Sunak", "--format", "json"],
    ] {
        assert_eq!(bo.ok(args), ana.ok(args), "{args:?}");
    }
    // Her own claim naming an alias counts for the survivor there too.
    let (later, _) = claim_with_note(&bo, "Taxes will fall", "Rishi Snak");
    assert!(
        bo.ok(&["claim", "show", &later])
            .contains("claimant:    Rishi Sunak\n")
    );
    assert!(bo.ok(&["verify"]).starts_with("Verified: "));

    // A store that registered the corrected name on its own refuses the rename, saying how
    // to go on, and stays as it was.
    let cy = Desk::new();
    claim_with_note(&cy, "Growth is back", "PM Rishi Sunak");
    let refusal = cy.fails(&["import", path.to_str().unwrap()], 1);
    assert!(
        refusal.starts_with(&format!("factdesk: {}: line ", path.display())),
        "{refusal}"
    );
    assert!(
        refusal.ends_with(
            "(source.rename) gives source 711a2b46-b72c-50e1-9a05-33a730dcd5bc the name \
             'PM Rishi Sunak', which another source in this store has: rename this store's \
             'PM Rishi Sunak' (`factdesk source rename`), import again, then merge the two; \
             nothing was imported"
        ),
        "{refusal}"
    );
}

#[test]
fn ingesting_an_article_that_names_a_near_miss_says_so() {
    let desk = Desk::new();
    claim_with_note(&desk, "Boats are down a third", "Rishi Sunak");
    let out = desk
        .cmd(&["ingest", "-", "--source", "BBC News", "--accept"])
        .write_stdin(
            "Backlog claim\n\nThe legacy asylum backlog has been cleared, Sunak said on Monday.\n",
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "factdesk: note: new source 'Sunak' resembles 'Rishi Sunak'; if they are one source, \
         run: factdesk source merge Sunak 'Rishi Sunak'\n"
    );
}
