//! `factdesk report …`: the disputed and unresolved lists.

use clap::Subcommand;

use super::{Context, LimitArgs, Ui};
use crate::error::Result;
use crate::report::{ClaimList, DisputedReport};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Disputed claims, oldest first, each with what stands for and against it.
    Disputed {
        #[command(flatten)]
        limit: LimitArgs,
    },
    /// Every claim without a verdict (disputed or unresolved), oldest first.
    Unresolved {
        #[command(flatten)]
        limit: LimitArgs,
    },
}

pub fn run(cmd: ReportCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        ReportCommand::Disputed { limit } => {
            let claims = limit.cut(ui, store.disputed(limit.fetch())?, "claims")?;
            ui.show(&DisputedReport(&claims))
        }
        ReportCommand::Unresolved { limit } => {
            let claims = limit.cut(ui, store.unresolved(limit.fetch())?, "claims")?;
            ui.show(&ClaimList(&claims))
        }
    }
}
