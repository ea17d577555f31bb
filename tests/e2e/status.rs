//! The derived status, end to end: each way a claim becomes disputed, what does not make it
//! disputed, and that a verdict overrides — as the CLI shows it and as `sqlite3` users see it.

use crate::Desk;

fn status(desk: &Desk, id: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&desk.ok(&["--format", "json", "claim", "show", id])).unwrap();
    let status = shown["status"].as_str().unwrap().to_string();
    // The view in the file agrees with the CLI.
    let from_view: String = desk
        .raw()
        .query_row(
            "SELECT status FROM claim_status WHERE id = ?1",
            [shown["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(from_view, status);
    status
}

fn evidence(desk: &Desk, id: &str, stance: &str) {
    desk.ok(&["evidence", "add", id, "--stance", stance, "--note", "n"]);
}

#[test]
fn a_standing_claimant_against_refuting_evidence_is_a_dispute() {
    let desk = Desk::new();
    let id = desk.claim(&["Claim", "--claimant", "Officials"]);
    assert_eq!(status(&desk, &id), "unresolved");
    evidence(&desk, &id, "refutes");
    assert_eq!(status(&desk, &id), "disputed");
}

#[test]
fn a_denying_claimant_stands_behind_the_record_too() {
    let desk = Desk::new();
    let id = desk.claim(&[
        "Iran supplied missiles",
        "--claimant",
        "Iranian Mission",
        "--stance",
        "denies",
    ]);
    evidence(&desk, &id, "refutes");
    assert_eq!(status(&desk, &id), "disputed");
}

#[test]
fn questioning_or_neutral_claimants_and_context_evidence_take_no_side() {
    let desk = Desk::new();
    let asked = desk.claim(&[
        "Did Iran send missiles?",
        "--claimant",
        "A reporter",
        "--stance",
        "questions",
    ]);
    let neutral = desk.claim(&[
        "Iran and Russia talk",
        "--claimant",
        "An analyst",
        "--stance",
        "neutral",
    ]);
    for id in [&asked, &neutral] {
        evidence(&desk, id, "refutes");
        evidence(&desk, id, "context");
        assert_eq!(status(&desk, id), "unresolved");
    }
}

#[test]
fn supporting_against_refuting_evidence_is_a_dispute_even_without_a_claimant() {
    let desk = Desk::new();
    let id = desk.claim(&["Claim"]);
    evidence(&desk, &id, "refutes");
    assert_eq!(
        status(&desk, &id),
        "unresolved",
        "refuted but nobody stands for it"
    );
    evidence(&desk, &id, "supports");
    assert_eq!(status(&desk, &id), "disputed");
}

#[test]
fn a_contradicting_claim_disputes_both_claims() {
    let desk = Desk::new();
    let a = desk.claim(&["A", "--claimant", "X"]);
    let b = desk.claim(&["not A", "--claimant", "Y"]);
    desk.ok(&["link", "add", &b, &a, "--relation", "contradicts"]);
    assert_eq!(status(&desk, &a), "disputed");
    assert_eq!(status(&desk, &b), "disputed");
}

#[test]
fn supports_and_duplicates_links_stand_for_a_claim() {
    let desk = Desk::new();
    let target = desk.claim(&["Target"]);
    let supporter = desk.claim(&["Supporter"]);
    let twin = desk.claim(&["Twin"]);
    evidence(&desk, &target, "refutes");
    evidence(&desk, &supporter, "refutes");
    evidence(&desk, &twin, "refutes");
    desk.ok(&["link", "add", &supporter, &target, "--relation", "supports"]);
    assert_eq!(status(&desk, &target), "disputed");
    assert_eq!(
        status(&desk, &supporter),
        "unresolved",
        "supports points one way"
    );
    desk.ok(&["link", "add", &target, &twin, "--relation", "duplicates"]);
    assert_eq!(
        status(&desk, &twin),
        "disputed",
        "duplicates stand for each other"
    );
}

#[test]
fn related_links_take_no_side() {
    let desk = Desk::new();
    let a = desk.claim(&["A", "--claimant", "X"]);
    let b = desk.claim(&["B", "--claimant", "Y"]);
    desk.ok(&["link", "add", &a, &b, "--relation", "related"]);
    assert_eq!(status(&desk, &a), "unresolved");
}

#[test]
fn a_verdict_overrides_a_dispute_and_shows_in_the_views() {
    let desk = Desk::new();
    let a = desk.claim(&["A", "--claimant", "X"]);
    let b = desk.claim(&["not A", "--claimant", "Y"]);
    desk.ok(&["link", "add", &a, &b, "--relation", "contradicts"]);
    desk.ok(&["claim", "verdict", &a, "mixed", "--note", "Partly"]);
    assert_eq!(status(&desk, &a), "mixed");
    assert_eq!(status(&desk, &b), "disputed");
    let raw = desk.raw();
    let disputed: Vec<String> = raw
        .prepare("SELECT id FROM disputed_claims")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(disputed, vec![b.clone()]);
    let unresolved: i64 = raw
        .query_row("SELECT count(*) FROM unresolved_claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unresolved, 1);
}

/// Issue 14: once the desk refutes an allegation, the denials that contradict it are no longer
/// disputed by it, and their claimant leaves "Claimants with the most disputed claims"; a
/// verdict of `supported` leaves them disputed. `claim show` says why, naming the other side's
/// claimant, stance and verdict; as of a moment before the verdict, the old status stands.
#[test]
fn a_refuted_allegation_stops_disputing_the_denials_that_contradict_it() {
    let desk = Desk::new();
    let text = "The government has cleared the legacy asylum backlog";
    let claim = desk.claim(&[text, "--claimant", "Rishi Sunak"]);
    let denial = desk.claim(&[text, "--claimant", "Yvette Cooper", "--stance", "denies"]);
    let (c, d) = (&claim[..8], &denial[..8]);
    desk.ok(&["link", "add", d, c, "--relation", "contradicts"]);
    assert_eq!(status(&desk, &denial), "disputed");
    let summary = desk.ok(&["report", "summary"]);
    assert!(summary.contains("Yvette Cooper  1"), "{summary}");

    desk.ok(&[
        "claim",
        "verdict",
        c,
        "supported",
        "--note",
        "Home Office figures",
    ]);
    assert_eq!(status(&desk, &denial), "disputed");
    desk.ok(&[
        "claim",
        "verdict",
        c,
        "refuted",
        "--note",
        "4,500 cases left",
    ]);
    assert_eq!(status(&desk, &denial), "unresolved");
    assert_eq!(desk.ok(&["report", "disputed"]), "No disputed claims.\n");
    let summary = desk.ok(&["report", "summary"]);
    assert!(
        summary.contains("Claimants with the most disputed claims:\n  none\n"),
        "{summary}"
    );
    let shown = desk.ok(&["claim", "show", d]);
    assert!(
        shown.contains(&format!(
            "For (2):\n  claimant Yvette Cooper (denies)\n  claim {c} (Rishi Sunak, asserts; refuted): {text}\n\nAgainst (0):\n"
        )),
        "{shown}"
    );
    // Clearing the verdict puts the dispute back.
    desk.ok(&["claim", "verdict", c, "--clear", "--note", "re-opened"]);
    assert_eq!(status(&desk, &denial), "disputed");
}
