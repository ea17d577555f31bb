//! Bulk import and export, end to end: round trips, a real spreadsheet export, malformed input
//! of every kind (with the store unchanged), idempotent re-import, standard input, and a kill in
//! the middle of a large import.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Desk, Seed, contents_of};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.jsonl");

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// Writes a file next to the store and returns its path.
fn file(desk: &Desk, name: &str, bytes: &[u8]) -> PathBuf {
    let path = desk.db.with_file_name(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_example_file_imports_once_with_its_history() {
    let desk = Desk::new();
    assert_eq!(
        desk.ok(&["import", EXAMPLE]),
        "Imported claims.jsonl: 4 claims added, 0 already present; 1 evidence, 0 verdicts, 1 link added\n"
    );
    let disputed = json(&desk.ok(&["--format", "json", "report", "disputed"]));
    assert_eq!(disputed[0]["id"], "5d2a1c0e-7f43-4b8e-9a61-2f0c8d3e4b71");
    assert_eq!(disputed[1]["id"], "9b7e4f12-3c8a-4d6b-8e2f-6a1d0c9b5e33");
    let before = desk.contents();
    assert_eq!(
        desk.ok(&["import", EXAMPLE]),
        "Imported claims.jsonl: 0 claims added, 4 already present; 0 evidence, 0 verdicts, 0 links added\n"
    );
    assert_eq!(
        desk.contents(),
        before,
        "a re-import adds nothing, not even history"
    );
    let history = json(&desk.ok(&["--format", "json", "history", "--all"]));
    let events = history.as_array().unwrap();
    // 4 claims, 1 evidence, 1 link, and the 5 sources they name.
    assert_eq!(events.len(), 11);
    assert!(
        events
            .iter()
            .all(|e| e["change"]["import"] == "claims.jsonl" && e["author"] == "ana")
    );
}

#[test]
fn jsonl_export_then_import_reproduces_the_same_store() {
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
        "--note",
        "shared with allies",
    ]);
    desk.ok(&[
        "claim",
        "verdict",
        &seed.denial,
        "refuted",
        "--note",
        "Officials' evidence",
    ]);
    desk.ok(&[
        "claim",
        "add",
        "Iran wants Su-35 jets",
        "--tag",
        "aircraft",
        "--tag",
        "iran",
        "--stance",
        "neutral",
    ]);
    let exported = desk.ok(&["export", "--format", "jsonl"]);
    assert_eq!(exported.lines().count(), 3);

    let copy = Desk::new();
    let path = file(&copy, "export.jsonl", exported.as_bytes());
    copy.cmd(&["--as", "ben", "import", arg(&path)])
        .env("FACTDESK_NOW", "2024-10-01T08:00:00.000Z")
        .assert()
        .success();
    for args in [
        &["--format", "json", "report", "disputed"][..],
        &["--format", "json", "report", "unresolved"],
        &["report", "disputed"],
        &["--format", "json", "claim", "list"],
        &["--format", "json", "claim", "show", &seed.allegation],
        &["--format", "json", "claim", "show", &seed.denial],
        &["--format", "json", "source", "list"],
    ] {
        assert_eq!(
            copy.ok(args),
            desk.ok(args),
            "factdesk {args:?} differs after the round trip"
        );
    }
    // Exporting the copy gives the same file.
    assert_eq!(copy.ok(&["export", "--format", "jsonl"]), exported);
}

#[test]
fn claimreview_export_then_import_keeps_claims_and_verdicts() {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    desk.ok(&[
        "claim",
        "verdict",
        &seed.allegation,
        "unverifiable",
        "--note",
        "No public evidence yet",
    ]);
    desk.ok(&[
        "claim",
        "verdict",
        &seed.denial,
        "refuted",
        "--note",
        "Shipments documented",
    ]);
    let out = desk.run(&[
        "export",
        "--format",
        "claimreview",
        "--publisher",
        "The Desk",
        "--publisher-url",
        "https://desk.example",
    ]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        format!(
            "not exported: claim {} lacks url (give --review-url)\nnot exported: claim {} lacks url (give --review-url)\n",
            &seed.allegation[..8],
            &seed.denial[..8]
        )
    );
    let document = desk.ok(&[
        "export",
        "--format",
        "claimreview",
        "--publisher",
        "The Desk",
        "--review-url",
        "https://desk.example/checks/{id}",
    ]);
    let parsed = json(&document);
    let reviews = parsed["@graph"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    let first = &reviews[0];
    assert_eq!(first["@type"], "ClaimReview");
    assert_eq!(
        first["url"],
        format!("https://desk.example/checks/{}", seed.allegation)
    );
    assert_eq!(
        first["claimReviewed"],
        "Iran supplied Russia with short-range ballistic missiles"
    );
    assert_eq!(first["reviewRating"]["alternateName"], "Unverifiable");
    assert_eq!(
        first["itemReviewed"]["author"]["name"],
        "U.S. and European officials"
    );
    assert_eq!(first["itemReviewed"]["datePublished"], "2024-09-06");
    assert_eq!(
        first["itemReviewed"]["appearance"][0]["url"],
        "https://www.wsj.com/world/iran-missiles-russia"
    );
    assert_eq!(reviews[1]["reviewRating"]["ratingValue"], 1);

    let copy = Desk::new();
    let path = file(&copy, "reviews.json", document.as_bytes());
    assert_eq!(
        copy.ok(&["import", arg(&path), "--with-verdicts"]),
        "Imported reviews.json: 2 claims added, 0 already present; 2 evidence, 2 verdicts, 0 links added\n"
    );
    let claims = json(&copy.ok(&["--format", "json", "claim", "list"]));
    let by_text = |text: &str| {
        claims
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["text"] == text)
            .unwrap()
            .clone()
    };
    let allegation = by_text("Iran supplied Russia with short-range ballistic missiles");
    assert_eq!(allegation["verdict"], "unverifiable");
    assert_eq!(allegation["claimant"], "U.S. and European officials");
    assert_eq!(allegation["date"], "2024-09-06");
    assert_eq!(
        allegation["url"],
        "https://www.wsj.com/world/iran-missiles-russia"
    );
    assert_eq!(
        by_text("Iran has not provided weapons to either side of the conflict in Ukraine")["verdict"],
        "refuted"
    );
    // Without --with-verdicts, ratings are evidence only.
    let plain = Desk::new();
    let path = file(&plain, "reviews.json", document.as_bytes());
    plain.ok(&["import", arg(&path)]);
    assert_eq!(
        json(&plain.ok(&["--format", "json", "claim", "list", "--status", "refuted"])),
        json("[]")
    );
    // Issue 14: where the desk requires review, the ratings are proposed unless trusted.
    for trusted in [false, true] {
        let reviewed = Desk::new();
        reviewed.ok(&["config", "set", "review.required", "true"]);
        let path = file(&reviewed, "reviews.json", document.as_bytes());
        let mut args = vec!["import", arg(&path), "--with-verdicts"];
        if trusted {
            args.push("--trust-verdicts");
        }
        let (given, proposed) = if trusted {
            ("2 verdicts", "")
        } else {
            ("0 verdicts", "; 2 verdicts proposed for review")
        };
        assert_eq!(
            reviewed.ok(&args),
            format!(
                "Imported reviews.json: 2 claims added, 0 already present; 2 evidence, {given}, 0 links added{proposed}\n"
            )
        );
        let queue = json(&reviewed.ok(&["--format", "json", "review", "queue"]));
        assert_eq!(queue.as_array().unwrap().len(), if trusted { 0 } else { 2 });
        if !trusted {
            assert_eq!(queue[0]["proposed_from"], "reviews.json");
        }
    }
    let reviewed = Desk::new();
    let path = file(&reviewed, "reviews.json", document.as_bytes());
    assert_eq!(
        reviewed.fails(&["import", arg(&path), "--trust-verdicts"], 2),
        "factdesk: --trust-verdicts applies to the verdicts of a ClaimReview import: give \
         --with-verdicts too (CSV and JSONL verdicts always follow the desk's review rule)"
    );
    assert_eq!(reviewed.ok(&["claim", "list"]), "No claims.\n");
}

/// Issue 14: with review required, a verdict in a CSV import is proposed by the person
/// importing, waits in the queue naming the file, and marks the claim in listings until a
/// different person approves it.
#[test]
fn a_verdict_in_a_spreadsheet_waits_for_review_where_the_desk_requires_it() {
    let desk = Desk::new();
    desk.ok(&["config", "set", "review.required", "true"]);
    let path = file(
        &desk,
        "claims.csv",
        b"text,claimant,verdict,verdict_note\nIran supplied Russia with missiles,WSJ,refuted,Satellite images\n",
    );
    assert_eq!(
        desk.ok(&["--as", "ana", "import", arg(&path)]),
        "Imported claims.csv: 1 claim added, 0 already present; 0 evidence, 0 verdicts, 0 links added; 1 verdict proposed for review\n"
    );
    let queue = desk.ok(&["review", "queue"]);
    let lines: Vec<&str> = queue.lines().collect();
    assert_eq!(lines.len(), 2, "{queue}");
    assert!(
        lines[1].contains(
            "Iran supplied Russia with missiles  refuted   Satellite images  ana from claims.csv"
        ),
        "{queue}"
    );
    let id = &lines[1][..8];
    let list = desk.ok(&["claim", "list"]);
    assert!(
        list.contains(&format!("{id}  unresolved (proposed: refuted)  WSJ")),
        "{list}"
    );
    desk.ok(&[
        "evidence",
        "add",
        id,
        "--stance",
        "refutes",
        "--note",
        "Tehran denies it",
    ]);
    let disputed = desk.ok(&["report", "disputed"]);
    assert!(
        disputed.contains("WSJ asserts · verdict proposed: refuted, awaiting review\n"),
        "{disputed}"
    );
    // The importer cannot approve their own file's verdict.
    assert_eq!(
        desk.fails(&["--as", "ana", "review", "approve", id], 1),
        "factdesk: you (ana) proposed this verdict: a different person must approve it"
    );
    desk.ok(&["--as", "bo", "review", "approve", id]);
    let list = desk.ok(&["claim", "list"]);
    assert!(list.contains(&format!("{id}  refuted  WSJ")), "{list}");
    desk.ok(&["verify"]);
}

/// Issue 11: ClaimReview JSON-LD is pasted into a page's `<script type="application/ld+json">`;
/// a claim's `</script>` must not end that element, so `<`, `>` and `&` are written as JSON
/// escapes. The document stays valid JSON and imports back as the same text.
#[test]
fn claimreview_export_cannot_break_out_of_its_script_element() {
    let desk = Desk::new();
    let text = "</script><script>alert(1)</script> & <!-- more";
    let id = desk.claim(&[text, "--claimant", "R&D <Ministry>"]);
    desk.ok(&[
        "claim",
        "verdict",
        &id,
        "refuted",
        "--note",
        "<b>No</b> & never",
    ]);
    let document = desk.ok(&[
        "export",
        "--format",
        "claimreview",
        "--publisher",
        "Fact & Fiction <Desk>",
        "--review-url",
        "https://desk.example/checks/{id}?a=1&b=2",
    ]);
    assert_eq!(
        document,
        format!(
            r#"{{
  "@context": "https://schema.org",
  "@graph": [
    {{
      "@type": "ClaimReview",
      "url": "https://desk.example/checks/{id}?a=1\u0026b=2",
      "claimReviewed": "\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e \u0026 \u003c!-- more",
      "reviewRating": {{
        "@type": "Rating",
        "alternateName": "Refuted",
        "worstRating": 1,
        "bestRating": 5,
        "ratingValue": 1
      }},
      "itemReviewed": {{
        "@type": "Claim",
        "author": {{
          "@type": "Organization",
          "name": "R\u0026D \u003cMinistry\u003e"
        }}
      }},
      "reviewBody": "\u003cb\u003eNo\u003c/b\u003e \u0026 never",
      "author": {{
        "@type": "Organization",
        "name": "Fact \u0026 Fiction \u003cDesk\u003e"
      }},
      "datePublished": "2024-09-07"
    }}
  ]
}}
"#
        )
    );
    let copy = Desk::new();
    let path = file(&copy, "reviews.json", document.as_bytes());
    copy.ok(&["import", arg(&path), "--with-verdicts"]);
    let claims = json(&copy.ok(&["--format", "json", "claim", "list"]));
    assert_eq!(claims[0]["text"], text);
    assert_eq!(claims[0]["claimant"], "R&D <Ministry>");
    assert_eq!(claims[0]["verdict"], "refuted");
}

#[test]
fn a_spreadsheet_export_imports_with_its_quirks() {
    let desk = Desk::new();
    let csv = "\u{feff}Claim,Speaker,Reported By,Stance,Date,Tags,Verdict,Verdict Note,Desk notes\r\n\
        \"Iran supplied Russia with \"\"short-range\"\" ballistic missiles,\r\nofficials say\",U.S. and European officials,The Wall Street Journal,asserts,2024-09-06,iran; russia;,,,call back\r\n\
        '=HYPERLINK(\"http://x\"),Someone,,,,,,,\r\n\
        Iran wants Su-35 jets,,Newsweek,neutral,,aircraft,unverifiable,Not confirmed,\r\n";
    let path = file(&desk, "sheet.csv", csv.as_bytes());
    let out = desk.run(&["import", arg(&path)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "ignoring columns: 'Desk notes' (read them with --map COLUMN=FIELD)\n"
    );
    assert_eq!(
        out.stdout,
        "Imported sheet.csv: 3 claims added, 0 already present; 0 evidence, 1 verdict, 0 links added\n"
    );
    let claims = json(&desk.ok(&["--format", "json", "claim", "list"]));
    assert_eq!(
        claims[2]["text"],
        "Iran supplied Russia with \"short-range\" ballistic missiles,\r\nofficials say"
    );
    assert_eq!(claims[2]["tags"], json(r#"["iran", "russia"]"#));
    assert_eq!(claims[1]["text"], "=HYPERLINK(\"http://x\")");
    assert_eq!(claims[0]["verdict"], "unverifiable");
    // Other column names, through --map.
    let other = Desk::new();
    let path = file(&other, "odd.csv", b"Statement;x,Who\nA claim,Someone\n");
    other.ok(&[
        "import",
        arg(&path),
        "--map",
        "statement;x=text",
        "--map",
        "who=claimant",
    ]);
    assert_eq!(
        json(&other.ok(&["--format", "json", "claim", "list"]))[0]["claimant"],
        "Someone"
    );
}

#[test]
fn malformed_input_imports_nothing_and_names_the_line_and_field() {
    let desk = Desk::new();
    Seed::log(&desk);
    let good = "{\"text\": \"A good claim\"}\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bad-json.jsonl",
            format!("{good}{{\"text\": \"x\",}}\n").into_bytes(),
            "line 2: invalid JSON: trailing comma (column 14)",
        ),
        (
            "stance.jsonl",
            format!("{good}{{\"text\": \"x\", \"stance\": \"alleges\"}}\n").into_bytes(),
            "line 2: field `stance`: unknown stance 'alleges' (expected one of: asserts, denies, questions, neutral)",
        ),
        (
            "no-text.jsonl",
            format!("{good}{{\"claimant\": \"x\"}}\n").into_bytes(),
            "line 2: missing field `text` (column 17)",
        ),
        (
            "types.jsonl",
            format!("{good}{{\"text\": \"x\", \"tags\": \"iran\"}}\n").into_bytes(),
            "line 2: field `tags`: invalid type: string \"iran\", expected a sequence (column 28)",
        ),
        (
            "truncated.jsonl",
            format!("{good}{{\"text\": \"cut off").into_bytes(),
            "line 2: invalid JSON: EOF while parsing a string (column 17)",
        ),
        (
            "utf8.jsonl",
            [good.as_bytes(), b"{\"text\": \"caf\xe9\"}\n"].concat(),
            "line 2: not valid UTF-8",
        ),
        (
            "huge.jsonl",
            [
                good.as_bytes(),
                b"{\"text\": \"",
                &vec![b'a'; 10 << 20],
                b"\"}\n",
            ]
            .concat(),
            "line 2: the record is longer than 1 MiB",
        ),
        (
            "bad.csv",
            b"text,date\nok,2024-09-06\nx,06/09/2024\n".to_vec(),
            "line 3: field `date`: malformed date '06/09/2024' (expected a real date written YYYY-MM-DD)",
        ),
        (
            "bad-utf8.csv",
            b"text\nok\ncaf\xe9\n".to_vec(),
            "line 3: not valid UTF-8",
        ),
        (
            "reviews.json",
            b"[{\"@type\": \"ClaimReview\", \"claimReviewed\": \"x\"}, {\"@type\": \"Person\"}]"
                .to_vec(),
            "record 2: field `@type`: not a ClaimReview (\"Person\")",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = file(&desk, name, &bytes);
        let message = desk.fails(&["import", arg(&path)], 1);
        assert_eq!(
            message,
            format!("factdesk: {name}: {reason}; nothing was imported"),
            "{name}"
        );
    }
}

#[test]
fn skip_invalid_imports_the_good_records_and_lists_the_bad() {
    let desk = Desk::new();
    let path = file(
        &desk,
        "mixed.jsonl",
        b"{\"text\": \"First\"}\n{\"text\": \"x\", \"stance\": \"alleges\"}\n{\"text\": \"Third\", \"links\": [{\"relation\": \"related\", \"to\": \"00000000-0000-4000-8000-000000000000\"}]}\n",
    );
    let out = desk.run(&["import", arg(&path), "--skip-invalid"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "Imported mixed.jsonl: 2 claims added, 0 already present; 0 evidence, 0 verdicts, 0 links added; 2 records skipped\n"
    );
    assert_eq!(
        out.stderr,
        "skipped line 2: field `stance`: unknown stance 'alleges' (expected one of: asserts, denies, questions, neutral)\n\
         skipped line 3: link to 00000000-0000-4000-8000-000000000000: no claim with that id in the file or the store\n"
    );
}

#[test]
fn a_dry_run_and_standard_input() {
    let desk = Desk::new();
    let before = desk.contents();
    assert_eq!(
        desk.ok(&["import", EXAMPLE, "--dry-run"]),
        "Dry run of claims.jsonl (nothing written): 4 claims added, 0 already present; 1 evidence, 0 verdicts, 1 link added\n"
    );
    assert_eq!(desk.contents(), before);
    let out = desk
        .cmd(&["--format", "jsonl", "import", "-"])
        .write_stdin(std::fs::read(EXAMPLE).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Imported -: 4 claims added, 0 already present; 1 evidence, 0 verdicts, 1 link added\n"
    );
    assert_eq!(
        desk.fails(&["import", "-"], 2),
        "factdesk: cannot tell the format of '-': give --format jsonl, csv or claimreview"
    );
    assert_eq!(
        desk.fails(&["--format", "table", "import", EXAMPLE], 2),
        "factdesk: import cannot write --format table (it offers: jsonl, csv, claimreview)"
    );
    assert_eq!(
        desk.fails(&["export"], 2),
        "factdesk: export needs --format jsonl or --format claimreview"
    );
}

#[test]
fn killing_a_large_import_leaves_the_store_as_it_was() {
    crate::sqlite_only!("killing an import into a store file part-way");
    let desk = Desk::new();
    Seed::log(&desk);
    let before = desk.contents();
    let path = desk.db.with_file_name("large.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for i in 0..400_000 {
            writeln!(out, "{{\"text\": \"Claim number {i} about the war in Ukraine\", \"claimant\": \"Source {}\", \"tags\": [\"bulk\"]}}", i % 500).unwrap();
        }
    }
    let mut child = desk
        .std_cmd(&["import", arg(&path)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is well into the transaction: its write-ahead log has grown.
    let wal = desk.db.with_file_name("desk.db-wal");
    let started = Instant::now();
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 4 << 20 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import never got going"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(contents_of(&desk.db), before);
    let check: String = desk
        .raw()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert!(
        desk.ok(&["report", "disputed"])
            .contains("Iran supplied Russia")
    );
}

#[test]
fn a_sheet_with_thousands_of_unknown_columns_gets_a_one_line_note() {
    let desk = Desk::new();
    let mut header = "Claim".to_string();
    let mut row = "Iran wants Su-35 jets".to_string();
    for i in 0..2000 {
        header.push_str(&format!(",Column {i}"));
        row.push_str(",x");
    }
    let path = file(&desk, "wide.csv", format!("{header}\n{row}\n").as_bytes());
    let out = desk.run(&["import", arg(&path)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "ignoring columns: 'Column 0', 'Column 1', 'Column 2', 'Column 3', 'Column 4', and 1995 \
         more (read them with --map COLUMN=FIELD)\n"
    );
}

#[test]
fn csv_is_a_faithful_copy_and_text_starting_with_an_apostrophe_round_trips() {
    let desk = Desk::new();
    let text = "'=SUM(A1) is what the leaked sheet says about the ballistic missiles shipped to \
                Russia in September, officials say";
    let id = desk.claim(&[text, "--claimant", "Officials", "--quiet"]);
    let csv = desk.ok(&["claim", "list", "--format", "csv"]);
    assert_eq!(
        csv,
        format!(
            "ID,STATUS,CLAIMANT,STANCE,CLAIM,DATE,TAGS\n\
             {id},unresolved,Officials,asserts,\"'{text}\",,\n"
        )
    );
    // Times in full, as stored (the table shows them to the minute, in local time).
    let history = desk.ok(&["history", "--format", "csv"]);
    assert!(history.contains(crate::NOW), "{history}");
    assert!(history.contains(&id), "{history}");
    // Imported back, the text is exactly as logged.
    let other = Desk::new();
    let path = file(&other, "claims.csv", csv.as_bytes());
    let imported = other.run(&["import", arg(&path)]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    // The STATUS column is factdesk's own, derived from verdicts and links: nothing to note.
    assert_eq!(imported.stderr, "");
    let listed: serde_json::Value =
        serde_json::from_str(&other.ok(&["claim", "list", "--format", "json"])).unwrap();
    assert_eq!(listed[0]["text"], text);
    // The table alone abbreviates.
    let table = desk.ok(&["claim", "list"]);
    assert!(table.contains(&id[..8]) && !table.contains(&id), "{table}");
}

#[test]
fn a_huge_cell_is_cut_in_a_table_and_whole_in_json_and_csv() {
    let desk = Desk::new();
    let word = "ā".repeat(400_000);
    let line = serde_json::json!({"text": word, "claimant": "Officials"}).to_string();
    let path = file(&desk, "huge.jsonl", format!("{line}\n").as_bytes());
    desk.ok(&["import", arg(&path)]);
    let table = desk.ok(&["claim", "list"]);
    let row = table.lines().nth(1).unwrap();
    assert!(
        row.chars().count() < 1100,
        "{} characters",
        row.chars().count()
    );
    assert!(
        row.contains(&format!("{}…", "ā".repeat(1000))),
        "no ellipsis"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&desk.ok(&["claim", "list", "--format", "json"])).unwrap();
    assert_eq!(listed[0]["text"], word);
    assert!(
        desk.ok(&["claim", "list", "--format", "csv"])
            .contains(&word)
    );
}
