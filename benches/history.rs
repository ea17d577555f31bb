//! History benchmark: moving and reading the event log of a store holding ~1,000,000 events —
//! `export --events` and `import` of the event bundle, each against a floor; reports on the store
//! as it stood at a past moment (`--as-of`); and `verify` — each measured as a whole process of
//! the real binary (wall clock from spawn to exit, peak resident memory, CPU time).
//!
//! Run it with `cargo bench --bench history` (release build). It
//!
//! 1. builds the store with the real code path: it writes the import bench's claims file
//!    (`common::jsonl`, 1,000,000 claims by default), splits it into batches and runs
//!    `factdesk --as bench import` on each in turn, into a store made by `factdesk init`. One
//!    import stamps all its events with one time, so the batches are what give the log distinct
//!    times: after a single import the whole log would be one instant, and `--as-of` its middle
//!    would be all of it. With the sources, evidence and verdicts the claims bring, the store
//!    holds slightly more events than claims;
//! 2. times `factdesk export --events --output bundle.jsonl` against a floor: this executable
//!    re-run with `--floor-export DB FILE`, which opens the store with rusqlite (default
//!    pragmas), reads every `events` row in `pk` order, writes each as one JSON line with
//!    serde_json and syncs the file, as `--output` does. Its lines are the bundle's, byte for
//!    byte (checked); it writes no header line. The bundle's header must be version 2
//!    (`factdesk::store::BUNDLE_VERSION`) with a `digest` equal to the one recomputed here from
//!    the event lines' hashes;
//! 3. times `factdesk import bundle.jsonl` into a freshly `init`ed store against a floor:
//!    `--floor-import-events DB FILE`, which reads the bundle line by line with serde_json and
//!    inserts each event row (id, at, author, action, record_kind, record_id, change, hash) into
//!    `events` in one transaction — no hash check, no replay, no tables rebuilt, no chain. While
//!    factdesk imports, a watcher polls the bundle's file position in `/proc/PID/fdinfo` to split
//!    its time into reading, checking and staging the events (until the file has been read to
//!    its end) and applying them to the store in batches. Meanwhile a colleague works in the
//!    same store: from a thread, once the import process is seen, `factdesk claim add "…"
//!    --claimant "Desk colleague" --quiet` runs every 0.5 s (start to start), each timed from
//!    spawn to exit with its exit status; the count, median, max and failures are printed. For
//!    reading the split, this process then parses every bundle line and recomputes its hash
//!    with `factdesk::history::event_hash`. Then it checks the imported store: it holds every
//!    bundle event (`via = 'bundle'`) and each claim the colleague added, `report disputed`
//!    (the default table, and `--all --format json`) prints exactly what the original store
//!    prints, and `verify` exits 0 (timed as well);
//! 4. times `report disputed --as-of T` on the original store, for T the time of the event in
//!    the middle of the log (`pk` order) and for T one second after the last event, with plain
//!    `report disputed` as the reference — `FACTDESK_BENCH_RUNS` runs of each, interleaved. The
//!    issue's target is a median under 2 s. As of after the last event, the report must print
//!    exactly what the plain report prints (checked);
//! 5. times `verify` on the original store (no slower than before);
//! 6. times a colleague's bundle into the original store: the colleague's own store is built by
//!    the real binary (`init`, then `import` of a claims file from another seed, 25 claims per
//!    1,000 of the main file's, whose ids and report numbers are new to the original store but
//!    whose claimants and outlets are the same), and exported with `export --events`. The same
//!    `factdesk import` of that bundle into an empty `init`ed store is its floor, in the same
//!    run. The original store's WAL is checkpointed (`PRAGMA wal_checkpoint(TRUNCATE)`) first;
//!    afterwards it must hold the bundle's events, and `verify` must exit 0 on it (timed);
//! 7. prints Markdown tables, and each target met or missed.
//!
//! Each process runs under `/usr/bin/time -f "%e %M %U %S"` (`common::meter`): its `%M` is the
//! peak RSS (`ru_maxrss`), `%U %S` its CPU time; the wall clock is taken by this program around
//! it. Without `/usr/bin/time`, the peak is read by polling `VmHWM` in `/proc/PID/status`, CPU
//! time is not shown, and the output says so.
//!
//! Environment:
//! - `FACTDESK_BENCH_CLAIMS`: claims in the file (default 1,000,000; e.g. 20000 for a quick run);
//! - `FACTDESK_BENCH_BATCHES`: how many imports build the store (default 20);
//! - `FACTDESK_BENCH_RUNS`: timed runs of each report (default 5);
//! - `FACTDESK_BENCH_COLLEAGUE=0`: no colleague writing during the bundle import (to time the
//!   import alone into an empty store, as before schema 5);
//! - `FACTDESK_BENCH_DIR`: where the temporary directory holding the files and the stores is
//!   made (default: the system temp dir); `FACTDESK_BENCH_KEEP=1` keeps it afterwards.

// This is a benchmark's `main` (harness = false): printing the results is its whole job, so the
// crate-wide `print_stdout`/`print_stderr` warnings do not apply here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::jsonl::{SEED, write_jsonl, write_jsonl_from};
use common::meter::{Measured, Meter};
use common::*;
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use factdesk::history::{EventContent, WireEvent, event_hash};
use factdesk::store::{BUNDLE_VERSION, BundleHeader};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// The argument that turns this executable into the export floor.
const FLOOR_EXPORT: &str = "--floor-export";
/// The argument that turns this executable into the import floor.
const FLOOR_IMPORT: &str = "--floor-import-events";
/// The target for `report disputed --as-of` on a 1,000,000-event store.
const TARGET_AS_OF_SECS: f64 = 2.0;
/// The target for importing a colleague's ~27,000-event bundle into the 1,000,000-event store.
const TARGET_SMALL_IMPORT_SECS: f64 = 5.0;
/// The target rate of the bundle import of the whole log, events per second.
const TARGET_IMPORT_RATE: f64 = 10_000.0;
/// How often the colleague adds a claim while the bundle is imported.
const COLLEAGUE_EVERY: Duration = Duration::from_millis(500);
/// The colleague's store: claims per 1,000 of the main store's (25,000 for 1,000,000).
const COLLEAGUE_PER_MILLE: usize = 25;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    // A floor must do nothing but its own work, so it is checked before anything else.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let floor: Option<fn(&Path, &Path) -> BenchResult<u64>> =
        match args.first().and_then(|a| a.to_str()) {
            Some(FLOOR_EXPORT) => Some(floor_export),
            Some(FLOOR_IMPORT) => Some(floor_import),
            _ => None,
        };
    if let Some(floor) = floor {
        let (Some(db), Some(file)) = (args.get(1), args.get(2)) else {
            eprintln!("usage: {} DB FILE", args[0].to_string_lossy());
            return ExitCode::from(2);
        };
        return match floor(Path::new(db), Path::new(file)) {
            Ok(n) => {
                println!("{n}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{} failed: {e}", args[0].to_string_lossy());
                ExitCode::FAILURE
            }
        };
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("history bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One event line of a bundle: factdesk's own `WireEvent`, whose serde form is the line.
type EventLine = WireEvent;

/// The export floor: every `events` row in `pk` order, one serde_json line each, then the file
/// synced. Returns how many lines it wrote.
fn floor_export(db: &Path, file: &Path) -> BenchResult<u64> {
    let conn = Connection::open(db)?;
    let mut out = BufWriter::with_capacity(1 << 16, File::create(file)?);
    let mut stmt = conn.prepare(
        "SELECT id, at, author, action, record_kind, record_id, change, hash
           FROM events ORDER BY pk",
    )?;
    let mut rows = stmt.query([])?;
    let mut written = 0;
    while let Some(row) = rows.next()? {
        let line = EventLine {
            id: row.get(0)?,
            at: row.get(1)?,
            author: row.get(2)?,
            action: row.get(3)?,
            record_kind: row.get(4)?,
            record_id: row.get(5)?,
            change: serde_json::from_str(row.get_ref(6)?.as_str()?)?,
            hash: row.get(7)?,
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
        written += 1;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(written)
}

/// The import floor: the bundle's event lines inserted as `events` rows into an initialised
/// store, in one transaction, with default pragmas. Returns how many rows it inserted.
fn floor_import(db: &Path, file: &Path) -> BenchResult<u64> {
    let mut conn = Connection::open(db)?;
    let mut input = BufReader::with_capacity(1 << 16, File::open(file)?);
    let mut line = String::new();
    input.read_line(&mut line)?; // the header
    let mut written = 0;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                break;
            }
            let event: EventLine = serde_json::from_str(&line)?;
            insert.execute(params![
                event.id,
                event.at,
                event.author,
                event.action,
                event.record_kind,
                event.record_id,
                event.change.to_string(),
                event.hash
            ])?;
            written += 1;
        }
    }
    tx.commit()?;
    Ok(written)
}

/// What building the store made.
struct Built {
    imports: usize,
    seconds: f64,
    file_bytes: u64,
    events: u64,
    by_action: String,
    disputed: i64,
}

fn bench() -> BenchResult<()> {
    let claims = env_count("FACTDESK_BENCH_CLAIMS", 1_000_000)?.max(1);
    let batches = env_count("FACTDESK_BENCH_BATCHES", 20)?.clamp(1, claims);
    let runs = env_count("FACTDESK_BENCH_RUNS", 5)?.max(1);
    let with_colleague = env_count("FACTDESK_BENCH_COLLEAGUE", 1)? != 0;
    let keep = keep_files();
    let dir = bench_dir("factdesk-history-bench-")?;
    let origin = dir.path().join("origin.db");
    let bundle = dir.path().join("bundle.jsonl");
    let floor_bundle = dir.path().join("floor-bundle.jsonl");
    let imported = dir.path().join("imported.db");
    let floor_db = dir.path().join("floor.db");
    let meter = Meter::detect(dir.path());
    eprintln!(
        "history bench: {claims} claims in {batches} imports, in {}",
        dir.path().display()
    );
    if let Meter::PollVmHwm = meter {
        eprintln!(
            "note: /usr/bin/time is not usable here; peak RSS comes from polling VmHWM in \
             /proc/PID/status, which can miss the last few milliseconds of growth"
        );
    }

    // 1. The store, through the real import.
    let built = build(dir.path(), &origin, claims, batches, &meter)?;
    let events = built.events;
    eprintln!(
        "built the store in {:.1} s: {events} events ({})",
        built.seconds, built.by_action
    );
    let origin_bytes = store_size(&origin);
    let (mid_at, after_last, events_to_mid) = {
        let conn = Connection::open(&origin)?;
        let mid_at: String = conn.query_row(
            "SELECT at FROM events ORDER BY pk LIMIT 1 OFFSET ?1",
            [(events as i64 - 1) / 2],
            |r| r.get(0),
        )?;
        let last_at: String = conn.query_row("SELECT max(at) FROM events", [], |r| r.get(0))?;
        let after_last = (chrono::DateTime::parse_from_rfc3339(&last_at)?
            + chrono::Duration::seconds(1))
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
        let to_mid: i64 = conn.query_row(
            "SELECT count(*) FROM events WHERE at <= ?1",
            [&mid_at],
            |r| r.get(0),
        )?;
        (mid_at, after_last, to_mid as u64)
    };

    // 2. Export, and its floor.
    eprintln!("floor: rusqlite read + serde_json lines…");
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg(FLOOR_EXPORT).arg(&origin).arg(&floor_bundle);
    let export_floor = meter.run(cmd, dir.path())?;
    expect_count("the export floor", &export_floor.stdout, events)?;
    eprintln!("factdesk export --events…");
    let mut cmd = factdesk(&origin);
    cmd.args(["--as", "bench", "export", "--events", "--output"])
        .arg(&bundle);
    let export = meter.run(cmd, dir.path())?;
    let bundle_bytes = std::fs::metadata(&bundle)?.len();
    check_bundle(&bundle, &floor_bundle, events)?;
    std::fs::remove_file(&floor_bundle)?;

    // 3. Import into fresh stores, and its floor.
    for db in [&imported, &floor_db] {
        init(db)?;
    }
    eprintln!("floor: rusqlite inserts of the event rows…");
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg(FLOOR_IMPORT).arg(&floor_db).arg(&bundle);
    let import_floor = meter.run(cmd, dir.path())?;
    expect_count("the import floor", &import_floor.stdout, events)?;
    let floor_bytes = store_size(&floor_db);
    std::fs::remove_file(&floor_db)?;
    eprintln!("factdesk import bundle.jsonl…");
    let mut cmd = factdesk(&imported);
    cmd.args(["--as", "bench", "import"]).arg(&bundle);
    // Meanwhile a colleague keeps logging claims in the same store, one every half second.
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let (import, read_to_end, adds) = std::thread::scope(|s| {
        let watcher = s.spawn(|| watch_read_to_end(&bundle, &stop));
        let colleague = s.spawn(|| {
            if with_colleague {
                colleague_adds(&imported, &bundle, &stop)
            } else {
                Vec::new()
            }
        });
        let import = meter.run(cmd, dir.path());
        stop.store(true, Ordering::Relaxed);
        (
            import,
            watcher.join().expect("the watcher thread"),
            colleague.join().expect("the colleague thread"),
        )
    });
    let import = import?;
    let reading = read_to_end.map(|t| t.duration_since(started));
    let added_ok = adds.iter().filter(|a| a.ok).count() as i64;
    let (from_bundle, colleague_claims): (i64, i64) = Connection::open(&imported)?.query_row(
        "SELECT (SELECT count(*) FROM events WHERE via = 'bundle'),
                (SELECT count(*) FROM events WHERE action = 'claim.add' AND author = 'colleague')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if from_bundle as u64 != events {
        return Err(format!(
            "the imported store holds {from_bundle} events from the bundle, not {events}"
        )
        .into());
    }
    if colleague_claims != added_ok {
        return Err(format!(
            "the colleague's claim add succeeded {added_ok} times, but the store holds \
             {colleague_claims} of their claims"
        )
        .into());
    }
    let imported_bytes = store_size(&imported);
    eprintln!("parsing and hashing the bundle in this process…");
    let (parse_time, hash_time) = parse_and_hash(&bundle)?;

    eprintln!("comparing reports, verifying the imported store…");
    for args in [
        &["report", "disputed"][..],
        &["report", "disputed", "--all", "--format", "json"][..],
    ] {
        let original = output(&origin, args)?;
        let copy = output(&imported, args)?;
        if original != copy {
            return Err(format!(
                "`factdesk {}` differs between the original and the imported store \
                 ({} and {} bytes)",
                args.join(" "),
                original.len(),
                copy.len()
            )
            .into());
        }
    }
    let verify_imported = run_verify(&meter, &imported, dir.path())?;

    // 4. Reports as of the middle of the log, after its end, and now.
    eprintln!("report disputed, with and without --as-of ({runs} runs each)…");
    let mut plain = Vec::new();
    let mut at_mid = Vec::new();
    let mut at_end = Vec::new();
    for _ in 0..runs {
        for (samples, as_of) in [
            (&mut plain, None),
            (&mut at_mid, Some(&mid_at)),
            (&mut at_end, Some(&after_last)),
        ] {
            let mut cmd = factdesk(&origin);
            cmd.args(["report", "disputed"]);
            if let Some(t) = as_of {
                cmd.arg("--as-of").arg(t);
            }
            samples.push(meter.run(cmd, dir.path())?);
        }
    }
    if let Some(run) = at_end.iter().find(|m| m.stdout != plain[0].stdout) {
        return Err(format!(
            "`report disputed --as-of {after_last}` printed {} bytes, not the {} of the plain \
             report",
            run.stdout.len(),
            plain[0].stdout.len()
        )
        .into());
    }

    // 5. verify on the original store.
    eprintln!("factdesk verify…");
    let verify = run_verify(&meter, &origin, dir.path())?;

    // 6. A colleague's bundle into this store: the colleague's own store, made by the real
    // binary from claims new to this one (another seed, other report numbers, the same
    // claimants and outlets), exported as a bundle and imported here — against the same bundle
    // imported into an empty store, in the same run; then `verify` on the grown store.
    let small_claims = (claims * COLLEAGUE_PER_MILLE / 1000).max(100);
    eprintln!("the colleague's store: {small_claims} claims, exported as a bundle…");
    let small_file = dir.path().join("colleague.jsonl");
    let small_db = dir.path().join("colleague.db");
    let small_bundle = dir.path().join("colleague-bundle.jsonl");
    let empty_db = dir.path().join("empty.db");
    write_jsonl_from(
        &small_file,
        small_claims,
        SEED ^ 0x5DEE_CE66_D1CE_4E5B,
        claims + 1,
    )?;
    init(&small_db)?;
    let mut cmd = factdesk(&small_db);
    cmd.args(["--as", "colleague", "import"]).arg(&small_file);
    meter.run(cmd, dir.path())?;
    let mut cmd = factdesk(&small_db);
    cmd.args(["--as", "colleague", "export", "--events", "--output"])
        .arg(&small_bundle);
    meter.run(cmd, dir.path())?;
    let small_events: i64 =
        Connection::open(&small_db)?.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    std::fs::remove_file(&small_file)?;
    eprintln!("floor: the colleague's bundle ({small_events} events) into an empty store…");
    init(&empty_db)?;
    let mut cmd = factdesk(&empty_db);
    cmd.args(["--as", "bench", "import"]).arg(&small_bundle);
    let small_floor = meter.run(cmd, dir.path())?;
    eprintln!("factdesk import of the colleague's bundle into the {events}-event store…");
    // Everything in the store file itself first, as a store at rest is.
    Connection::open(&origin)?.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let mut cmd = factdesk(&origin);
    cmd.args(["--as", "bench", "import"]).arg(&small_bundle);
    let small_import = meter.run(cmd, dir.path())?;
    let (arrived, total): (i64, i64) = Connection::open(&origin)?.query_row(
        "SELECT (SELECT count(*) FROM events WHERE via = 'bundle'), (SELECT count(*) FROM events)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if arrived != small_events || total as u64 != events + small_events as u64 {
        return Err(format!(
            "after the colleague's bundle the store holds {total} events, {arrived} of them from \
             bundles; expected {} and {small_events}",
            events + small_events as u64
        )
        .into());
    }
    eprintln!("factdesk verify on the grown store…");
    let verify_grown = run_verify(&meter, &origin, dir.path())?;

    // 7. The results.
    let rate = |m: &Measured| thousands((events as f64 / m.wall.as_secs_f64()).round() as u64);
    let secs = |m: &Measured| m.wall.as_secs_f64();
    let peak = |m: &Measured| {
        m.peak_mb()
            .map_or_else(|| "—".to_string(), |mb| format!("{mb:.0}"))
    };
    let cpu = |m: &Measured| {
        m.cpu_secs
            .map_or_else(|| "—".to_string(), |(u, s)| format!("{u:.1} + {s:.1}"))
    };
    println!();
    println!(
        "Store: {claims} claims imported as JSONL in {} batches ({:.0} MB of JSONL, {:.1} s): \
         {} events ({}); {} claims disputed; {:.0} MB on disk.",
        built.imports,
        built.file_bytes as f64 / 1e6,
        built.seconds,
        thousands(events),
        built.by_action,
        built.disputed,
        origin_bytes as f64 / 1e6
    );
    println!(
        "Bundle: {:.0} MB. Imported store: {:.0} MB on disk; the import floor's store: {:.0} MB.",
        bundle_bytes as f64 / 1e6,
        imported_bytes as f64 / 1e6,
        floor_bytes as f64 / 1e6
    );
    println!("{}", machine_line());
    println!(
        "Each row: one whole process, wall clock from spawn to exit; peak RSS {}.",
        meter.describe()
    );
    println!("Import said: {}", import.stdout.trim());
    println!(
        "The colleague's bundle ({small_claims} claims): {} events; importing it into the \
         {events}-event store said: {}",
        thousands(small_events as u64),
        small_import.stdout.trim()
    );
    println!();
    println!(
        "| operation | seconds | events/s | peak RSS MB | CPU s (user + sys) | time ÷ floor time |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (label, m, floor) in [
        (
            "`factdesk export --events --output bundle.jsonl`",
            &export,
            Some(&export_floor),
        ),
        (
            "floor: rusqlite read in pk order, one serde_json line per event, fsync (own process)",
            &export_floor,
            Some(&export_floor),
        ),
        (
            "`factdesk import bundle.jsonl` into a fresh store",
            &import,
            Some(&import_floor),
        ),
        (
            "floor: insert the event rows only, one transaction, no replay (own process)",
            &import_floor,
            Some(&import_floor),
        ),
        ("`factdesk verify` on the original store", &verify, None),
        (
            "`factdesk verify` on the imported store",
            &verify_imported,
            None,
        ),
    ] {
        println!(
            "| {label} | {:.2} | {} | {} | {} | {} |",
            secs(m),
            rate(m),
            peak(m),
            cpu(m),
            floor.map_or_else(|| "—".to_string(), |f| format!("{:.2}×", secs(m) / secs(f)))
        );
    }
    println!();
    let small_rate =
        |m: &Measured| thousands((small_events as f64 / m.wall.as_secs_f64()).round() as u64);
    println!(
        "| operation | seconds | events/s | peak RSS MB | CPU s (user + sys) | time ÷ floor time |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (label, m, floor) in [
        (
            format!(
                "`factdesk import colleague-bundle.jsonl` ({} events) into the {}-event store",
                thousands(small_events as u64),
                thousands(events)
            ),
            &small_import,
            Some(&small_floor),
        ),
        (
            "floor: the same bundle into an empty `init`ed store".to_string(),
            &small_floor,
            Some(&small_floor),
        ),
    ] {
        println!(
            "| {label} | {:.2} | {} | {} | {} | {} |",
            secs(m),
            small_rate(m),
            peak(m),
            cpu(m),
            floor.map_or_else(|| "—".to_string(), |f| format!("{:.2}×", secs(m) / secs(f)))
        );
    }
    let grown = events + small_events as u64;
    println!(
        "| `factdesk verify` on the grown store ({} events) | {:.2} | {} | {} | {} | — |",
        thousands(grown),
        secs(&verify_grown),
        thousands((grown as f64 / secs(&verify_grown)).round() as u64),
        peak(&verify_grown),
        cpu(&verify_grown)
    );
    println!();
    let mut walls: Vec<f64> = adds.iter().map(|a| a.wall.as_secs_f64()).collect();
    walls.sort_by(f64::total_cmp);
    let failed: Vec<&Add> = adds.iter().filter(|a| !a.ok).collect();
    if !with_colleague {
        println!("No colleague wrote during the bundle import (FACTDESK_BENCH_COLLEAGUE=0).");
    } else if walls.is_empty() {
        println!("The colleague's `claim add` never ran: the import process was not seen.");
    } else {
        println!(
            "A colleague's `factdesk claim add --quiet` every {} ms during the bundle import: {} \
             runs, {} failed; wall time median {:.3} s, max {:.3} s (factdesk waits up to {} s \
             for the lock).",
            COLLEAGUE_EVERY.as_millis(),
            walls.len(),
            failed.len(),
            median(&walls),
            walls[walls.len() - 1],
            factdesk::store::BUSY_TIMEOUT.as_secs()
        );
        let slowest = adds
            .iter()
            .max_by_key(|a| a.wall)
            .expect("at least one add");
        println!(
            "The slowest started {:.1} s after the import process was seen.",
            slowest.at.as_secs_f64()
        );
    }
    for add in failed.iter().take(5) {
        println!(
            "  failed at {:.1} s, after {:.3} s: {}",
            add.at.as_secs_f64(),
            add.wall.as_secs_f64(),
            add.stderr
        );
    }
    println!();
    match reading {
        Some(reading) => {
            let total = secs(&import);
            let read = reading.as_secs_f64().min(total);
            println!(
                "Bundle import, split by when the bundle had been read to its end (its file \
                 position in /proc): reading, checking and staging the events {read:.2} s \
                 ({:.0}%); applying them from the staging file in batches of at most {} \
                 (events and rebuilt records) {:.2} s ({:.0}%).",
                100.0 * read / total,
                factdesk::store::BATCH_EVENTS,
                total - read,
                100.0 * (total - read) / total
            );
        }
        None => println!("Bundle import: the split by phase could not be seen through /proc."),
    }
    println!(
        "For reading it, in this process: parsing every bundle line with serde_json takes \
         {:.2} s, recomputing every hash with `factdesk::history::event_hash` {:.2} s.",
        parse_time.as_secs_f64(),
        hash_time.as_secs_f64()
    );
    println!();
    println!("| operation | events at or before T | median s | min s | peak RSS MB (max) |");
    println!("|---|---:|---:|---:|---:|");
    for (label, up_to, samples) in [
        (
            "`factdesk report disputed` (reference: no --as-of)".to_string(),
            "—".to_string(),
            &plain,
        ),
        (
            format!("`factdesk report disputed --as-of {mid_at}` (the log's middle event)"),
            thousands(events_to_mid),
            &at_mid,
        ),
        (
            format!("`factdesk report disputed --as-of {after_last}` (after the last event)"),
            thousands(events),
            &at_end,
        ),
    ] {
        let mut walls: Vec<f64> = samples.iter().map(secs).collect();
        walls.sort_by(f64::total_cmp);
        let max_peak = samples
            .iter()
            .filter_map(Measured::peak_mb)
            .reduce(f64::max);
        println!(
            "| {label} | {up_to} | {:.2} | {:.2} | {} |",
            median(&walls),
            walls[0],
            max_peak.map_or_else(|| "—".to_string(), |mb| format!("{mb:.0}"))
        );
    }
    println!();
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let worst = [&at_mid, &at_end]
        .iter()
        .map(|samples| {
            let mut walls: Vec<f64> = samples.iter().map(secs).collect();
            walls.sort_by(f64::total_cmp);
            median(&walls)
        })
        .fold(0.0, f64::max);
    println!(
        "Target: `report disputed --as-of` under {TARGET_AS_OF_SECS:.0} s on this store — \
         slowest median {worst:.2} s: {}",
        verdict(worst < TARGET_AS_OF_SECS)
    );
    let import_rate = events as f64 / secs(&import);
    println!(
        "Target: the bundle import of the whole log at ≥ {} events/s — {}/s: {}",
        thousands(TARGET_IMPORT_RATE as u64),
        thousands(import_rate.round() as u64),
        verdict(import_rate >= TARGET_IMPORT_RATE)
    );
    println!(
        "Target: the colleague's bundle into the {}-event store under {TARGET_SMALL_IMPORT_SECS:.0} \
         s — {:.2} s ({:.2}× its floor): {}",
        thousands(events),
        secs(&small_import),
        secs(&small_import) / secs(&small_floor),
        verdict(secs(&small_import) < TARGET_SMALL_IMPORT_SECS)
    );
    if with_colleague {
        println!(
            "Target: none of the colleague's claim adds during the import fails — {} of {}: {}",
            failed.len(),
            adds.len(),
            verdict(failed.is_empty() && !adds.is_empty())
        );
    }
    println!(
        "Checked: the bundle's header is version {BUNDLE_VERSION} and its digest matches its \
         events; the floor's lines equal the bundle's; the imported store holds every bundle \
         event and each claim the colleague added, prints the same `report disputed` (table, and \
         --all as JSON) and passes `verify`; the report as of after the last event equals the \
         plain one; the store grown by the colleague's bundle holds its events and passes \
         `verify`."
    );

    if keep {
        let kept = dir.keep();
        eprintln!("kept the files and the stores in {}", kept.display());
    }
    Ok(())
}

/// Builds the store: the claims file written, split into `batches` files imported one after
/// the other by the real binary into a store it made.
fn build(
    dir: &Path,
    db: &Path,
    claims: usize,
    batches: usize,
    meter: &Meter,
) -> BenchResult<Built> {
    let file = dir.join("claims.jsonl");
    let shape = write_jsonl(&file, claims)?;
    let file_bytes = std::fs::metadata(&file)?.len();
    eprintln!(
        "wrote {} ({:.0} MB): {shape}",
        file.display(),
        file_bytes as f64 / 1e6
    );
    init(db)?;
    let mut lines = BufReader::with_capacity(1 << 16, File::open(&file)?).lines();
    let mut seconds = 0.0;
    for batch in 0..batches {
        let size = claims * (batch + 1) / batches - claims * batch / batches;
        let part = dir.join(format!("claims-{batch:03}.jsonl"));
        let mut out = BufWriter::with_capacity(1 << 16, File::create(&part)?);
        for _ in 0..size {
            let line = lines.next().ok_or("the claims file ended early")??;
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        drop(out);
        let mut cmd = factdesk(db);
        cmd.args(["--as", "bench", "import"]).arg(&part);
        let import = meter.run(cmd, dir)?;
        seconds += import.wall.as_secs_f64();
        eprintln!(
            "  import {}/{batches}: {:.1} s: {}",
            batch + 1,
            import.wall.as_secs_f64(),
            import.stdout.trim()
        );
        std::fs::remove_file(&part)?;
    }
    std::fs::remove_file(&file)?;
    let conn = Connection::open(db)?;
    let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let by_action = conn
        .prepare("SELECT action, count(*) FROM events GROUP BY action ORDER BY count(*) DESC")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .map(|row| row.map(|(action, n)| format!("{} {action}", thousands(n as u64))))
        .collect::<rusqlite::Result<Vec<_>>>()?
        .join(", ");
    let disputed: i64 = conn.query_row("SELECT count(*) FROM disputed_claims", [], |r| r.get(0))?;
    Ok(Built {
        imports: batches,
        seconds,
        file_bytes,
        events: events as u64,
        by_action,
        disputed,
    })
}

/// `factdesk --db DB init`, which must succeed.
fn init(db: &Path) -> BenchResult<()> {
    let init = factdesk(db).arg("init").output()?;
    if !init.status.success() {
        return Err(format!(
            "factdesk init failed: {}",
            String::from_utf8_lossy(&init.stderr)
        )
        .into());
    }
    Ok(())
}

/// Checks that a floor printed the expected count.
fn expect_count(who: &str, stdout: &str, events: u64) -> BenchResult<()> {
    let n: u64 = stdout.trim().parse()?;
    if n != events {
        return Err(format!("{who} handled {n} events, not {events}").into());
    }
    Ok(())
}

/// Checks the bundle: its header is this version's and announces every event, its event
/// lines are the floor's, byte for byte, and its `digest` is what the README defines — SHA-256
/// of `factdesk.bundle/2`, a newline, the count and a newline, then each event's hash and a
/// newline, in order — recomputed here from the lines.
fn check_bundle(bundle: &Path, floor: &Path, events: u64) -> BenchResult<()> {
    let mut ours = BufReader::with_capacity(1 << 16, File::open(bundle)?).lines();
    let first = ours.next().ok_or("the bundle is empty")??;
    let header: BundleHeader = serde_json::from_str(&first)?;
    if header.factdesk_bundle != BUNDLE_VERSION || header.events != events {
        return Err(format!("unexpected bundle header: {first}").into());
    }
    let Some(digest) = header.digest else {
        return Err(
            format!("a version {BUNDLE_VERSION} bundle header without a digest: {first}").into(),
        );
    };
    let mut recomputed = Sha256::new();
    recomputed.update(format!("factdesk.bundle/2\n{events}\n").as_bytes());
    let mut theirs = BufReader::with_capacity(1 << 16, File::open(floor)?).lines();
    let mut line = 1;
    loop {
        line += 1;
        match (ours.next().transpose()?, theirs.next().transpose()?) {
            (None, None) => {
                let recomputed: String = recomputed
                    .finalize()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                if recomputed != digest {
                    return Err(format!(
                        "the bundle's digest is {digest}, but its events give {recomputed}"
                    )
                    .into());
                }
                return Ok(());
            }
            (Some(a), Some(b)) if a == b => {
                let event: EventLine = serde_json::from_str(&a)?;
                recomputed.update(event.hash.as_bytes());
                recomputed.update(b"\n");
            }
            (a, b) => {
                return Err(format!(
                    "bundle line {line} is not the floor's:\n  bundle: {a:?}\n  floor:  {b:?}"
                )
                .into());
            }
        }
    }
}

/// Parses every event line of the bundle and recomputes its hash; returns the time spent
/// parsing and the time spent hashing.
fn parse_and_hash(bundle: &Path) -> BenchResult<(Duration, Duration)> {
    let mut input = BufReader::with_capacity(1 << 16, File::open(bundle)?);
    let mut line = String::new();
    input.read_line(&mut line)?; // the header
    let (mut parsing, mut hashing) = (Duration::ZERO, Duration::ZERO);
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let started = Instant::now();
        let event: EventLine = serde_json::from_str(&line)?;
        let parsed = Instant::now();
        let hash = event_hash(&EventContent::of(&event));
        hashing += parsed.elapsed();
        parsing += parsed - started;
        if hash != event.hash {
            return Err(format!("event {}: the hash does not match", event.id).into());
        }
    }
    Ok((parsing, hashing))
}

/// Times `factdesk verify`, which must exit 0; on failure, the problems it lists are shown.
fn run_verify(meter: &Meter, db: &Path, dir: &Path) -> BenchResult<Measured> {
    let mut cmd = factdesk(db);
    cmd.arg("verify");
    meter.run(cmd, dir).map_err(|e| {
        let listed = factdesk(db)
            .arg("verify")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        format!("{e}{listed}").into()
    })
}

/// One `claim add` by the colleague during the bundle import.
struct Add {
    /// From spawn to exit.
    wall: Duration,
    /// When it started, from the moment the import process was seen.
    at: Duration,
    ok: bool,
    stderr: String,
}

/// A colleague at work in `db` while a factdesk process imports `bundle` into it: once that
/// process is seen (and the store file exists), `factdesk --as colleague claim add "…"
/// --claimant "Desk colleague" --quiet` every [`COLLEAGUE_EVERY`] (start to start; the next
/// starts at once when one took longer), each timed from spawn to exit, until `stop`.
fn colleague_adds(db: &Path, bundle: &Path, stop: &AtomicBool) -> Vec<Add> {
    while !stop.load(Ordering::Relaxed) && (find_process(bundle).is_none() || !db.exists()) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let seen = Instant::now();
    let mut adds = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let text = format!(
            "The port authority turned away {} container ships in the week to Friday (colleague \
             note {})",
            40 + adds.len(),
            adds.len() + 1
        );
        let mut cmd = factdesk(db);
        cmd.args(["--as", "colleague", "claim", "add", &text])
            .args(["--claimant", "Desk colleague", "--quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let out = cmd.output();
        let wall = started.elapsed();
        let (ok, stderr) = match out {
            Ok(out) => (
                out.status.success(),
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ),
            Err(e) => (false, e.to_string()),
        };
        adds.push(Add {
            wall,
            at: started.duration_since(seen),
            ok,
            stderr,
        });
        std::thread::sleep(COLLEAGUE_EVERY.saturating_sub(wall));
    }
    adds
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The moment a running `factdesk … import FILE` had read FILE to its end, seen from outside:
/// the process is found by its command line, and its file position read from
/// `/proc/PID/fdinfo` every 2 ms. `None` when that could not be seen (not Linux, or too fast).
fn watch_read_to_end(file: &Path, stop: &AtomicBool) -> Option<Instant> {
    let target = file.canonicalize().ok()?;
    let size = std::fs::metadata(&target).ok()?.len();
    let mut pid = None;
    while !stop.load(Ordering::Relaxed) {
        if pid.is_none() {
            pid = find_process(file);
        }
        if let Some(pid) = pid
            && position(pid, &target).is_some_and(|pos| pos >= size)
        {
            return Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

/// The process whose program is factdesk and one of whose arguments is `file`.
fn find_process(file: &Path) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let mut args = cmdline.split(|b| *b == 0);
        if args.next() == Some(FACTDESK.as_bytes())
            && args.any(|a| a == file.as_os_str().as_bytes())
        {
            return Some(pid);
        }
    }
    None
}

/// Where process `pid` stands in the file `target` it has open, if it has it open.
fn position(pid: u32, target: &Path) -> Option<u64> {
    let fds = PathBuf::from(format!("/proc/{pid}/fd"));
    for entry in std::fs::read_dir(&fds).ok()?.flatten() {
        if std::fs::read_link(entry.path()).is_ok_and(|link| link == target) {
            let info = std::fs::read_to_string(
                PathBuf::from(format!("/proc/{pid}/fdinfo")).join(entry.file_name()),
            )
            .ok()?;
            let pos = info.lines().find_map(|l| l.strip_prefix("pos:"))?;
            return pos.trim().parse().ok();
        }
    }
    None
}
