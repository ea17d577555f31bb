//! Bulk formats: reading claims from files people already have, and writing them back out.
//!
//! - [`jsonl`] — factdesk's own bulk format, one claim a line; what `export --format jsonl`
//!   writes and `import` reads back as the same records.
//! - [`spreadsheet`] — CSV as a spreadsheet exports it, columns matched by name.
//! - [`claimreview`] — schema.org ClaimReview, the markup fact-checkers publish, in and out.
//!
//! Readers turn bytes into [`crate::model::ClaimRecord`]s, each with its location in the input,
//! or a [`RecordError`] naming the location and the field that is wrong; they never touch the
//! store. Writing records into the store is [`crate::Store::import`]'s job.

pub mod claimreview;
pub mod jsonl;
pub mod spreadsheet;

use std::path::Path;
use std::str::FromStr;

use crate::error::Error;
use crate::input::RecordError;
use crate::model::{Logged, check_web_url, parse_time};
use crate::person::check_person_name;

/// The file formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Jsonl,
    Csv,
    ClaimReview,
}

impl FromStr for ImportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_lowercase().as_str() {
            "jsonl" | "ndjson" => Ok(ImportFormat::Jsonl),
            "csv" => Ok(ImportFormat::Csv),
            "claimreview" => Ok(ImportFormat::ClaimReview),
            _ => Err(Error::usage(format!(
                "unknown import format '{s}' (expected one of: jsonl, csv, claimreview)"
            ))),
        }
    }
}

impl ImportFormat {
    /// The format a file's extension suggests: `.jsonl`/`.ndjson`, `.csv`, `.json` (ClaimReview).
    pub fn guess(path: &Path) -> Option<ImportFormat> {
        let ext = path.extension()?.to_str()?.to_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Some(ImportFormat::Jsonl),
            "csv" => Some(ImportFormat::Csv),
            "json" | "jsonld" => Some(ImportFormat::ClaimReview),
            _ => None,
        }
    }
}

pub use crate::input::MAX_RECORD_BYTES;

/// Prefixes an error with the field it is about.
pub(crate) fn in_field<T>(field: &str, result: Result<T, Error>) -> Result<T, String> {
    result.map_err(|e| format!("field `{field}`: {e}"))
}

/// Reads an optional URL field: a blank one is none; any other must be a web address
/// ([`check_web_url`], the rule of every door).
pub(crate) fn url_field(field: &str, url: Option<String>) -> Result<Option<String>, String> {
    match url.filter(|u| !u.trim().is_empty()) {
        Some(url) => in_field(field, check_web_url(&url).map(|()| url)).map(Some),
        None => Ok(None),
    }
}

/// Reads an optional `created_at`/`created_by` (or `given_at`/`given_by`) pair: both or neither.
pub(crate) fn logged_pair(
    (at_field, at): (&str, Option<&str>),
    (by_field, by): (&str, Option<&str>),
) -> Result<Option<Logged>, String> {
    match (at, by) {
        (None, None) => Ok(None),
        (Some(at), Some(by)) if !by.trim().is_empty() => Ok(Some(Logged {
            at: in_field(at_field, parse_time(at))?,
            by: in_field(
                by_field,
                check_person_name(by).map(|()| by.trim().to_string()),
            )?,
        })),
        (Some(_), _) => Err(format!("field `{by_field}`: needed with `{at_field}`")),
        (None, Some(_)) => Err(format!("field `{at_field}`: needed with `{by_field}`")),
    }
}

/// A bad record at a location.
pub(crate) fn bad(location: &str, reason: impl Into<String>) -> RecordError {
    RecordError::new(location, reason)
}
