//! `factdesk claim …`: log, list, show, edit and judge claims.

use clap::{Args, Subcommand};

use super::{Context, LimitArgs, Ui};
use crate::error::{Error, Result};
use crate::linker::Proposal;
use crate::model::{ClaimEdit, NewClaim, Stance, Status, VerdictKind, optional_text};
use crate::report::{ClaimDetail, ClaimList, Format, proposal_line, short_id};
use crate::store::ClaimFilter;
use crate::store::LinkQuery;

#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// Log a claim; prints its id.
    Add(AddArgs),
    /// List claims, newest first.
    List(ListArgs),
    /// Show a claim: its fields, status, what stands for and against it, evidence and links.
    Show {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
    },
    /// Change a claim's fields or tags (an empty value clears an optional field).
    Edit(EditArgs),
    /// Give a claim a verdict with its rationale, or withdraw it with --clear.
    Verdict(VerdictArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The assertion, as the claimant made it.
    text: String,
    /// Who made the claim (a source; created on first mention).
    #[arg(long)]
    claimant: Option<String>,
    /// Who reported the claim (a source; created on first mention).
    #[arg(long)]
    reported_by: Option<String>,
    /// The claimant's stance toward the text: asserts (default), denies, questions or neutral.
    #[arg(long)]
    stance: Option<String>,
    /// Where the claim appeared.
    #[arg(long)]
    url: Option<String>,
    /// The claimant's exact words.
    #[arg(long)]
    quote: Option<String>,
    /// When the claim was made (YYYY-MM-DD).
    #[arg(long)]
    date: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Do not look for claims it may repeat or contradict.
    #[arg(long, short)]
    quiet: bool,
}

/// How many of the linker's proposals `claim add` shows, and the score they need.
const SHOWN_PROPOSALS: usize = 3;
const SHOWN_PROPOSAL_SCORE: f64 = 0.4;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only claims with this status: disputed, unresolved, supported, refuted, mixed or unverifiable.
    #[arg(long)]
    status: Option<String>,
    /// Only claims made by this source.
    #[arg(long)]
    claimant: Option<String>,
    /// Only claims with this tag.
    #[arg(long)]
    tag: Option<String>,
    #[command(flatten)]
    limit: LimitArgs,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The claim's id (or a unique prefix of at least 4 characters).
    id: String,
    /// New text.
    #[arg(long)]
    text: Option<String>,
    /// New claimant ("" removes it).
    #[arg(long)]
    claimant: Option<String>,
    /// New reporter ("" removes it).
    #[arg(long)]
    reported_by: Option<String>,
    /// New stance: asserts, denies, questions or neutral.
    #[arg(long)]
    stance: Option<String>,
    /// New URL ("" removes it).
    #[arg(long)]
    url: Option<String>,
    /// New exact quote ("" removes it).
    #[arg(long)]
    quote: Option<String>,
    /// New date, YYYY-MM-DD ("" removes it).
    #[arg(long)]
    date: Option<String>,
    /// Add a tag (repeatable).
    #[arg(long, value_name = "TAG")]
    add_tag: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long, value_name = "TAG")]
    remove_tag: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VerdictArgs {
    /// The claim's id (or a unique prefix of at least 4 characters).
    id: String,
    /// supported, refuted, mixed or unverifiable.
    verdict: Option<String>,
    /// The rationale (required): why this verdict, or why it is withdrawn.
    #[arg(long)]
    note: Option<String>,
    /// Withdraw the claim's verdict instead of giving one.
    #[arg(long, conflicts_with = "verdict")]
    clear: bool,
}

/// An edit flag's value: absent leaves the field, empty clears it.
fn clearable(value: Option<String>) -> Option<Option<String>> {
    value.map(|v| optional_text(Some(v)))
}

pub fn run(cmd: ClaimCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        ClaimCommand::Add(args) => {
            let claim = NewClaim {
                text: args.text,
                claimant: optional_text(args.claimant),
                reported_by: optional_text(args.reported_by),
                stance: args
                    .stance
                    .as_deref()
                    .map(str::parse::<Stance>)
                    .transpose()?,
                url: optional_text(args.url),
                quote: optional_text(args.quote),
                date: optional_text(args.date),
                tags: args.tags,
            };
            let mut store = ctx.open()?;
            // Logging a claim is the desk's hot path: the claim is read back only for JSON.
            let id = store.log_claim(&claim)?;
            let proposals: Vec<Proposal> = if args.quiet {
                Vec::new()
            } else {
                store
                    .suggest_links(&LinkQuery::Claim(id.clone()), SHOWN_PROPOSALS)?
                    .into_iter()
                    .filter(|p| p.score >= SHOWN_PROPOSAL_SCORE)
                    .collect()
            };
            if ui.format == Format::Json {
                let added = store.claim(&id)?;
                let mut value = serde_json::to_value(&added).expect("model values serialise");
                value["suggestions"] = serde_json::to_value(&proposals).expect("serialisable");
                return ui.confirm("", &value);
            }
            writeln!(ui.out, "{id}")?;
            // The id alone goes to stdout, for scripts; the proposals are for the person typing.
            if !proposals.is_empty() {
                writeln!(
                    ui.err,
                    "Possibly related (link them with `factdesk link accept {} ID`):",
                    short_id(&id)
                )?;
                for proposal in &proposals {
                    writeln!(ui.err, "  {}", proposal_line(proposal))?;
                }
            }
            Ok(())
        }
        ClaimCommand::List(args) => {
            let filter = ClaimFilter {
                status: args
                    .status
                    .as_deref()
                    .map(str::parse::<Status>)
                    .transpose()?,
                claimant: args.claimant,
                tag: args.tag,
                limit: args.limit.fetch(),
                ..ClaimFilter::default()
            };
            let claims = ctx.open()?.claims(&filter)?;
            let claims = args.limit.cut(ui, claims, "claims")?;
            ui.show("Claims", &ClaimList(&claims))
        }
        ClaimCommand::Show { id } => {
            let store = ctx.open()?;
            let claim = store.explain_claim(&id)?;
            let evidence = store.evidence_for(&claim.claim.id)?;
            let links = store.links_of(&claim.claim.id)?;
            ui.show(
                "Claim",
                &ClaimDetail {
                    claim: &claim,
                    evidence: &evidence,
                    links: &links,
                },
            )
        }
        ClaimCommand::Edit(args) => {
            let edit = ClaimEdit {
                text: args.text,
                claimant: clearable(args.claimant),
                reported_by: clearable(args.reported_by),
                stance: args
                    .stance
                    .as_deref()
                    .map(str::parse::<Stance>)
                    .transpose()?,
                url: clearable(args.url),
                quote: clearable(args.quote),
                date: clearable(args.date),
                add_tags: args.add_tag,
                remove_tags: args.remove_tag,
            };
            if edit.is_empty() {
                return Err(Error::usage(
                    "claim edit needs at least one change (--text, --claimant, --stance, --add-tag, …)",
                ));
            }
            let (claim, changed) = ctx.open()?.edit_claim(&args.id, &edit)?;
            let line = if changed {
                format!("Edited claim {}", short_id(&claim.id))
            } else {
                format!(
                    "Claim {} already has those values; nothing changed",
                    short_id(&claim.id)
                )
            };
            ui.confirm(&line, &claim)
        }
        ClaimCommand::Verdict(args) => {
            let note = args.note.unwrap_or_default();
            let mut store = ctx.open()?;
            if args.clear {
                let claim = store.clear_verdict(&args.id, &note)?;
                let line = format!(
                    "Withdrew the verdict on claim {}; its status is now {}",
                    short_id(&claim.id),
                    claim.status
                );
                return ui.confirm(&line, &claim);
            }
            let Some(verdict) = args.verdict else {
                return Err(Error::usage(
                    "give a verdict (supported, refuted, mixed, unverifiable) or --clear",
                ));
            };
            let verdict = verdict.parse::<VerdictKind>()?;
            let claim = store.set_verdict(&args.id, verdict, &note)?;
            ui.confirm(
                &format!("Verdict on claim {}: {verdict}", short_id(&claim.id)),
                &claim,
            )
        }
    }
}
