//! The linker end to end: the seed pair comes out as `contradicts` at rank 1 whichever way the
//! denial is written; proposals are only proposals until accepted; an accepted proposal is an
//! ordinary link whose event keeps the linker's score; scanning lists every pair across the store
//! (or from the claims logged since a time), and links them all in one change.

use serde_json::Value;

use crate::{Desk, SEED_ARTICLE, seed_preview, short, statement_by};

const ALLEGATION: &str = "Iran supplied Russia with short-range ballistic missiles";

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// A store with the WSJ-reported allegation and two claims on other subjects.
fn desk_with_allegation() -> (Desk, String) {
    let desk = Desk::new();
    let allegation = desk.claim(&[
        ALLEGATION,
        "--claimant",
        "U.S. and European officials",
        "--reported-by",
        "The Wall Street Journal",
        "--date",
        "2024-09-06",
    ]);
    desk.claim(&[
        "Iran has sought to purchase Russian Sukhoi Su-35 jets",
        "--reported-by",
        "Newsweek",
        "--quiet",
    ]);
    desk.claim(&[
        "Covid vaccines alter human DNA",
        "--claimant",
        "A viral post",
        "--quiet",
    ]);
    (desk, allegation)
}

#[test]
fn a_negated_denial_is_proposed_as_contradicting_the_allegation() {
    let (desk, allegation) = desk_with_allegation();
    let out = desk.run(&[
        "claim",
        "add",
        "Iran has not provided weapons to either side of the conflict in Ukraine",
        "--claimant",
        "Iranian Mission to the UN",
    ]);
    assert_eq!(out.code, 0);
    let denial = out.stdout.trim();
    assert_eq!(
        denial.len(),
        36,
        "stdout is the new id alone: {:?}",
        out.stdout
    );
    let mut lines = out.stderr.lines();
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "Possibly related (link them with `factdesk link accept {} ID`):",
                short(denial)
            )
            .as_str()
        )
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&format!(
            "  {}  contradicts?  \"{ALLEGATION}\" (U.S. and European officials)  0.",
            short(&allegation)
        )),
        "{}",
        out.stderr
    );
    // Nothing was linked by proposing.
    assert_eq!(
        desk.ok(&["link", "list", &allegation]),
        "No links on this claim.\n"
    );

    let proposals = json(&desk.ok(&["--format", "json", "link", "suggest", denial]));
    let top = &proposals[0];
    assert_eq!(top["id"], allegation.as_str());
    assert_eq!(top["relation"], "contradicts");
    assert_eq!(top["claimant"], "U.S. and European officials");
    assert_eq!(top["text"], ALLEGATION);
    assert_eq!(
        top["reason"],
        "negation: 'has not provided' vs asserted; shared: Iran, provided ≈ supplied, weapons ≈ missiles"
    );
    assert!(top["score"].as_f64().unwrap() > 0.0);
    let keys: Vec<&String> = top.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["id", "text", "claimant", "relation", "score", "reason"]
    );
}

#[test]
fn a_denying_stance_with_the_allegations_words_is_a_contradiction_too() {
    let (desk, allegation) = desk_with_allegation();
    let out = desk.run(&[
        "--format",
        "json",
        "claim",
        "add",
        ALLEGATION,
        "--claimant",
        "Iranian Mission to the UN",
        "--stance",
        "denies",
    ]);
    let added = json(&out.stdout);
    assert_eq!(added["suggestions"][0]["id"], allegation.as_str());
    assert_eq!(added["suggestions"][0]["relation"], "contradicts");
    assert!(
        added["suggestions"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("negation: stance denies vs asserted")
    );
}

#[test]
fn text_not_yet_logged_finds_the_claim_it_repeats() {
    let (desk, allegation) = desk_with_allegation();
    let proposals = json(&desk.ok(&[
        "--format",
        "json",
        "link",
        "suggest",
        "--text",
        "Tehran sent missiles to Moscow, officials say",
    ]));
    assert_eq!(proposals[0]["id"], allegation.as_str());
    assert_eq!(proposals[0]["relation"], "duplicates");
    let table = desk.ok(&[
        "link",
        "suggest",
        "--text",
        "Tehran sent missiles to Moscow, officials say",
        "--limit",
        "1",
    ]);
    assert!(
        table.starts_with("ID        RELATION     SCORE  CLAIMANT"),
        "{table}"
    );
    assert!(
        table.contains(&format!("{}  duplicates?  ", short(&allegation))),
        "{table}"
    );
    assert_eq!(
        desk.ok(&[
            "link",
            "suggest",
            "--text",
            "Zebras migrate across the Serengeti"
        ]),
        "No related claims found.\n"
    );
}

#[test]
fn accepting_records_an_ordinary_link_that_remembers_the_linker() {
    let (desk, allegation) = desk_with_allegation();
    let denial = desk.claim(&[
        "Iran has not provided weapons to either side of the conflict in Ukraine",
        "--claimant",
        "Iranian Mission to the UN",
        "--quiet",
    ]);
    let line = desk.ok(&["link", "accept", &denial[..6], &allegation[..6]]);
    assert!(
        line.starts_with(&format!(
            "Linked {} contradicts {} (linker score 0.",
            short(&denial),
            short(&allegation)
        )),
        "{line}"
    );
    assert_eq!(
        json(&desk.ok(&["--format", "json", "claim", "show", &allegation]))["status"],
        "disputed"
    );
    let event = &json(&desk.ok(&["--format", "json", "history", &denial, "--limit", "1"]))[0];
    assert_eq!(event["action"], "link.add");
    assert_eq!(event["change"]["relation"], "contradicts");
    assert!(event["change"]["linker"]["score"].as_f64().unwrap() > 0.0);
    assert!(
        event["change"]["linker"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("negation:")
    );
    // Once linked, the pair is no longer proposed.
    let again = json(&desk.ok(&["--format", "json", "link", "suggest", &denial]));
    assert!(
        again
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != allegation.as_str())
    );
    assert_eq!(
        desk.fails(&["link", "accept", &denial, &allegation], 1),
        format!(
            "factdesk: claims {} and {} are already linked by 'contradicts' (link {})",
            short(&denial),
            short(&allegation),
            {
                let links = json(&desk.ok(&["--format", "json", "link", "list", &denial]));
                links[0]["id"].as_str().unwrap()[..8].to_string()
            }
        )
    );
}

/// The allegation and two word-for-word denials of it (two contradicting answers), logged at
/// the desk's clock, and a claim on another subject.
fn desk_with_two_denials() -> (Desk, [String; 3]) {
    let (desk, allegation) = desk_with_allegation();
    let denial = desk.claim(&[
        ALLEGATION,
        "--claimant",
        "Iranian Mission to the UN",
        "--stance",
        "denies",
        "--quiet",
    ]);
    let again = desk.claim(&[
        ALLEGATION,
        "--claimant",
        "Iran's foreign ministry",
        "--stance",
        "denies",
        "--quiet",
    ]);
    (desk, [allegation, denial, again])
}

/// The pairs in `link scan --format json` output, each as its two ids (sorted) and relation.
fn scanned(json_text: &str) -> Vec<([String; 2], String)> {
    let mut pairs: Vec<([String; 2], String)> = json(json_text)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut ids = [
                p["from"].as_str().unwrap().to_string(),
                p["to"].as_str().unwrap().to_string(),
            ];
            ids.sort();
            (ids, p["relation"].as_str().unwrap().to_string())
        })
        .collect();
    pairs.sort();
    pairs
}

fn pair(a: &str, b: &str, relation: &str) -> ([String; 2], String) {
    let mut ids = [a.to_string(), b.to_string()];
    ids.sort();
    (ids, relation.to_string())
}

#[test]
fn scanning_lists_every_pair_above_the_threshold_each_once() {
    let (desk, [allegation, denial, again]) = desk_with_two_denials();
    let out = desk.run(&["--format", "json", "link", "scan", "--min-score", "0.6"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr, "",
        "no progress bar when stderr is not a terminal"
    );
    // Both answers to the allegation, and the two answers repeating each other.
    let mut expected = vec![
        pair(&allegation, &denial, "contradicts"),
        pair(&allegation, &again, "contradicts"),
        pair(&denial, &again, "duplicates"),
    ];
    expected.sort();
    assert_eq!(scanned(&out.stdout), expected);
    let found = json(&out.stdout);
    let keys: Vec<&String> = found[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["from", "to", "relation", "score", "reason"]);
    // Contradictions first (they change a claim's status), then the best score.
    let order = |relation: &str| {
        ["contradicts", "duplicates", "supports", "related"]
            .iter()
            .position(|r| *r == relation)
            .unwrap()
    };
    let keys: Vec<(usize, f64)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                order(p["relation"].as_str().unwrap()),
                p["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2)
            .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1)),
        "{keys:?}"
    );

    // The table, exactly: in that order, equal scores in the order of their ids.
    let rows: Vec<(String, String, String, f64, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["from"].as_str().unwrap().to_string(),
                p["to"].as_str().unwrap().to_string(),
                p["relation"].as_str().unwrap().to_string(),
                p["score"].as_f64().unwrap(),
                p["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let table = desk.ok(&["link", "scan", "--min-score", "0.6", "--limit", "2"]);
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("FROM      ID        RELATION      SCORE  CLAIMANT"),
        "{table}"
    );
    for (line, (from, to, relation, score, _)) in lines.zip(&rows) {
        assert!(
            line.starts_with(&format!(
                "{}  {}  {:<12}  {score:.2}",
                short(from),
                short(to),
                format!("{relation}?")
            )),
            "{line:?} in\n{table}"
        );
    }
    assert_eq!(table.lines().count(), 3, "{table}");
    let out = desk.run(&["link", "scan", "--min-score", "0.6", "--limit", "2"]);
    assert_eq!(
        out.stderr,
        "(showing the first 2 pairs; use --limit N or --all for more)\n"
    );
    // Nothing at a score no pair reaches.
    assert_eq!(
        desk.ok(&["link", "scan", "--min-score", "1"]),
        "No pairs at that score.\n"
    );
}

#[test]
fn since_compares_only_the_new_claims_with_the_whole_store() {
    let (desk, allegation) = desk_with_allegation();
    let repeat = desk.claim(&[ALLEGATION, "--claimant", "Newsweek", "--quiet"]);
    // A day later, an import brings the denial.
    let out = desk
        .cmd(&[
            "claim",
            "add",
            ALLEGATION,
            "--claimant",
            "Iranian Mission to the UN",
            "--stance",
            "denies",
            "--quiet",
        ])
        .env("FACTDESK_NOW", "2024-09-08T09:00:00.000Z")
        .output()
        .unwrap();
    assert!(out.status.success());
    let denial = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let mut expected = vec![
        pair(&denial, &allegation, "contradicts"),
        pair(&denial, &repeat, "contradicts"),
    ];
    expected.sort();
    for since in ["2024-09-08", "2024-09-08T09:00Z", "2024-09-08 09:00"] {
        let found = desk.ok(&[
            "--format",
            "json",
            "link",
            "scan",
            "--min-score",
            "0.6",
            "--since",
            since,
        ]);
        assert_eq!(scanned(&found), expected, "--since {since}");
    }
    // Without --since the old pair (the allegation and its repeat) is found as well.
    let all = scanned(&desk.ok(&["--format", "json", "link", "scan", "--min-score", "0.6"]));
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(
        all.contains(&pair(&allegation, &repeat, "duplicates")),
        "{all:?}"
    );
    assert_eq!(
        desk.ok(&["link", "scan", "--since", "2024-09-09"]),
        "No pairs at that score.\n"
    );
}

#[test]
fn accepting_a_scan_links_every_pair_in_one_change() {
    let (desk, [allegation, denial, again]) = desk_with_two_denials();
    let out = desk.run(&["link", "scan", "--accept"]);
    assert_eq!(
        out.code, 2,
        "--accept needs an explicit --min-score: {}",
        out.stderr
    );
    let listed = desk.ok(&["link", "scan", "--min-score", "0.6"]);
    let out = desk.run(&["link", "scan", "--min-score", "0.6", "--accept"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "Linked 3 pairs.\n");
    assert_eq!(out.stdout, listed, "the pairs linked are the pairs listed");
    // The history shows each link, with the linker's score, all at one time.
    let events = json(&desk.ok(&["--format", "json", "history", "--action", "link", "--all"]));
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e["action"] == "link.add"
        && e["change"]["linker"]["score"].as_f64().unwrap() >= 0.6
        && e["at"] == events[0]["at"]));
    assert_eq!(
        json(&desk.ok(&["--format", "json", "claim", "show", &allegation]))["status"],
        "disputed"
    );
    for claim in [&allegation, &denial, &again] {
        let links = json(&desk.ok(&["--format", "json", "link", "list", claim]));
        assert_eq!(links.as_array().unwrap().len(), 2, "{links}");
    }
    // A second scan lists nothing already linked.
    assert_eq!(
        desk.ok(&["link", "scan", "--min-score", "0.6"]),
        "No pairs at that score.\n"
    );
    let out = desk.run(&["link", "scan", "--min-score", "0.6", "--accept"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("No pairs at that score.\n", "Linked 0 pairs.\n")
    );
}

#[test]
fn a_scan_refuses_bad_input_and_changes_nothing() {
    let (desk, _) = desk_with_two_denials();
    assert_eq!(
        desk.fails(&["link", "scan", "--min-score", "2", "--accept"], 1),
        "factdesk: --min-score 2 is not between 0 and 1"
    );
    assert_eq!(
        desk.fails(&["link", "scan", "--min-score=-0.1"], 1),
        "factdesk: --min-score -0.1 is not between 0 and 1"
    );
    assert_eq!(
        desk.fails(
            &[
                "link",
                "scan",
                "--since",
                "last week-ish",
                "--min-score",
                "0.5",
                "--accept"
            ],
            1
        ),
        "factdesk: malformed time 'last week-ish' (expected a date like 2024-09-07, a time like \
         2024-09-07T12:00Z, or yesterday, monday, 2 hours ago)"
    );
    // --per-claim is gone: every pair above the threshold is listed.
    let before = desk.contents();
    let out = desk.run(&["link", "scan", "--per-claim", "3"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: unexpected argument '--per-claim' found"),
        "{}",
        out.stderr
    );
    assert_eq!(desk.contents(), before);
}

#[test]
fn ingesting_the_seed_article_finds_the_allegation_and_the_denial_and_links_them() {
    let desk = Desk::new();
    let Some(preview) = seed_preview(&desk) else {
        return;
    };
    let statements = preview["statements"].as_array().unwrap();
    let find = |claimant: &str, words: &str| statement_by(&preview, claimant, words);
    let allegation = find(
        "U.S. and European officials",
        "short-range ballistic missiles",
    );
    let denial = find(
        "Iranian Mission to the United Nations",
        "had not provided weapons",
    );
    assert_eq!(statements[allegation]["stance"], "asserts");
    assert!(
        statements[denial]["quote"]
            .as_str()
            .unwrap()
            .starts_with("In a statement shared with Newsweek")
    );
    let linked = preview["proposed_links"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| {
            l["from"] == denial + 1 && l["to"] == allegation + 1 && l["relation"] == "contradicts"
        });
    assert!(
        linked,
        "no contradicts proposal between the denial and the allegation: {preview}"
    );
    assert_eq!(
        desk.ok(&["claim", "list"]),
        "No claims.\n",
        "a preview logs nothing"
    );

    let out = desk.ok(&[
        "ingest",
        SEED_ARTICLE,
        "--source",
        "Newsweek",
        "--date",
        "2024-09-06",
        "--accept",
    ]);
    assert!(
        out.ends_with(&format!(
            "Logged {} claims from {SEED_ARTICLE}.\n",
            statements.len()
        )),
        "{out}"
    );
    let claims = json(&desk.ok(&[
        "--format",
        "json",
        "claim",
        "list",
        "--claimant",
        "Iranian Mission to the United Nations",
    ]));
    // The Mission's quoted statements are its claims too: the denial is the one that says so.
    let denial = claims
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["text"]
                .as_str()
                .unwrap()
                .contains("had not provided weapons")
        })
        .unwrap_or_else(|| panic!("no logged denial: {claims}"));
    let logged_denial = denial["id"].as_str().unwrap().to_string();
    assert_eq!(denial["reported_by"], "Newsweek");
    // Logged, the denial's proposals include the allegation, as a contradiction.
    let proposals = json(&desk.ok(&["--format", "json", "link", "suggest", &logged_denial]));
    let found = proposals.as_array().unwrap().iter().any(|p| {
        p["relation"] == "contradicts"
            && p["text"]
                .as_str()
                .unwrap()
                .contains("short-range ballistic missiles")
    });
    assert!(found, "{proposals}");

    // A scan of the store afterwards puts the allegation and a denial of it first, as a
    // contradiction, and proposes the Mission's denial against it too. (The older drones
    // accusation, which the article says was made "previously", does not take its date.)
    let claims = json(&desk.ok(&["--format", "json", "claim", "list", "--all"]));
    let text_of = |id: &str| {
        claims
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| {
                (
                    c["text"].as_str().unwrap().to_string(),
                    c["claimant"].clone(),
                )
            })
            .unwrap()
    };
    let scan = json(&desk.ok(&["--format", "json", "link", "scan", "--min-score", "0.2"]));
    let pairs = scan.as_array().unwrap();
    let first = &pairs[0];
    assert_eq!(first["relation"], "contradicts", "{scan}");
    let (from, to) = (
        text_of(first["from"].as_str().unwrap()),
        text_of(first["to"].as_str().unwrap()),
    );
    let (allegation, answer) = if from.0.contains("ballistic missiles") {
        (from, to)
    } else {
        (to, from)
    };
    assert!(
        allegation.0.contains("short-range ballistic missiles"),
        "{scan}"
    );
    assert_eq!(allegation.1, "U.S. and European officials");
    assert_eq!(answer.1, "Iran", "{scan}");
    let mission_answers = pairs.iter().any(|p| {
        let texts = [
            text_of(p["from"].as_str().unwrap()).0,
            text_of(p["to"].as_str().unwrap()).0,
        ];
        p["relation"] == "contradicts"
            && texts
                .iter()
                .any(|t| t.contains("short-range ballistic missiles"))
            && texts.iter().any(|t| t.contains("had not provided weapons"))
    });
    assert!(mission_answers, "{scan}");
    // The Mission's several sentences elaborate one statement: its denial ("had not provided
    // weapons to either side of the conflict") does not contradict its "position … remains
    // unchanged" or its view of military assistance, which share only the conflict. Only
    // a claim of its own that asserts what it denies could.
    let mission = "Iranian Mission to the United Nations";
    let self_contradictions: Vec<&serde_json::Value> = pairs
        .iter()
        .filter(|p| {
            p["relation"] == "contradicts"
                && text_of(p["from"].as_str().unwrap()).1 == mission
                && text_of(p["to"].as_str().unwrap()).1 == mission
        })
        .collect();
    assert!(self_contradictions.is_empty(), "{self_contradictions:?}");
}
