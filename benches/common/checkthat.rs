//! The CheckThat! 2022 Task 2A (English) data the linker, relations and scan benches read:
//! where it is, its splits' tweets and gold pairs, and one of its verified claims as a record
//! of factdesk's JSONL.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The data's folder: `FACTDESK_CHECKTHAT`, else `../shared/data/checkthat2022-2a-en` beside
/// the repository.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("FACTDESK_CHECKTHAT") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/checkthat2022-2a-en"),
    }
}

/// One line of `vclaims.jsonl` as a claim record: its text, its id as a tag, and its title and
/// subtitle (when either is there) as a context note by Snopes.
pub fn vclaim_record(v: &Value) -> Value {
    let text = |k: &str| v[k].as_str().unwrap_or_default().trim().to_string();
    let context = [text("title"), text("subtitle")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" — ");
    let mut record = json!({ "text": text("vclaim"), "tags": [text("vclaim_id")] });
    if !context.is_empty() {
        record["evidence"] = json!([{ "stance": "context", "source": "Snopes", "note": context }]);
    }
    record
}

/// A query split: its name, its queries file and its gold file.
pub const SPLITS: &[(&str, &str, &str)] = &[
    (
        "train",
        "CT2022-Task2A-EN-Train-Dev_Queries.tsv",
        "CT2022-Task2A-EN-Train_QRELs.tsv",
    ),
    (
        "dev",
        "CT2022-Task2A-EN-Train-Dev_Queries.tsv",
        "CT2022-Task2A-EN-Dev_QRELs.tsv",
    ),
    (
        "dev-test",
        "CT2022-Task2A-EN-Dev-Test_Queries.tsv",
        "CT2022-Task2A-EN-Dev-Test_QRELs.tsv",
    ),
];

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A split's tweets by id (the queries file, a header line then `id<TAB>text`).
pub fn queries(path: &Path) -> BenchResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for line in BufReader::new(std::fs::File::open(path)?).lines().skip(1) {
        let line = line?;
        if let Some((id, text)) = line.split_once('\t') {
            out.insert(id.to_string(), text.to_string());
        }
    }
    Ok(out)
}

/// A split's gold pairs: each tweet's id with the ids of the verified claims it repeats, in
/// the order of the file.
pub fn gold(path: &Path) -> BenchResult<Vec<(String, HashSet<String>)>> {
    let mut out: Vec<(String, HashSet<String>)> = Vec::new();
    for line in BufReader::new(std::fs::File::open(path)?).lines() {
        let line = line?;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 3 {
            continue;
        }
        match out.iter_mut().find(|(q, _)| q == fields[0]) {
            Some((_, set)) => {
                set.insert(fields[2].trim().to_string());
            }
            None => out.push((
                fields[0].to_string(),
                HashSet::from([fields[2].trim().to_string()]),
            )),
        }
    }
    Ok(out)
}
