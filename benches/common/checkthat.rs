//! The CheckThat! 2022 Task 2A (English) data the linker and scan benches read: where it is,
//! and one of its verified claims as a record of factdesk's JSONL.

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
