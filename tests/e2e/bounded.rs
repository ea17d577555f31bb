//! Bounded on huge input: a command's memory and time grow with its input at most in
//! proportion, and no record is read whole before it is refused for its size. Each test runs
//! factdesk under an address-space cap (`Desk::run_capped`) well below what the old quadratic
//! or read-it-all code needed, so a regression dies of it instead of passing slowly.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Desk;
use crate::article::article;

fn write(desk: &Desk, name: &str, bytes: &[u8]) -> PathBuf {
    let path = desk.db.with_file_name(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `ingest --format json` of the article at `path` under a cap of `cap_mib` MiB of address
/// space, which must succeed with nothing on stderr: the preview.
fn preview_capped(desk: &Desk, path: &Path, cap_mib: u64) -> Value {
    let out = desk.run_capped(
        cap_mib,
        &[
            "--format",
            "json",
            "ingest",
            path.to_str().unwrap(),
            "--source",
            "Wire",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    serde_json::from_str(&out.stdout).unwrap()
}

/// Far apart in a long text, statements are not compared: each proposed link joins a statement
/// to one of the nearest before it.
fn assert_nearby(links: &[Value]) {
    assert!(
        links
            .iter()
            .all(|l| l["from"].as_u64().unwrap() - l["to"].as_u64().unwrap() <= 20),
        "a link between distant statements"
    );
}

#[test]
fn ingesting_a_long_article_stays_linear_in_memory() {
    let desk = Desk::new();
    // About 210 KB and 2,250 statements: the quadratic ingest, which analyzed every statement
    // again for every one after it and kept every link it found, took 167 s and 989 MB for a text
    // like this (a release build), and aborts under this cap.
    let text = article(3000);
    assert!(text.len() > 200_000, "{} bytes", text.len());
    let path = write(&desk, "long.txt", text.as_bytes());
    let preview = preview_capped(&desk, &path, 48);
    let statements = preview["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 2250);
    assert_eq!(
        statements[0]["quote"].as_str().unwrap(),
        text.split(". ").next().unwrap().to_string() + "."
    );
    let links = preview["proposed_links"].as_array().unwrap();
    assert!(!links.is_empty());
    assert_nearby(links);
}

#[test]
fn ingesting_a_five_megabyte_article_stays_linear_in_memory() {
    let desk = Desk::new();
    // About 5.1 MB and 54,000 statements: the target is a 5 MB article in 200 MB. An
    // article is a whole text, not one record of a bulk format: it is read within its own limit
    // (16 MiB), not refused at the 1 MiB record limit.
    let text = article(72_000);
    assert!(text.len() > 5_000_000, "{} bytes", text.len());
    let path = write(&desk, "five-megabytes.txt", text.as_bytes());
    let preview = preview_capped(&desk, &path, 200);
    let statements = preview["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 54_000);
    let last = statements.last().unwrap();
    assert!(
        last["text"].as_str().unwrap().ends_with("in week 71999"),
        "{last}"
    );
    let links = preview["proposed_links"].as_array().unwrap();
    assert_nearby(links);
}

#[test]
fn accepting_a_long_article_compares_each_statement_with_the_nearest_and_the_store_as_it_was() {
    // Logging a long article's statements used to ask the store's full-text index for each
    // one's candidates after all were logged: each query ranked every statement of the article
    // sharing a word with it, so the time grew with the square of the article (250 KB 19.5 s,
    // 1 MB 209 s). Now each is compared with the store as it was before the article, and with
    // the statements near it as the preview compares them (750 statements: the 53 before it).
    let desk = Desk::new();
    let text = article(1000);
    let path = write(&desk, "long.txt", text.as_bytes());
    let path = path.to_str().unwrap();
    let preview: Value =
        serde_json::from_str(&desk.ok(&["--format", "json", "ingest", path, "--source", "Wire"]))
            .unwrap();
    let statements = preview["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 750);
    // A claim the store already holds, which statement 500 repeats.
    let repeated = &statements[499];
    let stored = desk.claim(&[
        repeated["text"].as_str().unwrap(),
        "--claimant",
        repeated["claimant"].as_str().unwrap(),
    ]);
    let out = desk.ok(&["ingest", path, "--source", "Wire", "--accept"]);
    let mut logged: Vec<String> = Vec::new();
    let mut proposed: Vec<(usize, String)> = Vec::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("    possibly: ") {
            proposed.push((
                logged.len() - 1,
                rest.split("  ").next().unwrap().to_string(),
            ));
        } else if let Some((id, _)) = line.split_once("  ")
            && id.len() == 36
        {
            logged.push(id[..8].to_string());
        }
    }
    assert_eq!(logged.len(), 750, "{out}");
    assert!(
        out.ends_with(&format!("Logged 750 claims from {path}.\n")),
        "{out}"
    );
    let mut siblings = 0;
    for &(i, ref short) in &proposed {
        if let Some(j) = logged.iter().position(|id| id == short) {
            siblings += 1;
            assert!(
                j < i && i - j <= 53,
                "statement {} proposed with statement {}",
                i + 1,
                j + 1
            );
        }
    }
    assert!(siblings > 0, "no link proposed between statements");
    assert!(
        proposed.contains(&(499, stored[..8].to_string())),
        "statement 500 not proposed with the stored claim it repeats: {proposed:?}"
    );
}

/// The size of the oversized records below: far over the 1 MiB record limit, and more than the
/// cap they are imported under, so that reading one whole (as the old CSV and bundle readers
/// did) dies of it.
const HUGE: usize = 64 << 20;

/// The cap those imports run under: a debug build's ~20 MiB, and room to spare, but well under
/// two thirds of [`HUGE`].
const IMPORT_CAP_MIB: u64 = 40;

/// A file of `before`, then `HUGE` bytes of `fill`, then `after`.
fn huge_file(desk: &Desk, name: &str, before: &str, fill: u8, after: &str) -> String {
    let mut bytes = Vec::with_capacity(HUGE + before.len() + after.len());
    bytes.extend_from_slice(before.as_bytes());
    bytes.resize(before.len() + HUGE, fill);
    bytes.extend_from_slice(after.as_bytes());
    write(desk, name, &bytes).to_str().unwrap().to_string()
}

#[test]
fn an_oversized_jsonl_record_is_refused_while_it_is_read() {
    let desk = Desk::new();
    let path = huge_file(
        &desk,
        "big.jsonl",
        "{\"text\": \"fine\"}\n{\"text\": \"",
        b'a',
        "\"}\n{\"text\": \"after\"}\n",
    );
    assert_eq!(
        desk.fails_capped(IMPORT_CAP_MIB, &["import", &path], 1),
        "factdesk: big.jsonl: line 2: the record is longer than 1 MiB; nothing was imported"
    );
}

#[test]
fn an_oversized_csv_row_is_refused_while_it_is_read_and_skipped_whole() {
    let desk = Desk::new();
    // The long cell is quoted and holds line ends: the row ends where its quotes say.
    let path = huge_file(
        &desk,
        "big.csv",
        "text,claimant\nfine,A\n\"huge\n",
        b'b',
        "\nstill the huge cell\",B\nafter,C\n",
    );
    assert_eq!(
        desk.fails_capped(IMPORT_CAP_MIB, &["import", &path], 1),
        "factdesk: big.csv: line 3: the record is longer than 1 MiB; nothing was imported"
    );
    let out = desk.run_capped(IMPORT_CAP_MIB, &["import", &path, "--skip-invalid"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "skipped line 3: the record is longer than 1 MiB\n"
    );
    assert_eq!(
        out.stdout,
        "Imported big.csv: 2 claims added, 0 already present; 0 evidence, 0 verdicts, 0 links added; 1 record skipped\n"
    );
}

#[test]
fn an_oversized_bundle_line_is_refused_while_it_is_read() {
    let desk = Desk::new();
    desk.claim(&["Iran supplied Russia with missiles"]);
    let bundle = desk.ok(&["export", "--events"]);
    let header = bundle.lines().next().unwrap();
    let other = Desk::new();
    let path = huge_file(
        &other,
        "big-bundle.jsonl",
        &format!("{header}\n{{\"id\": \""),
        b'c',
        "\"}\n",
    );
    assert_eq!(
        other.fails_capped(IMPORT_CAP_MIB, &["import", &path], 1),
        format!("factdesk: {path}: line 2: the record is longer than 1 MiB; nothing was imported")
    );
}

#[test]
fn an_oversized_claimreview_record_is_refused_while_it_is_read_and_skipped_whole() {
    let desk = Desk::new();
    let path = huge_file(
        &desk,
        "big.json",
        "{\"@context\": \"https://schema.org\", \"@graph\": [\n{\"claimReviewed\": \"fine\"},\n{\"claimReviewed\": \"",
        b'd',
        "\"},\n{\"claimReviewed\": \"after\"}]}\n",
    );
    assert_eq!(
        desk.fails_capped(IMPORT_CAP_MIB, &["import", &path], 1),
        "factdesk: big.json: record 2: the record is longer than 1 MiB; nothing was imported"
    );
    let out = desk.run_capped(IMPORT_CAP_MIB, &["import", &path, "--skip-invalid"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "skipped record 2: the record is longer than 1 MiB\n"
    );
    assert_eq!(
        out.stdout,
        "Imported big.json: 2 claims added, 0 already present; 2 evidence, 0 verdicts, 0 links added; 1 record skipped\n"
    );
}
