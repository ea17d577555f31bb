//! `factdesk evidence …`: add and list the evidence bearing on a claim.

use clap::{Args, Subcommand};

use super::{Context, ListingArgs, Ui};
use crate::error::{Error, Result};
use crate::model::{EvidenceStance, NewEvidence};
use crate::report::{EvidenceList, short_id};
use crate::store::EvidenceEdit;

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Add a piece of evidence to a claim.
    #[command(
        after_help = "Examples:\n  factdesk evidence add b03d --stance refutes --source \"Iranian Mission to the UN\" --quote \"Iran abstains from engaging in such actions\""
    )]
    Add(AddArgs),
    /// List the evidence on a claim.
    #[command(after_help = "Examples:\n  factdesk evidence list b03d")]
    List {
        /// The claim's id (or a unique prefix of at least 4 characters).
        claim_id: String,
        /// Show retracted evidence too (marked).
        #[arg(long)]
        include_retracted: bool,
        #[command(flatten)]
        listing: ListingArgs,
    },
    /// Retract a piece of evidence (attached to the wrong claim, say): it no longer counts for
    /// or against its claim and leaves every listing; `claim show` and `history` keep it,
    /// marked, and `evidence restore` puts it back.
    #[command(after_help = "Examples:
  factdesk evidence retract a00f --note \"Belongs to the drones claim\"")]
    Retract {
        /// The evidence's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Why it is retracted (kept in the history).
        #[arg(long, value_name = "WHY")]
        note: String,
    },
    /// Change a piece of evidence's stance, source, URL, quote or note (an empty value clears an
    /// optional field); the history keeps the old and new values.
    #[command(
        after_help = "Examples:\n  factdesk evidence edit a00f --stance refutes\n  factdesk evidence edit a00f --source \"U.S. officials\" --url \"\""
    )]
    Edit(EditArgs),
    /// Move a piece of evidence to the claim it belongs to (it was attached to the wrong one).
    #[command(after_help = "Examples:\n  factdesk evidence move a00f 7c09")]
    Move {
        /// The evidence's id (or a unique prefix of at least 4 characters).
        id: String,
        /// The claim to move it to (id or unique prefix).
        claim_id: String,
    },
    /// Put retracted evidence back as it was.
    #[command(after_help = "Examples:\n  factdesk evidence restore a00f")]
    Restore {
        /// The evidence's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Why it is restored (kept in the history).
        #[arg(long, value_name = "WHY")]
        note: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The claim's id (or a unique prefix of at least 4 characters).
    claim_id: String,
    /// How the evidence bears on the claim: supports, refutes or context.
    #[arg(long, value_parser = super::Offered::words(crate::model::EvidenceStance::WORDS), hide_possible_values = true)]
    stance: String,
    /// Who provides the evidence (created on first mention).
    #[arg(long)]
    source: Option<String>,
    /// Where the evidence can be found.
    #[arg(long)]
    url: Option<String>,
    /// The exact words relied on.
    #[arg(long)]
    quote: Option<String>,
    /// What the evidence shows.
    #[arg(long)]
    note: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The evidence's id (or a unique prefix of at least 4 characters).
    id: String,
    /// How it bears on the claim: supports, refutes or context.
    #[arg(long, value_parser = super::Offered::words(crate::model::EvidenceStance::WORDS), hide_possible_values = true)]
    stance: Option<String>,
    /// Who provides it ("" removes the source).
    #[arg(long)]
    source: Option<String>,
    /// Where it can be found ("" removes it).
    #[arg(long)]
    url: Option<String>,
    /// The exact words relied on ("" removes them).
    #[arg(long)]
    quote: Option<String>,
    /// What it shows ("" removes it).
    #[arg(long)]
    note: Option<String>,
}

pub fn run(cmd: EvidenceCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        EvidenceCommand::Add(args) => {
            super::check_url_flag("--url", args.url.as_deref())?;
            let evidence = NewEvidence {
                stance: args.stance.parse::<EvidenceStance>()?,
                source: args.source,
                url: args.url,
                quote: args.quote,
                note: args.note,
            };
            let mut store = ctx.open()?;
            let notes = super::source::resemblance_notes(&store, &[evidence.source.as_deref()])?;
            let added = store.add_evidence(&args.claim_id, &evidence)?;
            super::source::print_notes(ui, &notes)?;
            ui.confirm(&added.id, &added)
        }
        EvidenceCommand::List {
            claim_id,
            include_retracted,
            listing,
        } => {
            let mut evidence = ctx.open()?.evidence_for(&claim_id)?;
            if !include_retracted {
                evidence.retain(|e| e.retracted.is_none());
            }
            ui.listing(
                &listing,
                evidence,
                ("evidence item", "evidence items"),
                |ui, rows| ui.show("Evidence", &EvidenceList(rows)),
            )
        }
        EvidenceCommand::Edit(args) => {
            super::check_url_flag("--url", args.url.as_deref())?;
            let edit = EvidenceEdit {
                stance: args
                    .stance
                    .as_deref()
                    .map(str::parse::<EvidenceStance>)
                    .transpose()?,
                source: super::clearable(args.source),
                url: super::clearable(args.url),
                quote: super::clearable(args.quote),
                note: super::clearable(args.note),
            };
            if edit == EvidenceEdit::default() {
                return Err(Error::usage(
                    "evidence edit needs at least one change (--stance, --source, --url, --quote, --note)",
                ));
            }
            let mut store = ctx.open()?;
            let source = edit.source.clone().flatten();
            let notes = super::source::resemblance_notes(&store, &[source.as_deref()])?;
            let (evidence, changed) = store.edit_evidence(&args.id, &edit)?;
            super::source::print_notes(ui, &notes)?;
            let line = if changed {
                format!("Edited evidence {}", short_id(&evidence.id))
            } else {
                format!(
                    "Evidence {} already has those values; nothing changed",
                    short_id(&evidence.id)
                )
            };
            ui.confirm(&line, &evidence)
        }
        EvidenceCommand::Move { id, claim_id } => {
            let (id, from, to) = ctx.open()?.move_evidence(&id, &claim_id)?;
            ui.confirm(
                &format!(
                    "Moved evidence {} from claim {} to claim {}",
                    short_id(&id),
                    short_id(&from),
                    short_id(&to)
                ),
                &serde_json::json!({ "id": id, "from": from, "to": to }),
            )
        }
        EvidenceCommand::Retract { id, note } => {
            let (id, claim) = ctx.open()?.retract_evidence(&id, &note)?;
            ui.confirm(
                &format!(
                    "Retracted evidence {} on claim {}",
                    short_id(&id),
                    short_id(&claim)
                ),
                &serde_json::json!({ "id": id, "claim_id": claim }),
            )
        }
        EvidenceCommand::Restore { id, note } => {
            let (id, claim) = ctx.open()?.restore_evidence(&id, note.as_deref())?;
            ui.confirm(
                &format!(
                    "Restored evidence {} on claim {}",
                    short_id(&id),
                    short_id(&claim)
                ),
                &serde_json::json!({ "id": id, "claim_id": claim }),
            )
        }
    }
}
