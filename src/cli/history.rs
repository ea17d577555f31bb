//! `factdesk history`: who did what, when — for one claim or the whole store.

use clap::Args;

use super::{Context, LimitArgs, Ui};
use crate::error::Result;
use crate::report::EventList;
use crate::store::HistoryFilter;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// A claim id (or unique prefix): its own events and those of its evidence and links.
    /// Without it, the whole store's history.
    claim_id: Option<String>,
    /// Only changes made by this person.
    #[arg(long)]
    author: Option<String>,
    /// Only changes on or after this day (YYYY-MM-DD) or time (RFC 3339, UTC if no offset).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[command(flatten)]
    limit: LimitArgs,
}

pub fn run(args: HistoryArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let filter = HistoryFilter {
        claim: args.claim_id,
        author: args.author,
        since: args.since,
        limit: args.limit.fetch(),
    };
    let events = ctx.open()?.history(&filter)?;
    let events = args.limit.cut(ui, events, "events")?;
    ui.show("History", &EventList(&events))
}
