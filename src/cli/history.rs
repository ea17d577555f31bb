//! `factdesk history`: who did what, when — for one claim or the whole store, filtered by
//! author, action and time.

use clap::Args;

use super::{Context, ListingArgs, Ui};
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
    /// Only this kind of change: an action (claim.edit, verdict.set, claim.comment, …) or a
    /// group (claim, verdict, review, link, evidence, source, config); repeat for several.
    #[arg(long = "action", value_name = "ACTION")]
    actions: Vec<String>,
    /// Only changes at or after this day (YYYY-MM-DD) or time (2024-09-07T12:00Z; UTC unless
    /// an offset is given).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only changes at or before this day (to its end) or time.
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    #[command(flatten)]
    listing: ListingArgs,
}

pub fn run(args: HistoryArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let filter = HistoryFilter {
        claim: args.claim_id,
        author: args.author,
        since: args.since,
        until: args.until,
        actions: args.actions,
        limit: args.listing.limit.fetch(),
    };
    let events = ctx.open()?.history(&filter)?;
    ui.listing(&args.listing, events, ("event", "events"), |ui, rows| {
        ui.show("History", &EventList(rows))
    })
}
