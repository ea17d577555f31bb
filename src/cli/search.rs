//! `factdesk search QUERY`: full-text search across claims, evidence, sources and comments,
//! each hit's matching words highlighted — bold on a terminal, between `[` and `]` otherwise.

use std::io::IsTerminal;

use clap::Args;

use super::{Context, Ui};
use crate::error::Result;
use crate::model::{HIT_END, HIT_START, SearchScope, Status};
use crate::report::{Format, SearchResults};
use crate::store::SearchQuery;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to find, in FTS5 syntax: words, "a phrase", AND / OR / NOT, a prefix like miss*.
    query: String,
    /// Where to look, comma-separated: claims, evidence, sources, comments (default: all).
    #[arg(long = "in", value_name = "WHERE", value_delimiter = ',')]
    scopes: Vec<String>,
    /// Only hits on claims with this status.
    #[arg(long)]
    status: Option<String>,
    /// Only claims logged (comments made) on or after this day or time.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// At most this many hits of each kind.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
}

/// Whether matched words may be shown in bold: a table on a terminal that takes escapes.
fn bold_allowed(ui: &Ui) -> bool {
    ui.format == Format::Table
        && ui.terminal.width.is_some()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
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
        limit: args.limit,
    };
    let mut hits = ctx.open()?.search_text(&query)?;
    let (on, off) = if bold_allowed(ui) {
        ("\\x1b[1m", "\\x1b[0m")
    } else {
        ("[", "]")
    };
    for hit in &mut hits {
        hit.fragment = hit.fragment.replace(HIT_START, on).replace(HIT_END, off);
    }
    ui.show("Search", &SearchResults(&hits))
}
