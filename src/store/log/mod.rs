//! The store's event log: appending and reading events, the canonical order in SQL, replaying
//! events into tables (`verify`, `--as-of`, bundles), event bundles in and out, the checks on
//! events that come from elsewhere, conflicts, tamper evidence (`verify`), a claim's or the
//! store's history, and the store as of a moment (`--as-of`, `diff`).
//!
//! It reads the log and appends to it; the tables are written only through the projection.

// The store's items (its façade, `Tx`, the other modules) under their usual names here.
use super::*;

pub(super) mod bundle;
pub(super) mod conflicts;
pub(super) mod event_check;
pub(super) mod events;
pub(super) mod integrity;
pub(super) mod replay;
pub(super) mod timeline;
