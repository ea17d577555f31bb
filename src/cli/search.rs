//! `factdesk search QUERY`: full-text search across claims, evidence, sources and comments,
//! each hit's matching words highlighted — bold where tables may use colour (`--color`), between
//! `[` and `]` otherwise.

use clap::Args;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::model::{SearchScope, Status};
use crate::report::SearchResults;
use crate::store::SearchQuery;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to find, in FTS5 syntax: words, "a phrase", AND / OR / NOT, a prefix like miss*.
    query: String,
    /// Where to look, comma-separated: claims, evidence, sources, comments (default: all).
    #[arg(long = "in", value_name = "WHERE", value_delimiter = ',')]
    scopes: Vec<String>,
    /// Only hits on claims with this status.
    #[arg(long, value_parser = super::Offered::words(crate::model::Status::WORDS), hide_possible_values = true)]
    status: Option<String>,
    /// Only claims logged (comments made) on or after this day or time.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// At most this many hits of each kind.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Every hit (overrides --limit).
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    output: super::OutputArgs,
    /// Search for the words as typed (each must appear), not as an FTS5 query: for text with
    /// punctuation, like Sunak's or 4,537.
    #[arg(long)]
    literal: bool,
}

pub fn run(args: SearchArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let scopes = if args.scopes.is_empty() {
        vec![
            SearchScope::Claims,
            SearchScope::Evidence,
            SearchScope::Comments,
            SearchScope::Sources,
        ]
    } else {
        args.scopes
            .iter()
            .map(|s| s.parse())
            .collect::<Result<Vec<SearchScope>>>()?
    };
    let query = SearchQuery {
        query: args.query,
        scopes,
        status: args
            .status
            .as_deref()
            .map(str::parse::<Status>)
            .transpose()?,
        since: args.since,
        limit: if args.all { usize::MAX } else { args.limit },
        literal: args.literal,
    };
    let hits = ctx.open()?.search_text(&query)?;
    ui.to_file(args.output.output.as_deref(), |ui| {
        ui.show("Search", &SearchResults(&hits))
    })?;
    // As grep does: a script can tell "nothing found" from the exit code alone.
    if hits.is_empty() {
        return Err(Error::NoMatch);
    }
    Ok(())
}
