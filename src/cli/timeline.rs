//! `factdesk diff` and `factdesk verify`: questioning the history — what changed between two
//! moments, and whether the tables still say what the history says.

use clap::Args;
use std::io::Write;

use super::{Context, ListingArgs, Ui};
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
    #[command(flatten)]
    listing: ListingArgs,
}

pub fn diff(args: DiffArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let changes = ctx.open()?.diff(&args.since, args.until.as_deref())?;
    ui.listing(&args.listing, changes, ("claim", "claims"), |ui, rows| {
        ui.show("Changes", &ChangeList(rows))
    })
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head printed by an earlier `verify`, kept somewhere else: confirm the log still holds
    /// it with everything before it unchanged, and list what was appended since.
    #[arg(long, value_name = "HASH")]
    checkpoint: Option<String>,
}

pub fn verify(args: VerifyArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let checkpoint = args.checkpoint.as_deref().map(str::trim);
    if let Some(hash) = checkpoint
        && (hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Error::usage(format!(
            "'{hash}' is not a checkpoint (the 64 hex digits of a head printed by `factdesk verify`)"
        )));
    }
    let checkpoint = checkpoint.map(str::to_ascii_lowercase);
    let mut store = ctx.open()?;
    let report = if ctx.shared_url().is_some() {
        // A shared store: its replica is checked as any store is (its chain is this machine's
        // own), and the server's log too, whose head is the desk's checkpoint.
        let mut report = store.verify_against(None)?;
        if let Some(shared) = store.verify_shared_log(checkpoint.as_deref())? {
            report.problem_count += shared.problems.len() as u64;
            report.problems.extend(shared.problems);
            report.head = shared.head;
            report.since_checkpoint = shared.since_checkpoint;
        }
        report
    } else {
        store.verify_against(checkpoint.as_deref())?
    };
    if ui.format == crate::report::Format::Json {
        ui.confirm("", &report)?;
    } else {
        if report.problems.is_empty() {
            writeln!(
                ui.out,
                "Verified: {}, hashes intact, guards in place, and {} as the history says",
                crate::report::plural(report.events, "event", "events"),
                crate::report::plural(report.records, "record", "records")
            )?;
        } else {
            for problem in &report.problems {
                writeln!(ui.out, "{problem}")?;
            }
        }
        if let Some(appended) = &report.since_checkpoint {
            writeln!(
                ui.out,
                "Since the checkpoint: {} event{} appended",
                appended.len(),
                if appended.len() == 1 { "" } else { "s" }
            )?;
            for event in appended {
                let flag = match (event.dated_before_checkpoint, event.via.as_deref()) {
                    (true, Some("bundle")) => "  (dated before the checkpoint; from a bundle)",
                    (true, _) => "  (BACKDATED: dated before the checkpoint)",
                    _ => "",
                };
                writeln!(
                    ui.out,
                    "  {} {} {} {} {}{flag}",
                    event.at,
                    event.author,
                    event.action,
                    event.record_id.get(..8).unwrap_or(&event.record_id),
                    event.id
                )?;
            }
        }
        // A head is worth keeping as a checkpoint only when everything up to it holds.
        if let Some(head) = report.head.as_ref().filter(|_| report.problems.is_empty()) {
            writeln!(ui.out, "Head: {head}")?;
        }
    }
    if report.problems.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "verification failed: {} problem{} (listed above)",
        report.problem_count,
        if report.problem_count == 1 { "" } else { "s" }
    )))
}
