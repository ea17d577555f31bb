//! `factdesk link …`: relate two claims, remove a relation, list a claim's links, and ask the
//! linker (suggest, judge one pair, scan the store).

use std::io::{self, IsTerminal};

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, ListingArgs, Ui};
use crate::error::{Error, Result};
use crate::linker::Proposal;
use crate::linker::thresholds::SCAN_DEFAULT_MIN;
use crate::model::Relation;
use crate::model::{Stance, validate_claim_text};
use crate::report::{LinkList, ProposalList, TableView, View, plural, short_id};
use crate::store::LinkQuery;

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Link two claims: FROM RELATION TO (e.g. the denial contradicts the allegation).
    #[command(
        after_help = "Examples:\n  factdesk link add 8b52 b03d --relation contradicts --note \"Iran's answer to the WSJ report\""
    )]
    Add(AddArgs),
    /// Remove a link (the removal is recorded; the link stays in the history).
    #[command(after_help = "Examples:\n  factdesk link remove 6114")]
    Remove {
        /// The link's id (or a unique prefix of at least 4 characters).
        link_id: String,
    },
    /// List the links of a claim.
    #[command(after_help = "Examples:\n  factdesk link list b03d")]
    List {
        /// The claim's id (or a unique prefix of at least 4 characters).
        claim_id: String,
        #[command(flatten)]
        listing: ListingArgs,
    },
    /// The claims a claim (or a text not logged yet) most likely repeats or contradicts,
    /// ranked, each with a proposed relation and the reason.
    #[command(
        after_help = "Examples:\n  factdesk link suggest b03d\n  factdesk link suggest --text \"Tehran sent missiles to Moscow, officials say\""
    )]
    Suggest(SuggestArgs),
    /// Record the link the linker proposes from one claim to another (an ordinary link; its
    /// history event keeps the linker's score and reason).
    #[command(after_help = "Examples:\n  factdesk link accept 8b52 b03d")]
    Accept {
        /// The claim the link starts from (the one that repeats or answers the other).
        from_id: String,
        /// The claim it points to.
        to_id: String,
        /// Use this relation instead of the proposed one.
        #[arg(long, value_parser = super::Offered::words(crate::model::Relation::WORDS), hide_possible_values = true)]
        relation: Option<String>,
        /// Why the claims are related.
        #[arg(long)]
        note: Option<String>,
    },
    /// The relation the linker proposes from one logged claim to another, with its score and
    /// reason ("why did you propose this?"); JSON `relation` is null when nothing relates them.
    #[command(
        after_help = "Examples:\n  factdesk link judge 8b52 b03d\n  factdesk link judge 8b52 b03d --format json"
    )]
    Judge {
        /// The claim the relation would start from (for `supports`: the evidence).
        from_id: String,
        /// The claim it would point to.
        to_id: String,
    },
    /// Every pair of claims the linker relates, across the store or from the claims logged
    /// since a time (e.g. an import) to the whole store, best first; with --accept, link them.
    #[command(
        after_help = "Examples:\n  factdesk link scan --since 2024-09-06\n  factdesk link scan --min-score 0.6 --accept"
    )]
    Scan(ScanArgs),
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The claim to find links for (id or unique prefix).
    #[arg(conflicts_with = "text", required_unless_present = "text")]
    claim_id: Option<String>,
    /// Text not logged yet, instead of a claim.
    #[arg(long)]
    text: Option<String>,
    /// With --text: the stance its claimant takes (asserts, denies, questions, neutral).
    #[arg(long, requires = "text", value_parser = super::Offered::words(crate::model::Stance::WORDS), hide_possible_values = true)]
    stance: Option<String>,
    /// How many proposals to show.
    #[arg(long, value_name = "N", default_value_t = 5)]
    limit: usize,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Only pairs scoring at least this much (0 to 1; default 0.5); required with --accept.
    #[arg(long, value_name = "X")]
    min_score: Option<f64>,
    /// Link every pair found (as links whose events keep the linker's score), all in one
    /// change: every one, or none if any fails.
    #[arg(long, requires = "min_score")]
    accept: bool,
    /// Compare only the claims logged at or after this day (YYYY-MM-DD) or time
    /// (2024-09-07T12:00Z) — e.g. an import's — with the whole store.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    #[command(flatten)]
    listing: ListingArgs,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The claim the relation starts from.
    from_id: String,
    /// The claim it points to.
    to_id: String,
    /// contradicts, supports, duplicates or related.
    #[arg(long, value_parser = super::Offered::words(crate::model::Relation::WORDS), hide_possible_values = true)]
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
        LinkCommand::List { claim_id, listing } => ui.listing(
            &listing,
            ctx.open()?.links_of(&claim_id)?,
            ("link", "links"),
            |ui, rows| ui.show("Links", &LinkList(rows)),
        ),
        LinkCommand::Suggest(args) => {
            let query = match (args.claim_id, args.text) {
                (Some(id), _) => LinkQuery::Claim(id),
                (None, Some(text)) => {
                    validate_claim_text(&text)?;
                    let stance = args
                        .stance
                        .as_deref()
                        .map(str::parse::<Stance>)
                        .transpose()?;
                    LinkQuery::Text(text, stance.unwrap_or(Stance::Asserts))
                }
                (None, None) => return Err(Error::usage("give a claim id or --text")),
            };
            let proposals = ctx.open_linking(ui)?.suggest_links(&query, args.limit)?;
            ui.show("Possibly related claims", &ProposalList(&proposals))
        }
        LinkCommand::Accept {
            from_id,
            to_id,
            relation,
            note,
        } => {
            let relation = relation
                .as_deref()
                .map(str::parse::<Relation>)
                .transpose()?;
            let (link, proposal) =
                ctx.open_linking(ui)?
                    .accept_link(&from_id, &to_id, relation, note.as_deref())?;
            let line = format!(
                "Linked {} {} {} (linker score {:.2}: {})",
                short_id(&link.from_id),
                link.relation,
                short_id(&link.to_id),
                proposal.score,
                proposal.reason
            );
            ui.confirm(&line, &link)
        }
        LinkCommand::Judge { from_id, to_id } => {
            let (from, to, judged) = ctx.open_linking(ui)?.judge_pair(&from_id, &to_id)?;
            let (from_short, to_short) = (short_id(&from), short_id(&to));
            let line = match judged.relation {
                Some(relation) => format!(
                    "{from_short} {relation}? {to_short}  score {:.2}: {}",
                    judged.score, judged.reason
                ),
                None => format!(
                    "{from_short} and {to_short}: no relation  score {:.2}: {}",
                    judged.score, judged.reason
                ),
            };
            let json = serde_json::json!({
                "from": from, "to": to, "relation": judged.relation,
                "score": judged.score, "reason": judged.reason,
            });
            ui.confirm(&line, &json)
        }
        LinkCommand::Scan(args) => scan(args, ctx, ui),
    }
}

/// `link scan`: the pairs found, listed best first, and with --accept linked in one change.
fn scan(args: ScanArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let min_score = args.min_score.unwrap_or(SCAN_DEFAULT_MIN);
    if !(0.0..=1.0).contains(&min_score) {
        return Err(Error::invalid(format!(
            "--min-score {min_score} is not between 0 and 1"
        )));
    }
    let mut store = ctx.open_linking(ui)?;
    let bar = if io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {percent}% comparing claims ({eta} left)")
            .expect("valid template"),
    );
    let found = store.scan_links(args.since.as_deref(), min_score, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let found = found?;
    if args.accept {
        let linked = store.accept_scanned(&found)?;
        writeln!(ui.err, "Linked {}.", plural(linked as u64, "pair", "pairs"))?;
    }
    // With --accept every pair found is linked; the listing shows --limit of them.
    let found = args.listing.limit.cut(ui, found, ("pair", "pairs"))?;
    let proposals: Vec<Proposal> = found.iter().map(|p| p.proposal.clone()).collect();
    let mut table = ProposalList(&proposals).table();
    table.headers.insert(0, "FROM");
    for (row, pair) in table.rows.iter_mut().zip(&found) {
        row.insert(0, short_id(&pair.from_id).to_string());
    }
    let json = found
        .iter()
        .map(|pair| {
            let p = &pair.proposal;
            serde_json::json!({
                "from": pair.from_id, "to": p.id, "relation": p.relation,
                "score": p.score, "reason": p.reason,
            })
        })
        .collect();
    let view = TableView {
        table,
        json: serde_json::Value::Array(json),
        empty: "No pairs at that score.",
    };
    ui.to_file(args.listing.output.output.as_deref(), |ui| {
        ui.show("Proposed links", &view)
    })
}
