//! The linker's judgement measured on labelled claim pairs: `../shared/data/claim-relations/`
//! (`dev.jsonl`, 240 pairs labelled `contradicts`, `duplicates`, `supports`, `related` or
//! `unrelated`; read its `SOURCE.txt`). For each pair it logs both claims in a fresh store with
//! the real binary (`factdesk claim add TEXT [--claimant C] --stance S`), asks
//! `factdesk link judge A B --format json`, and takes a null relation as `unrelated`. It prints
//! the confusion matrix (gold by answer), accuracy, each label's precision, recall and F1, their
//! mean (macro-F1), and contradicts precision and recall on their own, each with the number of
//! pairs it is computed on, as `SOURCE.txt` says to score a linker. A `supports` answer counts
//! only in the a → b direction.
//!
//! Run: `cargo bench --bench relations` (the data is read from `../shared/data/claim-relations`
//! or from `FACTDESK_RELATIONS`; without it the bench says so and stops). It measures the linker
//! without a model; with `FACTDESK_MODEL` naming a sentence-embedding model directory, in a build
//! with the model (`cargo bench --features semantic --bench relations`), it measures it a second
//! time with the model set in each store (`factdesk config set linker.model DIR`, so both
//! claims are logged with their vectors).

// This is a benchmark's `main` (harness = false): printing the results is its whole job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

const LABELS: [&str; 5] = [
    "contradicts",
    "duplicates",
    "supports",
    "related",
    "unrelated",
];

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("relations bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn data_file() -> PathBuf {
    match std::env::var_os("FACTDESK_RELATIONS") {
        Some(dir) => PathBuf::from(dir).join("dev.jsonl"),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/claim-relations/dev.jsonl")
        }
    }
}

/// Runs factdesk on `db` as the bench's user; its stdout, or an error unless it exits 0.
fn run(db: &Path, args: &[&str]) -> BenchResult<String> {
    common::output_text(db, &[&["--as", "bench"], args].concat())
}

/// Logs one side of a pair and returns its id.
fn add(db: &Path, pair: &Value, side: &str) -> BenchResult<String> {
    let text = pair[side].as_str().ok_or("a pair without text")?;
    let stance = pair[format!("{side}_stance")].as_str().unwrap_or("asserts");
    let claimant = pair[format!("{side}_claimant")]
        .as_str()
        .map(|c| format!("--claimant={c}"));
    let mut args = vec!["claim", "add", "--quiet", "--stance", stance];
    if let Some(claimant) = &claimant {
        args.push(claimant);
    }
    args.extend(["--", text]);
    Ok(run(db, &args)?.trim().to_string())
}

fn bench() -> BenchResult<()> {
    let file = data_file();
    let Ok(data) = std::fs::read_to_string(&file) else {
        println!(
            "relations bench: {} is absent; nothing measured (see ../shared/data/claim-relations/SOURCE.txt)",
            file.display()
        );
        return Ok(());
    };
    measure(&file, &data, None)?;
    match std::env::var_os("FACTDESK_MODEL") {
        Some(model) => measure(&file, &data, Some(Path::new(&model)))?,
        None => println!(
            "\nrelations bench: set FACTDESK_MODEL to a model directory (and build with \
             --features semantic) to measure with a model too"
        ),
    }
    Ok(())
}

/// Judges every pair, with the model in `model` set in each store or without one, and prints
/// the tables.
fn measure(file: &Path, data: &str, model: Option<&Path>) -> BenchResult<()> {
    let dir = tempfile::tempdir()?;
    let mut matrix = [[0usize; 5]; 5];
    let started = std::time::Instant::now();
    for (n, line) in data.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let pair: Value = serde_json::from_str(line)?;
        let db = dir.path().join(format!("pair-{n}.db"));
        run(&db, &["init"])?;
        if let Some(model) = model {
            let model = model.to_str().ok_or("a model path that is not UTF-8")?;
            run(&db, &["config", "set", "linker.model", model])?;
        }
        let a = add(&db, &pair, "a")?;
        let b = add(&db, &pair, "b")?;
        let judged: Value =
            serde_json::from_str(&run(&db, &["--format", "json", "link", "judge", &a, &b])?)?;
        let answer = judged["relation"].as_str().unwrap_or("unrelated");
        let gold = pair["relation"]
            .as_str()
            .ok_or("a pair without a relation")?;
        let position = |label: &str| {
            LABELS
                .iter()
                .position(|l| *l == label)
                .ok_or(format!("unknown label {label}"))
        };
        matrix[position(gold)?][position(answer)?] += 1;
        std::fs::remove_file(&db)?;
    }
    let total: usize = matrix.iter().flatten().sum();
    let with = match model {
        Some(dir) => format!("with the model in {}", dir.display()),
        None => "without a model".to_string(),
    };
    println!(
        "claim relations, {} ({total} pairs, {:.1} s; {with})\n",
        file.display(),
        started.elapsed().as_secs_f64()
    );
    println!("| gold \\ answer | {} |", LABELS.join(" | "));
    println!("|---|{}", "---:|".repeat(5));
    for (i, row) in matrix.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(usize::to_string).collect();
        println!("| {} | {} |", LABELS[i], cells.join(" | "));
    }
    let correct: usize = (0..5).map(|i| matrix[i][i]).sum();
    println!(
        "\naccuracy {:.3} ({correct} of {total} pairs)\n",
        correct as f64 / total as f64
    );
    println!("| label | precision | recall | F1 | answered | gold |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut f1_sum = 0.0;
    for (i, label) in LABELS.iter().enumerate() {
        let answered: usize = (0..5).map(|g| matrix[g][i]).sum();
        let gold: usize = matrix[i].iter().sum();
        let precision = ratio(matrix[i][i], answered);
        let recall = ratio(matrix[i][i], gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        f1_sum += f1;
        println!("| {label} | {precision:.2} | {recall:.2} | {f1:.2} | {answered} | {gold} |");
    }
    println!("\nmacro-F1 {:.3} ({total} pairs)", f1_sum / 5.0);
    let answered: usize = (0..5).map(|g| matrix[g][0]).sum();
    let gold: usize = matrix[0].iter().sum();
    println!(
        "contradicts precision {:.2} ({} of {answered} answered), recall {:.2} ({} of {gold} gold)",
        ratio(matrix[0][0], answered),
        matrix[0][0],
        ratio(matrix[0][0], gold),
        matrix[0][0],
    );
    Ok(())
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
