//! `factdesk review …`: the second pair of eyes — the queue of proposed verdicts, approving
//! one (it then stands) and sending one back with the reason.

use clap::Subcommand;

use super::{Context, ListingArgs, Ui};
use crate::error::Result;
use crate::report::{ReviewQueue, short_id};

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Proposed verdicts waiting for a reviewer, oldest first, with proposer and rationale.
    #[command(after_help = "Examples:\n  factdesk review queue")]
    Queue(ListingArgs),
    /// Approve a claim's proposed verdict: it becomes the claim's verdict. The proposer
    /// cannot approve their own.
    #[command(
        after_help = "Examples:\n  factdesk --as bo review approve b03d --note \"Checked the sourcing\""
    )]
    Approve {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        /// A remark kept with the approval.
        #[arg(long)]
        note: Option<String>,
    },
    /// Send a proposed verdict back, saying why; the claim keeps the verdict it had.
    #[command(
        after_help = "Examples:\n  factdesk --as bo review reject b03d --note \"Name the imagery provider\""
    )]
    Reject {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Why it goes back (required).
        #[arg(long, required = true)]
        note: Option<String>,
    },
}

pub fn run(cmd: ReviewCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        ReviewCommand::Queue(listing) => {
            let queue = ctx.open()?.review_queue()?;
            ui.listing(
                &listing,
                queue,
                ("proposed verdict", "proposed verdicts"),
                |ui, rows| ui.show("Review queue", &ReviewQueue(rows)),
            )
        }
        ReviewCommand::Approve { id, note } => {
            let mut store = ctx.open()?;
            let verdict = store.approve_verdict(&id, note.as_deref())?;
            let claim = store.claim(&id)?;
            ui.confirm(
                &format!("Approved: claim {} is now {verdict}", short_id(&claim.id)),
                &claim,
            )
        }
        ReviewCommand::Reject { id, note } => {
            let mut store = ctx.open()?;
            store.reject_verdict(&id, note.as_deref().unwrap_or_default())?;
            let claim = store.claim(&id)?;
            ui.confirm(
                &format!(
                    "Sent back the proposed verdict on claim {}; its status stays {}",
                    short_id(&claim.id),
                    claim.status
                ),
                &claim,
            )
        }
    }
}
