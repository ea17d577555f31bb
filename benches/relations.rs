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
//!
//! `FACTDESK_BENCH_IN_PROCESS=1` judges the same pairs in-process instead, with
//! `linker::relate_with` on the two texts (and their cosine, from the model loaded once): the
//! same answers in a second rather than minutes, for trying a rule. It then also judges every
//! gold pair of a CheckThat! 2022 2A split (`FACTDESK_BENCH_SPLIT`, default `train`: each tweet
//! against the fact-checked claim it repeats) and prints how many got each relation and each
//! kind of reason; `FACTDESK_BENCH_SHOW_MISSES=1` also lists each labelled pair it answers
//! otherwise than labelled, with the reason and cosine. The figures of record stay those of the binary (this bench without the
//! variable, and `cargo bench --bench linker`, which counts only the gold claims it retrieves).

// This is a benchmark's `main` (harness = false): printing the results is its whole job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use factdesk::linker::{self, Analyzed, PairFacts, analyze};
use factdesk::model::Stance;
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
    if common::env_flag("FACTDESK_BENCH_IN_PROCESS") {
        let model = std::env::var_os("FACTDESK_MODEL").map(PathBuf::from);
        return measure_in_process(&file, &data, model.as_deref());
    }
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
        matrix[position(gold)?][position(answer)?] += 1;
        std::fs::remove_file(&db)?;
    }
    print_tables(file, &matrix, started.elapsed().as_secs_f64(), model);
    Ok(())
}

/// The position of a label in [`LABELS`].
fn position(label: &str) -> BenchResult<usize> {
    Ok(LABELS
        .iter()
        .position(|l| *l == label)
        .ok_or(format!("unknown label {label}"))?)
}

/// Sentence vectors from the model in `dir`, for the cosine of two texts; none without one.
struct Cosines {
    #[cfg(feature = "semantic")]
    embedder: Option<factdesk::linker::semantic::Embedder>,
    vectors: HashMap<String, Vec<f32>>,
}

impl Cosines {
    fn load(model: Option<&Path>) -> BenchResult<Cosines> {
        #[cfg(feature = "semantic")]
        let embedder = model
            .map(factdesk::linker::semantic::Embedder::load)
            .transpose()?;
        #[cfg(not(feature = "semantic"))]
        if model.is_some() {
            return Err("FACTDESK_MODEL needs a build with the model: --features semantic".into());
        }
        Ok(Cosines {
            #[cfg(feature = "semantic")]
            embedder,
            vectors: HashMap::new(),
        })
    }

    /// Embeds every text of `texts` not embedded yet, 256 at a time.
    fn embed(&mut self, texts: &[&str]) -> BenchResult<()> {
        #[cfg(feature = "semantic")]
        if let Some(embedder) = &self.embedder {
            let mut missing: Vec<&str> = texts
                .iter()
                .copied()
                .filter(|t| !self.vectors.contains_key(*t))
                .collect();
            missing.sort_unstable();
            missing.dedup();
            for chunk in missing.chunks(256) {
                for (text, vector) in chunk.iter().zip(embedder.embed(chunk)?) {
                    self.vectors.insert(text.to_string(), vector);
                }
            }
        }
        let _ = texts;
        Ok(())
    }

    fn between(&self, a: &str, b: &str) -> Option<f64> {
        let (x, y) = (self.vectors.get(a)?, self.vectors.get(b)?);
        Some(f64::from(linker::vectors::cosine(x, y)))
    }
}

/// What the linker answers for `a` against `b`, in-process: its relation ("unrelated" for
/// none) and its reason.
fn judge(a: (&Analyzed, Stance), b: (&Analyzed, Stance), pair: PairFacts) -> (String, String) {
    let (relation, reason) = linker::relate_with(a.0, a.1, b.0, b.1, pair, &linker::SIMILARITY);
    (
        relation.map_or("unrelated".to_string(), |r| r.to_string()),
        reason,
    )
}

/// The labelled pairs, then a CheckThat! split's gold pairs, judged in-process.
fn measure_in_process(file: &Path, data: &str, model: Option<&Path>) -> BenchResult<()> {
    let started = std::time::Instant::now();
    let pairs: Vec<Value> = data
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let text = |pair: &Value, side: &str| pair[side].as_str().unwrap_or_default().to_string();
    let mut cosines = Cosines::load(model)?;
    let mut texts: Vec<String> = pairs
        .iter()
        .flat_map(|p| [text(p, "a"), text(p, "b")])
        .collect();
    let gold_pairs = checkthat_gold_pairs()?;
    texts.extend(gold_pairs.iter().flat_map(|(t, c)| [t.clone(), c.clone()]));
    cosines.embed(&texts.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut matrix = [[0usize; 5]; 5];
    let show_misses = common::env_flag("FACTDESK_BENCH_SHOW_MISSES");
    let mut misses = Vec::new();
    for pair in &pairs {
        let stance = |side: &str| -> BenchResult<Stance> {
            Ok(pair[format!("{side}_stance")]
                .as_str()
                .unwrap_or("asserts")
                .parse()?)
        };
        let (a, b) = (text(pair, "a"), text(pair, "b"));
        let cosine = cosines.between(&a, &b);
        let claimant = |side: &str| pair[format!("{side}_claimant")].as_str();
        let (answer, reason) = judge(
            (&analyze(&a), stance("a")?),
            (&analyze(&b), stance("b")?),
            PairFacts::new(cosine, (claimant("a"), claimant("b"))),
        );
        let gold = pair["relation"]
            .as_str()
            .ok_or("a pair without a relation")?;
        matrix[position(gold)?][position(&answer)?] += 1;
        if show_misses && answer != gold {
            misses.push(format!(
                "{} gold {gold}, answered {answer}{} — {reason}\n  a ({}): {a}\n  b ({}): {b}",
                pair["id"].as_str().unwrap_or("?"),
                cosine.map_or(String::new(), |c| format!(" (cosine {c:.2})")),
                pair["a_stance"].as_str().unwrap_or("asserts"),
                pair["b_stance"].as_str().unwrap_or("asserts"),
            ));
        }
    }
    print_tables(file, &matrix, started.elapsed().as_secs_f64(), model);
    if show_misses {
        println!(
            "\nThe pairs answered otherwise than labelled ({}):\n",
            misses.len()
        );
        for miss in &misses {
            println!("{miss}");
        }
    }
    if gold_pairs.is_empty() {
        return Ok(());
    }
    let mut relations: BTreeMap<String, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (tweet, claim) in &gold_pairs {
        let (answer, reason) = judge(
            (&analyze(tweet), Stance::Asserts),
            (&analyze(claim), Stance::Asserts),
            PairFacts::new(cosines.between(tweet, claim), (None, None)),
        );
        // The kind of reason: its first words, before the cues or names it quotes.
        let kind = reason
            .split(['(', ':', ';'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        *relations.entry(answer.clone()).or_default() += 1;
        *reasons.entry(format!("{answer}: {kind}")).or_default() += 1;
    }
    let n = gold_pairs.len() as f64;
    println!(
        "\nCheckThat! {} gold pairs ({}), judged in-process:\n",
        split(),
        gold_pairs.len()
    );
    println!("| relation | pairs | share |\n|---|---:|---:|");
    for (relation, count) in &relations {
        println!(
            "| {relation} | {count} | {:.1}% |",
            100.0 * *count as f64 / n
        );
    }
    println!("\n| relation: reason | pairs |\n|---|---:|");
    for (reason, count) in &reasons {
        println!("| {reason} | {count} |");
    }
    Ok(())
}

/// The CheckThat! split `FACTDESK_BENCH_SPLIT` names (default `train`).
fn split() -> String {
    std::env::var("FACTDESK_BENCH_SPLIT").unwrap_or_else(|_| "train".into())
}

/// Every (tweet, fact-checked claim) gold pair of the split; none, with a note, when the data
/// is absent.
fn checkthat_gold_pairs() -> BenchResult<Vec<(String, String)>> {
    use common::checkthat::{SPLITS, data_dir, gold, queries};
    let data = data_dir();
    let split = split();
    let Some((_, queries_file, gold_file)) = SPLITS.iter().find(|(name, _, _)| *name == split)
    else {
        return Err(format!("unknown split {split}: train, dev or dev-test").into());
    };
    if !data.join("vclaims.jsonl").exists() {
        println!(
            "relations bench: the CheckThat! data is not at {}; its gold pairs are not judged",
            data.display()
        );
        return Ok(Vec::new());
    }
    let mut claims = HashMap::new();
    for line in std::io::BufReader::new(std::fs::File::open(data.join("vclaims.jsonl"))?).lines() {
        let v: Value = serde_json::from_str(&line?)?;
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        claims.insert(field("vclaim_id"), field("vclaim"));
    }
    let tweets = queries(&data.join(queries_file))?;
    let mut pairs = Vec::new();
    for (tweet_id, claim_ids) in gold(&data.join(gold_file))? {
        let Some(tweet) = tweets.get(&tweet_id) else {
            continue;
        };
        let mut claim_ids: Vec<String> = claim_ids.into_iter().collect();
        claim_ids.sort();
        pairs.extend(
            claim_ids
                .iter()
                .filter_map(|id| claims.get(id))
                .map(|claim| (tweet.clone(), claim.clone())),
        );
    }
    Ok(pairs)
}

/// Prints the confusion matrix, accuracy, each label's precision, recall and F1, and
/// contradicts precision and recall on their own.
fn print_tables(file: &Path, matrix: &[[usize; 5]; 5], seconds: f64, model: Option<&Path>) {
    let total: usize = matrix.iter().flatten().sum();
    let with = match model {
        Some(dir) => format!("with the model in {}", dir.display()),
        None => "without a model".to_string(),
    };
    println!(
        "claim relations, {} ({total} pairs, {seconds:.1} s; {with})\n",
        file.display(),
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
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
