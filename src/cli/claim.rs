//! `factdesk claim …`: log, list, show, edit and judge claims.

use clap::{Args, Subcommand};
use std::io::Write;

use super::{AsOfArgs, Context, Deferred, ListingArgs, Ui};
use crate::error::{Error, Result};
use crate::linker::Proposal;
use crate::linker::thresholds::SHOWN_PROPOSAL_SCORE;
use crate::model::{
    ClaimEdit, NewClaim, Stance, Status, VerdictKind, VerdictOutcome, optional_text,
};
use crate::report::{ClaimDetail, ClaimList, Format, plural, proposal_line, short_id};
use crate::store::ClaimFilter;
use crate::store::LinkQuery;

#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// Log a claim; prints its id.
    #[command(
        after_help = "Examples:\n  factdesk claim add \"Iran supplied Russia with ballistic missiles\" --claimant \"U.S. officials\" --reported-by WSJ\n  factdesk claim add \"Iran wants to buy Su-35 jets\" --stance neutral --tag iran --quiet"
    )]
    Add(Deferred<AddArgs>),
    /// List claims, newest first.
    #[command(
        after_help = "Examples:\n  factdesk claim list --status disputed\n  factdesk claim list --assignee bo --format csv"
    )]
    List(Deferred<ListArgs>),
    /// Show a claim: its fields, status, what stands for and against it, evidence, links,
    /// who is assigned, a verdict awaiting review, and comments.
    #[command(
        after_help = "Examples:\n  factdesk claim show b03d\n  factdesk claim show b03d --as-of 2024-09-07"
    )]
    Show {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        #[command(flatten)]
        as_of: AsOfArgs,
    },
    /// Change a claim's fields or tags (an empty value clears an optional field).
    #[command(
        after_help = "Examples:\n  factdesk claim edit 8b52 --stance denies --quote \"\"\n  factdesk claim edit b03d --add-tag missiles --remove-tag drones"
    )]
    Edit(Deferred<EditArgs>),
    /// Give a claim a verdict with its rationale, or withdraw it with --clear. When the store
    /// requires review (`config set review.required true`), the verdict is proposed and stands
    /// once a different person runs `review approve`.
    #[command(
        after_help = "Examples:\n  factdesk claim verdict b03d unverifiable --note \"The officials' evidence is not public\"\n  factdesk claim verdict b03d --clear --note \"Given too early\""
    )]
    Verdict(Deferred<VerdictArgs>),
    /// Assign a claim to someone on the desk.
    #[command(after_help = "Examples:\n  factdesk claim assign b03d bo")]
    Assign {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Who is to work on it.
        name: String,
    },
    /// Take a claim's assignment away.
    #[command(after_help = "Examples:\n  factdesk claim unassign b03d")]
    Unassign {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
    },
    /// Add a comment to a claim's discussion (shown by `claim show` and `history`).
    #[command(
        after_help = "Examples:\n  factdesk claim comment b03d \"Asked the Pentagon for the shipment dates\""
    )]
    Comment {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        /// The comment.
        text: String,
    },
    /// Retract a claim logged by mistake: it leaves every listing, report, search, graph,
    /// export and the linker, and counts for or against no claim; `claim show` and `history`
    /// keep it, marked, and `claim restore` puts it back. Its evidence and links stay as they
    /// are.
    #[command(
        after_help = "Examples:\n  factdesk claim retract 4f1c --note \"Junk candidate from ingest --accept\"\n  factdesk claim list --include-retracted"
    )]
    Retract {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Why it is retracted (kept in the history).
        #[arg(long, value_name = "WHY")]
        note: String,
    },
    /// Put a retracted claim back as it was.
    #[command(after_help = "Examples:
  factdesk claim restore 4f1c")]
    Restore {
        /// The claim's id (or a unique prefix of at least 4 characters).
        id: String,
        /// Why it is restored (kept in the history).
        #[arg(long, value_name = "WHY")]
        note: Option<String>,
    },
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
    #[arg(long, value_parser = super::Offered::words(crate::model::Stance::WORDS), hide_possible_values = true)]
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

/// How many of the linker's proposals `claim add` shows (the score they need is the linker's
/// [`SHOWN_PROPOSAL_SCORE`]).
const SHOWN_PROPOSALS: usize = 3;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only claims with this status: disputed, unresolved, supported, refuted, mixed or unverifiable.
    #[arg(long, value_parser = super::Offered::words(crate::model::Status::WORDS), hide_possible_values = true)]
    status: Option<String>,
    /// Only claims made by this source.
    #[arg(long)]
    claimant: Option<String>,
    /// Only claims with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only claims assigned to this person.
    #[arg(long, value_name = "NAME")]
    assignee: Option<String>,
    /// Show retracted claims too (marked in the status column).
    #[arg(long)]
    include_retracted: bool,
    #[command(flatten)]
    listing: ListingArgs,
    #[command(flatten)]
    as_of: AsOfArgs,
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
    #[arg(long, value_parser = super::Offered::words(crate::model::Stance::WORDS), hide_possible_values = true)]
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
    #[arg(value_parser = super::Offered::words(crate::model::VerdictKind::WORDS), hide_possible_values = true)]
    verdict: Option<String>,
    /// The rationale (required): why this verdict, or why it is withdrawn.
    #[arg(long, required = true)]
    note: Option<String>,
    /// Withdraw the claim's verdict instead of giving one.
    #[arg(long, conflicts_with = "verdict")]
    clear: bool,
}

pub fn run(cmd: ClaimCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match cmd {
        ClaimCommand::Add(Deferred(args)) => {
            super::check_url_flag("--url", args.url.as_deref())?;
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
            let mut store = ctx.open_linking(ui)?;
            let notes = super::source::resemblance_notes(
                &store,
                &[claim.claimant.as_deref(), claim.reported_by.as_deref()],
            )?;
            // Logging a claim is the desk's hot path: the claim is read back only for JSON.
            let id = store.log_claim(&claim)?;
            super::source::print_notes(ui, &notes)?;
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
        ClaimCommand::List(Deferred(args)) => {
            let filter = ClaimFilter {
                status: args
                    .status
                    .as_deref()
                    .map(str::parse::<Status>)
                    .transpose()?,
                claimant: args.claimant,
                tag: args.tag,
                assignee: args.assignee,
                limit: args.listing.limit.fetch(),
                include_retracted: args.include_retracted,
                ..ClaimFilter::default()
            };
            let claims = ctx.open_as_of(&args.as_of)?.claims(&filter)?;
            ui.listing(&args.listing, claims, ("claim", "claims"), |ui, rows| {
                ui.show("Claims", &ClaimList(rows))
            })
        }
        ClaimCommand::Show { id, as_of } => {
            let store = ctx.open_as_of(&as_of)?;
            // An evidence or link id shows the claim it belongs to, saying so.
            let claim = match store.explain_claim(&id) {
                Err(Error::NotFound { noun: "claim", .. })
                    if let Some((kind, record, claim)) = store.record_owning_claim(&id)? =>
                {
                    let whose = if kind == "link" {
                        "the claim it starts from"
                    } else {
                        "the claim it is on"
                    };
                    writeln!(
                        ui.err,
                        "factdesk: note: {} is {kind} {}; showing {whose}, {}",
                        id.trim(),
                        short_id(&record),
                        short_id(&claim)
                    )?;
                    store.explain_claim(&claim)?
                }
                other => other?,
            };
            let evidence = store.evidence_for(&claim.claim.id)?;
            let links = store.links_of(&claim.claim.id)?;
            let assignee = store.assignee(&claim.claim.id)?;
            let proposal = store.proposed_verdict(&claim.claim.id)?;
            let comments = store.comments(&claim.claim.id)?;
            ui.show(
                "Claim",
                &ClaimDetail {
                    claim: &claim,
                    evidence: &evidence,
                    links: &links,
                    assignee: assignee.as_deref(),
                    proposal: proposal.as_ref(),
                    comments: &comments,
                },
            )
        }
        ClaimCommand::Assign { id, name } => {
            let mut store = ctx.open()?;
            let changed = store.assign_claim(&id, Some(&name))?;
            super::note_mixed_scripts(ui, &name)?;
            let claim = store.claim(&id)?;
            let line = if changed {
                format!("Assigned claim {} to {}", short_id(&claim.id), name.trim())
            } else {
                format!(
                    "Claim {} is already assigned to {}; nothing changed",
                    short_id(&claim.id),
                    name.trim()
                )
            };
            ui.confirm(
                &line,
                &serde_json::json!({ "id": claim.id, "assignee": name.trim(), "changed": changed }),
            )
        }
        ClaimCommand::Unassign { id } => {
            let mut store = ctx.open()?;
            store.assign_claim(&id, None)?;
            let claim = store.claim(&id)?;
            ui.confirm(
                &format!("Claim {} is no longer assigned", short_id(&claim.id)),
                &serde_json::json!({ "id": claim.id, "assignee": null }),
            )
        }
        ClaimCommand::Retract { id, note } => {
            let retracted = ctx.open()?.retract_claim(&id, &note)?;
            let mut left = Vec::new();
            if retracted.evidence > 0 {
                left.push(plural(
                    retracted.evidence,
                    "piece of evidence",
                    "pieces of evidence",
                ));
            }
            if !retracted.linked_claims.is_empty() {
                let ends: Vec<&str> = retracted
                    .linked_claims
                    .iter()
                    .map(|c| short_id(c))
                    .collect();
                left.push(format!(
                    "{} (with {}), which no longer count{}",
                    plural(retracted.linked_claims.len() as u64, "link", "links"),
                    ends.join(", "),
                    if retracted.linked_claims.len() == 1 {
                        "s"
                    } else {
                        ""
                    }
                ));
            }
            let mut line = format!("Retracted claim {}", short_id(&retracted.id));
            if !left.is_empty() {
                line.push_str(&format!("; left as they are: {}", left.join(", ")));
            }
            ui.confirm(&line, &retracted)
        }
        ClaimCommand::Restore { id, note } => {
            let id = ctx.open()?.restore_claim(&id, note.as_deref())?;
            ui.confirm(
                &format!("Restored claim {}", short_id(&id)),
                &serde_json::json!({ "id": id }),
            )
        }
        ClaimCommand::Comment { id, text } => {
            let mut store = ctx.open()?;
            store.comment_claim(&id, &text)?;
            let claim = store.claim(&id)?;
            ui.confirm(
                &format!("Commented on claim {}", short_id(&claim.id)),
                &serde_json::json!({ "id": claim.id, "comment": text.trim(), "author": ctx.author }),
            )
        }
        ClaimCommand::Edit(Deferred(args)) => {
            super::check_url_flag("--url", args.url.as_deref())?;
            let edit = ClaimEdit {
                text: args.text,
                claimant: super::clearable(args.claimant),
                reported_by: super::clearable(args.reported_by),
                stance: args
                    .stance
                    .as_deref()
                    .map(str::parse::<Stance>)
                    .transpose()?,
                url: super::clearable(args.url),
                quote: super::clearable(args.quote),
                date: super::clearable(args.date),
                add_tags: args.add_tag,
                remove_tags: args.remove_tag,
            };
            if edit.is_empty() {
                return Err(Error::usage(
                    "claim edit needs at least one change (--text, --claimant, --stance, --add-tag, …)",
                ));
            }
            let mut store = if edit.text.is_some() {
                ctx.open_linking(ui)?
            } else {
                ctx.open()?
            };
            let named = |name: &Option<Option<String>>| name.clone().flatten();
            let (claimant, reported_by) = (named(&edit.claimant), named(&edit.reported_by));
            let notes = super::source::resemblance_notes(
                &store,
                &[claimant.as_deref(), reported_by.as_deref()],
            )?;
            let (claim, changed) = store.edit_claim(&args.id, &edit)?;
            super::source::print_notes(ui, &notes)?;
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
        ClaimCommand::Verdict(Deferred(args)) => {
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
            let outcome = store.give_verdict(&args.id, verdict, &note)?;
            let claim = store.claim(&args.id)?;
            let line = match outcome {
                VerdictOutcome::Stands => {
                    format!("Verdict on claim {}: {verdict}", short_id(&claim.id))
                }
                VerdictOutcome::Proposed => format!(
                    "Proposed verdict on claim {}: {verdict}; it stands once someone else runs \
                     `factdesk review approve {}`",
                    short_id(&claim.id),
                    short_id(&claim.id)
                ),
            };
            let mut value = serde_json::to_value(&claim).expect("model values serialise");
            value["verdict_outcome"] = serde_json::to_value(outcome).expect("serialisable");
            ui.confirm(&line, &value)
        }
    }
}
