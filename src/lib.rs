//! factdesk: a fact-check workbench that keeps a desk's claims, who made them, the evidence for
//! and against them, how they relate, their verdicts and the full history of every change, in
//! one SQLite file.
//!
//! The layers, one direction only (see `DESIGN.md`):
//!
//! - [`model`] — plain data and input validation; no SQL, no output.
//! - [`history`] — the event vocabulary: one typed [`history::Change`] per action, the
//!   canonical order of events, and their hashes; no SQL.
//! - [`person`] — when two names are the same person (the key every comparison of people uses).
//! - [`store`] — the SQLite file: schema migrations, transactions, the event log (hashed, and
//!   replayable: it is the source of truth that `verify`, `--as-of` and event bundles rebuild
//!   from), queries and search. The only code that writes SQL.
//! - [`bulk`] — the bulk formats (JSONL, spreadsheet CSV, ClaimReview) read and written; never
//!   touches the store.
//! - [`linker`] — ranks the claims a claim may repeat or contradict and proposes the relation;
//!   pure computation over what the store retrieves.
//! - [`ingest`] — finds attributed statements in an article.
//! - [`input`] — the record limit every import applies, reading within it, and where a record
//!   was found and why it could not be read.
//! - [`report`] — turns model values into tables, JSON, CSV, Markdown, HTML and graphs on any
//!   writer; runs no queries.
//! - [`cli`] — parses the command line, opens the store, calls one operation, renders it, and
//!   maps errors to exit codes. No SQL and no business rule lives there.

pub mod bulk;
pub mod cli;
pub mod error;
pub mod history;
pub mod ingest;
pub mod input;
pub mod linker;
pub mod model;
pub mod person;
pub mod report;
pub mod store;

pub use error::{Error, Result};
pub use store::{Clock, NetworkFs, OpenMode, Store};
