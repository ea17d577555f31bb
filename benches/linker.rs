//! The linker measured on real data: the CLEF CheckThat! 2022 Task 2A (English) claim-retrieval
//! benchmark. It imports the 14,231 fact-checked claims (vclaims) into a fresh store with
//! `factdesk import` — each claim's text as the claim, its `vclaim_id` as a tag, and the Snopes
//! article's title and subtitle as context evidence — then runs
//! `factdesk link suggest --text TWEET --limit 5` for every tweet of a split and scores the
//! ranking as the lab does: MAP@5 (official), MRR and P@1, with the median and 95th-percentile
//! time per query (each query a whole process). For every gold claim the linker retrieves, it
//! also counts the relation proposed for it: a tweet repeats the claim, so anything but
//! `duplicates` or `supports` is a wrong judgement (`contradicts` the costly one).
//!
//! Run: `cargo bench --bench linker` (the data is read from `../shared/data/checkthat2022-2a-en`,
//! or from `FACTDESK_CHECKTHAT`; without it the bench says so and stops). Splits:
//! `FACTDESK_BENCH_SPLIT=dev-test` (default: every split). With `FACTDESK_MODEL` naming a
//! sentence-embedding model directory, in a build with the model (`cargo bench --features
//! semantic --bench linker`), the store is given the model (`config set linker.model`) and its
//! claims their vectors (`linker index`, timed, with the store's size before and after), and
//! every query runs with it; each query's process then loads the model too, and the peak
//! resident memory of the first query of each split is printed.
//!
//! `FACTDESK_BENCH_IN_PROCESS=1` asks the queries in-process instead (`Store::suggest_links` on
//! the same store, the model loaded once): the same rankings and relations as the processes
//! give, for trying a change to the linker on Train in minutes; its times are per query
//! without a process's start or the model's load, and no peak memory is measured.

// This is a benchmark's `main` (harness = false): printing the results is its whole job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::checkthat::{SPLITS, data_dir, gold, queries, vclaim_record};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use factdesk::linker;
use serde_json::{Value, json};

const FACTDESK: &str = env!("CARGO_BIN_EXE_factdesk");

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linker bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn factdesk(db: &Path, args: &[&str]) -> BenchResult<String> {
    let out = Command::new(FACTDESK)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("FACTDESK_NOW")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "factdesk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// The vclaims as factdesk's bulk format.
fn write_claims(data: &Path, out: &Path) -> BenchResult<usize> {
    let input = BufReader::new(std::fs::File::open(data.join("vclaims.jsonl"))?);
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut n = 0;
    for line in input.lines() {
        let v: Value = serde_json::from_str(&line?)?;
        let mut record = vclaim_record(&v);
        // The fact-check's page is the context note's source.
        if let (Some(evidence), Some(url)) = (record["evidence"].get_mut(0), v["page_url"].as_str())
        {
            evidence["url"] = json!(url);
        }
        writeln!(file, "{record}")?;
        n += 1;
    }
    Ok(n)
}

/// With `FACTDESK_BENCH_IN_PROCESS` set, the store at `db` opened here, given the model in
/// `model` (when there is one) as `link suggest` gives it; else none.
fn in_process_store(
    db: &Path,
    model: Option<&Path>,
) -> BenchResult<Option<factdesk::store::Store>> {
    if !common::env_flag("FACTDESK_BENCH_IN_PROCESS") {
        return Ok(None);
    }
    if factdesk::store::is_shared_url(&db.to_string_lossy()) {
        return Err("FACTDESK_BENCH_IN_PROCESS runs on a SQLite store only".into());
    }
    #[cfg_attr(not(feature = "semantic"), allow(unused_mut))]
    let mut store = factdesk::store::Store::open(
        db,
        factdesk::store::OpenMode::MustExist,
        factdesk::store::NetworkFs::Allow,
    )?;
    #[cfg(feature = "semantic")]
    if let Some(model) = model {
        store.set_embedder(Some(Box::new(factdesk::linker::semantic::Embedder::load(
            model,
        )?)));
    }
    #[cfg(not(feature = "semantic"))]
    if model.is_some() {
        return Err("FACTDESK_MODEL needs a build with the model: --features semantic".into());
    }
    Ok(Some(store))
}

/// Average precision at 5, as the lab's scorer computes it.
fn average_precision_at_5(ranked: &[String], gold: &HashSet<String>) -> f64 {
    let mut hits = 0.0;
    let mut sum = 0.0;
    for (k, id) in ranked.iter().take(5).enumerate() {
        if gold.contains(id) {
            hits += 1.0;
            sum += hits / (k as f64 + 1.0);
        }
    }
    sum / gold.len().min(5) as f64
}

fn reciprocal_rank(ranked: &[String], gold: &HashSet<String>) -> f64 {
    ranked
        .iter()
        .position(|id| gold.contains(id))
        .map_or(0.0, |k| 1.0 / (k as f64 + 1.0))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// A fresh database for the bench on the server `url` names; returns its URL.
fn shared_database(url: &str) -> BenchResult<String> {
    let name = format!("factdesk_linker_{}", std::process::id());
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let mut url = url::Url::parse(url)?;
    url.set_path(&format!("/{name}"));
    eprintln!("linker bench on the shared store {url} (dropped by hand afterwards)");
    Ok(url.to_string())
}

fn bench() -> BenchResult<()> {
    let data = data_dir();
    if !data.join("vclaims.jsonl").exists() {
        return Err(format!(
            "the CheckThat! data is not at {} (set FACTDESK_CHECKTHAT to its folder)",
            data.display()
        )
        .into());
    }
    let dir = tempfile::tempdir()?;
    // FACTDESK_BENCH_POSTGRES (a superuser's URL): the same bench on a shared store, in a
    // database of its own; FACTDESK_REPLICA_DIR must then name a fresh directory for the
    // replica, where the plain-BM25 baseline reads the full-text index.
    let shared = std::env::var("FACTDESK_BENCH_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .map(|url| shared_database(&url))
        .transpose()?;
    let db = match &shared {
        Some(url) => std::path::PathBuf::from(url),
        None => dir.path().join("checkthat.db"),
    };
    let file = dir.path().join("vclaims.jsonl");
    let n = write_claims(&data, &file)?;
    factdesk(&db, &["init"])?;
    let started = Instant::now();
    // (On a shared store the database login is the author: `--as` may not name another.)
    let acting: &[&str] = if shared.is_some() {
        &[]
    } else {
        &["--as", "bench"]
    };
    factdesk(&db, &[acting, &["import", file.to_str().unwrap()]].concat())?;
    eprintln!(
        "imported {n} claims in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let model = std::env::var_os("FACTDESK_MODEL");
    if let Some(model) = &model {
        let model = model.to_str().ok_or("a model path that is not UTF-8")?;
        factdesk(&db, &["config", "set", "linker.model", model])?;
        let size = |db: &Path| -> BenchResult<u64> {
            // The write-ahead log is folded in by the next checkpoint: count both.
            let wal = db.with_extension("db-wal");
            Ok(std::fs::metadata(db)?.len() + std::fs::metadata(&wal).map_or(0, |m| m.len()))
        };
        let before = size(&db)?;
        let started = Instant::now();
        let out = factdesk(&db, &["linker", "index"])?;
        let seconds = started.elapsed().as_secs_f64();
        factdesk(&db, &["verify"])?;
        let after = size(&db)?;
        eprintln!(
            "{} in {seconds:.1} s ({:.0} claims/s); store {:.1} MB before, {:.1} MB after \
             (+{:.1} MB, {:.0} bytes a claim)",
            out.trim(),
            n as f64 / seconds,
            before as f64 / 1e6,
            after as f64 / 1e6,
            (after as f64 - before as f64) / 1e6,
            (after as f64 - before as f64) / n as f64
        );
    }
    let claims: Value = serde_json::from_str(&factdesk(
        &db,
        &["--format", "json", "claim", "list", "--all"],
    )?)?;
    let vclaim_of: HashMap<String, String> = claims
        .as_array()
        .ok_or("claim list is not a list")?
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["tags"][0].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();

    // The baseline: plain BM25 from the same full-text index, with the same query terms, no
    // re-ranking — asked in-process, through rusqlite.
    let conn = match &shared {
        Some(_) => {
            let replicas = std::env::var_os("FACTDESK_REPLICA_DIR")
                .ok_or("FACTDESK_BENCH_POSTGRES needs FACTDESK_REPLICA_DIR")?;
            let replica = std::fs::read_dir(replicas)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|e| e == "db"))
                .ok_or("no replica in FACTDESK_REPLICA_DIR")?;
            rusqlite::Connection::open(replica)?
        }
        None => rusqlite::Connection::open(&db)?,
    };
    let mut bm25 = conn.prepare(
        "SELECT c.id FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid
         WHERE claims_fts MATCH ?1 ORDER BY claims_fts.rank LIMIT 5",
    )?;

    let wanted = std::env::var("FACTDESK_BENCH_SPLIT").ok();
    let mut relation_lines = Vec::new();
    println!(
        "linker: {}\n",
        model
            .as_ref()
            .map_or("without a model".to_string(), |m| format!(
                "with the model in {}",
                Path::new(m).display()
            ))
    );
    let meter = common::meter::Meter::detect(dir.path());
    let in_process = in_process_store(&db, model.as_deref().map(Path::new))?;
    println!("| split | queries | ranking | MAP@5 | MRR | P@1 | median ms/query | p95 ms/query |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|");
    for (name, queries_file, gold_file) in SPLITS {
        if wanted.as_deref().is_some_and(|w| w != *name) {
            continue;
        }
        let queries = queries(&data.join(queries_file))?;
        let gold = gold(&data.join(gold_file))?;
        let (mut map, mut mrr, mut p1, mut times, mut count) = (0.0, 0.0, 0.0, Vec::new(), 0.0);
        let (mut base_map, mut base_mrr, mut base_p1) = (0.0, 0.0, 0.0);
        // The relation proposed for a gold claim the linker retrieved (in its top 5).
        let mut gold_relations: HashMap<String, usize> = HashMap::new();
        // The peak resident memory of the split's first query.
        let mut peak_mb: Option<f64> = None;
        for (query, relevant) in &gold {
            let Some(text) = queries.get(query) else {
                continue;
            };
            let baseline: Vec<String> = match linker::fts_query(&linker::analyze(text)) {
                Some(q) => bm25
                    .query_map([q], |r| r.get::<_, String>(0))?
                    .filter_map(|id| vclaim_of.get(&id.ok()?).cloned())
                    .collect(),
                None => Vec::new(),
            };
            base_map += average_precision_at_5(&baseline, relevant);
            base_mrr += reciprocal_rank(&baseline, relevant);
            base_p1 += f64::from(u8::from(
                baseline.first().is_some_and(|id| relevant.contains(id)),
            ));
            // `--text=…`, so a tweet starting with '-' is not read as an option.
            let text_arg = format!("--text={text}");
            let args = [
                "--format", "json", "link", "suggest", &text_arg, "--limit", "5",
            ];
            let out = if let Some(store) = &in_process {
                let started = Instant::now();
                let query = factdesk::store::LinkQuery::Text(
                    text.to_string(),
                    factdesk::model::Stance::Asserts,
                );
                let proposals = store.suggest_links(&query, 5)?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                serde_json::to_string(&proposals)?
            } else if peak_mb.is_none() {
                let mut cmd = common::factdesk(&db);
                cmd.args(args);
                let measured = meter.run(cmd, dir.path())?;
                peak_mb = measured.peak_mb().or(Some(f64::NAN));
                times.push(measured.wall.as_secs_f64() * 1000.0);
                measured.stdout
            } else {
                let started = Instant::now();
                let out = factdesk(&db, &args)?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                out
            };
            let proposals: Value = serde_json::from_str(&out)?;
            let proposals = proposals
                .as_array()
                .ok_or("link suggest did not print a list")?;
            let ranked: Vec<String> = proposals
                .iter()
                .filter_map(|p| vclaim_of.get(p["id"].as_str()?).cloned())
                .collect();
            for p in proposals {
                if p["id"]
                    .as_str()
                    .and_then(|id| vclaim_of.get(id))
                    .is_some_and(|v| relevant.contains(v))
                {
                    let relation = p["relation"].as_str().unwrap_or("?").to_string();
                    *gold_relations.entry(relation).or_default() += 1;
                }
            }
            map += average_precision_at_5(&ranked, relevant);
            mrr += reciprocal_rank(&ranked, relevant);
            p1 += f64::from(u8::from(
                ranked.first().is_some_and(|id| relevant.contains(id)),
            ));
            count += 1.0;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {count} | factdesk linker | {:.4} | {:.4} | {:.4} | {:.1} | {:.1} |",
            map / count,
            mrr / count,
            p1 / count,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
        println!(
            "| {name} | {count} | plain BM25 (FTS5, same terms) | {:.4} | {:.4} | {:.4} | | |",
            base_map / count,
            base_mrr / count,
            base_p1 / count
        );
        eprintln!(
            "{name}: the first query's peak resident memory {:.0} MB",
            peak_mb.unwrap_or(f64::NAN)
        );
        let retrieved: usize = gold_relations.values().sum();
        let share = |relations: &[&str]| {
            let n: usize = relations
                .iter()
                .map(|r| gold_relations.get(*r).copied().unwrap_or(0))
                .sum();
            format!("{:.1}% ({n})", 100.0 * n as f64 / retrieved.max(1) as f64)
        };
        relation_lines.push(format!(
            "| {name} | {retrieved} | {} | {} | {} | {} |",
            share(&["duplicates", "supports"]),
            share(&["contradicts"]),
            share(&["related"]),
            share(&["duplicates"]),
        ));
    }
    println!("\nThe relation proposed for the gold claim, when the linker retrieved it (top 5):\n");
    println!(
        "| split | gold claims retrieved | duplicates or supports | contradicts | related | of which duplicates |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for line in relation_lines {
        println!("{line}");
    }
    Ok(())
}
