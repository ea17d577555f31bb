//! `factdesk diff` and `factdesk verify`: questioning the history — what changed between two
//! moments, and whether the tables still say what the history says.

use clap::Args;

use super::{Context, Ui};
use crate::error::{Error, Result};
use crate::report::ChangeList;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// From this day (YYYY-MM-DD, its start) or time (2024-09-07T12:00Z).
    #[arg(long, value_name = "TIME")]
    since: String,
    /// Up to this day (its end) or time; now when left out.
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
}

pub fn diff(args: DiffArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let changes = ctx.open()?.diff(&args.since, args.until.as_deref())?;
    ui.show("Changes", &ChangeList(&changes))
}

pub fn verify(ctx: &Context, ui: &mut Ui) -> Result<()> {
    let report = ctx.open()?.verify()?;
    if report.problems.is_empty() {
        return ui.confirm(
            &format!(
                "Verified: {} events, hashes intact, guards in place, and {} records as the \
                 history says",
                report.events, report.records
            ),
            &report,
        );
    }
    if ui.format == crate::report::Format::Json {
        ui.confirm("", &report)?;
    } else {
        for problem in &report.problems {
            writeln!(ui.out, "{problem}")?;
        }
    }
    Err(Error::invalid(format!(
        "verification failed: {} problem{} (listed above)",
        report.problem_count,
        if report.problem_count == 1 { "" } else { "s" }
    )))
}
