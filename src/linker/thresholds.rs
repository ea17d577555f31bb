//! The linker's judgement thresholds as the commands apply them: the score a proposal needs
//! before a command shows it, lists it or proposes it, and how many statements of a long
//! article are compared with each other.
//!
//! They sit beside the linker because they are part of what its scores mean: changing the
//! scoring (the linker's [`WEIGHTS`](super::WEIGHTS)) means checking these with it. How many lines a
//! command shows is presentation and stays with the command.

/// The score a proposal needs for `claim add` to show it under the claim just logged (as a
/// repeat or contradiction to look at); weaker proposals are left out.
pub const SHOWN_PROPOSAL_SCORE: f64 = 0.4;

/// The score a link needs for `ingest` to propose it: between two statements of one article,
/// and, with `--accept`, between a logged statement and a claim already in the store. Proposals
/// that only say `related` are never shown, whatever their score.
pub const ARTICLE_PROPOSAL_SCORE: f64 = 0.3;

/// In an article with up to this many statements, `ingest` compares every statement with every
/// one before it (in its preview, and for the proposals `--accept` shows; the store's claims are
/// compared with each statement apart from these).
pub const ALL_PAIRS_UP_TO: usize = 200;

/// In a longer text, each statement is compared with the nearest ones before it, as many as
/// keeps the comparisons within those of an article of [`ALL_PAIRS_UP_TO`] statements, but at
/// least this many: finding the links takes time in proportion to the text's length, not to its
/// square.
pub const COMPARED_WITH_AT_LEAST: usize = 10;

/// The score below which `link scan` does not list a pair unless `--min-score` says otherwise.
pub const SCAN_DEFAULT_MIN: f64 = 0.5;
