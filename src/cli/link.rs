//! `factdesk link …`: relate two claims, remove a relation, list a claim's links.

use clap::{Args, Subcommand};

use super::{Context, Ui};
use crate::error::Result;
use crate::model::Relation;
use crate::report::{LinkList, short_id};

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Link two claims: FROM RELATION TO (e.g. the denial contradicts the allegation).
    Add(AddArgs),
    /// Remove a link (the removal is recorded; the link stays in the history).
    Remove {
        /// The link's id (or a unique prefix of at least 4 characters).
        link_id: String,
    },
    /// List the links of a claim.
    List {
        /// The claim's id (or a unique prefix of at least 4 characters).
        claim_id: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The claim the relation starts from.
    from_id: String,
    /// The claim it points to.
    to_id: String,
    /// contradicts, supports, duplicates or related.
    #[arg(long)]
    relation: String,
    /// Why the claims are related.
    #[arg(long)]
    note: Option<String>,
}

pub fn run(cmd: LinkCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        LinkCommand::Add(args) => {
            let relation = args.relation.parse::<Relation>()?;
            let link =
                ctx.open()?
                    .add_link(&args.from_id, &args.to_id, relation, args.note.as_deref())?;
            ui.confirm(&link.id, &link)
        }
        LinkCommand::Remove { link_id } => {
            let link = ctx.open()?.remove_link(&link_id)?;
            let line = format!(
                "Removed link {}: {} {} {}",
                short_id(&link.id),
                short_id(&link.from_id),
                link.relation,
                short_id(&link.to_id)
            );
            ui.confirm(&line, &link)
        }
        LinkCommand::List { claim_id } => {
            ui.show("Links", &LinkList(&ctx.open()?.links_of(&claim_id)?))
        }
    }
}
