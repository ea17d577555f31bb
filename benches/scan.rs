//! Scan benchmark: `factdesk link scan`, every pair of claims the linker relates, timed as a
//! whole process of the real binary against a floor measured in the same run.
//!
//! Run it with `cargo bench --bench scan` (release build). It
//!
//! 1. builds a store of 20,000 real claims with the real binary (`factdesk init`, then
//!    `factdesk import` of a JSONL file written here) from the CLEF CheckThat! 2022 Task 2A
//!    (English) data in `../shared/data/checkthat2022-2a-en` (or `FACTDESK_CHECKTHAT`): the
//!    14,231 fact-checked claims (with the Snopes article's title and subtitle as context
//!    evidence, and their date), then the 1,398 tweets of the query files, then, to make up the
//!    number, the articles' subtitles as claims by "Snopes" (many restate their claim, so the
//!    scan has duplicates to find). Without the data the bench says so and exits 0; the data is
//!    only read, never copied anywhere but the temporary directory;
//! 2. times `factdesk link scan --all --format json` on it (the default `--min-score`, 0.5),
//!    against a floor: this executable re-run with `--floor-fts DB [SINCE]`, which opens the
//!    store with rusqlite and, for each claim the scan compares, builds the same full-text
//!    queries the store builds (`factdesk::linker::analyze`, the terms' claim counts from
//!    `claims_fts_vocab`, the rarer terms OR-ed, the commonest three AND-ed when those find too
//!    few) and reads the best `CANDIDATES` rows of each — the retrieval alone: no re-ranking, no
//!    pairs, no output;
//! 3. builds a store of 1,000,000 generated claims (`common::jsonl`, the import bench's file)
//!    with one `factdesk import`, then imports 1,000 new claims (another seed, other report
//!    numbers, the same claimants and vocabulary) and times `factdesk link scan --since T --all
//!    --format json`, T the time between the two imports, against the same floor for those
//!    1,000 claims;
//! 4. prints a Markdown table (median of the runs, peak RSS, the pairs found) and whether each
//!    target is met: the 20,000-claim scan under 20 s, the 1,000 new claims against the
//!    1,000,000-claim store under 30 s.
//!
//! Each process runs under `/usr/bin/time -f "%e %M %U %S"` when it is usable
//! (`common::meter`); the wall clock is taken by this program around it.
//!
//! Environment:
//! - `FACTDESK_BENCH_SCAN_CLAIMS`: claims in the real-data store (default 20,000);
//! - `FACTDESK_BENCH_CLAIMS`: claims in the large store (default 1,000,000; 0 leaves that part
//!   out); `FACTDESK_BENCH_NEW_CLAIMS`: the claims imported after it (default 1,000);
//! - `FACTDESK_BENCH_RUNS`: timed runs of each scan and floor, interleaved (default 3);
//! - `FACTDESK_BENCH_DIR`: where the temporary directory is made (default: the system temp
//!   dir); `FACTDESK_BENCH_KEEP=1` keeps it afterwards.

// This is a benchmark's `main` (harness = false): printing the results is its whole job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::jsonl::{write_jsonl, write_jsonl_from};
use common::meter::{Measured, Meter};
use common::*;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use factdesk::linker;
use factdesk::store::{CANDIDATES, COMMON_TERM_CLAIMS, KEPT_TERMS};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Value, json};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The argument that turns this executable into the floor program.
const FLOOR_FLAG: &str = "--floor-fts";
/// The targets, from the issue (seconds).
const TARGET_FULL: f64 = 20.0;
const TARGET_SINCE: f64 = 30.0;

fn main() -> ExitCode {
    // The floor must do nothing but its queries, so it is checked before anything else.
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(OsStr::new(FLOOR_FLAG)) {
        let Some(db) = args.next() else {
            eprintln!("usage: {FLOOR_FLAG} DB [SINCE]");
            return ExitCode::from(2);
        };
        let since = args.next().map(|s| s.to_string_lossy().into_owned());
        return match floor_fts(Path::new(&db), since.as_deref()) {
            Ok(rows) => {
                println!("{rows}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("floor failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scan bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The floor: the full-text queries the scan's retrieval runs, for the claims it compares
/// (logged since `since`, or all), and nothing else. Returns the number of rows read.
fn floor_fts(db: &Path, since: Option<&str>) -> BenchResult<u64> {
    let conn = Connection::open(db)?;
    let mut claims = conn.prepare(
        "SELECT pk, text FROM claims
         WHERE ?1 IS NULL OR coalesce(logged_at, created_at) >= ?1 ORDER BY pk",
    )?;
    let claims: Vec<(i64, String)> = claims
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut vocab = conn.prepare("SELECT doc FROM claims_fts_vocab WHERE term = ?1")?;
    let mut search = conn.prepare(
        "SELECT c.pk, -claims_fts.rank FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid
         WHERE claims_fts MATCH ?1 ORDER BY claims_fts.rank LIMIT ?2",
    )?;
    let mut rows = 0;
    let mut run = |fts: String| -> rusqlite::Result<usize> {
        let fts = format!("{{text search_context}} : ({fts})");
        let found = search
            .query_map(rusqlite::params![fts, (CANDIDATES + 1) as i64], |r| {
                r.get::<_, i64>(0)
            })?
            .count();
        Ok(found)
    };
    for (_, text) in &claims {
        let analyzed = linker::analyze(text);
        let mut counted = Vec::new();
        for term in linker::search_terms(&analyzed) {
            let docs: Option<i64> = vocab
                .query_row([linker::stem(&term)], |r| r.get(0))
                .optional()?;
            counted.push((docs.unwrap_or(1), format!("\"{term}\"")));
        }
        counted.sort();
        let (rare, common): (Vec<_>, Vec<_>) = counted
            .into_iter()
            .partition(|(docs, _)| *docs <= COMMON_TERM_CLAIMS);
        let mut found = 0;
        if !rare.is_empty() {
            let any: Vec<String> = rare.into_iter().map(|(_, t)| t).collect();
            found = run(any.join(" OR "))?;
        }
        if found < CANDIDATES && !common.is_empty() {
            let all: Vec<String> = common
                .into_iter()
                .take(KEPT_TERMS)
                .map(|(_, t)| t)
                .collect();
            found += run(all.join(" AND "))?;
        }
        rows += found as u64;
    }
    Ok(rows)
}

/// The query files' tweets, in file order (the header line skipped).
const QUERY_FILES: &[&str] = &[
    "CT2022-Task2A-EN-Train-Dev_Queries.tsv",
    "CT2022-Task2A-EN-Dev-Test_Queries.tsv",
];

/// Writes `wanted` claims from the CheckThat! data as factdesk's JSONL; returns how many.
fn write_checkthat(data: &Path, out: &Path, wanted: usize) -> BenchResult<usize> {
    let mut file = BufWriter::new(std::fs::File::create(out)?);
    let mut written = 0;
    // The store keeps one claim per claimant and text: a repeat would not make up the number.
    let mut seen = std::collections::HashSet::new();
    let mut write = |record: Value| -> BenchResult<bool> {
        if written >= wanted {
            return Ok(false);
        }
        if !seen.insert((record["claimant"].to_string(), record["text"].to_string())) {
            return Ok(true);
        }
        writeln!(file, "{record}")?;
        written += 1;
        Ok(true)
    };
    let mut subtitles = Vec::new();
    for line in BufReader::new(std::fs::File::open(data.join("vclaims.jsonl"))?).lines() {
        let v: Value = serde_json::from_str(&line?)?;
        let text = |k: &str| v[k].as_str().unwrap_or_default().trim().to_string();
        let mut record = common::checkthat::vclaim_record(&v);
        if let Ok(date) = chrono::NaiveDate::parse_from_str(&text("date"), "%d %B %Y") {
            record["date"] = json!(date.format("%Y-%m-%d").to_string());
        }
        if !text("subtitle").is_empty() && text("subtitle") != text("vclaim") {
            subtitles.push((text("subtitle"), text("vclaim_id")));
        }
        if !write(record)? {
            break;
        }
    }
    for name in QUERY_FILES {
        for line in BufReader::new(std::fs::File::open(data.join(name))?)
            .lines()
            .skip(1)
        {
            let line = line?;
            if let Some((_, tweet)) = line.split_once('\t')
                && !tweet.trim().is_empty()
                && !write(json!({ "text": tweet.trim(), "tags": ["tweet"] }))?
            {
                break;
            }
        }
    }
    for (subtitle, id) in subtitles {
        if !write(json!({ "text": subtitle, "claimant": "Snopes", "tags": [id] }))? {
            break;
        }
    }
    file.flush()?;
    Ok(written)
}

/// A store made by `factdesk init` and filled by `factdesk import` of each file in turn;
/// returns how long each import took.
fn build_store(db: &Path, files: &[&Path]) -> BenchResult<Vec<Duration>> {
    common::output_text(db, &["init"])?;
    let mut took = Vec::new();
    for file in files {
        let started = Instant::now();
        common::output_text(db, &["--as", "bench", "import", &file.to_string_lossy()])?;
        took.push(started.elapsed());
    }
    Ok(took)
}

fn count(db: &Path, sql: &str) -> BenchResult<i64> {
    Ok(Connection::open(db)?.query_row(sql, [], |r| r.get(0))?)
}

/// The runs of one workload: the scan and its floor, interleaved.
struct Workload {
    label: String,
    compared: i64,
    store: i64,
    scans: Vec<Measured>,
    floors: Vec<Measured>,
    target: f64,
}

fn median(mut secs: Vec<f64>) -> f64 {
    secs.sort_by(f64::total_cmp);
    let n = secs.len();
    if n % 2 == 1 {
        secs[n / 2]
    } else {
        (secs[n / 2 - 1] + secs[n / 2]) / 2.0
    }
}

impl Workload {
    fn scan_secs(&self) -> f64 {
        median(self.scans.iter().map(|m| m.wall.as_secs_f64()).collect())
    }
    fn floor_secs(&self) -> f64 {
        median(self.floors.iter().map(|m| m.wall.as_secs_f64()).collect())
    }
    fn peak_mb(&self) -> String {
        self.scans
            .iter()
            .filter_map(Measured::peak_mb)
            .reduce(f64::max)
            .map_or_else(|| "—".into(), |mb| format!("{mb:.0}"))
    }
    /// The pairs the last scan listed, by relation.
    fn pairs(&self) -> BenchResult<String> {
        let last = self.scans.last().ok_or("no scan ran")?;
        let pairs: Value = serde_json::from_str(&last.stdout)?;
        let pairs = pairs.as_array().ok_or("link scan did not print a list")?;
        let mut by_relation: BTreeMap<String, usize> = BTreeMap::new();
        for pair in pairs {
            *by_relation
                .entry(pair["relation"].as_str().unwrap_or("?").to_string())
                .or_default() += 1;
        }
        let parts: Vec<String> = by_relation
            .iter()
            .map(|(relation, n)| format!("{n} {relation}"))
            .collect();
        Ok(format!("{} ({})", pairs.len(), parts.join(", ")))
    }
}

/// Times the scan (`args` after `--db DB`) and the floor (`--floor-fts DB [SINCE]`), `runs`
/// times each, alternating which goes first.
fn measure(
    meter: &Meter,
    dir: &Path,
    db: &Path,
    args: &[&str],
    since: Option<&str>,
    runs: usize,
) -> BenchResult<(Vec<Measured>, Vec<Measured>)> {
    let (mut scans, mut floors) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let mut scan = factdesk(db);
        scan.args(args);
        let mut floor = Command::new(std::env::current_exe()?);
        floor.arg(FLOOR_FLAG).arg(db);
        if let Some(since) = since {
            floor.arg(since);
        }
        if i % 2 == 0 {
            scans.push(meter.run(scan, dir)?);
            floors.push(meter.run(floor, dir)?);
        } else {
            floors.push(meter.run(floor, dir)?);
            scans.push(meter.run(scan, dir)?);
        }
        eprintln!(
            "  run {}: scan {:.2} s, floor {:.2} s",
            i + 1,
            scans[i].wall.as_secs_f64(),
            floors[i].wall.as_secs_f64()
        );
    }
    Ok((scans, floors))
}

fn bench() -> BenchResult<()> {
    let data = common::checkthat::data_dir();
    if !data.join("vclaims.jsonl").exists() {
        println!(
            "scan bench: the CheckThat! data is not at {} (set FACTDESK_CHECKTHAT to its folder); \
             nothing measured",
            data.display()
        );
        return Ok(());
    }
    let real_claims = env_count("FACTDESK_BENCH_SCAN_CLAIMS", 20_000)?.max(1);
    let big_claims = env_count("FACTDESK_BENCH_CLAIMS", 1_000_000)?;
    let new_claims = env_count("FACTDESK_BENCH_NEW_CLAIMS", 1_000)?.max(1);
    let runs = env_count("FACTDESK_BENCH_RUNS", 3)?.max(1);
    let keep = keep_files();
    let dir = bench_dir("factdesk-scan-")?;
    let meter = Meter::detect(dir.path());
    let mut workloads = Vec::new();

    // 1–2. The real-data store, scanned whole.
    let file = dir.path().join("checkthat.jsonl");
    let written = write_checkthat(&data, &file, real_claims)?;
    let db = dir.path().join("checkthat.db");
    let took = build_store(&db, &[&file])?;
    let store = count(&db, "SELECT count(*) FROM claims")?;
    eprintln!(
        "scan bench: {written} CheckThat! claims written, {store} in the store (imported in {:.1} s)",
        took[0].as_secs_f64()
    );
    let (scans, floors) = measure(
        &meter,
        dir.path(),
        &db,
        &["--format", "json", "link", "scan", "--all"],
        None,
        runs,
    )?;
    workloads.push(Workload {
        label: format!(
            "`link scan --all`, {} CheckThat! claims",
            thousands(store as u64)
        ),
        compared: store,
        store,
        scans,
        floors,
        target: TARGET_FULL,
    });

    // 3. The large generated store, and the claims imported after it.
    if big_claims > 0 {
        let big = dir.path().join("claims.jsonl");
        write_jsonl(&big, big_claims)?;
        let new = dir.path().join("new.jsonl");
        write_jsonl_from(&new, new_claims, 0xD1B5_4A32_D192_ED03, big_claims + 1)?;
        let db = dir.path().join("large.db");
        let started = Instant::now();
        let took = build_store(&db, &[&big])?;
        // The new claims are logged after this moment, the old ones before it.
        std::thread::sleep(Duration::from_millis(5));
        let since = chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        std::thread::sleep(Duration::from_millis(5));
        let started_new = Instant::now();
        common::output_text(&db, &["--as", "bench", "import", &new.to_string_lossy()])?;
        eprintln!(
            "scan bench: large store built in {:.1} s (import of {} claims {:.1} s, then {} new \
             claims {:.1} s)",
            started.elapsed().as_secs_f64(),
            thousands(big_claims as u64),
            took[0].as_secs_f64(),
            thousands(new_claims as u64),
            started_new.elapsed().as_secs_f64()
        );
        let store = count(&db, "SELECT count(*) FROM claims")?;
        let compared = Connection::open(&db)?.query_row(
            "SELECT count(*) FROM claims WHERE coalesce(logged_at, created_at) >= ?1",
            [&since],
            |r| r.get(0),
        )?;
        let (scans, floors) = measure(
            &meter,
            dir.path(),
            &db,
            &[
                "--format", "json", "link", "scan", "--since", &since, "--all",
            ],
            Some(&since),
            runs,
        )?;
        workloads.push(Workload {
            label: format!(
                "`link scan --since T --all`, {} new claims against {} claims",
                thousands(compared as u64),
                thousands(store as u64)
            ),
            compared,
            store,
            scans,
            floors,
            target: TARGET_SINCE,
        });
    }

    // 4. The results.
    println!();
    println!("{}", machine_line());
    println!(
        "Each row: {runs} runs of the scan and {runs} of its floor, interleaved, each a whole \
         process (spawn to exit); peak RSS {}.",
        meter.describe()
    );
    println!(
        "Floor: the same full-text queries for the same claims (rusqlite, in one process), no \
         re-ranking, no pairs."
    );
    println!();
    println!(
        "| workload | claims compared | store claims | pairs found | scan median s | floor median s | scan ÷ floor | scan peak RSS MB |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|---:|");
    for w in &workloads {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2}× | {} |",
            w.label,
            thousands(w.compared as u64),
            thousands(w.store as u64),
            w.pairs()?,
            w.scan_secs(),
            w.floor_secs(),
            w.scan_secs() / w.floor_secs(),
            w.peak_mb()
        );
    }
    println!();
    for w in &workloads {
        let secs = w.scan_secs();
        println!(
            "Target: {} under {:.0} s — median {secs:.2} s: {}",
            w.label,
            w.target,
            if secs < w.target { "met" } else { "MISSED" }
        );
    }
    if keep {
        let kept = dir.keep();
        eprintln!("kept the stores in {}", kept.display());
    }
    Ok(())
}
