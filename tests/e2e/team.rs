//! Working as a team on one store: review before a verdict stands, assignments and comments,
//! store settings, history filters, the store as of a moment, and diff.

use crate::{Desk, Seed, short};

/// Runs a command as `who` at `at`; returns (exit code, stdout, stderr).
fn run_as(desk: &Desk, who: &str, at: &str, args: &[&str]) -> (i32, String, String) {
    let output = desk
        .cmd_as(who, args)
        .env("FACTDESK_NOW", at)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn ok_as(desk: &Desk, who: &str, at: &str, args: &[&str]) -> String {
    let (code, out, err) = run_as(desk, who, at, args);
    assert_eq!(code, 0, "factdesk {args:?} failed: {err}");
    out
}

#[test]
fn with_review_required_a_verdict_stands_only_after_a_second_person_approves() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let d = short(&seed.denial);
    assert_eq!(
        desk.ok(&["config", "set", "review.required", "true"]),
        "Set review.required = true\n"
    );
    assert_eq!(
        ok_as(
            &desk,
            "ana",
            "2024-09-07T13:00:00.000Z",
            &[
                "claim",
                "verdict",
                d,
                "refuted",
                "--note",
                "Satellite images show the transfers"
            ]
        ),
        format!(
            "Proposed verdict on claim {d}: refuted; it stands once someone else runs \
             `factdesk review approve {d}`\n"
        )
    );
    // Not a verdict yet: the claim is still disputed.
    assert!(desk.ok(&["report", "disputed"]).contains(d));
    assert_eq!(
        desk.ok(&["review", "queue"]),
        format!(
            "CLAIM     TEXT                                                          PROPOSED  RATIONALE                            BY   SINCE\n\
             {d}  Iran has not provided weapons to either side of the conflic…  refuted   Satellite images show the transfers  ana  2024-09-07 13:00\n"
        )
    );
    assert_eq!(
        desk.fails(&["review", "approve", d], 1),
        "factdesk: you (ana) proposed this verdict: a different person must approve it"
    );
    assert_eq!(
        desk.fails(&["review", "reject", d, "--as", "bo", "--note", " "], 1),
        "factdesk: sending a verdict back needs a reason: give --note with it"
    );
    assert_eq!(desk.run(&["review", "reject", d, "--as", "bo"]).code, 2);
    assert_eq!(
        ok_as(
            &desk,
            "bo",
            "2024-09-07T14:00:00.000Z",
            &["review", "reject", d, "--note", "Name the imagery provider"]
        ),
        format!("Sent back the proposed verdict on claim {d}; its status stays disputed\n")
    );
    assert_eq!(
        desk.ok(&["review", "queue"]),
        "No verdicts are waiting for review.\n"
    );
    ok_as(
        &desk,
        "ana",
        "2024-09-07T15:00:00.000Z",
        &[
            "claim",
            "verdict",
            d,
            "refuted",
            "--note",
            "Maxar imagery shows the transfers",
        ],
    );
    assert_eq!(
        ok_as(
            &desk,
            "bo",
            "2024-09-07T16:00:00.000Z",
            &["review", "approve", d, "--note", "Checked the Maxar images"]
        ),
        format!("Approved: claim {d} is now refuted\n")
    );
    let shown = desk.ok(&["claim", "show", d]);
    assert!(
        shown.contains("verdict:     refuted: Maxar imagery shows the transfers\n"),
        "{shown}"
    );
    assert!(shown.contains("proposed:    -\n"), "{shown}");
    assert_eq!(
        desk.ok(&["history", d, "--action", "review"]),
        format!(
            "AT                AUTHOR  ACTION          RECORD          CHANGE\n\
             2024-09-07 16:00  bo      review.approve  claim {d}  approved refuted proposed by ana (Checked the Maxar images)\n\
             2024-09-07 14:00  bo      review.reject   claim {d}  sent back refuted proposed by ana: Name the imagery provider\n"
        )
    );
    crate::assert_verified(
        &desk.ok(&["verify"]),
        "Verified: 12 events, hashes intact, guards in place, and 9 records as the history says",
    );
}

#[test]
fn settings_are_listed_with_where_they_come_from_and_unknown_ones_refused() {
    let desk = Desk::new();
    // (Columns are as wide as their widest value: compared with single spaces.)
    let listed = desk.ok(&["config", "list"]);
    let listed = listed
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>();
    assert!(
        listed.contains(
            &"review.required false default true: a verdict stands only once a different person approves it".to_string()
        ),
        "{listed:?}"
    );
    desk.ok(&["config", "set", "review.required", "yes"]);
    assert_eq!(
        desk.ok(&["config", "set", "review.required", "true"]),
        "review.required is already true; nothing changed\n"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&desk.ok(&["config", "list", "--format", "json"])).unwrap();
    assert_eq!(
        listed[2],
        serde_json::json!({
            "key": "review.required",
            "value": "true",
            "from": "store (set by ana 2024-09-07 12:00)"
        })
    );
    assert_eq!(
        desk.fails(&["config", "set", "review.requird", "true"], 1),
        "factdesk: unknown setting 'review.requird' (known: review.required, linker.model)"
    );
    assert_eq!(
        desk.fails(&["config", "set", "review.required", "sometimes"], 1),
        "factdesk: setting 'review.required' is true or false, not 'sometimes'"
    );
    assert_eq!(
        desk.ok(&["history", "--action", "config"]),
        "AT                AUTHOR  ACTION      RECORD                   CHANGE\n\
         2024-09-07 12:00  ana     config.set  setting review.required  review.required = true\n"
    );
}

#[test]
fn claims_are_assigned_discussed_and_listed_by_assignee() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let (a, d) = (short(&seed.allegation), short(&seed.denial));
    assert_eq!(
        desk.ok(&["claim", "assign", a, "Bo"]),
        format!("Assigned claim {a} to Bo\n")
    );
    assert_eq!(
        ok_as(
            &desk,
            "bo",
            "2024-09-07T13:30:00.000Z",
            &[
                "claim",
                "comment",
                a,
                "Asked the Pentagon for the shipment dates"
            ]
        ),
        format!("Commented on claim {a}\n")
    );
    let listed = desk.ok(&["claim", "list", "--assignee", "bo"]);
    assert!(listed.contains(a) && !listed.contains(d), "{listed}");
    let shown = desk.ok(&["claim", "show", a]);
    assert!(shown.contains("assigned to: Bo\n"), "{shown}");
    assert!(
        shown.ends_with(
            "\nComments (1):\n  2024-09-07 13:30 bo: Asked the Pentagon for the shipment dates\n"
        ),
        "{shown}"
    );
    assert_eq!(
        desk.ok(&[
            "history",
            a,
            "--action",
            "claim.comment",
            "--action",
            "claim.assign"
        ]),
        format!(
            "AT                AUTHOR  ACTION         RECORD          CHANGE\n\
             2024-09-07 13:30  bo      claim.comment  claim {a}  \"Asked the Pentagon for the shipment dates\"\n\
             2024-09-07 12:00  ana     claim.assign   claim {a}  assigned to Bo\n"
        )
    );
    assert_eq!(
        desk.ok(&["claim", "unassign", a]),
        format!("Claim {a} is no longer assigned\n")
    );
    assert_eq!(
        desk.ok(&["claim", "list", "--assignee", "bo"]),
        "No claims.\n"
    );
    assert_eq!(
        desk.fails(&["claim", "unassign", a], 1),
        format!("factdesk: claim {a} is not assigned")
    );
    assert_eq!(
        desk.fails(&["claim", "comment", a, "  "], 1),
        "factdesk: comment is empty"
    );
    assert_eq!(
        desk.fails(&["history", "--action", "claim.frobnicate"], 1),
        "factdesk: unknown action 'claim.frobnicate' (known: source.add, claim.add, evidence.add, \
         link.add, claim.edit, claim.assign, claim.comment, verdict.set, verdict.clear, \
         verdict.propose, review.approve, review.reject, link.remove, config.set, claim.retract, \
         claim.restore, evidence.retract, evidence.restore, evidence.edit, evidence.move, \
         source.edit, source.rename, source.merge, source.unmerge)"
    );
}

#[test]
fn history_filters_by_time_range_and_prints_json_for_scripts() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let a = short(&seed.allegation);
    ok_as(
        &desk,
        "bo",
        "2024-09-08T09:00:00.000Z",
        &["claim", "edit", a, "--add-tag", "iran"],
    );
    ok_as(
        &desk,
        "cy",
        "2024-09-09T09:00:00.000Z",
        &["claim", "comment", a, "Follow up"],
    );
    assert_eq!(
        desk.ok(&[
            "history",
            "--since",
            "2024-09-08",
            "--until",
            "2024-09-08T23:00Z"
        ]),
        format!(
            "AT                AUTHOR  ACTION      RECORD          CHANGE\n\
             2024-09-08 09:00  bo      claim.edit  claim {a}  tags +iran\n"
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&desk.ok(&["history", "--author", "cy", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["action"], "claim.comment");
    assert_eq!(json[0]["change"]["text"], "Follow up");
    assert_eq!(json[0]["record"], seed.allegation.as_str());
}

#[test]
fn reports_as_of_a_moment_and_the_diff_between_two() {
    let desk = Desk::new();
    // The allegation on the 6th, the denial and the contradiction on the 7th, a verdict on the 8th.
    let allegation = ok_as(
        &desk,
        "ana",
        "2024-09-06T18:00:00.000Z",
        &[
            "claim",
            "add",
            "Iran supplied Russia with short-range ballistic missiles",
            "--claimant",
            "U.S. and European officials",
            "-q",
        ],
    )
    .trim()
    .to_string();
    let denial = ok_as(
        &desk,
        "bo",
        "2024-09-07T09:00:00.000Z",
        &[
            "claim",
            "add",
            "Iran has not provided weapons to either side",
            "--claimant",
            "Iranian Mission to the UN",
            "-q",
        ],
    )
    .trim()
    .to_string();
    ok_as(
        &desk,
        "bo",
        "2024-09-07T09:05:00.000Z",
        &[
            "link",
            "add",
            &denial,
            &allegation,
            "--relation",
            "contradicts",
        ],
    );
    ok_as(
        &desk,
        "cy",
        "2024-09-08T10:00:00.000Z",
        &[
            "claim",
            "verdict",
            &denial,
            "refuted",
            "--note",
            "Satellite images",
        ],
    );
    let (a, d) = (short(&allegation), short(&denial));
    assert_eq!(
        desk.ok(&["report", "disputed", "--as-of", "2024-09-07T09:00Z"]),
        "No disputed claims.\n"
    );
    let on_the_7th = desk.ok(&["report", "disputed", "--as-of", "2024-09-07"]);
    assert!(
        on_the_7th.contains(a) && on_the_7th.contains(d),
        "{on_the_7th}"
    );
    // Refuting the denial carries across the contradiction: the allegation it contradicted is
    // no longer disputed by it (as of the 7th, before the verdict, both still were).
    assert_eq!(desk.ok(&["report", "disputed"]), "No disputed claims.\n");
    let shown = desk.ok(&["claim", "show", d, "--as-of", "2024-09-07"]);
    assert!(
        shown.contains("status:      disputed\nverdict:     -\n"),
        "{shown}"
    );
    assert_eq!(
        desk.ok(&["claim", "list", "--as-of", "2024-09-06"]),
        format!(
            "ID        STATUS      CLAIMANT                     STANCE   CLAIM                                                     DATE  TAGS\n\
             {a}  unresolved  U.S. and European officials  asserts  Iran supplied Russia with short-range ballistic missiles  -     -\n"
        )
    );
    assert_eq!(
        desk.ok(&["diff", "--since", "2024-09-07", "--until", "2024-09-07"]),
        format!(
            "AT                CLAIM     TEXT                                                      CHANGE                        BY\n\
             2024-09-07 09:05  {a}  Iran supplied Russia with short-range ballistic missiles  status unresolved → disputed  bo\n\
             2024-09-07 09:05  {d}  Iran has not provided weapons to either side              added (disputed)              bo\n"
        )
    );
    assert_eq!(
        desk.ok(&["diff", "--since", "2024-09-08"]),
        format!(
            "AT                CLAIM     TEXT                                                      CHANGE                        BY\n\
             2024-09-08 10:00  {a}  Iran supplied Russia with short-range ballistic missiles  status disputed → unresolved  cy\n\
             2024-09-08 10:00  {d}  Iran has not provided weapons to either side              verdict given: refuted        cy\n"
        )
    );
    assert_eq!(
        desk.ok(&["diff", "--since", "2024-09-09"]),
        "Nothing changed.\n"
    );
    assert_eq!(
        desk.fails(
            &["diff", "--since", "2024-09-08", "--until", "2024-09-01"],
            2
        ),
        "factdesk: --until 2024-09-01 is before --since 2024-09-08: nothing can lie between them \
         (swap them?)"
    );
    assert_eq!(
        desk.fails(&["report", "disputed", "--as-of", "tuesday next"], 1),
        "factdesk: malformed time 'tuesday next' (expected a date like 2024-09-07, a time like \
         2024-09-07T12:00Z, or yesterday, monday, 2 hours ago)"
    );
}

/// A look-alike of a letter whose own fold goes further — `ᗰ` drawn as `M`, `∆` (increment)
/// drawn as `Δ` — is the same person too: folding each character once left them another key.
#[test]
fn a_look_alike_of_a_letter_that_folds_further_cannot_review_its_own_proposal() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    desk.ok(&["config", "set", "review.required", "true"]);
    for (proposer, look_alike, claim) in [
        ("Mary", "\u{15f0}ary", &seed.denial),
        ("\u{394}na", "\u{2206}na", &seed.allegation),
    ] {
        let id = short(claim);
        ok_as(
            &desk,
            proposer,
            "2024-09-07T13:00:00.000Z",
            &[
                "claim",
                "verdict",
                id,
                "refuted",
                "--note",
                "Satellite images",
            ],
        );
        let before = desk.contents();
        let (code, out, err) = run_as(
            &desk,
            look_alike,
            "2024-09-07T14:00:00.000Z",
            &["review", "approve", id],
        );
        assert_eq!((code, out.as_str()), (1, ""), "{look_alike:?}: {err}");
        assert!(
            err.ends_with(": a different person must approve it\n"),
            "{look_alike:?}: {err}"
        );
        assert_eq!(desk.contents(), before, "{look_alike:?} changed the store");
    }
}

/// Issue 11: a name that only looks different — another script's letters, invisible or
/// formatting characters, fullwidth forms, accents, terminal escapes — is the same person, so
/// it cannot approve or send back its own proposal.
#[test]
fn look_alike_names_cannot_review_their_own_proposal() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let d = short(&seed.denial);
    desk.ok(&["config", "set", "review.required", "true"]);
    ok_as(
        &desk,
        "ana",
        "2024-09-07T13:00:00.000Z",
        &[
            "claim",
            "verdict",
            d,
            "refuted",
            "--note",
            "Satellite images",
        ],
    );
    for look_alike in [
        "Ana",
        " ana ",
        "\u{430}na",
        "ana\u{200b}",
        "\u{ff41}\u{ff4e}\u{ff41}",
        "a\u{301}na",
        "\u{202e}ana",
    ] {
        let before = desk.contents();
        let (code, out, err) = run_as(
            &desk,
            look_alike,
            "2024-09-07T14:00:00.000Z",
            &["review", "approve", d],
        );
        assert_eq!((code, out.as_str()), (1, ""), "{look_alike:?}: {err}");
        assert!(
            err.contains(" proposed this verdict")
                && err.ends_with(": a different person must approve it\n"),
            "{look_alike:?}: {err}"
        );
        let (code, _, err) = run_as(
            &desk,
            look_alike,
            "2024-09-07T14:00:00.000Z",
            &["review", "reject", d, "--note", "Looks fine to me"],
        );
        assert_eq!(code, 1, "{look_alike:?}: {err}");
        assert_eq!(desk.contents(), before, "{look_alike:?} changed the store");
    }
    // (The note is about the name `FACTDESK_USER` or `--as` gives: on PostgreSQL the database
    // login acts, and the refusal alone is printed.)
    let note = if crate::shared::on_postgres() {
        ""
    } else {
        "factdesk: note: the name '\u{430}na' mixes scripts (Cyrillic, Latin); names that look \
         alike count as one person\n"
    };
    assert_eq!(
        run_as(
            &desk,
            "\u{430}na",
            "2024-09-07T14:00:00.000Z",
            &["review", "approve", d]
        )
        .2,
        format!(
            "{note}factdesk: you (\u{430}na) proposed this verdict as 'ana': a different person \
             must approve it\n"
        )
    );
    assert_eq!(
        run_as(
            &desk,
            "\u{202e}ana",
            "2024-09-07T14:00:00.000Z",
            &["review", "approve", d]
        )
        .2,
        "factdesk: you (\\u{202e}ana) proposed this verdict as 'ana': a different person must \
         approve it\n"
    );
    // A terminal escape in a name is refused outright, as a bundle's author would be.
    assert_eq!(
        desk.fails(&["review", "approve", d, "--as", "ana\u{1b}[8m"], 2),
        "factdesk: --as: name 'ana\\u{1b}[8m' holds a control character"
    );
    // Someone else may.
    assert_eq!(
        ok_as(
            &desk,
            "anna",
            "2024-09-07T15:00:00.000Z",
            &["review", "approve", d]
        ),
        format!("Approved: claim {d} is now refuted\n")
    );
}

/// Issue 11: an empty name names nobody; it is refused rather than replaced by the login name.
#[test]
fn an_empty_acting_name_is_refused() {
    let desk = Desk::new();
    assert_eq!(
        desk.fails(&["claim", "add", "X", "--as", ""], 2),
        "factdesk: --as: name is empty"
    );
    assert_eq!(
        desk.fails(&["claim", "add", "X", "--as", " \u{200b}\u{2060} "], 2),
        "factdesk: --as: name ' \\u{200b}\\u{2060} ' is empty once invisible characters are left out"
    );
    let before = desk.contents();
    let out = desk
        .cmd(&["claim", "add", "X"])
        .env("FACTDESK_USER", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "factdesk: FACTDESK_USER: name is empty\n"
    );
    assert_eq!(desk.contents(), before);
}

/// Issue 11: a name that mixes scripts is used as given, with a note on stderr.
#[test]
fn a_name_that_mixes_scripts_is_noted() {
    crate::sqlite_only!("the name --as gives (on PostgreSQL the database login acts)");
    let desk = Desk::new();
    let (code, _, err) = run_as(&desk, "\u{430}na", crate::NOW, &["claim", "add", "X", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "factdesk: note: the name '\u{430}na' mixes scripts (Cyrillic, Latin); names that look alike count as one person\n"
    );
    let (_, _, err) = run_as(&desk, "Zoë", crate::NOW, &["claim", "list"]);
    assert_eq!(err, "");
    assert!(
        desk.ok(&["history", "--format", "csv"])
            .contains(",\u{430}na,claim.add,")
    );
}
