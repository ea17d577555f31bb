//! `ingest` end to end: the candidates of an article as a person reads them, the seed article's
//! allegation (reported by The Wall Street Journal) and the Iranian Mission's denial, the
//! article's date on every claim, the article from standard input, and `--accept 1,3` logging
//! only the chosen candidates, all in one transaction — or, on a bad list, date or input, nothing.

use serde_json::Value;

use crate::{Desk, SEED_ARTICLE, seed_preview, statement_by};

/// A short wire story with one attribution of each common kind.
const ARTICLE: &str =
    "Moscow received 200 missiles from Tehran, according to two European diplomats.

Full Fact, the fact-checking charity, said the figure was wrong.

“We checked the shipping records. They show no such cargo,” the charity said.

The Kremlin told Reuters that no missiles had arrived.
";

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// The article written beside the store; its path.
fn article(desk: &Desk) -> String {
    let path = desk.db.with_file_name("wire.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    path.to_str().unwrap().to_string()
}

/// What `--accept` printed, each new claim's id as `<id>` and the linker's hints left out (they
/// are the linker's, checked in its own tests).
fn logged_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| !l.starts_with("    possibly: "))
        .map(|l| match l.split_once("  ") {
            Some((id, rest)) if id.len() == 36 => format!("<id>  {rest}"),
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn the_preview_numbers_each_candidate_with_its_claimant_stance_and_reporter() {
    let desk = Desk::new();
    let path = article(&desk);
    assert_eq!(
        desk.ok(&["ingest", &path, "--source", "Wire"]),
        "\
#  CLAIMANT                STANCE   REPORTED BY  CLAIM
1  two European diplomats  asserts  Wire         Moscow received 200 missiles from Tehran
2  Full Fact               asserts  Wire         the figure was wrong
3  Full Fact               asserts  Wire         We checked the shipping records
4  Full Fact               asserts  Wire         They show no such cargo
5  Kremlin                 asserts  Wire         no missiles had arrived

Proposed links between them:
  #5 contradicts? #1  0.56  negation: 'no missiles' vs asserted; shared: missiles

(nothing logged; run again with --accept to log them all, or --accept 1,3 to log those numbered)
"
    );
    assert_eq!(desk.ok(&["claim", "list"]), "No claims.\n");
}

#[test]
fn accept_with_numbers_logs_only_those_from_standard_input_with_the_articles_date() {
    let desk = Desk::new();
    let out = desk
        .cmd(&[
            "ingest",
            "-",
            "--source",
            "Wire",
            "--accept",
            "2,4",
            "--date",
            "2024-09-06",
            "--url",
            "https://wire.example/missiles",
        ])
        .write_stdin(ARTICLE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        logged_lines(&String::from_utf8(out.stdout).unwrap()),
        vec![
            "<id>  asserts  Full Fact: the figure was wrong",
            "<id>  asserts  Full Fact: They show no such cargo",
            "Logged 2 claims from standard input.",
        ]
    );
    let claims = json(&desk.ok(&["--format", "json", "claim", "list"]));
    let claims = claims.as_array().unwrap();
    assert_eq!(claims.len(), 2);
    for (text, quote) in [
        (
            "the figure was wrong",
            "Full Fact, the fact-checking charity, said the figure was wrong.",
        ),
        (
            "They show no such cargo",
            "“We checked the shipping records. They show no such cargo,” the charity said.",
        ),
    ] {
        let claim = claims
            .iter()
            .find(|c| c["text"] == text)
            .unwrap_or_else(|| panic!("{text:?} was not logged: {claims:?}"));
        assert_eq!(claim["claimant"], "Full Fact");
        assert_eq!(claim["reported_by"], "Wire");
        assert_eq!(claim["date"], "2024-09-06");
        assert_eq!(claim["url"], "https://wire.example/missiles");
        assert_eq!(claim["quote"], quote);
    }
    // One transaction: every event of it has the same time, and names where the claims came from.
    let conn = desk.raw();
    let times: i64 = conn
        .query_row(
            "SELECT count(DISTINCT at) FROM events WHERE action = 'claim.add'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(times, 1);
    let origins: Vec<String> = conn
        .prepare("SELECT DISTINCT json_extract(change, '$.import') FROM events")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(origins, vec!["-".to_string()]);
}

#[test]
fn plain_accept_logs_every_candidate_in_one_transaction() {
    let desk = Desk::new();
    let path = article(&desk);
    let out = desk.ok(&["ingest", &path, "--source", "Wire", "--accept"]);
    assert_eq!(
        logged_lines(&out),
        vec![
            "<id>  asserts  two European diplomats: Moscow received 200 missiles from Tehran",
            "<id>  asserts  Full Fact: the figure was wrong",
            "<id>  asserts  Full Fact: We checked the shipping records",
            "<id>  asserts  Full Fact: They show no such cargo",
            "<id>  asserts  Kremlin: no missiles had arrived",
            &format!("Logged 5 claims from {path}."),
        ]
    );
    let times: i64 = desk
        .raw()
        .query_row(
            "SELECT count(DISTINCT at) FROM events WHERE action = 'claim.add'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(times, 1);
    // No date given, none kept.
    let claims = json(&desk.ok(&["--format", "json", "claim", "list"]));
    assert!(
        claims
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["date"].is_null())
    );
}

#[test]
fn a_bad_accept_list_or_date_logs_nothing_and_says_why_in_one_line() {
    let desk = Desk::new();
    let path = article(&desk);
    fn ingest<'a>(path: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["ingest", path, "--source", "Wire"];
        args.extend_from_slice(extra);
        args
    }
    for (list, message) in [
        ("0", "candidates are numbered from 1"),
        ("6", "there is no candidate 6: the article has 5"),
        ("1,9", "there is no candidate 9: the article has 5"),
        (
            "two",
            "'two' is not a candidate number (give numbers as the preview shows them, like 1,3)",
        ),
        (
            "-1",
            "'-1' is not a candidate number (give numbers as the preview shows them, like 1,3)",
        ),
        ("1,3,1", "candidate 1 is named twice"),
        ("1,,3", "an empty item between commas"),
        (
            "",
            "expected candidate numbers as the preview shows them, like 1,3",
        ),
    ] {
        let flag = format!("--accept={list}");
        assert_eq!(
            desk.fails(&ingest(&path, &[&flag]), 2),
            format!("factdesk: --accept '{list}': {message}"),
            "{list:?}"
        );
    }
    for bad in ["2024-02-30", "06/09/2024", "yesterday"] {
        assert_eq!(
            desk.fails(&ingest(&path, &["--date", bad, "--accept"]), 1),
            format!("factdesk: malformed date '{bad}' (expected a real date written YYYY-MM-DD)")
        );
        // The preview refuses it too: the date would be wrong when logged.
        assert_eq!(
            desk.fails(&ingest(&path, &["--date", bad]), 1),
            format!("factdesk: malformed date '{bad}' (expected a real date written YYYY-MM-DD)")
        );
    }
    assert_eq!(
        desk.fails(
            &[
                "ingest",
                "no-such-article.txt",
                "--source",
                "Wire",
                "--accept"
            ],
            1
        ),
        "factdesk: cannot read 'no-such-article.txt': No such file or directory (os error 2)"
    );
    assert_eq!(desk.ok(&["claim", "list"]), "No claims.\n");
}

#[test]
fn an_article_on_standard_input_is_bounded_like_a_file() {
    let desk = Desk::new();
    let before = desk.contents();
    let huge = "Officials said the convoy had crossed the border. ".repeat(340_000);
    assert!(huge.len() > 16 << 20);
    let out = desk
        .cmd(&["ingest", "-", "--source", "Wire", "--accept"])
        .write_stdin(huge.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "factdesk: cannot read '-': the article is longer than 16 MiB\n"
    );
    let path = desk.db.with_file_name("huge.txt");
    std::fs::write(&path, &huge).unwrap();
    let name = path.to_str().unwrap();
    assert_eq!(
        desk.fails(&["ingest", name, "--source", "Wire"], 1),
        format!("factdesk: cannot read '{name}': the article is longer than 16 MiB")
    );
    assert_eq!(desk.contents(), before);
}

#[test]
fn a_statement_longer_than_the_record_limit_is_not_logged() {
    // An article may hold 16 MiB, but a statement logged from it is a claim like an imported
    // one, held to the 1 MiB record limit: one sentence of 1.1 MB is shown, not logged.
    let desk = Desk::new();
    let before = desk.contents();
    let sentence = format!(
        "Officials said that {}stopped.",
        "the convoy crossed the border and ".repeat(33_000)
    );
    assert!(sentence.len() > 1 << 20);
    let path = desk.db.with_file_name("one-sentence.txt");
    std::fs::write(&path, &sentence).unwrap();
    let name = path.to_str().unwrap();
    let preview = desk.ok(&["--format", "json", "ingest", name, "--source", "Wire"]);
    assert!(
        preview.contains("\"claimant\": \"Officials\""),
        "{}",
        &preview[..200]
    );
    assert_eq!(
        desk.fails(&["ingest", name, "--source", "Wire", "--accept"], 1),
        "factdesk: candidate 1: the record is longer than 1 MiB; nothing was logged"
    );
    assert_eq!(desk.contents(), before);
}

#[test]
fn the_seed_article_yields_the_wsj_allegation_and_the_missions_denial() {
    let desk = Desk::new();
    let Some(preview) = seed_preview(&desk) else {
        return;
    };
    let statements = preview["statements"].as_array().unwrap();
    let find = |claimant: &str, words: &str| statement_by(&preview, claimant, words);
    let allegation = &statements[find(
        "U.S. and European officials",
        "had provided Moscow with short-range ballistic missiles",
    )];
    assert_eq!(allegation["stance"], "asserts");
    assert_eq!(allegation["reported_by"], "The Wall Street Journal");
    let denial = &statements[find(
        "Iranian Mission to the United Nations",
        "Iran had not provided weapons to either side of the conflict in Ukraine",
    )];
    // The denial's own words carry the negation; Newsweek is who it was given to.
    assert_eq!(denial["stance"], "asserts");
    assert_eq!(denial["reported_by"], "Newsweek");
    assert!(
        denial["quote"]
            .as_str()
            .unwrap()
            .starts_with("In a statement shared with Newsweek")
    );
    // The quotations over several sentences are the Mission's, named in full.
    let unchanged = &statements[find(
        "Iranian Mission to the United Nations",
        "Iran’s position vis-à-vis the Ukraine conflict remains unchanged",
    )];
    assert_eq!(unchanged["stance"], "asserts");
    find("Iranian Mission to the United Nations", "to be inhumane");
    find(
        "Iranian Mission to the United Nations",
        "calls upon other countries to cease the supply of weapons",
    );
    // Iran's own denial, in its denying words.
    let iran = &statements[find("Iran", "sending arms to Russia")];
    assert_eq!(iran["stance"], "denies");
    // No candidate leaves a quotation mark open or starts with a closing one.
    for s in statements {
        let text = s["text"].as_str().unwrap();
        assert_eq!(
            text.matches('“').count(),
            text.matches('”').count(),
            "{text}"
        );
        assert!(!text.starts_with('”') && !text.ends_with('“'), "{text}");
    }

    // Logged with the article's date, the allegation keeps its outlet.
    desk.ok(&[
        "ingest",
        SEED_ARTICLE,
        "--source",
        "Newsweek",
        "--date",
        "2024-09-06",
        "--accept",
    ]);
    let claims = json(&desk.ok(&[
        "--format",
        "json",
        "claim",
        "list",
        "--claimant",
        "U.S. and European officials",
    ]));
    let logged = claims
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["text"]
                .as_str()
                .unwrap()
                .contains("short-range ballistic missiles")
        })
        .unwrap_or_else(|| panic!("the allegation was not logged: {claims}"));
    assert_eq!(logged["reported_by"], "The Wall Street Journal");
    assert_eq!(logged["date"], "2024-09-06");
}
