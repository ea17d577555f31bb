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

use common::*;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

/// The real binary under test.
const FACTDESK: &str = env!("CARGO_BIN_EXE_factdesk");
/// The argument that turns this executable into the floor program.
const FLOOR_FLAG: &str = "--floor-import";
/// GNU time, for each process's peak RSS.
const GNU_TIME: &str = "/usr/bin/time";
/// The page cache `factdesk import` sets for itself (`IMPORT_CACHE_KIB` in
/// `src/store/import.rs`), given to the reference run of the floor loop.
const IMPORT_CACHE_KIB: i64 = 128 * 1024;

const CLAIMANTS: usize = FIRST_NAMES.len() * LAST_NAMES.len();
const OUTLETS: usize = TOWNS.len() * MASTHEADS.len();

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

/// `factdesk --db PATH`, with the environment that could change its behaviour removed.
fn factdesk(db: &Path) -> Command {
    let mut cmd = Command::new(FACTDESK);
    cmd.arg("--db").arg(db);
    for var in ["FACTDESK_DB", "FACTDESK_USER", "FACTDESK_NOW"] {
        cmd.env_remove(var);
    }
    cmd
}

/// One measured process.
struct Measured {
    wall: Duration,
    peak_kib: Option<u64>,
    /// User and system CPU seconds, when GNU time measured the process.
    cpu_secs: Option<(f64, f64)>,
    stdout: String,
}

impl Measured {
    /// Peak RSS in MB (10^6 bytes).
    fn peak_mb(&self) -> Option<f64> {
        self.peak_kib.map(|kib| kib as f64 * 1024.0 / 1e6)
    }
}

/// How peak memory is measured.
enum Meter {
    /// `/usr/bin/time -f "%e %M %U %S"`: the kernel's `ru_maxrss` for the process, exact.
    GnuTime,
    /// Polling `VmHWM` in `/proc/PID/status` every few milliseconds.
    PollVmHwm,
}

impl Meter {
    /// GNU time if it is there and understands `-o`/`-f`; else polling.
    fn detect(dir: &Path) -> Meter {
        let out = dir.join("time-probe.txt");
        let works = Command::new(GNU_TIME)
            .arg("-o")
            .arg(&out)
            .args(["-f", "%e %M %U %S", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            && std::fs::read_to_string(&out).is_ok_and(|s| parse_time_output(&s).is_some());
        let _ = std::fs::remove_file(&out);
        if works {
            Meter::GnuTime
        } else {
            Meter::PollVmHwm
        }
    }

    fn describe(&self) -> String {
        match self {
            Meter::GnuTime => {
                format!("from `{GNU_TIME} -f \"%e %M %U %S\"` (ru_maxrss; CPU from %U %S)")
            }
            Meter::PollVmHwm => "from polling VmHWM in /proc/PID/status every 5 ms".into(),
        }
    }

    /// Runs `cmd` to completion (stdout captured, stderr captured and shown on failure), timing
    /// it from spawn to exit and measuring its peak RSS.
    fn run(&self, cmd: Command, dir: &Path) -> BenchResult<Measured> {
        let report = dir.join("time-report.txt");
        let mut run = match self {
            Meter::GnuTime => {
                let mut wrapped = Command::new(GNU_TIME);
                wrapped.arg("-o").arg(&report).args(["-f", "%e %M %U %S"]);
                wrapped.arg(cmd.get_program()).args(cmd.get_args());
                for (key, value) in cmd.get_envs() {
                    match value {
                        Some(v) => wrapped.env(key, v),
                        None => wrapped.env_remove(key),
                    };
                }
                wrapped
            }
            Meter::PollVmHwm => cmd,
        };
        run.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let described = describe_command(&run);
        let started = Instant::now();
        let child = run.spawn()?;
        let (out, polled) = match self {
            Meter::GnuTime => (child.wait_with_output()?, None),
            Meter::PollVmHwm => {
                let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
                let (done, peak) = std::thread::scope(|s| {
                    let waiter = s.spawn(|| child.wait_with_output());
                    let mut peak = None;
                    while !waiter.is_finished() {
                        if let Some(kib) = vm_hwm_kib(&status_file) {
                            peak = Some(peak.map_or(kib, |p: u64| p.max(kib)));
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    (waiter.join().expect("waiter thread"), peak)
                });
                (done?, peak)
            }
        };
        let wall = started.elapsed();
        if !out.status.success() {
            return Err(format!(
                "{described} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let (peak_kib, cpu_secs) = match self {
            Meter::GnuTime => {
                let text = std::fs::read_to_string(&report)?;
                let _ = std::fs::remove_file(&report);
                let (kib, user, sys) = parse_time_output(&text)
                    .ok_or_else(|| format!("cannot read {GNU_TIME}'s output: {text:?}"))?;
                (Some(kib), Some((user, sys)))
            }
            Meter::PollVmHwm => (polled, None),
        };
        Ok(Measured {
            wall,
            peak_kib,
            cpu_secs,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        })
    }
}

/// The last line of GNU time's report, `"%e %M %U %S"`: peak RSS in KiB, user and system CPU
/// seconds (its own elapsed time is coarser than ours, so it is only checked for shape).
fn parse_time_output(text: &str) -> Option<(u64, f64, f64)> {
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut fields = line.split_whitespace();
    let _elapsed: f64 = fields.next()?.parse().ok()?;
    let kib = fields.next()?.parse().ok()?;
    let user = fields.next()?.parse().ok()?;
    let sys = fields.next()?.parse().ok()?;
    Some((kib, user, sys))
}

/// `VmHWM` (peak RSS so far, KiB) of a running process.
fn vm_hwm_kib(status_file: &Path) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn describe_command(cmd: &Command) -> String {
    let mut parts: Vec<OsString> = vec![cmd.get_program().to_owned()];
    parts.extend(cmd.get_args().map(OsStr::to_owned));
    parts
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 1234567 as "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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
struct Shape {
    with_reporter: u64,
    with_date: u64,
    with_url: u64,
    tags: u64,
    evidence: u64,
    verdicts: u64,
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

/// Writes `claims` lines of JSONL to `path`.
fn write_jsonl(path: &Path, claims: usize) -> BenchResult<Shape> {
    let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
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
            text: claim_text(&mut rng, i + 1),
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
