//! `factdesk source …`: register, list and show sources.

use clap::{Args, Subcommand};

use super::{Context, ListingArgs, Ui};
use crate::error::Result;
use crate::model::{NewSource, SourceKind, optional_text};
use crate::report::{SourceDetail, SourceList};

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Register a source (sources named in --claimant, --reported-by or --source are also
    /// created on first mention, with kind "other").
    #[command(
        after_help = "Examples:\n  factdesk source add \"Iranian Mission to the UN\" --kind government"
    )]
    Add(AddArgs),
    /// List every source with how many claims it made and reported.
    #[command(after_help = "Examples:\n  factdesk source list --format csv -o sources.csv")]
    List(ListingArgs),
    /// Show one source, by name (any case) or id.
    #[command(after_help = "Examples:\n  factdesk source show newsweek")]
    Show {
        /// The source's name or id prefix.
        name_or_id: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The source's name, e.g. "The Wall Street Journal".
    name: String,
    /// outlet, government, official, organization, person, anonymous or other.
    #[arg(long, default_value = "other", value_parser = super::Offered::words(crate::model::SourceKind::WORDS), hide_possible_values = true)]
    kind: String,
    /// The source's web address.
    #[arg(long)]
    url: Option<String>,
    /// Anything the desk should know about the source.
    #[arg(long)]
    note: Option<String>,
}

pub fn run(cmd: SourceCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        SourceCommand::Add(args) => {
            super::check_url_flag("--url", args.url.as_deref())?;
            let source = NewSource {
                name: args.name,
                kind: args.kind.parse::<SourceKind>()?,
                url: optional_text(args.url),
                note: optional_text(args.note),
            };
            let added = ctx.open()?.add_source(&source)?;
            ui.confirm(&added.id, &added)
        }
        SourceCommand::List(listing) => {
            let sources = ctx.open()?.sources()?;
            ui.listing(&listing, sources, ("source", "sources"), |ui, rows| {
                ui.show("Sources", &SourceList(rows))
            })
        }
        SourceCommand::Show { name_or_id } => {
            ui.show("Source", &SourceDetail(&ctx.open()?.source(&name_or_id)?))
        }
    }
}
