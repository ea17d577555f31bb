//! The claims file the import and history benches load: JSONL in factdesk's import format,
//! written with serde_json from a fixed xorshift seed, so every run writes the same file.
//!
//! Each line has a UUID v4 `id`; 10–20 words of news-like `text` ending in a report number no
//! other line has; one of 2,000 `claimant`s (skewed: a few say most things); one of 100 outlets as
//! `reported_by` on ~80% of lines; `stance` 85% asserts / 10% denies / 5% questions; a `date` on
//! ~90% and a `url` on ~40%; 0–3 `tags`; one `evidence` item on ~2% and a `refuted` `verdict` on
//! ~1%.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use super::{BenchResult, EVIDENCE_NOTES, OBJECTS, PERIODS, PLACES, Rng, SUBJECTS, TAGS, VERBS};

const CLAIMANTS: usize = FIRST_NAMES.len() * LAST_NAMES.len();
const OUTLETS: usize = TOWNS.len() * MASTHEADS.len();

/// One JSONL line, in factdesk's import format (`src/bulk/jsonl.rs`).
#[derive(Serialize)]
struct Line<'a> {
    id: String,
    text: String,
    claimant: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_by: Option<String>,
    stance: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<Evidence<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<Verdict<'a>>,
}

#[derive(Serialize)]
struct Evidence<'a> {
    stance: &'a str,
    source: &'a str,
    note: &'a str,
}

#[derive(Serialize)]
struct Verdict<'a> {
    verdict: &'a str,
    note: &'a str,
}

/// What the file holds, for the report.
#[derive(Default)]
pub struct Shape {
    pub with_reporter: u64,
    pub with_date: u64,
    pub with_url: u64,
    pub tags: u64,
    pub evidence: u64,
    pub verdicts: u64,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} with reported_by, {} with a date, {} with a url, {} tags, {} evidence items, \
             {} verdicts",
            self.with_reporter,
            self.with_date,
            self.with_url,
            self.tags,
            self.evidence,
            self.verdicts
        )
    }
}

fn claimant_name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[i % FIRST_NAMES.len()],
        LAST_NAMES[i / FIRST_NAMES.len()]
    )
}

fn outlet_name(i: usize) -> String {
    format!(
        "The {} {}",
        TOWNS[i % TOWNS.len()],
        MASTHEADS[i / TOWNS.len()]
    )
}

/// 10–20 words of news-like text, ending in a number no other line has.
fn claim_text(rng: &mut Rng, serial: usize) -> String {
    let mut text = format!(
        "{} {} {} {} {} in {} {}",
        rng.pick(SUBJECTS),
        if rng.chance(300) { "said it" } else { "has" },
        rng.pick(VERBS),
        // numbers a desk sees: small counts to six figures
        [12, 40, 180, 950, 4_300, 27_000, 310_000][rng.below(7)] + rng.below(1000),
        rng.pick(OBJECTS),
        rng.pick(PLACES),
        rng.pick(PERIODS),
    );
    if rng.chance(500) {
        text.push_str(", ");
        text.push_str(rng.pick(ATTRIBUTIONS));
    }
    text.push_str(&format!(" (report {serial})"));
    text
}

/// The seed of the benches' main claims file.
pub const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// Writes `claims` lines of JSONL to `path`: the benches' main claims file.
pub fn write_jsonl(path: &Path, claims: usize) -> BenchResult<Shape> {
    write_jsonl_from(path, claims, SEED, 1)
}

/// Writes `claims` lines of JSONL to `path` from another `seed` (so other ids), their report
/// numbers counting from `first_serial` (so other texts): a file whose claims are new to a store
/// that imported [`write_jsonl`]'s, naming the same claimants and outlets.
pub fn write_jsonl_from(
    path: &Path,
    claims: usize,
    seed: u64,
    first_serial: usize,
) -> BenchResult<Shape> {
    let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let mut rng = Rng(seed);
    let mut shape = Shape::default();
    let first_day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    for i in 0..claims {
        // A few claimants say most things: drawn with a skew towards low numbers.
        let u = rng.below(1_000_000) as f64 / 1e6;
        let claimant = claimant_name((u * u * CLAIMANTS as f64) as usize);
        let reported_by = rng.chance(800).then(|| outlet_name(rng.below(OUTLETS)));
        let stance = match rng.below(100) {
            0..85 => "asserts",
            85..95 => "denies",
            _ => "questions",
        };
        let date = rng.chance(900).then(|| {
            (first_day + chrono::Days::new(rng.below(1_062) as u64))
                .format("%Y-%m-%d")
                .to_string()
        });
        let url = rng
            .chance(400)
            .then(|| format!("https://news.example.org/2026/{}", rng.next() % 1_000_000));
        let mut tags: Vec<&str> = Vec::new();
        if rng.chance(500) {
            for _ in 0..1 + rng.below(3) {
                let tag = rng.pick(TAGS);
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        let mut evidence = Vec::new();
        if rng.chance(20) {
            evidence.push(Evidence {
                stance: ["refutes", "supports", "context"][rng.below(3)],
                source: rng.pick(EVIDENCE_SOURCES),
                note: rng.pick(EVIDENCE_NOTES),
            });
        }
        let verdict = rng.chance(10).then(|| Verdict {
            verdict: "refuted",
            note: rng.pick(RATIONALES),
        });
        let line = Line {
            id: rng.uuid(),
            text: claim_text(&mut rng, first_serial + i),
            claimant,
            reported_by,
            stance,
            date,
            url,
            tags,
            evidence,
            verdict,
        };
        shape.with_reporter += u64::from(line.reported_by.is_some());
        shape.with_date += u64::from(line.date.is_some());
        shape.with_url += u64::from(line.url.is_some());
        shape.tags += line.tags.len() as u64;
        shape.evidence += line.evidence.len() as u64;
        shape.verdicts += u64::from(line.verdict.is_some());
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    // On disk before anything is timed, so no timed process pays for writing it back.
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(shape)
}

const FIRST_NAMES: &[&str] = &[
    "Ana", "Ben", "Chloe", "Dmitri", "Esther", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal",
    "Lena", "Marco", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Samir", "Tanya", "Umar",
    "Vera", "Wim", "Xenia", "Yusuf", "Zora", "Alma", "Boris", "Carla", "David", "Elif", "Felix",
    "Gita", "Hans", "Ilse", "Jakub", "Kofi", "Lucia", "Mehmet", "Nina", "Omar", "Paula", "Rafael",
    "Sofia", "Tomas", "Ursula", "Viktor", "Wanda", "Yara", "Zeno",
];
const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Berger",
    "Costa",
    "Demir",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zhang",
    "Andersen",
    "Baptiste",
    "Celik",
    "Dubois",
    "Esposito",
    "Fontaine",
    "Gruber",
    "Horvat",
    "Iqbal",
    "Jovanovic",
    "Kaplan",
    "Larsen",
    "Mendes",
    "Nowak",
    "Olsen",
];
const TOWNS: &[&str] = &[
    "Northport",
    "Riverside",
    "Eastbrook",
    "Westfield",
    "Harbour City",
    "Lakeside",
    "Highmoor",
    "Southgate",
    "Oldbridge",
    "Stonehaven",
];
const MASTHEADS: &[&str] = &[
    "Herald",
    "Times",
    "Gazette",
    "Courier",
    "Post",
    "Tribune",
    "Observer",
    "Chronicle",
    "Daily",
    "Radio",
];
const ATTRIBUTIONS: &[&str] = &[
    "according to a leaked memo",
    "citing figures nobody has published",
    "a spokesperson told reporters",
    "according to a post shared widely online",
    "in a statement on Tuesday",
];
const EVIDENCE_SOURCES: &[&str] = &[
    "National Statistics Office",
    "State Audit Court",
    "Ministry of Finance",
    "Electoral Commission",
    "Port Authority",
    "Meteorological Institute",
    "Public Health Agency",
    "Court records",
    "Open Budget Initiative",
    "Satellite imagery analysts",
];
const RATIONALES: &[&str] = &[
    "Records show a different number for the same period.",
    "The agency's own figures are a fraction of the number claimed.",
    "No such decision appears in the published minutes.",
    "The quoted report does not exist.",
];
