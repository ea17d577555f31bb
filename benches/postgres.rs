//! Shared-store benchmark: factdesk on PostgreSQL, each operation a whole process as a person
//! meets it, against floors measured in the same run.
//!
//! It needs a server: `FACTDESK_BENCH_POSTGRES` (else `FACTDESK_TEST_POSTGRES`) is a superuser's
//! URL, e.g. the one `.ci/postgres start DIR` prints. Without one it says so and stops. It
//! creates a database of its own (dropped at the end) and
//!
//! 1. bulk-imports the claims file the import bench uses (`FACTDESK_BENCH_CLAIMS`, default
//!    1,000,000) with `factdesk --db URL import claims.jsonl`, against a floor: this executable
//!    re-run with `--floor-copy`, a bare `postgres`-crate program that `COPY`s one row per claim
//!    (its id, text and claimant) into a plain table; then splits the gap between them: the
//!    import's events, dumped from the log, are `COPY`d again by a process like the floor's into
//!    a plain table with the log's columns and indexes, and into the empty log of a second
//!    database (`factdesk init`'s schema: its checks and its triggers) — what the server must
//!    do for the import whatever the client does;
//! 2. times `factdesk claim add --quiet` on that store against a floor: this executable re-run
//!    with `--floor-insert`, which connects and inserts one row (alternating, so both see the
//!    same load; `FACTDESK_BENCH_RUNS`, default 21, after `FACTDESK_BENCH_WARMUP`, default 3);
//! 3. times the reports (`report disputed`, `unresolved`, `summary`, `claimant`) on it;
//! 4. runs 8 writers at once (`FACTDESK_BENCH_WRITERS`), each adding
//!    `FACTDESK_BENCH_WRITES` claims (default 50) one process after another, and prints their
//!    throughput and whether every write landed.
//!
//! Every process has a replica of its own login's in the bench's temporary directory
//! (`FACTDESK_REPLICA_DIR`); `FACTDESK_BENCH_KEEP=1` keeps the directory and the database.

// This is a benchmark's `main` (harness = false): printing the results is its whole job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::*;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The arguments that turn this executable into a floor program.
const FLOOR_INSERT: &str = "--floor-insert";
const FLOOR_COPY: &str = "--floor-copy";
const COPY_EVENTS: &str = "--copy-events";

/// The columns of a log's event a client writes (`pk`, `chain`, `written_at` and `written_by`
/// are the server's).
const LOG_COLUMNS: &str = "id, at, author, action, record_kind, record_id, change, hash, via";

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // The floors must do nothing but their work, so they are checked before anything else.
    if args.len() >= 3 && args[1] == FLOOR_INSERT {
        return report_floor(floor_insert(&args[2]));
    }
    if args.len() >= 4 && args[1] == FLOOR_COPY {
        return report_floor(floor_copy(&args[2], Path::new(&args[3])));
    }
    if args.len() >= 5 && args[1] == COPY_EVENTS {
        return report_floor(copy_events(&args[2], &args[3], Path::new(&args[4])));
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("postgres bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn report_floor(result: Result<(), postgres::Error>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The claim-add floor: connect, insert one row, commit, exit.
fn floor_insert(url: &str) -> Result<(), postgres::Error> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    client.execute(
        "INSERT INTO floor_rows (id, text, claimant) VALUES ($1, $2, 'bench')",
        &[
            &uuid::Uuid::new_v4().to_string(),
            &format!("Floor insert from process {}", std::process::id()),
        ],
    )?;
    Ok(())
}

/// The bulk floor: one `COPY` of every claim of the JSONL file (id, text, claimant) into a plain
/// table, in one transaction.
fn floor_copy(url: &str, file: &Path) -> Result<(), postgres::Error> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let mut tx = client.transaction()?;
    let copy = tx.copy_in("COPY floor_rows (id, text, claimant) FROM STDIN BINARY")?;
    let mut writer =
        postgres::binary_copy::BinaryCopyInWriter::new(copy, &[postgres::types::Type::TEXT; 3]);
    let reader = std::io::BufReader::new(std::fs::File::open(file).expect("claims file"));
    for line in reader.lines() {
        let line: serde_json::Value =
            serde_json::from_str(&line.expect("a line")).expect("a JSON line");
        let field = |name: &str| line[name].as_str().unwrap_or_default().to_string();
        writer.write(&[&field("id"), &field("text"), &field("claimant")])?;
    }
    writer.finish()?;
    tx.commit()
}

/// The log's share of an import: one `COPY` of a dump of events (binary `COPY` format, the
/// columns [`LOG_COLUMNS`]) into `table`, in one transaction.
fn copy_events(url: &str, table: &str, dump: &Path) -> Result<(), postgres::Error> {
    use std::io::Write;
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let mut tx = client.transaction()?;
    let mut copy = tx.copy_in(&format!("COPY {table} ({LOG_COLUMNS}) FROM STDIN BINARY"))?;
    let mut dump = std::fs::File::open(dump).expect("events dump");
    std::io::copy(&mut dump, &mut copy).expect("events dump read and sent");
    copy.flush().expect("events dump sent");
    copy.finish()?;
    tx.commit()
}

fn bench() -> BenchResult<()> {
    let Some(server) = ["FACTDESK_BENCH_POSTGRES", "FACTDESK_TEST_POSTGRES"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    else {
        eprintln!(
            "postgres bench: no server (set FACTDESK_BENCH_POSTGRES to a superuser's URL; \
             `.ci/postgres start DIR` starts one)"
        );
        return Ok(());
    };
    let claims = env_count("FACTDESK_BENCH_CLAIMS", 1_000_000)?.max(1);
    let runs = env_count("FACTDESK_BENCH_RUNS", 21)?.max(1);
    let warmup = env_count("FACTDESK_BENCH_WARMUP", 3)?;
    let writers = env_count("FACTDESK_BENCH_WRITERS", 8)?.max(1);
    let writes = env_count("FACTDESK_BENCH_WRITES", 50)?.max(1);
    let dir = bench_dir("factdesk-pg-bench-")?;
    let database = format!("factdesk_bench_{}", std::process::id());
    let mut admin_url = url::Url::parse(&server)?;
    let mut postgres = admin_url.clone();
    postgres.set_path("/postgres");
    admin_url.set_path(&format!("/{database}"));
    let (postgres, url) = (postgres.to_string(), admin_url.to_string());
    let second = format!("{database}_log");
    admin_url.set_path(&format!("/{second}"));
    let second_url = admin_url.to_string();
    let mut admin = postgres::Client::connect(&postgres, postgres::NoTls)?;
    admin.batch_execute(&format!("CREATE DATABASE {database}"))?;
    admin.batch_execute(&format!("CREATE DATABASE {second}"))?;
    let result = run(
        (&url, &second_url),
        dir.path(),
        claims,
        runs,
        warmup,
        writers,
        writes,
    );
    if keep_files() {
        eprintln!(
            "kept the databases {database} and {second}, and {}",
            dir.keep().display()
        );
    } else {
        for db in [&database, &second] {
            // One statement at a time: DROP DATABASE cannot run inside a transaction block.
            admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))?;
            admin.batch_execute(&format!(
                "DROP ROLE IF EXISTS {db}_admin, {db}_member, {db}_reader"
            ))?;
        }
    }
    result
}

/// A factdesk process on the shared store at `url`, with its replica in `dir`.
fn factdesk_on(url: &str, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(FACTDESK);
    cmd.env("FACTDESK_DB", url)
        .env("FACTDESK_REPLICA_DIR", dir.join("replicas"))
        .env_remove("FACTDESK_USER")
        .args(args)
        .stdout(Stdio::null());
    cmd
}

/// `factdesk claim add TEXT --quiet` by the bench's source, as [`factdesk_on`] runs it.
fn claim_add(url: &str, dir: &Path, text: &str) -> Command {
    factdesk_on(
        url,
        dir,
        &[
            "claim",
            "add",
            text,
            "--claimant",
            "Bench source",
            "--quiet",
        ],
    )
}

fn timed(mut cmd: Command) -> BenchResult<Duration> {
    let started = Instant::now();
    let out = cmd.stderr(Stdio::piped()).output()?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(started.elapsed())
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    let n = ms.len();
    if n % 2 == 1 {
        ms[n / 2]
    } else {
        (ms[n / 2 - 1] + ms[n / 2]) / 2.0
    }
}

fn run(
    (url, second_url): (&str, &str),
    dir: &Path,
    claims: usize,
    runs: usize,
    warmup: usize,
    writers: usize,
    writes: usize,
) -> BenchResult<()> {
    println!("{}", machine_line());
    // The second log first: it takes the import's events only if none of its own is later.
    timed(factdesk_on(second_url, &dir.join("second"), &["init"]))?;
    timed(factdesk_on(url, dir, &["init"]))?;
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    client
        .batch_execute("CREATE TABLE floor_rows (id text PRIMARY KEY, text text, claimant text)")?;

    // 1. Bulk import against a bare COPY.
    let file = dir.join("claims.jsonl");
    let shape = jsonl::write_jsonl(&file, claims)?;
    eprintln!("claims file: {shape}");
    let import = timed(factdesk_on(url, dir, &["import", file.to_str().unwrap()]))?;
    let floor_exe = std::env::current_exe()?;
    let mut floor = Command::new(&floor_exe);
    floor.arg(FLOOR_COPY).arg(url).arg(&file);
    let copy = timed(floor)?;
    client.batch_execute("TRUNCATE floor_rows")?;
    let events: i64 = client.query_one("SELECT count(*) FROM events", &[])?.get(0);

    // The server's share of the import, whatever the client does: its events into a plain table
    // with the log's columns and indexes, then into an empty log with its checks and triggers.
    let dump = dir.join("events.copy");
    {
        let mut out = std::fs::File::create(&dump)?;
        let mut reader = client.copy_out(&format!(
            "COPY (SELECT {LOG_COLUMNS} FROM events ORDER BY pk) TO STDOUT BINARY"
        ))?;
        std::io::copy(&mut reader, &mut out)?;
    }
    client.batch_execute(
        "CREATE TABLE plain_events (
             pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL UNIQUE,
             at text, author text, action text, record_kind text, record_id text, change text,
             hash text, chain text, via text);
         CREATE INDEX plain_events_record ON plain_events (record_id, action);
         CREATE INDEX plain_events_at ON plain_events (at);",
    )?;
    let copy_into = |target: &str, table: &str| {
        let mut cmd = Command::new(&floor_exe);
        cmd.arg(COPY_EVENTS).arg(target).arg(table).arg(&dump);
        timed(cmd)
    };
    let plain = copy_into(url, "plain_events")?;
    client.batch_execute("DROP TABLE plain_events")?;
    let logged = copy_into(second_url, "events")?;
    std::fs::remove_file(&dump)?;
    println!();
    println!("| operation | seconds | claims/s | rate ÷ floor rate |");
    println!("|---|---:|---:|---:|");
    let rate = |d: Duration| claims as f64 / d.as_secs_f64();
    println!(
        "| `factdesk import claims.jsonl` ({} claims, {} events on the server) | {:.1} | {} | {:.2}× |",
        thousands(claims as u64),
        thousands(events as u64),
        import.as_secs_f64(),
        thousands(rate(import) as u64),
        rate(import) / rate(copy)
    );
    println!(
        "| floor: bare `COPY` of each claim's id, text and claimant (own process) | {:.1} | {} | 1.00× |",
        copy.as_secs_f64(),
        thousands(rate(copy) as u64)
    );
    println!(
        "| the import's events, `COPY`d into a plain table with the log's indexes (own process) | {:.1} | {} | {:.2}× |",
        plain.as_secs_f64(),
        thousands(rate(plain) as u64),
        rate(plain) / rate(copy)
    );
    println!(
        "| the import's events, `COPY`d into an empty log: its checks and triggers (own process) | {:.1} | {} | {:.2}× |",
        logged.as_secs_f64(),
        thousands(rate(logged) as u64),
        rate(logged) / rate(copy)
    );

    // 2. claim add against one bare insert, alternating.
    let (mut add, mut bare) = (Vec::new(), Vec::new());
    for run in 0..warmup + runs {
        let text = format!("Bench claim {run} of process {}", std::process::id());
        let a = timed(claim_add(url, dir, &text))?;
        let mut floor = Command::new(&floor_exe);
        floor.arg(FLOOR_INSERT).arg(url);
        let f = timed(floor)?;
        if run >= warmup {
            add.push(a.as_secs_f64() * 1000.0);
            bare.push(f.as_secs_f64() * 1000.0);
        }
    }
    let (add, bare) = (median(add), median(bare));
    println!();
    println!("| operation ({runs} runs, median) | ms | ÷ floor |");
    println!("|---|---:|---:|");
    println!(
        "| `factdesk claim add --quiet` | {add:.1} | {:.2}× |",
        add / bare
    );
    println!(
        "| floor: connect and insert one row (`postgres` crate, own process) | {bare:.1} | 1.00× |"
    );

    // 3. The reports, warm.
    println!();
    println!("| report ({runs} runs, median) | ms |");
    println!("|---|---:|");
    let first_line = std::fs::read_to_string(&file)?
        .lines()
        .next()
        .map(str::to_string)
        .unwrap_or_default();
    let claimant: serde_json::Value = serde_json::from_str(&first_line)?;
    let claimant = claimant["claimant"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for args in [
        &["report", "disputed"][..],
        &["report", "unresolved"],
        &["report", "summary"],
        &["report", "claimant", &claimant],
    ] {
        let mut ms = Vec::new();
        for run in 0..warmup + runs {
            let took = timed(factdesk_on(url, dir, args))?;
            if run >= warmup {
                ms.push(took.as_secs_f64() * 1000.0);
            }
        }
        println!("| `factdesk {}` | {:.1} |", args.join(" "), median(ms));
    }

    // 4. Writers at once.
    let before: i64 = client
        .query_one(
            "SELECT count(*) FROM events WHERE action = 'claim.add'",
            &[],
        )?
        .get(0);
    // Each writer is a machine whose replica was up to date a moment ago.
    for w in 0..writers {
        let replicas = dir.join(format!("writer-{w}")).join("replicas");
        std::fs::create_dir_all(&replicas)?;
        for entry in std::fs::read_dir(dir.join("replicas"))? {
            let entry = entry?;
            if !entry.file_name().to_string_lossy().ends_with("-lock") {
                std::fs::copy(entry.path(), replicas.join(entry.file_name()))?;
            }
        }
    }
    let started = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let (url, dir) = (url.to_string(), dir.join(format!("writer-{w}")));
            std::thread::spawn(move || -> usize {
                (0..writes)
                    .filter(|i| {
                        let text = format!("Concurrent claim {i} of writer {w}");
                        timed(claim_add(&url, &dir, &text)).is_err()
                    })
                    .count()
            })
        })
        .collect();
    let failed: usize = threads
        .into_iter()
        .map(|t| t.join().unwrap_or(writes))
        .sum();
    let took = started.elapsed();
    let after: i64 = client
        .query_one(
            "SELECT count(*) FROM events WHERE action = 'claim.add'",
            &[],
        )?
        .get(0);
    println!();
    println!(
        "{writers} writers × {writes} claim adds at once (each writer a machine with its own \
         replica): {:.1} s, {:.1} writes/s; {failed} failed; {} claims landed",
        took.as_secs_f64(),
        (writers * writes) as f64 / took.as_secs_f64(),
        after - before
    );
    Ok(())
}
