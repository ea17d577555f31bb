//! Every command on the seed story, with the output people read checked exactly.

use serde_json::Value;

use factdesk::store::LATEST_VERSION;

use crate::{Desk, NOW, Seed, short};

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn init_creates_a_store_and_is_harmless_on_an_existing_one() {
    crate::sqlite_only!(
        "init's message names the store file (tests/e2e/postgres.rs sets up shared stores)"
    );
    let desk = Desk::uninitialised();
    let path = desk.db.display().to_string();
    assert_eq!(
        desk.ok(&["init"]),
        format!("Created factdesk store '{path}' (schema version {LATEST_VERSION})\n")
    );
    assert_eq!(
        desk.ok(&["init"]),
        format!("factdesk store '{path}' is ready (schema version {LATEST_VERSION})\n")
    );
}

#[test]
fn the_seed_story_reads_as_a_dispute_report() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let evidence = desk
        .ok(&[
            "evidence",
            "add",
            &seed.allegation[..6],
            "--stance",
            "supports",
            "--source",
            "U.S. officials",
            "--note",
            "evidence shared with European allies",
        ])
        .trim()
        .to_string();
    let (a, d, e) = (
        short(&seed.allegation),
        short(&seed.denial),
        short(&evidence),
    );
    assert_eq!(
        desk.ok(&["report", "disputed"]),
        format!(
            "{a}  Iran supplied Russia with short-range ballistic missiles
          U.S. and European officials asserts · reported by The Wall Street Journal · 2024-09-06
  for      claimant U.S. and European officials
  for      evidence {e}: U.S. officials: evidence shared with European allies
  against  claim {d} (Iranian Mission to the UN, asserts): Iran has not provided weapons to either side of the conflict in Ukraine

{d}  Iran has not provided weapons to either side of the conflict in Ukraine
          Iranian Mission to the UN asserts · reported by Newsweek
  for      claimant Iranian Mission to the UN
  against  claim {a} (U.S. and European officials, asserts): Iran supplied Russia with short-range ballistic missiles
"
        )
    );
    assert_eq!(
        desk.ok(&["report", "unresolved"]),
        format!(
            "ID        STATUS    CLAIMANT                     STANCE   CLAIM                                                                    DATE        TAGS
{a}  disputed  U.S. and European officials  asserts  Iran supplied Russia with short-range ballistic missiles                 2024-09-06  -
{d}  disputed  Iranian Mission to the UN    asserts  Iran has not provided weapons to either side of the conflict in Ukraine  -           -
"
        )
    );

    // The JSON contract: every field scripts rely on, and the items on each side.
    let report = json(&desk.ok(&["--format", "json", "report", "disputed"]));
    let first = &report[0];
    assert_eq!(first["id"], seed.allegation.as_str());
    assert_eq!(
        first["text"],
        "Iran supplied Russia with short-range ballistic missiles"
    );
    assert_eq!(first["claimant"], "U.S. and European officials");
    assert_eq!(first["reported_by"], "The Wall Street Journal");
    assert_eq!(first["stance"], "asserts");
    assert_eq!(first["status"], "disputed");
    assert_eq!(first["verdict"], Value::Null);
    assert_eq!(first["tags"], serde_json::json!([]));
    assert_eq!(first["created_at"], NOW);
    assert_eq!(first["created_by"], "ana");
    assert_eq!(
        first["for"][0],
        serde_json::json!({"kind": "claimant", "id": first["for"][0]["id"], "text": "U.S. and European officials", "stance": "asserts"})
    );
    assert_eq!(
        first["for"][1],
        serde_json::json!({"kind": "evidence", "id": evidence, "text": "U.S. officials: evidence shared with European allies"})
    );
    assert_eq!(
        first["against"],
        serde_json::json!([{"kind": "claim", "id": seed.denial, "text": "Iran has not provided weapons to either side of the conflict in Ukraine", "stance": "asserts", "claimant": "Iranian Mission to the UN"}])
    );
    assert_eq!(report[1]["reported_by"], "Newsweek");

    assert_eq!(
        desk.ok(&["--format", "csv", "report", "disputed", "--limit", "1"]),
        format!(
            "ID,CLAIM,CLAIMANT,REPORTED BY,DATE,FOR,AGAINST
{a},Iran supplied Russia with short-range ballistic missiles,U.S. and European officials,The Wall Street Journal,2024-09-06,claimant U.S. and European officials; evidence {e}: U.S. officials: evidence shared with European allies,\"claim {d} (Iranian Mission to the UN, asserts): Iran has not provided weapons to either side of the conflict in Ukraine\"
",
            // CSV is a faithful copy: whole ids.
            a = seed.allegation,
            d = seed.denial,
            e = evidence
        )
    );
    assert_eq!(
        desk.ok(&["--format", "markdown", "report", "unresolved"]),
        format!(
            "| ID | STATUS | CLAIMANT | STANCE | CLAIM | DATE | TAGS |
|---|---|---|---|---|---|---|
| {a} | disputed | U.S. and European officials | asserts | Iran supplied Russia with short-range ballistic missiles | 2024-09-06 |  |
| {d} | disputed | Iranian Mission to the UN | asserts | Iran has not provided weapons to either side of the conflict in Ukraine |  |  |
",
            a = seed.allegation,
            d = seed.denial
        )
    );

    // A verdict takes the allegation off both lists; the denial stays disputed.
    assert_eq!(
        desk.ok(&[
            "claim",
            "verdict",
            &seed.allegation[..4],
            "unverifiable",
            "--note",
            "No public evidence yet; officials' evidence not released"
        ]),
        format!("Verdict on claim {a}: unverifiable\n")
    );
    let unresolved = json(&desk.ok(&["--format", "json", "report", "unresolved"]));
    assert_eq!(unresolved.as_array().unwrap().len(), 1);
    assert_eq!(unresolved[0]["id"], seed.denial.as_str());
    let shown = json(&desk.ok(&["--format", "json", "claim", "show", &seed.allegation]));
    assert_eq!(shown["status"], "unverifiable");
    assert_eq!(shown["verdict"], "unverifiable");

    assert_eq!(
        desk.ok(&["history", &seed.allegation]),
        format!(
            "AT                AUTHOR  ACTION        RECORD             CHANGE
2024-09-07 12:00  ana     verdict.set   claim {a}     unverifiable: No public evidence yet; officials' evidence not released
2024-09-07 12:00  ana     evidence.add  evidence {e}  supports claim {a} from U.S. officials: evidence shared with European allies
2024-09-07 12:00  ana     link.add      link {l}      {d} contradicts {a} (Iran's answer to the WSJ report)
2024-09-07 12:00  ana     claim.add     claim {a}     \"Iran supplied Russia with short-range ballistic missiles\" — U.S. and European officials asserts
",
            l = short(&seed.link)
        )
    );
}

#[test]
fn claim_show_explains_the_status() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let (a, d, l) = (
        short(&seed.allegation),
        short(&seed.denial),
        short(&seed.link),
    );
    desk.ok(&[
        "claim",
        "edit",
        &seed.denial,
        "--add-tag",
        "iran",
        "--add-tag",
        "ukraine",
    ]);
    assert_eq!(
        desk.ok(&["claim", "show", d]),
        format!(
            "id:          {denial}
text:        Iran has not provided weapons to either side of the conflict in Ukraine
claimant:    Iranian Mission to the UN
stance:      asserts
reported by: Newsweek
date:        -
url:         -
quote:       Iran considers the provision of military assistance to the parties ... to be inhumane.
tags:        iran, ukraine
status:      disputed
verdict:     -
proposed:    -
assigned to: -
logged:      2024-09-07 12:00 by ana

For (1):
  claimant Iranian Mission to the UN

Against (1):
  claim {a} (U.S. and European officials, asserts): Iran supplied Russia with short-range ballistic missiles

Evidence (0):

Links (1):
  {l} contradicts {a}: Iran supplied Russia with short-range ballistic missiles
",
            denial = seed.denial
        )
    );
    let fields = desk.ok(&["--format", "csv", "claim", "show", d]);
    assert!(
        fields.starts_with(&format!("FIELD,VALUE\nid,{}\n", seed.denial)),
        "{fields}"
    );
    assert!(
        fields.contains(&format!(
            "against,\"claim {} (U.S. and European officials, asserts): Iran supplied Russia with short-range ballistic missiles\"\n",
            seed.allegation
        )),
        "{fields}"
    );
}

#[test]
fn sources_are_created_on_first_mention_and_listed_with_their_counts() {
    let desk = Desk::new();
    let wsj = desk
        .ok(&[
            "source",
            "add",
            "The Wall Street Journal",
            "--kind",
            "outlet",
            "--url",
            "https://www.wsj.com",
        ])
        .trim()
        .to_string();
    Seed::log(&desk);
    let sources = json(&desk.ok(&["--format", "json", "source", "list"]));
    let id_of = |name: &str| {
        let found = sources
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .expect(name);
        short(found["id"].as_str().unwrap()).to_string()
    };
    assert_eq!(id_of("The Wall Street Journal"), short(&wsj));
    assert_eq!(
        desk.ok(&["source", "list"]),
        format!(
            "ID        NAME                         KIND    CLAIMS  REPORTED  EVIDENCE  URL
{}  Iranian Mission to the UN    other   1       0         0         -
{}  Newsweek                     other   0       1         0         -
{}  The Wall Street Journal      outlet  0       1         0         https://www.wsj.com
{}  U.S. and European officials  other   1       0         0         -
",
            id_of("Iranian Mission to the UN"),
            id_of("Newsweek"),
            id_of("The Wall Street Journal"),
            id_of("U.S. and European officials")
        )
    );
    assert_eq!(
        desk.ok(&["source", "show", "the wall street journal"]),
        format!(
            "id:              {wsj}
name:            The Wall Street Journal
kind:            outlet
url:             https://www.wsj.com
note:            -
claims made:     0
claims reported: 1
evidence items:  0
added:           2024-09-07 12:00 by ana
"
        )
    );
    assert_eq!(
        json(&desk.ok(&["--format", "json", "source", "show", &wsj[..5]]))["kind"],
        "outlet"
    );
}

#[test]
fn claims_are_listed_newest_first_and_filtered() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let drones = desk.claim(&[
        "Iran supplied Russia with drones resembling its Shahed line",
        "--claimant",
        "U.S. and European officials",
        "--tag",
        "drones",
    ]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json", "claim", "list"];
        all.extend_from_slice(args);
        json(&desk.ok(&all))
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&[]),
        vec![drones.clone(), seed.denial.clone(), seed.allegation.clone()]
    );
    assert_eq!(
        ids(&["--status", "disputed"]),
        vec![seed.denial.clone(), seed.allegation.clone()]
    );
    assert_eq!(ids(&["--status", "unresolved"]), vec![drones.clone()]);
    assert_eq!(
        ids(&["--claimant", "u.s. and european officials"]),
        vec![drones.clone(), seed.allegation.clone()]
    );
    assert_eq!(ids(&["--tag", "drones"]), vec![drones.clone()]);
    assert_eq!(ids(&["--status", "refuted"]), Vec::<String>::new());

    let out = desk.run(&["claim", "list", "--limit", "1"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "(showing the first 1 claim; use --limit N or --all for more)\n"
    );
    assert_eq!(
        out.stdout,
        format!(
            "ID        STATUS      CLAIMANT                     STANCE   CLAIM                                                        DATE  TAGS
{}  unresolved  U.S. and European officials  asserts  Iran supplied Russia with drones resembling its Shahed line  -     drones
",
            short(&drones)
        )
    );
    assert_eq!(
        desk.ok(&["claim", "list", "--status", "mixed"]),
        "No claims.\n"
    );
    assert_eq!(
        desk.ok(&["--format", "json", "claim", "list", "--status", "mixed"]),
        "[]\n"
    );
}

#[test]
fn claim_edit_changes_fields_and_records_old_and_new() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let d = short(&seed.denial);
    assert_eq!(
        desk.ok(&[
            "claim",
            "edit",
            d,
            "--stance",
            "denies",
            "--text",
            "Iran supplied Russia with short-range ballistic missiles",
            "--quote",
            ""
        ]),
        format!("Edited claim {d}\n")
    );
    assert_eq!(
        desk.ok(&["claim", "edit", d, "--stance", "denies"]),
        format!("Claim {d} already has those values; nothing changed\n")
    );
    let claim = json(&desk.ok(&["--format", "json", "claim", "show", d]));
    assert_eq!(claim["stance"], "denies");
    assert_eq!(claim["quote"], Value::Null);
    assert_eq!(
        claim["status"], "disputed",
        "a denying claimant still stands behind the record"
    );
    let history = json(&desk.ok(&["--format", "json", "history", d, "--limit", "1"]));
    assert_eq!(history[0]["action"], "claim.edit");
    assert_eq!(
        history[0]["change"]["stance"],
        serde_json::json!({"old": "asserts", "new": "denies"})
    );
    assert_eq!(
        history[0]["change"]["quote"],
        serde_json::json!({"old": "Iran considers the provision of military assistance to the parties ... to be inhumane.", "new": null})
    );
}

#[test]
fn verdicts_can_be_withdrawn_and_the_withdrawal_is_history() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let a = short(&seed.allegation);
    desk.ok(&["claim", "verdict", a, "refuted", "--note", "Shown false"]);
    assert_eq!(
        desk.ok(&[
            "claim",
            "verdict",
            a,
            "--clear",
            "--note",
            "Evidence withdrawn"
        ]),
        format!("Withdrew the verdict on claim {a}; its status is now disputed\n")
    );
    assert_eq!(
        desk.ok(&["history", a, "--limit", "2"]),
        format!(
            "AT                AUTHOR  ACTION         RECORD          CHANGE
2024-09-07 12:00  ana     verdict.clear  claim {a}  withdrew refuted: Evidence withdrawn
2024-09-07 12:00  ana     verdict.set    claim {a}  refuted: Shown false
"
        )
    );
}

#[test]
fn evidence_and_links_are_listed_and_links_removed() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let (a, d, l) = (
        short(&seed.allegation),
        short(&seed.denial),
        short(&seed.link),
    );
    let e = desk.ok(&[
        "evidence",
        "add",
        a,
        "--stance",
        "refutes",
        "--source",
        "Iranian Mission to the UN",
        "--quote",
        "Iran abstains from engaging in such actions",
        "--url",
        "https://www.newsweek.com/iran",
    ]);
    assert_eq!(
        desk.ok(&["evidence", "list", a]),
        format!(
            "ID        STANCE   SOURCE                     NOTE  QUOTE                                        URL                            ADDED             BY
{}  refutes  Iranian Mission to the UN  -     Iran abstains from engaging in such actions  https://www.newsweek.com/iran  2024-09-07 12:00  ana
",
            short(e.trim())
        )
    );
    assert_eq!(
        desk.ok(&["link", "list", a]),
        format!(
            "ID        FROM                                                         RELATION     TO                                                           NOTE                             ADDED             BY
{l}  {d} Iran has not provided weapons to either side of t…  contradicts  {a} Iran supplied Russia with short-range ballistic m…  Iran's answer to the WSJ report  2024-09-07 12:00  ana
"
        )
    );
    assert_eq!(
        desk.ok(&["link", "remove", l]),
        format!("Removed link {l}: {d} contradicts {a}\n")
    );
    assert_eq!(desk.ok(&["link", "list", d]), "No links on this claim.\n");
    assert_eq!(
        json(&desk.ok(&["--format", "json", "claim", "show", d]))["status"],
        "unresolved"
    );
    let history = json(&desk.ok(&["--format", "json", "history", d]));
    assert_eq!(history[0]["action"], "link.remove");
    assert_eq!(history[0]["record"], seed.link.as_str());
}

#[test]
fn history_of_the_whole_store_filters_by_author_and_day() {
    let desk = Desk::new();
    Seed::log(&desk);
    desk.cmd(&[
        "--as",
        "ben",
        "claim",
        "add",
        "Iran wants to buy Su-35 jets",
        "--claimant",
        "Newsweek",
    ])
    .env("FACTDESK_NOW", "2024-09-08T09:30:00.000Z")
    .assert()
    .success();
    let by_ben = desk.ok(&["history", "--author", "BEN"]);
    assert_eq!(by_ben.lines().count(), 2, "{by_ben}");
    assert!(
        by_ben.contains("2024-09-08 09:30  ben     claim.add  claim "),
        "{by_ben}"
    );
    let since = json(&desk.ok(&["--format", "json", "history", "--since", "2024-09-08"]));
    assert_eq!(since.as_array().unwrap().len(), 1);
    assert_eq!(since[0]["author"], "ben");
    let all = json(&desk.ok(&["--format", "json", "history", "--all"]));
    assert_eq!(
        all.as_array().unwrap().len(),
        8,
        "4 sources, 3 claims, 1 link"
    );
    assert_eq!(all[0]["at"], "2024-09-08T09:30:00.000Z", "newest first");
}

#[test]
fn text_is_stored_exactly_as_given() {
    let desk = Desk::new();
    let text = "  «Iran» said \"no\"; 'DROP TABLE claims;--\nsecond line ✓ ";
    let id = desk.claim(&[text, "--claimant", "Robert'); DROP TABLE sources;--"]);
    let claim = json(&desk.ok(&["--format", "json", "claim", "show", &id]));
    assert_eq!(claim["text"], text);
    assert_eq!(claim["claimant"], "Robert'); DROP TABLE sources;--");
}

#[test]
fn csv_output_cannot_run_as_a_spreadsheet_formula() {
    let desk = Desk::new();
    let id = desk.claim(&[
        "=HYPERLINK(\"http://evil\",\"click\")",
        "--claimant",
        "@attacker",
    ]);
    assert_eq!(
        desk.ok(&["--format", "csv", "claim", "list"]),
        format!(
            "ID,STATUS,CLAIMANT,STANCE,CLAIM,DATE,TAGS\n{},unresolved,'@attacker,asserts,\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",,\n",
            id
        )
    );
}

/// Regression: `--as`/`FACTDESK_USER` and `history --author` once shared one clap argument id,
/// so the acting user silently filtered every history listing to their own changes.
#[test]
fn the_acting_user_does_not_filter_history() {
    let desk = Desk::new();
    desk.cmd(&["--as", "ben", "claim", "add", "By ben"])
        .assert()
        .success();
    let all = json(&desk.ok(&["--format", "json", "history"]));
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["author"], "ben");
}

#[test]
fn an_explicit_color_always_beats_no_color() {
    let desk = Desk::new();
    Seed::log(&desk);
    let listed = |colour: &str| {
        let out = desk
            .cmd(&["--color", colour, "claim", "list"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        listed("always").contains("\u{1b}[38;5;11mdisputed  \u{1b}[39m"),
        "{}",
        listed("always")
    );
    assert!(!listed("auto").contains('\u{1b}'));
    assert!(!listed("never").contains('\u{1b}'));
}

#[test]
fn every_listing_takes_limit_all_and_output() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    desk.ok(&[
        "evidence",
        "add",
        &seed.allegation,
        "--stance",
        "supports",
        "--source",
        "U.S. officials",
    ]);
    desk.ok(&[
        "evidence",
        "add",
        &seed.allegation,
        "--stance",
        "refutes",
        "--source",
        "Newsweek",
    ]);
    desk.ok(&[
        "link",
        "add",
        &seed.denial,
        &seed.allegation,
        "--relation",
        "related",
    ]);
    for text in [
        "Iran sent short-range ballistic missiles to Russia",
        "Iran supplied Russia with ballistic missiles, officials say",
        "Iran denies supplying Russia with ballistic missiles",
    ] {
        desk.claim(&[text, "--claimant", "Officials", "--quiet"]);
    }
    desk.ok(&["config", "set", "review.required", "true"]);
    for (i, claim) in [&seed.allegation, &seed.denial].into_iter().enumerate() {
        desk.ok(&[
            "--as",
            &format!("reporter{i}"),
            "claim",
            "verdict",
            claim,
            "mixed",
            "--note",
            "x",
        ]);
    }
    let listings: Vec<Vec<&str>> = vec![
        vec!["claim", "list"],
        vec!["source", "list"],
        vec!["evidence", "list", &seed.allegation],
        vec!["link", "list", &seed.allegation],
        vec!["review", "queue"],
        vec!["diff", "--since", "2024-09-07"],
        vec!["link", "scan", "--min-score", "0"],
        vec!["history"],
        vec!["search", "Iran OR Newsweek OR officials"],
    ];
    let file = desk.db.with_file_name("listing.txt");
    for listing in &listings {
        let all = desk.ok(&[listing.as_slice(), &["--all"]].concat());
        assert!(
            all.lines().count() > 2,
            "{listing:?} lists too little to cut: {all}"
        );
        // One row, and a note on stderr that the others were left out.
        let one = desk.run(&[listing.as_slice(), &["--limit", "1"]].concat());
        assert_eq!(one.code, 0, "{listing:?}: {}", one.stderr);
        assert!(
            one.stdout.lines().count() < all.lines().count(),
            "{listing:?}"
        );
        if listing[0] != "search" {
            assert!(
                one.stderr.starts_with("(showing the first 1 ")
                    && !one.stderr.contains("s; use --limit"),
                "{listing:?}: {}",
                one.stderr
            );
        }
        // -o writes exactly what would have been printed.
        let _ = std::fs::remove_file(&file);
        let quiet =
            desk.ok(&[listing.as_slice(), &["--all", "-o", file.to_str().unwrap()]].concat());
        assert_eq!(quiet, "", "{listing:?}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), all, "{listing:?}");
    }
}

#[test]
fn tables_on_an_80_column_terminal_wrap_at_spaces_and_squeeze_the_claim_last() {
    let desk = Desk::new();
    Seed::log(&desk);
    let text = "Iran has transferred hundreds of Fath-360 close-range ballistic missiles to \
                Russia, according to U.S. intelligence assessments shared with allies";
    let claimant = "Senior administration officials of the United States";
    desk.claim(&[
        text,
        "--claimant",
        claimant,
        "--tag",
        "iran",
        "--tag",
        "russia",
        "--quiet",
    ]);
    for (command, columns) in [("claim list", 80), ("claim list", 100), ("history", 80)] {
        let Some(shown) = crate::on_a_terminal(&desk, &format!("--color never {command}"), columns)
        else {
            return;
        };
        let columns = usize::from(columns);
        assert!(
            shown.lines().all(|l| l.chars().count() <= columns),
            "{shown}"
        );
        let words: Vec<&str> = shown.split_whitespace().collect();
        // History shows the claim's text clipped; its claimant whole.
        let whole = match command {
            "history" => claimant.to_string(),
            _ => format!("{text} {claimant}"),
        };
        for word in whole.split_whitespace() {
            assert!(
                words.contains(&word),
                "{command} at {columns} columns broke {word:?}:\n{shown}"
            );
        }
    }
}

#[test]
fn one_of_a_thing_is_counted_in_the_singular() {
    let desk = Desk::new();
    desk.ok(&["source", "add", "Reuters"]);
    let bundle = desk.db.with_file_name("e1.jsonl");
    let bundle = bundle.to_str().unwrap();
    let out = desk.run(&["export", "--events", "-o", bundle]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, format!("Wrote 1 event to {bundle}\n"));
    desk.ok(&["source", "add", "AP"]);
    let out = desk.run(&["source", "list", "--limit", "1"]);
    assert_eq!(
        out.stderr,
        "(showing the first 1 source; use --limit N or --all for more)\n"
    );
    let first = desk.claim(&["Iran sent drones to Russia", "--claimant", "Reuters"]);
    let second = desk.claim(&["Iran sent drones to Russia in May", "--claimant", "AP"]);
    desk.ok(&["link", "add", &first, &second, "--relation", "supports"]);
    let out = desk.run(&["graph", &first, "--limit", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "(the graph was cut at 1 claim; use --limit N for more)\n"
    );
    let record = desk.ok(&["report", "claimant", "Reuters"]);
    assert!(
        record.starts_with("Reuters (other): 1 claim — "),
        "{record}"
    );
}

/// Issue 14: `claim show` given an evidence or link id shows the claim it belongs to (the claim
/// the evidence is on; the claim the link starts from), and says so on stderr.
#[test]
fn claim_show_given_an_evidence_or_link_id_shows_its_claim() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let evidence = desk
        .ok(&[
            "evidence",
            "add",
            &seed.allegation[..8],
            "--stance",
            "supports",
            "--note",
            "shared with allies",
        ])
        .trim()
        .to_string();
    for (given, kind, whose, claim) in [
        (
            &evidence,
            "evidence",
            "the claim it is on",
            &seed.allegation,
        ),
        (&seed.link, "link", "the claim it starts from", &seed.denial),
    ] {
        let out = desk.cmd(&["claim", "show", &given[..8]]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!(
                "factdesk: note: {} is {kind} {}; showing {whose}, {}\n",
                &given[..8],
                &given[..8],
                &claim[..8]
            )
        );
        let shown = String::from_utf8(out.stdout).unwrap();
        assert!(
            shown.starts_with(&format!("id:          {claim}\n")),
            "{shown}"
        );
    }
    assert_eq!(
        desk.fails(&["claim", "show", "ffffffff"], 1),
        "factdesk: no claim with id 'ffffffff'"
    );
}
