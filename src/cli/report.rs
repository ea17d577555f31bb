//! `factdesk report …`: the lists and pages a desk reads — disputed and unresolved claims, the
//! desk summary, one claimant's record — in any listing format or as a self-contained HTML
//! page (`--format html --output FILE`).

use clap::Subcommand;

use super::{AsOfArgs, Context, LimitArgs, OutputArgs, Ui};
use crate::error::Result;
use crate::report::{ClaimList, ClaimantView, ConflictList, DisputedReport, Format, SummaryView};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Disputed claims, oldest first, each with what stands for and against it (with
    /// --format html, the graph of their links too).
    #[command(
        after_help = "Examples:\n  factdesk report disputed\n  factdesk report disputed --as-of 2024-09-07T12:00Z --format csv"
    )]
    Disputed {
        #[command(flatten)]
        limit: LimitArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
    },
    /// Every claim without a verdict (disputed or unresolved), oldest first.
    #[command(after_help = "Examples:\n  factdesk report unresolved --limit 20")]
    Unresolved {
        #[command(flatten)]
        limit: LimitArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
    },
    /// The desk at a glance: claims by status, the most contested claims, the claimants with
    /// the most disputed claims, activity by week.
    #[command(
        after_help = "Examples:\n  factdesk report summary\n  factdesk report summary --format html --output summary.html"
    )]
    Summary {
        /// How many claims and claimants to list in the rankings.
        #[arg(long, value_name = "N", default_value_t = 10)]
        top: usize,
        /// How many whole weeks of activity to show before the newest change's week.
        #[arg(long, value_name = "N", default_value_t = 12)]
        weeks: usize,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
    },
    /// One claimant's record: their claims (newest first) with status and verdict.
    #[command(after_help = "Examples:\n  factdesk report claimant \"Iranian Mission to the UN\"")]
    Claimant {
        /// The claimant's name (any case) or source id.
        name: String,
        #[command(flatten)]
        limit: LimitArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        as_of: AsOfArgs,
    },
    /// Changes to the same field made in two stores without either seeing the other: which
    /// stands (the later, by time then event id), which it overwrote, and whether someone has
    /// since settled it.
    #[command(after_help = "Examples:\n  factdesk report conflicts")]
    Conflicts {
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// How many claims the HTML dispute graph draws at most.
const GRAPH_LIMIT: usize = 60;

pub fn run(cmd: ReportCommand, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let as_of = match &cmd {
        ReportCommand::Disputed { as_of, .. }
        | ReportCommand::Unresolved { as_of, .. }
        | ReportCommand::Summary { as_of, .. }
        | ReportCommand::Claimant { as_of, .. } => as_of.clone(),
        ReportCommand::Conflicts { .. } => AsOfArgs::default(),
    };
    let store = ctx.open_as_of(&as_of)?;
    match cmd {
        ReportCommand::Conflicts { output } => {
            let conflicts = store.conflicts()?;
            ui.to_file(output.output.as_deref(), |ui| {
                ui.show("Conflicts", &ConflictList(&conflicts))
            })
        }
        ReportCommand::Disputed { limit, output, .. } => {
            let claims = limit.cut(ui, store.disputed(limit.fetch())?, ("claim", "claims"))?;
            let graph = match ui.format {
                Format::Html => Some(store.link_graph(None, 1, GRAPH_LIMIT)?),
                _ => None,
            };
            let view = DisputedReport {
                claims: &claims,
                graph: graph.as_ref(),
            };
            ui.to_file(output.output.as_deref(), |ui| {
                ui.show("Disputed claims", &view)
            })
        }
        ReportCommand::Unresolved { limit, output, .. } => {
            let claims = limit.cut(ui, store.unresolved(limit.fetch())?, ("claim", "claims"))?;
            ui.to_file(output.output.as_deref(), |ui| {
                ui.show("Unresolved claims (no verdict yet)", &ClaimList(&claims))
            })
        }
        ReportCommand::Summary {
            top, weeks, output, ..
        } => {
            let summary = store.summary(top, weeks)?;
            ui.to_file(output.output.as_deref(), |ui| {
                ui.show("Desk summary", &SummaryView(&summary))
            })
        }
        ReportCommand::Claimant {
            name,
            limit,
            output,
            ..
        } => {
            let mut record = store.claimant_record(&name, limit.fetch())?;
            record.claims = limit.cut(ui, record.claims, ("claim", "claims"))?;
            let title = format!("Claims by {}", record.source.name);
            ui.to_file(output.output.as_deref(), |ui| {
                ui.show(&title, &ClaimantView(&record))
            })
        }
    }
}
