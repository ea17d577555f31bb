//! Store benchmark: logging one claim, and reading the daily reports, on a store of 1,000,000
//! claims — each measured as a whole process, the way a person at a terminal meets them.
//!
//! Run it with `cargo bench --bench store` (release build). It
//!
//! 1. creates a store with the real binary (`factdesk --db PATH init`), then bulk-fills it with
//!    rusqlite in one transaction: ~1,000 sources, the claims (UUID ids, claimant, most with a
//!    reporter, increasing `created_at`), one `claim.add` event per claim, tags, evidence on ~2%
//!    of claims, ~1% `contradicts` links and ~1% verdicts, each with its event, shaped as the real
//!    code writes them; every event carries its hash, computed with the library's own
//!    `factdesk::history::event_hash`, and (schema 5) its link of the store's chain
//!    (`factdesk::history::chain_hash` over the events in `pk` order), `written_at` = its `at`
//!    and `via` = 'here'. No `ANALYZE` is run: real stores have no statistics, so
//!    neither does this one;
//! 2. times `factdesk claim add` against a floor — this same executable re-run with
//!    `--floor-insert PATH`, which opens the store with rusqlite, inserts one row into `claims` in
//!    one statement and exits — so both sides pay process start-up, opening the file and a
//!    durable commit;
//! 3. times `report disputed`, `report unresolved` and `claim list --status disputed` on a warm
//!    and on a cold page cache (and `claim add` on a cold one), and, as a reference,
//!    `factdesk --version` (process start-up alone);
//! 4. prints a Markdown table (median and min of the timed runs, after warm-up runs).
//!
//! Environment:
//! - `FACTDESK_BENCH_CLAIMS`: store size (default 1,000,000; e.g. 20000 for a quick run);
//! - `FACTDESK_BENCH_RUNS`: timed runs per operation (default 21); `FACTDESK_BENCH_WARMUP`:
//!   untimed runs first (default 3);
//! - `FACTDESK_BENCH_COLD_RUNS`: cold-cache runs per operation (default 5), each after the
//!   store's pages are dropped from the OS page cache;
//! - `FACTDESK_BENCH_READS=0`: time `claim add` against its floor only, not the reads;
//! - `FACTDESK_BENCH_DIR`: where the temporary directory holding the store is made (default: the
//!   system temp dir); `FACTDESK_BENCH_KEEP=1` keeps it afterwards, for strace or sqlite3.

// This is a benchmark's `main` (harness = false): printing the results is its whole job, so the
// crate-wide `print_stdout`/`print_stderr` warnings do not apply here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::*;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use factdesk::history::{EventContent, chain_hash, event_hash};
use rusqlite::{Connection, params};
use serde_json::{Map, Value, json};

/// The argument that turns this executable into the floor program.
const FLOOR_FLAG: &str = "--floor-insert";
/// 2026-01-01T00:00:00.000Z in Unix milliseconds: the first timestamp written.
const START_MS: i64 = 1_767_225_600_000;
const SOURCES: usize = 1_000;

fn main() -> ExitCode {
    // The floor must do nothing but its insert, so it is checked before anything else.
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(OsStr::new(FLOOR_FLAG)) {
        let Some(path) = args.next() else {
            eprintln!("usage: {FLOOR_FLAG} PATH");
            return ExitCode::from(2);
        };
        return floor_insert(Path::new(&path));
    }
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("store bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The floor: a bare rusqlite program inserting one claim row (minimal columns) and exiting.
fn floor_insert(path: &Path) -> ExitCode {
    let result = Connection::open(path).and_then(|conn| {
        let now = chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        conn.execute(
            "INSERT INTO claims (id, text, stance, created_at, created_by)
             VALUES (?1, ?2, 'asserts', ?3, 'bench')",
            params![
                uuid::Uuid::new_v4().to_string(),
                format!("Floor insert from process {}", std::process::id()),
                now
            ],
        )
    });
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor insert failed: {e}");
            ExitCode::FAILURE
        }
    }
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn bench() -> BenchResult<()> {
    let claims = env_count("FACTDESK_BENCH_CLAIMS", 1_000_000)?.max(1);
    let runs = env_count("FACTDESK_BENCH_RUNS", 21)?.max(1);
    let warmup = env_count("FACTDESK_BENCH_WARMUP", 3)?;
    let keep = keep_files();
    // FACTDESK_BENCH_READS=0: claim add against its floor only (a quick A/B on a small store,
    // where the selective searches, tuned to 1,000,000 claims, may find nothing).
    let time_reads = env_count("FACTDESK_BENCH_READS", 1)? > 0;
    let dir = bench_dir("factdesk-bench-")?;
    let db = dir.path().join("bench.db");
    eprintln!("store bench: {claims} claims in {}", db.display());

    // 1. The store: real schema from the real binary, then the bulk fill.
    let init = Command::new(FACTDESK)
        .arg("--db")
        .arg(&db)
        .arg("init")
        .stdout(Stdio::null())
        .output()?;
    if !init.status.success() {
        return Err(format!(
            "factdesk init failed: {}",
            String::from_utf8_lossy(&init.stderr)
        )
        .into());
    }
    let started = Instant::now();
    let counts = fill(&db, claims)?;
    let fill_time = started.elapsed();
    eprintln!("filled in {:.1} s: {counts}", fill_time.as_secs_f64());
    let disputed = count_disputed(&db)?;
    let store_bytes = store_size(&db);

    // 2. Writing one claim, against the floor, interleaved so both see the same machine load.
    let mut add = Samples::new("`factdesk claim add --quiet` (real binary)");
    let mut floor = Samples::new("floor: bare rusqlite one-row insert (own process)");
    let floor_exe = std::env::current_exe()?;
    for i in 0..warmup + runs {
        let text = format!(
            "Bench claim {i} (process {}): the harbour authority reported {} ships turned away in November",
            std::process::id(),
            100 + i
        );
        let mut add_cmd = factdesk(&db);
        add_cmd.args(["--as", "bench", "claim", "add", &text]);
        // --quiet: the insert alone, as the floor does it; the linker's proposals are timed below.
        add_cmd.args(["--claimant", "Source 7", "--stance", "asserts", "--quiet"]);
        let mut floor_cmd = Command::new(&floor_exe);
        floor_cmd.arg(FLOOR_FLAG).arg(&db);
        // Alternate which goes first, so neither always follows the other's checkpoint.
        let (first, second) = if i % 2 == 0 {
            (time(add_cmd)?, time(floor_cmd)?)
        } else {
            let f = time(floor_cmd)?;
            (time(add_cmd)?, f)
        };
        if i >= warmup {
            add.push(first);
            floor.push(second);
        }
    }

    // 3. The reports a desk reads every day (default --limit 50, output discarded).
    let mut reads = Vec::new();
    for (label, args) in [
        ("`factdesk report disputed`", &["report", "disputed"][..]),
        (
            "`factdesk report unresolved`",
            &["report", "unresolved"][..],
        ),
        (
            "`factdesk claim list --status disputed`",
            &["claim", "list", "--status", "disputed"][..],
        ),
        ("`factdesk report summary`", &["report", "summary"][..]),
        (
            "`factdesk report claimant \"Source 7\"`",
            &["report", "claimant", "Source 7"][..],
        ),
        ("`factdesk graph` (disputed claims, DOT)", &["graph"][..]),
        (
            "`factdesk claim add` with the linker's proposals (no --quiet)",
            &[
                "--as",
                "bench",
                "claim",
                "add",
                "The health ministry approved 4,312 vaccine doses in the capital last week",
                "--claimant",
                "Source 7",
            ][..],
        ),
        (
            "`factdesk search 27513` (selective, every kind)",
            &["search", "27513"][..],
        ),
        (
            "`factdesk search '\"vaccine doses\" 27513' --in claims`",
            &["search", "\"vaccine doses\" 27513", "--in", "claims"][..],
        ),
        (
            "`factdesk link suggest --text …` (the linker)",
            &[
                "link",
                "suggest",
                "--text",
                "Officials said the health ministry approved vaccine doses in the capital",
            ][..],
        ),
    ]
    .into_iter()
    .filter(|_| time_reads)
    {
        let mut samples = Samples::new(label);
        for i in 0..warmup + runs {
            let mut cmd = factdesk(&db);
            cmd.args(args);
            let t = time(cmd)?;
            if i >= warmup {
                samples.push(t);
            }
        }
        reads.push(samples);
    }
    // The same reads, and claim add, on a cold cache: the store's pages are dropped from the OS
    // page cache before each run, as after a reboot. Fewer runs: each one reads from disk.
    let cold_runs = env_count("FACTDESK_BENCH_COLD_RUNS", 5)?.max(1);
    let mut cold = Vec::new();
    for (label, args) in [
        (
            "cold cache: `factdesk report disputed`",
            &["report", "disputed"][..],
        ),
        (
            "cold cache: `factdesk report unresolved`",
            &["report", "unresolved"][..],
        ),
        (
            "cold cache: `factdesk claim list --status disputed`",
            &["claim", "list", "--status", "disputed"][..],
        ),
        (
            "cold cache: `factdesk claim add --quiet`",
            &[
                "--as",
                "bench",
                "claim",
                "add",
                "A cold claim",
                "--claimant",
                "Source 7",
                "--quiet",
            ][..],
        ),
    ]
    .into_iter()
    .filter(|_| time_reads)
    {
        let mut samples = Samples::new(label);
        for _ in 0..cold_runs {
            drop_from_page_cache(&db)?;
            let mut cmd = factdesk(&db);
            cmd.args(args);
            samples.push(time(cmd)?);
        }
        cold.push(samples);
    }

    // For reading the table: what process start-up alone costs (no store opened).
    let mut startup = Samples::new("reference: `factdesk --version` (start-up only, no store)");
    for i in 0..warmup + runs {
        let mut cmd = factdesk(&db);
        cmd.arg("--version");
        let t = time(cmd)?;
        if i >= warmup {
            startup.push(t);
        }
    }

    // 4. The results.
    let ratio = add.median() / floor.median();
    println!();
    println!(
        "Store: {counts}; {disputed} claims disputed; {:.0} MB on disk; filled in {:.1} s",
        store_bytes as f64 / 1e6,
        fill_time.as_secs_f64()
    );
    println!("{}", machine_line());
    println!(
        "Each row: {warmup} warm-up + {runs} timed runs, each a whole process (spawn to exit)."
    );
    println!();
    println!("| operation | median ms | min ms | median ÷ floor median |");
    println!("|---|---:|---:|---:|");
    println!(
        "| {} | {:.1} | {:.1} | {ratio:.2}× |",
        add.label,
        add.median(),
        add.min()
    );
    println!(
        "| {} | {:.1} | {:.1} | 1.00× |",
        floor.label,
        floor.median(),
        floor.min()
    );
    for s in reads.iter().chain(&cold) {
        println!("| {} | {:.1} | {:.1} | — |", s.label, s.median(), s.min());
    }
    println!(
        "| {} | {:.1} | {:.1} | — |",
        startup.label,
        startup.median(),
        startup.min()
    );
    println!();
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "Target: claim add within 1.5× of the floor — {ratio:.2}×: {}",
        verdict(ratio <= 1.5)
    );
    let reports = || reads.iter().chain(cold.iter().take(3));
    if let Some(slowest) = reports().max_by(|a, b| a.median().total_cmp(&b.median())) {
        println!(
            "Target: each report under 1000 ms — slowest median {:.1} ms ({}): {}",
            slowest.median(),
            slowest.label,
            verdict(reports().all(|s| s.median() < 1000.0))
        );
    }

    if keep {
        let kept = dir.keep();
        eprintln!("kept the store at {}", kept.join("bench.db").display());
    }
    Ok(())
}

/// Drops the store file's pages (and its WAL's, if any) from the OS page cache, so the next
/// process reads them from disk.
fn drop_from_page_cache(db: &Path) -> BenchResult<()> {
    for path in [db.to_path_buf(), db.with_extension("db-wal")] {
        if let Ok(file) = std::fs::File::open(&path) {
            file.sync_all()?;
            rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed)?;
        }
    }
    Ok(())
}

/// Runs a process to completion (stdout discarded) and returns how long it took.
fn time(mut cmd: Command) -> BenchResult<Duration> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let out = cmd.output()?;
    let took = started.elapsed();
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(took)
}

struct Samples {
    label: &'static str,
    ms: Vec<f64>,
}

impl Samples {
    fn new(label: &'static str) -> Self {
        Samples {
            label,
            ms: Vec::new(),
        }
    }
    fn push(&mut self, took: Duration) {
        self.ms.push(took.as_secs_f64() * 1000.0);
    }
    fn sorted(&self) -> Vec<f64> {
        let mut ms = self.ms.clone();
        ms.sort_by(f64::total_cmp);
        ms
    }
    fn median(&self) -> f64 {
        let ms = self.sorted();
        let n = ms.len();
        if n % 2 == 1 {
            ms[n / 2]
        } else {
            (ms[n / 2 - 1] + ms[n / 2]) / 2.0
        }
    }
    fn min(&self) -> f64 {
        self.sorted()[0]
    }
}

fn count_disputed(db: &Path) -> BenchResult<i64> {
    let conn = Connection::open(db)?;
    Ok(conn.query_row("SELECT count(*) FROM disputed_claims", [], |r| r.get(0))?)
}

/// The store's clock during the fill: strictly increasing, formatted as the real code stores it.
struct FillClock(i64);

impl FillClock {
    fn advance(&mut self, rng: &mut Rng, max_secs: usize) -> String {
        self.0 += 1_000 + rng.below(max_secs * 1_000) as i64;
        chrono::DateTime::from_timestamp_millis(START_MS + self.0)
            .expect("in range")
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    }
}

struct Counts {
    sources: i64,
    claims: i64,
    tags: i64,
    evidence: i64,
    links: i64,
    link_collisions: i64,
    verdicts: i64,
    events: i64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sources, {} claims, {} tags, {} evidence, {} links ({} colliding pairs skipped), \
             {} verdicts, {} events",
            self.sources,
            self.claims,
            self.tags,
            self.evidence,
            self.links,
            self.link_collisions,
            self.verdicts,
            self.events
        )
    }
}

const AUTHORS: &[&str] = &["ana", "ben", "chloe", "dmitri", "esther", "farid"];
const SOURCE_KINDS: &[&str] = &[
    "outlet",
    "government",
    "official",
    "organization",
    "person",
    "anonymous",
    "other",
];
const RATIONALES: &[&str] = &[
    "Official figures match the claim.",
    "Records show a different number for the same period.",
    "Partly right: the number is correct but the period is wrong.",
    "No public record either way; the agency declined to comment.",
];

fn claim_text(rng: &mut Rng) -> String {
    format!(
        "{} {} {} {} in {} {}",
        rng.pick(SUBJECTS),
        if rng.chance(300) { "said it" } else { "has" },
        rng.pick(VERBS),
        // numbers a desk sees: small counts to six figures
        [12, 40, 180, 950, 4_300, 27_000, 310_000][rng.below(7)] + rng.below(1000),
        rng.pick(OBJECTS),
        rng.pick(PLACES),
    ) + " "
        + rng.pick(PERIODS)
}

/// Bulk-fills a freshly initialised store in one transaction, writing rows and events in the
/// shapes the real code writes them: each event with its hash, its chain link, `written_at`
/// and `via`, each source, claim, evidence row and link with its `logged_at` (the time of the
/// event that created it).
fn fill(db: &Path, claims: usize) -> BenchResult<Counts> {
    let mut conn = Connection::open(db)?;
    // Bulk-load settings for this connection only; the journal mode goes back to WAL afterwards.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         PRAGMA cache_size = -2000000; PRAGMA temp_store = MEMORY;",
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut clock = FillClock(-1_000);
    let mut link_collisions = 0;
    // factdesk refuses a second live link between the same two claims (since schema 3 there is
    // no unique index doing it), so the fill skips a pair it has already linked.
    let mut linked: HashSet<(usize, usize)> = HashSet::new();
    let tx = conn.transaction()?;
    {
        let mut ins_source = tx.prepare(
            "INSERT INTO sources (pk, id, name, name_key, kind, url, note, created_at, created_by,
                                  logged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?7)",
        )?;
        let mut ins_claim = tx.prepare(
            "INSERT INTO claims (pk, id, text, claimant_pk, reported_by_pk, stance, url, quote,
                                 claim_date, created_at, created_by, logged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10)",
        )?;
        let mut ins_tag = tx.prepare("INSERT INTO claim_tags (claim_pk, tag) VALUES (?1, ?2)")?;
        // Schema 5: each event also carries its link of this store's chain, when the store
        // wrote it (here: its own time, as `claim add` writes it) and how it came ('here').
        let mut ins_event = tx.prepare(
            "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash,
                                 chain, written_at, via)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?2, 'here')",
        )?;
        let mut ins_evidence = tx.prepare(
            "INSERT INTO evidence (id, claim_pk, stance, source_pk, url, quote, note,
                                   created_at, created_by, logged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?7)",
        )?;
        let mut ins_link = tx.prepare(
            "INSERT INTO links (id, from_pk, to_pk, relation, note, created_at, created_by,
                                logged_at)
             VALUES (?1, ?2, ?3, 'contradicts', NULL, ?4, ?5, ?4)",
        )?;
        let mut ins_verdict = tx.prepare(
            "INSERT OR IGNORE INTO verdicts (claim_pk, verdict, rationale, given_at, given_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        // Event ids come from their own generator, so record ids do not depend on the events.
        // Each event carries its hash, computed by the library's own function (schema 3), and
        // its chain link over the events before it in `pk` order — the order they are inserted
        // here — with the library's `chain_hash` (schema 5).
        let mut event_rng = Rng(0xD1B5_4A32_D192_ED03);
        let mut chain = String::new();
        let mut event =
            |record_id: &str, at: &str, author: &str, action: &str, kind: &str, change: Value| {
                let id = event_rng.uuid();
                let hash = event_hash(&EventContent {
                    id: &id,
                    at,
                    author,
                    action,
                    record_kind: kind,
                    record_id,
                    change: &change,
                });
                chain = chain_hash(&chain, &hash);
                ins_event
                    .execute(params![
                        id,
                        at,
                        author,
                        action,
                        kind,
                        record_id,
                        change.to_string(),
                        hash,
                        chain
                    ])
                    .map(drop)
            };

        let mut source_names = Vec::with_capacity(SOURCES);
        for pk in 1..=SOURCES {
            let (id, name) = (rng.uuid(), format!("Source {}", pk - 1));
            let kind = SOURCE_KINDS[pk % SOURCE_KINDS.len()];
            let url = (pk % 3 == 0).then(|| format!("https://source{pk}.example.org"));
            let (at, author) = (clock.advance(&mut rng, 1), rng.pick(AUTHORS));
            ins_source.execute(params![
                pk as i64,
                id,
                name,
                name.to_lowercase(),
                kind,
                url,
                at,
                author
            ])?;
            let mut change = json!({ "name": name, "kind": kind });
            if let Some(url) = &url {
                change["url"] = json!(url);
            }
            event(&id, &at, author, "source.add", "source", change)?;
            source_names.push(name);
        }
        // A few sources say most things: claimants are drawn with a skew towards low numbers.
        let skewed_source = |rng: &mut Rng| {
            let u = rng.below(1_000_000) as f64 / 1e6;
            (u * u * SOURCES as f64) as usize
        };

        let mut claim_ids: Vec<String> = Vec::with_capacity(claims);
        for i in 0..claims {
            let pk = i as i64 + 1;
            let id = rng.uuid();
            let text = claim_text(&mut rng);
            let claimant = skewed_source(&mut rng);
            let reporter = rng.chance(800).then(|| rng.below(SOURCES));
            let stance = match rng.below(100) {
                0..85 => "asserts",
                85..95 => "denies",
                _ => "questions",
            };
            let url = rng
                .chance(400)
                .then(|| format!("https://news.example.org/2026/{}", rng.next() % 1_000_000));
            let quote = rng
                .chance(150)
                .then(|| format!("\"We {} them all\", a spokesperson said", rng.pick(VERBS)));
            let (at, author) = (clock.advance(&mut rng, 40), rng.pick(AUTHORS));
            let date = rng.chance(500).then(|| at[..10].to_string());
            let mut tags: Vec<&str> = Vec::new();
            if rng.chance(300) {
                for _ in 0..1 + rng.below(3) {
                    let tag = rng.pick(TAGS);
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
            ins_claim.execute(params![
                pk,
                id,
                text,
                claimant as i64 + 1,
                reporter.map(|r| r as i64 + 1),
                stance,
                url,
                quote,
                date,
                at,
                author
            ])?;
            for tag in &tags {
                ins_tag.execute(params![pk, tag])?;
            }
            let mut change = Map::new();
            change.insert("text".into(), json!(text));
            change.insert("claimant".into(), json!(source_names[claimant]));
            if let Some(r) = reporter {
                change.insert("reported_by".into(), json!(source_names[r]));
            }
            change.insert("stance".into(), json!(stance));
            for (key, value) in [("url", &url), ("quote", &quote), ("date", &date)] {
                if let Some(v) = value {
                    change.insert(key.into(), json!(v));
                }
            }
            if !tags.is_empty() {
                change.insert("tags".into(), json!(tags));
            }
            event(
                &id,
                &at,
                author,
                "claim.add",
                "claim",
                Value::Object(change),
            )?;
            claim_ids.push(id);

            // Evidence, on ~2% of claims: one or two items on a recent claim.
            if rng.chance(20) {
                let target = i - rng.below(i.min(20_000) + 1);
                for _ in 0..1 + rng.below(2) {
                    let stance = match rng.below(100) {
                        0..40 => "supports",
                        40..75 => "refutes",
                        _ => "context",
                    };
                    let source = rng.chance(800).then(|| rng.below(SOURCES));
                    let url = rng.chance(600).then(|| {
                        format!("https://evidence.example.org/{}", rng.next() % 1_000_000)
                    });
                    let note = rng.pick(EVIDENCE_NOTES);
                    let (at, author) = (clock.advance(&mut rng, 10), rng.pick(AUTHORS));
                    let eid = rng.uuid();
                    ins_evidence.execute(params![
                        eid,
                        target as i64 + 1,
                        stance,
                        source.map(|s| s as i64 + 1),
                        url,
                        note,
                        at,
                        author
                    ])?;
                    let mut change = json!({ "claim": claim_ids[target], "stance": stance });
                    if let Some(s) = source {
                        change["source"] = json!(source_names[s]);
                    }
                    if let Some(url) = &url {
                        change["url"] = json!(url);
                    }
                    change["note"] = json!(note);
                    event(&eid, &at, author, "evidence.add", "evidence", change)?;
                }
            }

            // Contradicts links, ~1%: between two claims of the last 10,000; a pair already
            // linked (either order) is skipped, as factdesk refuses it.
            if i > 0 && rng.chance(10) {
                let from = if rng.chance(500) {
                    i
                } else {
                    i - rng.below(i.min(10_000) + 1)
                };
                let to = i - rng.below(i.min(10_000) + 1);
                if from != to {
                    let (at, author) = (clock.advance(&mut rng, 10), rng.pick(AUTHORS));
                    let lid = rng.uuid();
                    if linked.insert((from.min(to), from.max(to))) {
                        ins_link.execute(params![
                            lid,
                            from as i64 + 1,
                            to as i64 + 1,
                            at,
                            author
                        ])?;
                        let change = json!({
                            "from": claim_ids[from], "relation": "contradicts", "to": claim_ids[to]
                        });
                        event(&lid, &at, author, "link.add", "link", change)?;
                    } else {
                        link_collisions += 1;
                    }
                }
            }

            // Verdicts, ~1%, on any earlier claim; a claim already judged is skipped.
            if rng.chance(10) {
                let target = rng.below(i + 1);
                let verdict = ["supported", "refuted", "mixed", "unverifiable"][rng.below(4)];
                let rationale = rng.pick(RATIONALES);
                let (at, author) = (clock.advance(&mut rng, 10), rng.pick(AUTHORS));
                let added = ins_verdict.execute(params![
                    target as i64 + 1,
                    verdict,
                    rationale,
                    at,
                    author
                ])?;
                if added == 1 {
                    let change = json!({ "verdict": verdict, "rationale": rationale });
                    event(
                        &claim_ids[target],
                        &at,
                        author,
                        "verdict.set",
                        "claim",
                        change,
                    )?;
                }
            }

            if (i + 1) % 200_000 == 0 {
                eprintln!("  {} claims…", i + 1);
            }
        }
    }
    // A claim with evidence is searched with its evidence's notes and quotes too (its
    // `search_context`), set here as factdesk's own replay sets it.
    tx.execute(
        "UPDATE claims SET search_context = (
             SELECT group_concat(coalesce(e.note, '') || ' ' || coalesce(e.quote, ''), char(10))
               FROM evidence e WHERE e.claim_pk = claims.pk)
          WHERE pk IN (SELECT claim_pk FROM evidence)",
        [],
    )?;
    // factdesk indexes every claim's text as it writes it; the fill indexes them all at once.
    tx.execute("INSERT INTO claims_fts (claims_fts) VALUES ('rebuild')", [])?;
    tx.commit()?;
    // Back to what `factdesk` leaves: a WAL-mode store (the mode is kept in the file).
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" {
        return Err(format!("could not put the store back in WAL mode (got {mode})").into());
    }
    let count = |table: &str| -> rusqlite::Result<i64> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
    };
    Ok(Counts {
        sources: count("sources")?,
        claims: count("claims")?,
        tags: count("claim_tags")?,
        evidence: count("evidence")?,
        links: count("links")?,
        link_collisions,
        verdicts: count("verdicts")?,
        events: count("events")?,
    })
}
