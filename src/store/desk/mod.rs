//! The desk's operations and their rules: logging and editing claims, evidence, links, sources,
//! verdicts and review, settings, assignments and comments, and bulk import with its
//! de-duplication. Each operation resolves what it names, applies the desk's rules, reads the
//! old values its change records, and commits one typed change per event ([`super::Tx::commit`]);
//! none writes a table itself. Each module also reads its own records back (one claim, a
//! source, a claim's evidence or links) in the model's types.

// The store's items (its façade, `Tx`, the other modules) under their usual names here.
use super::*;

pub(super) mod claims;
pub(super) mod evidence;
pub(super) mod import;
pub(super) mod links;
pub(super) mod retract;
pub(super) mod sources;
pub(super) mod team;
