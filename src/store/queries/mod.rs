//! Read-only questions over the tables: reports and summaries, full-text search, exports in the
//! bulk formats, shell completion's candidates, and the linker's retrieval (candidates for a claim, every pair for a scan, and
//! the in-memory full-text index a scan reads). Nothing here writes, except `suggest`'s
//! acceptance of a proposal, which goes through the desk's link operation.

// The store's items (its façade, the other modules) under their usual names here.
use super::*;

pub(super) mod completion;
pub(super) mod export;
pub(super) mod reports;
pub(super) mod search;
pub(super) mod suggest;
pub(super) mod text_index;
