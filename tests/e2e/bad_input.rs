//! Bad input: each case exits non-zero with one line naming the problem, and leaves the store's
//! contents exactly as they were (checked by `Desk::fails`).

use crate::{Desk, Seed};

#[test]
fn empty_claim_text_is_refused() {
    let desk = Desk::new();
    assert_eq!(
        desk.fails(&["claim", "add", ""], 1),
        "factdesk: claim text is empty"
    );
    assert_eq!(
        desk.fails(&["claim", "add", " \n\t "], 1),
        "factdesk: claim text is empty"
    );
    let seed = Seed::log(&desk);
    assert_eq!(
        desk.fails(&["claim", "edit", &seed.denial, "--text", "  "], 1),
        "factdesk: claim text is empty"
    );
}

#[test]
fn unknown_words_are_refused_naming_the_choices() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    assert_eq!(
        desk.fails(&["claim", "add", "X", "--stance", "alleges"], 1),
        "factdesk: unknown stance 'alleges' (expected one of: asserts, denies, questions, neutral)"
    );
    assert_eq!(
        desk.fails(
            &[
                "link",
                "add",
                &seed.denial,
                &seed.allegation,
                "--relation",
                "refutes"
            ],
            1
        ),
        "factdesk: unknown relation 'refutes' (expected one of: contradicts, supports, duplicates, related)"
    );
    assert_eq!(
        desk.fails(
            &["claim", "verdict", &seed.denial, "false", "--note", "x"],
            1
        ),
        "factdesk: unknown verdict 'false' (expected one of: supported, refuted, mixed, unverifiable)"
    );
    assert_eq!(
        desk.fails(&["source", "add", "Reuters", "--kind", "wire"], 1),
        "factdesk: unknown source kind 'wire' (expected one of: outlet, government, official, organization, person, anonymous, other)"
    );
    assert_eq!(
        desk.fails(&["evidence", "add", &seed.denial, "--stance", "proves"], 1),
        "factdesk: unknown evidence stance 'proves' (expected one of: supports, refutes, context)"
    );
    assert_eq!(
        desk.fails(&["claim", "list", "--status", "open"], 1),
        "factdesk: unknown status 'open' (expected one of: supported, refuted, mixed, unverifiable, disputed, unresolved)"
    );
}

#[test]
fn a_verdict_without_a_rationale_is_refused() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let message = "factdesk: a verdict needs a rationale: give --note with the reasons";
    // Leaving --note out is a usage error, as clap reports any missing argument.
    let before = desk.contents();
    let missing = desk.run(&["claim", "verdict", &seed.denial, "refuted"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with(
            "error: the following required arguments were not provided:\n  --note <NOTE>\n"
        ),
        "{}",
        missing.stderr
    );
    assert_eq!(desk.contents(), before);
    assert_eq!(
        desk.fails(
            &["claim", "verdict", &seed.denial, "refuted", "--note", "  "],
            1
        ),
        message
    );
    assert_eq!(
        desk.fails(
            &["claim", "verdict", &seed.denial, "--clear", "--note", "x"],
            1
        ),
        format!(
            "factdesk: claim {} has no verdict to withdraw",
            &seed.denial[..8]
        )
    );
}

#[test]
fn malformed_dates_are_refused() {
    let desk = Desk::new();
    for bad in ["2024-9-6", "2024-02-30", "06/09/2024", "last friday"] {
        assert_eq!(
            desk.fails(&["claim", "add", "X", "--date", bad], 1),
            format!("factdesk: malformed date '{bad}' (expected a real date written YYYY-MM-DD)")
        );
    }
    assert_eq!(
        desk.fails(&["history", "--since", "the day before"], 1),
        "factdesk: malformed time 'the day before' (expected a date like 2024-09-07, a time like \
         2024-09-07T12:00Z, or yesterday, monday, 2 hours ago)"
    );
    // Times as git reads them, counted from the desk's clock (FACTDESK_NOW, 2024-09-07 12:00).
    desk.claim(&["Iran wants Su-35 jets", "--quiet"]);
    for since in [
        "yesterday",
        "today",
        "2 hours ago",
        "saturday",
        "last friday",
    ] {
        assert_eq!(
            desk.ok(&["history", "--since", since, "--format", "json"])
                .matches("\"claim.add\"")
                .count(),
            1,
            "{since}"
        );
    }
    assert!(
        !desk
            .ok(&["history", "--until", "1 minute ago", "--format", "json"])
            .contains("claim.add")
    );
    // A time without an offset is read in the user's time zone, as tables show times: at
    // UTC+2, 13:30 is 11:30 UTC, before the claim was logged; 13:30Z is after.
    let logged_since = |tz: &str, since: &str| {
        let out = desk
            .cmd(&["history", "--since", since, "--format", "json"])
            .env("TZ", tz)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().contains("claim.add")
    };
    assert!(logged_since("XYZ-2", "2024-09-07T13:30"));
    assert!(!logged_since("UTC", "2024-09-07T13:30"));
    assert!(!logged_since("XYZ-2", "2024-09-07T13:30Z"));
}

#[test]
fn bad_links_are_refused() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    assert_eq!(
        desk.fails(
            &[
                "link",
                "add",
                &seed.denial,
                &seed.denial,
                "--relation",
                "related"
            ],
            1
        ),
        format!(
            "factdesk: cannot link claim {} to itself",
            &seed.denial[..8]
        )
    );
    assert_eq!(
        desk.fails(
            &[
                "link",
                "add",
                &seed.denial,
                "00000000-0000-4000-8000-000000000000",
                "--relation",
                "related"
            ],
            1
        ),
        "factdesk: no claim with id '00000000-0000-4000-8000-000000000000'"
    );
    assert_eq!(
        desk.fails(
            &[
                "link",
                "add",
                &seed.allegation,
                &seed.denial,
                "--relation",
                "contradicts"
            ],
            1
        ),
        format!(
            "factdesk: claims {} and {} are already linked by 'contradicts' (link {})",
            &seed.allegation[..8],
            &seed.denial[..8],
            &seed.link[..8]
        )
    );
    assert_eq!(
        desk.fails(&["link", "remove", "ffff"], 1).split(':').next(),
        Some("factdesk")
    );
}

#[test]
fn short_unknown_and_ambiguous_id_prefixes_are_refused() {
    crate::sqlite_only!("claims with chosen ids written into the store file");
    let desk = Desk::new();
    desk.claim(&["seed so the store is not empty"]);
    // Two claims whose ids share a prefix, as a raw sqlite3 user (or a very unlucky desk) could have.
    let raw = desk.raw();
    for id in [
        "abcd1111-0000-4000-8000-000000000000",
        "abcd2222-0000-4000-8000-000000000000",
    ] {
        raw.execute(
            "INSERT INTO claims (id, text, stance, created_at, created_by) VALUES (?1, 'x', 'asserts', '2024-09-07T12:00:00.000Z', 'ana')",
            [id],
        )
        .unwrap();
    }
    drop(raw);
    assert_eq!(
        desk.fails(&["claim", "show", "abcd"], 1),
        "factdesk: claim id 'abcd' is ambiguous: it starts abcd1111-0000-4000-8000-000000000000, abcd2222-0000-4000-8000-000000000000"
    );
    assert!(
        desk.ok(&["--format", "json", "claim", "show", "ABCD2"])
            .contains("abcd2222")
    );
    assert_eq!(
        desk.fails(&["claim", "show", "abc"], 1),
        "factdesk: claim id 'abc' is too short: give at least 4 characters"
    );
    assert_eq!(
        desk.fails(&["history", "9999"], 1),
        "factdesk: no claim with id '9999'"
    );
    assert!(
        desk.fails(&["evidence", "add", "abcd", "--stance", "supports"], 1)
            .contains("ambiguous")
    );
}

#[test]
fn usage_errors_exit_2() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    assert_eq!(
        desk.fails(&["claim", "edit", &seed.denial], 2),
        "factdesk: claim edit needs at least one change (--text, --claimant, --stance, --add-tag, …)"
    );
    assert_eq!(
        desk.fails(&["claim", "verdict", &seed.denial, "--note", "x"], 2),
        "factdesk: give a verdict (supported, refuted, mixed, unverifiable) or --clear"
    );
    let out = desk.run(&["claim", "frobnicate"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: unrecognized subcommand 'frobnicate'"),
        "{}",
        out.stderr
    );
    let out = desk.run(&["--format", "xml", "claim", "list"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown format 'xml'"),
        "{}",
        out.stderr
    );
}

#[test]
fn removing_a_tag_the_claim_lacks_is_refused() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    assert_eq!(
        desk.fails(
            &[
                "claim",
                "edit",
                &seed.denial,
                "--add-tag",
                "iran",
                "--remove-tag",
                "russia"
            ],
            1
        ),
        "factdesk: claim has no tag 'russia' to remove"
    );
}

#[test]
fn duplicate_sources_are_refused_whatever_their_case() {
    let desk = Desk::new();
    desk.ok(&["source", "add", "Newsweek", "--kind", "outlet"]);
    assert_eq!(
        desk.fails(&["source", "add", " NEWSWEEK "], 1),
        "factdesk: source 'NEWSWEEK' already exists"
    );
    assert_eq!(
        desk.fails(&["source", "add", "  "], 1),
        "factdesk: source name is empty"
    );
    assert_eq!(
        desk.fails(&["source", "show", "Reuters"], 1),
        "factdesk: no source named or with id 'Reuters'"
    );
}

/// Issue 11: a URL is followed as a link by whoever shows it, so only http and https addresses
/// are accepted, on every flag that takes one (exit 2, naming the flag and the value).
#[test]
fn only_http_and_https_urls_are_accepted() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let article = desk.db.with_file_name("article.txt");
    std::fs::write(&article, "Officials said Iran supplied missiles.\n").unwrap();
    let article = article.to_str().unwrap();
    let bad = "javascript:alert(1)";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["claim", "add", "X", "--url", bad], "--url"),
        (vec!["claim", "edit", &seed.denial, "--url", bad], "--url"),
        (
            vec![
                "evidence",
                "add",
                &seed.denial,
                "--stance",
                "refutes",
                "--url",
                bad,
            ],
            "--url",
        ),
        (vec!["source", "add", "Reuters", "--url", bad], "--url"),
        (
            vec![
                "ingest", article, "--source", "Newsweek", "--url", bad, "--accept",
            ],
            "--url",
        ),
        (
            vec![
                "export",
                "--format",
                "claimreview",
                "--publisher-url",
                bad,
                "--review-url",
                "https://desk.example/{id}",
            ],
            "--publisher-url",
        ),
    ];
    for (args, flag) in cases {
        assert_eq!(
            desk.fails(&args, 2),
            format!("factdesk: {flag} 'javascript:alert(1)' is not an http or https address"),
            "{args:?}"
        );
    }
    assert_eq!(
        desk.fails(
            &[
                "export",
                "--format",
                "claimreview",
                "--review-url",
                "javascript:go('{id}')"
            ],
            2
        ),
        "factdesk: --review-url 'javascript:go('{id}')' is not an http or https address"
    );
    for (bad, why) in [
        (
            "data:text/html,<script>alert(1)</script>",
            "is not an http or https address",
        ),
        ("file:///etc/passwd", "is not an http or https address"),
        (
            "www.wsj.com/x",
            "is not a full address: start it with https://",
        ),
        ("https://", "is not a valid address (empty host)"),
    ] {
        assert_eq!(
            desk.fails(&["claim", "add", "X", "--url", bad], 2),
            format!("factdesk: --url '{bad}' {why}")
        );
    }
    // A web address is kept exactly as given, and "" still clears it.
    desk.ok(&[
        "claim",
        "edit",
        &seed.denial,
        "--url",
        "HTTPS://Newsweek.example/a?b=1",
    ]);
    assert!(
        desk.ok(&["claim", "show", &seed.denial])
            .contains("url:         HTTPS://Newsweek.example/a?b=1\n")
    );
    desk.ok(&["claim", "edit", &seed.denial, "--url", ""]);
}

/// Issue 11: the same rule for URLs that arrive in a file.
#[test]
fn imported_urls_must_be_http_or_https() {
    let desk = Desk::new();
    let file = |name: &str, text: &str| {
        let path = desk.db.with_file_name(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let cases = [
        (
            "claims.jsonl",
            "{\"text\": \"ok\", \"url\": \"https://ok.example\"}\n{\"text\": \"x\", \"url\": \"javascript:alert(1)\"}\n",
            "line 2: field `url`: URL 'javascript:alert(1)' is not an http or https address",
        ),
        (
            "evidence.jsonl",
            "{\"text\": \"x\", \"evidence\": [{\"stance\": \"refutes\", \"url\": \"data:,x\"}]}\n",
            "line 1: field `evidence[0].url`: URL 'data:,x' is not an http or https address",
        ),
        (
            "sheet.csv",
            "text,url\nok,https://ok.example\nx,javascript:alert(1)\n",
            "line 3: field `url`: URL 'javascript:alert(1)' is not an http or https address",
        ),
        (
            "reviews.json",
            "[{\"@type\": \"ClaimReview\", \"claimReviewed\": \"x\", \"url\": \"javascript:alert(1)\"}]",
            "record 1: URL 'javascript:alert(1)' is not an http or https address",
        ),
        (
            "appearance.json",
            "[{\"@type\": \"ClaimReview\", \"claimReviewed\": \"x\", \"itemReviewed\": {\"appearance\": \"vbscript:x\"}}]",
            "record 1: URL 'vbscript:x' is not an http or https address",
        ),
    ];
    for (name, text, reason) in cases {
        let path = file(name, text);
        assert_eq!(
            desk.fails(&["import", &path], 1),
            format!("factdesk: {name}: {reason}; nothing was imported"),
        );
    }
}
