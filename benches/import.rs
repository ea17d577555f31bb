//! Import benchmark: `factdesk import` of a 1,000,000-claim JSONL file, against a floor — a bare
//! rusqlite loop inserting the same claim rows with the same full-text index — each measured as a
//! whole process (wall clock from spawn to exit, and peak resident memory).
//!
//! Run it with `cargo bench --bench import` (release build). It
//!
//! 1. writes a JSONL file of claims with serde_json, from a fixed xorshift seed so every run
//!    writes the same file: UUID v4 ids, 10–20 words of news-like text ending in a unique report
//!    number, one of 2,000 claimants (skewed: a few say most things), one of 100 outlets as
//!    `reported_by` on ~80% of lines, stance 85% asserts / 10% denies / 5% questions, a date on
//!    ~90%, a url on ~40%, 0–3 tags, one `evidence` item on ~2% of lines and a `refuted`
//!    `verdict` on ~1%;
//! 2. creates three stores with the real binary (`factdesk --db PATH init`), so all have the real
//!    schema: the claims table with all its indexes and the `claims_fts` FTS5 index;
//! 3. times the floor — this same executable re-run with `--floor-import DB FILE`, which opens the
//!    first store with rusqlite (default pragmas), reads the file line by line with serde_json
//!    into a small struct and, in one transaction with prepared statements, inserts each claim
//!    row into `claims` (its claimant and reporter looked up in a `HashMap`, inserted into
//!    `sources` on first sight) and its row into `claims_fts`. It writes no events, evidence,
//!    tags or verdicts: it is the floor for "the same rows with the same full-text index".
//!    As a reference only (not the floor), the same loop runs again on a third store with the
//!    page cache `factdesk import` gives itself (`cache_size` = 128 MiB);
//! 4. times `factdesk --db PATH --as bench import FILE` into the second store, then checks it
//!    (`count(*)` of claims equals the number of lines, `PRAGMA integrity_check` is `ok`, a
//!    full-text search finds every claim), and times importing the same file again into it (it
//!    must add nothing);
//! 5. prints a Markdown table (seconds, claims/s, peak RSS, CPU time, rate ÷ floor rate) and
//!    whether each target is met: ≥ 50,000 claims/s, ≥ 0.5× the floor's rate, peak RSS < 200 MB.
//!
//! Each process runs under `/usr/bin/time -f "%e %M %U %S"` (GNU time), whose `%M` is the peak
//! RSS (`ru_maxrss`) of the process and `%U %S` its CPU time; the wall clock is taken by this
//! program around it. Without `/usr/bin/time`, the peak is read by polling `VmHWM` in
//! `/proc/PID/status` while the process runs (which can miss growth in the last few
//! milliseconds), CPU time is not shown, and the output says so.
//!
//! Environment:
//! - `FACTDESK_BENCH_CLAIMS`: lines in the file (default 1,000,000; e.g. 20000 for a quick run);
//! - `FACTDESK_BENCH_DIR`: where the temporary directory holding the file and the stores is made
//!   (default: the system temp dir); `FACTDESK_BENCH_KEEP=1` keeps it afterwards.

// This is a benchmark's `main` (harness = false): printing the results is its whole job, so the
// crate-wide `print_stdout`/`print_stderr` warnings do not apply here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::jsonl::write_jsonl;
use common::meter::{GNU_TIME, Measured, Meter};
use common::*;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use rusqlite::{Connection, params};
use serde::Deserialize;

/// The argument that turns this executable into the floor program.
const FLOOR_FLAG: &str = "--floor-import";
/// The page cache `factdesk import` sets for itself (`IMPORT_CACHE_KIB` in
/// `src/store/import.rs`), given to the reference run of the floor loop.
const IMPORT_CACHE_KIB: i64 = 128 * 1024;

/// The targets, from the issue.
const TARGET_RATE: f64 = 50_000.0;
const TARGET_FLOOR_RATIO: f64 = 0.5;
const TARGET_PEAK_MB: f64 = 200.0;

fn main() -> ExitCode {
    // The floor must do nothing but its inserts, so it is checked before anything else.
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(OsStr::new(FLOOR_FLAG)) {
        let (Some(db), Some(file)) = (args.next(), args.next()) else {
            eprintln!("usage: {FLOOR_FLAG} DB FILE [CACHE_KIB]");
            return ExitCode::from(2);
        };
        let cache_kib = match args.next().map(|c| c.to_string_lossy().parse::<i64>()) {
            None => None,
            Some(Ok(kib)) => Some(kib),
            Some(Err(e)) => {
                eprintln!("{FLOOR_FLAG}: CACHE_KIB: {e}");
                return ExitCode::from(2);
            }
        };
        return match floor_import(Path::new(&db), Path::new(&file), cache_kib) {
            Ok(n) => {
                println!("{n}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("floor import failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("import bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The fields of a JSONL line the floor writes; the rest (tags, evidence, verdict) are skipped.
#[derive(Deserialize)]
struct FloorClaim {
    id: String,
    text: String,
    claimant: Option<String>,
    reported_by: Option<String>,
    stance: Option<String>,
    date: Option<String>,
    url: Option<String>,
    quote: Option<String>,
}

/// The floor: a bare rusqlite loop writing the file's claims and their full-text rows, in one
/// transaction, with default pragmas — or, for the reference row only, with a page cache of
/// `cache_kib` KiB. Returns the number of claims written.
fn floor_import(db: &Path, file: &Path, cache_kib: Option<i64>) -> BenchResult<u64> {
    let mut conn = Connection::open(db)?;
    if let Some(kib) = cache_kib {
        conn.pragma_update(None, "cache_size", -kib)?;
    }
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let mut input = BufReader::with_capacity(1 << 16, File::open(file)?);
    let mut line = String::new();
    let mut written = 0;
    let tx = conn.transaction()?;
    {
        let mut ins_source = tx.prepare(
            "INSERT INTO sources (id, name, name_key, kind, created_at, created_by)
             VALUES (?1, ?2, ?3, 'other', ?4, 'bench')",
        )?;
        let mut ins_claim = tx.prepare(
            "INSERT INTO claims (id, text, claimant_pk, reported_by_pk, stance, url, quote,
                                 claim_date, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'bench')",
        )?;
        let mut ins_fts = tx.prepare("INSERT INTO claims_fts (rowid, text) VALUES (?1, ?2)")?;
        let mut sources: HashMap<String, i64> = HashMap::new();
        let mut source_pk = |name: Option<&str>| -> rusqlite::Result<Option<i64>> {
            let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
                return Ok(None);
            };
            let key = name.to_lowercase();
            if let Some(pk) = sources.get(&key) {
                return Ok(Some(*pk));
            }
            let pk =
                ins_source.insert(params![uuid::Uuid::new_v4().to_string(), name, key, now])?;
            sources.insert(key, pk);
            Ok(Some(pk))
        };
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                break;
            }
            if line.trim().is_empty() {
                continue;
            }
            let claim: FloorClaim = serde_json::from_str(&line)?;
            let claimant = source_pk(claim.claimant.as_deref())?;
            let reported_by = source_pk(claim.reported_by.as_deref())?;
            let pk = ins_claim.insert(params![
                claim.id,
                claim.text,
                claimant,
                reported_by,
                claim.stance.as_deref().unwrap_or("asserts"),
                claim.url,
                claim.quote,
                claim.date,
                now
            ])?;
            ins_fts.execute(params![pk, claim.text])?;
            written += 1;
        }
    }
    tx.commit()?;
    Ok(written)
}

fn bench() -> BenchResult<()> {
    let claims = env_count("FACTDESK_BENCH_CLAIMS", 1_000_000)?.max(1);
    let keep = keep_files();
    let dir = bench_dir("factdesk-import-bench-")?;
    let file = dir.path().join("claims.jsonl");
    let import_db = dir.path().join("import.db");
    let floor_db = dir.path().join("floor.db");
    let reference_db = dir.path().join("reference.db");
    let meter = Meter::detect(dir.path());
    eprintln!("import bench: {claims} claims in {}", dir.path().display());
    if let Meter::PollVmHwm = meter {
        eprintln!(
            "note: {GNU_TIME} is not usable here; peak RSS comes from polling VmHWM in \
             /proc/PID/status, which can miss the last few milliseconds of growth"
        );
    }

    // 1. The file.
    let started = Instant::now();
    let shape = write_jsonl(&file, claims)?;
    let file_bytes = std::fs::metadata(&file)?.len();
    eprintln!(
        "wrote {} ({:.0} MB) in {:.1} s: {shape}",
        file.display(),
        file_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // 2. Two fresh stores, made by the real binary.
    for db in [&floor_db, &reference_db, &import_db] {
        let init = factdesk(db).arg("init").output()?;
        if !init.status.success() {
            return Err(format!(
                "factdesk init failed: {}",
                String::from_utf8_lossy(&init.stderr)
            )
            .into());
        }
    }

    // 3. The floor, then 4. the import and the re-import, each a whole process.
    eprintln!("floor: bare rusqlite loop…");
    let mut floor_cmd = Command::new(std::env::current_exe()?);
    floor_cmd.arg(FLOOR_FLAG).arg(&floor_db).arg(&file);
    let floor = meter.run(floor_cmd, dir.path())?;
    let floor_written: u64 = floor.stdout.trim().parse()?;
    if floor_written != claims as u64 {
        return Err(format!("the floor wrote {floor_written} claims, not {claims}").into());
    }
    let floor_bytes = store_size(&floor_db);

    eprintln!("reference: the same loop with the import's page cache…");
    let mut reference_cmd = Command::new(std::env::current_exe()?);
    reference_cmd
        .arg(FLOOR_FLAG)
        .arg(&reference_db)
        .arg(&file)
        .arg(IMPORT_CACHE_KIB.to_string());
    let reference = meter.run(reference_cmd, dir.path())?;
    if reference.stdout.trim() != floor.stdout.trim() {
        return Err(format!("the reference run wrote {}", reference.stdout.trim()).into());
    }
    std::fs::remove_file(&reference_db)?;

    eprintln!("factdesk import…");
    let mut import_cmd = factdesk(&import_db);
    import_cmd.args(["--as", "bench", "import"]).arg(&file);
    let import = meter.run(import_cmd, dir.path())?;
    let import_bytes = store_size(&import_db);

    eprintln!("checking the imported store…");
    let (count, integrity, fts_rows) = {
        let conn = Connection::open(&import_db)?;
        let count: i64 = conn.query_row("SELECT count(*) FROM claims", [], |r| r.get(0))?;
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let fts_rows: i64 = conn.query_row(
            "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'report'",
            [],
            |r| r.get(0),
        )?;
        (count, integrity, fts_rows)
    };
    if count != claims as i64 || integrity != "ok" || fts_rows != claims as i64 {
        return Err(format!(
            "the imported store is wrong: {count} claims (expected {claims}), integrity_check \
             says {integrity:?}, {fts_rows} claims found by full-text search for 'report'"
        )
        .into());
    }

    eprintln!("factdesk import again (idempotent)…");
    let mut again_cmd = factdesk(&import_db);
    again_cmd.args(["--as", "bench", "import"]).arg(&file);
    let again = meter.run(again_cmd, dir.path())?;
    let count_after: i64 =
        Connection::open(&import_db)?.query_row("SELECT count(*) FROM claims", [], |r| r.get(0))?;
    if !again.stdout.contains(": 0 claims added") || count_after != count {
        return Err(format!(
            "the re-import added something ({count_after} claims now): {}",
            again.stdout.trim()
        )
        .into());
    }

    // 5. The results.
    let rate = |m: &Measured| claims as f64 / m.wall.as_secs_f64();
    let ratio = rate(&import) / rate(&floor);
    println!();
    println!(
        "File: {claims} claims, {:.0} MB of JSONL ({shape})",
        file_bytes as f64 / 1e6
    );
    println!("{}", machine_line());
    println!(
        "Each row: one whole process, wall clock from spawn to exit; peak RSS {}.",
        meter.describe()
    );
    println!("Import said: {}", import.stdout.trim());
    println!(
        "Stores on disk: floor {:.0} MB, import {:.0} MB. Imported store: {count} claims, \
         integrity_check ok.",
        floor_bytes as f64 / 1e6,
        import_bytes as f64 / 1e6
    );
    println!();
    println!(
        "| operation | seconds | claims/s | peak RSS MB | CPU s (user + sys) | rate ÷ floor rate |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (label, m) in [
        ("`factdesk import` (real binary, fresh store)", &import),
        (
            "floor: bare rusqlite loop, claims + `claims_fts` rows only (own process)",
            &floor,
        ),
        ("`factdesk import` again, same file (0 added)", &again),
        (
            "reference: the floor loop with `cache_size` = 128 MiB, as the import sets it",
            &reference,
        ),
    ] {
        println!(
            "| {label} | {:.2} | {} | {} | {} | {:.2}× |",
            m.wall.as_secs_f64(),
            thousands(rate(m).round() as u64),
            m.peak_mb()
                .map_or_else(|| "—".to_string(), |mb| format!("{mb:.0}")),
            m.cpu_secs
                .map_or_else(|| "—".to_string(), |(u, s)| format!("{u:.1} + {s:.1}")),
            rate(m) / rate(&floor)
        );
    }
    println!();
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "Target: ≥ {} claims/s — {} claims/s: {}",
        thousands(TARGET_RATE as u64),
        thousands(rate(&import).round() as u64),
        verdict(rate(&import) >= TARGET_RATE)
    );
    println!(
        "Target: ≥ {TARGET_FLOOR_RATIO}× the floor's rate — {ratio:.2}× (floor {} claims/s): {}",
        thousands(rate(&floor).round() as u64),
        verdict(ratio >= TARGET_FLOOR_RATIO)
    );
    println!(
        "(For reading: the import's rate is {:.2}× the reference loop's, which has the same page \
         cache as the import.)",
        rate(&import) / rate(&reference)
    );
    match import.peak_mb() {
        Some(mb) => println!(
            "Target: peak RSS < {TARGET_PEAK_MB:.0} MB — {mb:.0} MB: {}",
            verdict(mb < TARGET_PEAK_MB)
        ),
        None => println!("Target: peak RSS < {TARGET_PEAK_MB:.0} MB — not measured"),
    }

    if keep {
        let kept = dir.keep();
        eprintln!("kept the file and the stores in {}", kept.display());
    }
    Ok(())
}
