//! How fast the linker's sentence-embedding model embeds claims on this machine (feature
//! `semantic`), against issue 12's bar of 100 claims/s on 2 cores.
//!
//! It loads the model (timed), then embeds N claim texts — the first N fact-checked claims of
//! CheckThat! 2022 Task 2A (`../shared/data/checkthat2022-2a-en/vclaims.jsonl`, or
//! `FACTDESK_CHECKTHAT`), or generated news-like sentences when that file is absent — handing
//! them to [`Embedder::embed`] 256 at a time, as an indexer would, for each encoder batch size
//! asked for. It prints claims/s, peak RSS (before loading, once loaded, overall), the bytes
//! one stored embedding takes, and the load's time against a floor measured in the same run:
//! reading the weights file whole.
//!
//! Run: `cargo bench --features semantic --bench embed`. The model directory is read from
//! `FACTDESK_MODEL`, else `FACTDESK_TEST_MODEL` (`.ci/run` shows how to unpack it); without it
//! the bench says so and stops. `FACTDESK_EMBED_N` (default 2000) sets N and
//! `FACTDESK_EMBED_BATCHES` (default `32`, e.g. `8,16,32,64`) the batch sizes tried.

// This is a benchmark's `main` (harness = false): printing the results is its whole job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use factdesk::linker::semantic::{Embedder, cosine};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Texts handed to one `embed` call.
const CALL: usize = 256;

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("embed bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> BenchResult<()> {
    let Some(model_dir) = std::env::var_os("FACTDESK_MODEL")
        .or_else(|| std::env::var_os("FACTDESK_TEST_MODEL"))
        .map(PathBuf::from)
    else {
        eprintln!(
            "embed bench: set FACTDESK_MODEL to an unpacked all-MiniLM-L6-v2 directory \
             (see .ci/run); nothing measured"
        );
        return Ok(());
    };
    let n: usize = match std::env::var("FACTDESK_EMBED_N") {
        Ok(v) => v.parse()?,
        Err(_) => 2000,
    };
    let batches: Vec<usize> = match std::env::var("FACTDESK_EMBED_BATCHES") {
        Ok(v) => v
            .split(',')
            .map(|s| s.trim().parse())
            .collect::<Result<_, _>>()?,
        Err(_) => vec![32],
    };

    let (texts, source) = claims(n)?;
    let mean_chars = texts.iter().map(|t| t.chars().count()).sum::<usize>() as f64 / n as f64;
    println!(
        "claims: {} from {source}, {mean_chars:.0} characters on average",
        texts.len()
    );

    let rss_before = peak_rss_kib();
    let started = Instant::now();
    let mut embedder = Embedder::load(&model_dir)?;
    let load = started.elapsed();
    let rss_loaded = peak_rss_kib();
    println!(
        "model load: {:.3} s ({}, {} dimensions, up to {} word pieces); threads: {}",
        load.as_secs_f64(),
        model_dir.display(),
        embedder.dimensions(),
        embedder.max_tokens(),
        candle_core::utils::get_num_threads(),
    );
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    // Warm up (allocations, thread pools) on a few texts, not counted.
    embedder.embed(&refs[..refs.len().min(CALL)])?;

    let mut reference: Option<Vec<Vec<f32>>> = None;
    for &batch in &batches {
        embedder.set_batch_size(batch);
        let started = Instant::now();
        let mut vectors = Vec::with_capacity(refs.len());
        for call in refs.chunks(CALL) {
            vectors.extend(embedder.embed(call)?);
        }
        let secs = started.elapsed().as_secs_f64();
        // Different batch sizes must give the same vectors (padding does not count).
        let agreement = match &reference {
            Some(first) => first
                .iter()
                .zip(&vectors)
                .map(|(a, b)| cosine(a, b))
                .fold(1f32, f32::min),
            None => 1.0,
        };
        println!(
            "batch {batch:>4}: {:>7.1} claims/s ({:.2} s for {}), lowest cosine to the first \
             run {agreement:.6}",
            refs.len() as f64 / secs,
            secs,
            refs.len(),
        );
        if reference.is_none() {
            reference = Some(vectors);
        }
    }

    let dims = embedder.dimensions();
    println!(
        "stored embedding: {} bytes ({dims} f32); {} claims: {:.1} MiB",
        dims * 4,
        n,
        (n * dims * 4) as f64 / (1024.0 * 1024.0)
    );
    match (rss_before, rss_loaded, peak_rss_kib()) {
        (Some(before), Some(loaded), Some(peak)) => println!(
            "peak RSS: {:.0} MiB ({:.0} MiB before the model was loaded, {:.0} MiB once loaded)",
            peak as f64 / 1024.0,
            before as f64 / 1024.0,
            loaded as f64 / 1024.0
        ),
        _ => println!("peak RSS: not available on this system"),
    }

    // The floor for the load, measured last so that its buffer counts in no peak above: reading
    // the weights file whole, the least any load must do (it is in the page cache by now, as it
    // was for the load).
    let started = Instant::now();
    let weights = std::fs::read(model_dir.join("model.safetensors"))?;
    let floor = started.elapsed();
    println!(
        "floor: reading model.safetensors ({:.0} MiB) whole: {:.3} s; the load took {:.1}× that",
        weights.len() as f64 / (1024.0 * 1024.0),
        floor.as_secs_f64(),
        load.as_secs_f64() / floor.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// The first `n` claim texts of CheckThat! 2022 2A's vclaims, or generated ones.
fn claims(n: usize) -> BenchResult<(Vec<String>, String)> {
    let dir = match std::env::var_os("FACTDESK_CHECKTHAT") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/checkthat2022-2a-en"),
    };
    let path = dir.join("vclaims.jsonl");
    if let Ok(file) = std::fs::File::open(&path) {
        let mut texts = Vec::with_capacity(n);
        for line in BufReader::new(file).lines() {
            if texts.len() == n {
                break;
            }
            let value: serde_json::Value = serde_json::from_str(&line?)?;
            if let Some(text) = value.get("vclaim").and_then(|v| v.as_str()) {
                texts.push(text.to_string());
            }
        }
        if texts.len() == n {
            return Ok((texts, path.display().to_string()));
        }
    }
    Ok((
        generated(n),
        "generated sentences (no vclaims.jsonl)".to_string(),
    ))
}

/// News-like claims built from a few parts, varied in length as real claims are.
fn generated(n: usize) -> Vec<String> {
    const WHO: &[&str] = &[
        "Iran",
        "The Kremlin",
        "A spokesman for the ministry of defence",
        "The World Health Organization",
        "Local officials in the northern province",
        "The president",
    ];
    const DID: &[&str] = &[
        "supplied Russia with ballistic missiles",
        "denied that any vaccine causes infertility",
        "said the price of bread doubled last year",
        "confirmed that the election results were certified on time",
        "claimed that the bridge was destroyed by a drone strike",
    ];
    const WHEN: &[&str] = &[
        "",
        " in March",
        " according to a report published on Tuesday",
        " despite earlier statements to the contrary by several senior officials",
    ];
    (0..n)
        .map(|i| {
            format!(
                "{} {}{} (claim {i}).",
                WHO[i % WHO.len()],
                DID[(i / WHO.len()) % DID.len()],
                WHEN[(i / 7) % WHEN.len()]
            )
        })
        .collect()
}

/// The process's peak resident set size in KiB, from /proc (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}
