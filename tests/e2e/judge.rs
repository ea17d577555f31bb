//! `link judge`: the linker's relation, score and reason for one pair of logged claims, in the
//! table and in JSON; a plain denial that shares no name with the allegation (the Sunak / Cooper
//! pair of issue 12) is judged a contradiction and, once accepted, disputes the allegation.

use serde_json::Value;

use super::{Desk, short};

const BACKLOG: &str = "The government has cleared the legacy asylum backlog";

fn sunak_and_cooper(desk: &Desk) -> (String, String) {
    let claim = desk.claim(&["--quiet", BACKLOG, "--claimant", "Rishi Sunak"]);
    let denial = desk.claim(&[
        "--quiet",
        BACKLOG,
        "--claimant",
        "Yvette Cooper",
        "--stance",
        "denies",
    ]);
    (claim, denial)
}

#[test]
fn a_plain_denial_with_no_shared_name_is_judged_a_contradiction_and_disputes_the_claim() {
    let desk = Desk::new();
    let (claim, denial) = sunak_and_cooper(&desk);
    let out = desk.ok(&["link", "judge", &denial, &claim]);
    assert_eq!(
        out,
        format!(
            "{} contradicts? {}  score 0.93: negation: stance denies vs asserted; shared: government, cleared, legacy, asylum, backlog\n",
            short(&denial),
            short(&claim)
        )
    );
    let json: Value =
        serde_json::from_str(&desk.ok(&["--format", "json", "link", "judge", &denial, &claim]))
            .unwrap();
    assert_eq!(json["from"], denial.as_str());
    assert_eq!(json["to"], claim.as_str());
    assert_eq!(json["relation"], "contradicts");
    assert_eq!(json["score"], 0.93);
    desk.ok(&["link", "accept", &denial, &claim]);
    let shown: Value =
        serde_json::from_str(&desk.ok(&["--format", "json", "claim", "show", &claim])).unwrap();
    assert_eq!(shown["status"], "disputed");
}

#[test]
fn claims_about_different_matters_are_judged_unrelated_with_a_null_relation() {
    let desk = Desk::new();
    let floods = desk.claim(&[
        "--quiet",
        "Floods in Valencia killed more than 220 people after a storm in October",
    ]);
    let match_abuse = desk.claim(&[
        "--quiet",
        "Valencia fans racially abused a Brazilian forward during a league match in May",
    ]);
    let json: Value = serde_json::from_str(&desk.ok(&[
        "--format",
        "json",
        "link",
        "judge",
        &floods,
        &match_abuse,
    ]))
    .unwrap();
    assert_eq!(json["relation"], Value::Null);
    assert_eq!(json["reason"], "different matters; shared: Valencia");
    let out = desk.ok(&["link", "judge", &floods, &match_abuse]);
    assert_eq!(
        out,
        format!(
            "{} and {}: no relation  score 0.43: different matters; shared: Valencia\n",
            short(&floods),
            short(&match_abuse)
        )
    );
    // Nothing to accept without a relation of one's own.
    let message = desk.fails(&["link", "accept", &floods, &match_abuse], 1);
    assert!(message.contains("give --relation"), "{message}");
}

#[test]
fn judging_a_claim_against_itself_or_an_unknown_claim_is_refused() {
    let desk = Desk::new();
    let (claim, _) = sunak_and_cooper(&desk);
    let message = desk.fails(&["link", "judge", &claim, &claim], 1);
    assert_eq!(
        message,
        format!(
            "factdesk: cannot judge claim {} against itself",
            short(&claim)
        )
    );
    desk.fails(&["link", "judge", &claim, "ffffffff"], 1);
}
