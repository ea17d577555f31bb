//! The linker end to end: the seed pair comes out as `contradicts` at rank 1 whichever way the
//! denial is written; proposals are only proposals until accepted; an accepted proposal is an
//! ordinary link whose event keeps the linker's score; scanning finds pairs across the store.

use serde_json::Value;

use crate::{Desk, short};

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

#[test]
fn scanning_lists_pairs_once_and_accepts_only_with_a_threshold() {
    let (desk, allegation) = desk_with_allegation();
    let denial = desk.claim(&[
        ALLEGATION,
        "--claimant",
        "Iranian Mission to the UN",
        "--stance",
        "denies",
        "--quiet",
    ]);
    let found = json(&desk.ok(&["--format", "json", "link", "scan", "--min-score", "0.6"]));
    let pairs = found.as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{found}");
    assert_eq!(pairs[0]["from"], allegation.as_str());
    assert_eq!(pairs[0]["to"], denial.as_str());
    assert_eq!(pairs[0]["relation"], "contradicts");
    let out = desk.run(&["link", "scan", "--accept"]);
    assert_eq!(
        out.code, 2,
        "--accept needs an explicit --min-score: {}",
        out.stderr
    );
    let out = desk.run(&["link", "scan", "--min-score", "0.6", "--accept"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stderr, "Recorded 1 links.\n");
    assert_eq!(
        json(&desk.ok(&["--format", "json", "link", "list", &allegation]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        desk.ok(&["link", "scan", "--min-score", "0.6"]),
        "No proposals at that score.\n"
    );
    assert_eq!(
        desk.fails(&["link", "scan", "--min-score", "2"], 1),
        "factdesk: --min-score 2 is not between 0 and 1"
    );
}

const SEED_ARTICLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/iran-missiles-article.txt"
);

#[test]
fn ingesting_the_seed_article_finds_the_allegation_and_the_denial_and_links_them() {
    if !std::path::Path::new(SEED_ARTICLE).exists() {
        eprintln!("skipping: the seed article is not at {SEED_ARTICLE}");
        return;
    }
    let desk = Desk::new();
    let preview = json(&desk.ok(&[
        "--format",
        "json",
        "ingest",
        SEED_ARTICLE,
        "--source",
        "Newsweek",
    ]));
    let statements = preview["statements"].as_array().unwrap();
    let find = |claimant: &str, words: &str| {
        statements
            .iter()
            .position(|s| s["claimant"] == claimant && s["text"].as_str().unwrap().contains(words))
            .unwrap_or_else(|| panic!("no statement by {claimant} with {words:?}: {preview}"))
    };
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

    let out = desk.ok(&["ingest", SEED_ARTICLE, "--source", "Newsweek", "--accept"]);
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
}
