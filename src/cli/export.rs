//! `factdesk export`: the store's claims as factdesk JSONL (re-importable as the same records)
//! or as schema.org ClaimReview JSON-LD (claims with a verdict), or its history as an event
//! bundle for another store (`--events`).

use std::path::PathBuf;

use clap::Args;

use super::{Context, Ui};
use crate::bulk::claimreview::{Publisher, document, review_of, write_document};
use crate::bulk::jsonl::write_record;
use crate::error::{Error, Result};
use crate::model::Status;
use crate::report::{Format, short_id};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write the history as an event bundle (JSON lines with a header) that another store
    /// imports with `factdesk import`, instead of claims.
    #[arg(long, conflicts_with_all = ["status", "publisher", "publisher_url", "review_url"])]
    events: bool,
    /// With --events: only events at or after this day (YYYY-MM-DD) or time (2024-09-07T12:00Z).
    #[arg(long, value_name = "TIME", requires = "events")]
    since: Option<String>,
    /// Only claims with this status (disputed, unresolved, supported, refuted, mixed, unverifiable).
    #[arg(long, value_parser = super::Offered::words(crate::model::Status::WORDS), hide_possible_values = true)]
    status: Option<String>,
    /// ClaimReview: the organisation publishing the reviews (their `author`).
    #[arg(long, value_name = "NAME")]
    publisher: Option<String>,
    /// ClaimReview: the publisher's web address.
    #[arg(long, value_name = "URL")]
    publisher_url: Option<String>,
    /// ClaimReview: each review's address, `{id}` standing for the claim's id, e.g.
    /// "https://desk.example/checks/{id}" (Google requires a review URL).
    #[arg(long, value_name = "TEMPLATE")]
    review_url: Option<String>,
    /// Write to FILE (complete, or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: ExportArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    if args.events {
        if let Some(f) = ctx.format.filter(|f| *f != Format::Jsonl) {
            return Err(f.unsupported("export --events", &[Format::Jsonl]));
        }
        let store = ctx.open()?;
        let mut written = 0;
        ui.to_file(args.output.as_deref(), |ui| {
            written = store.export_events(args.since.as_deref(), ui.out.raw()?)?;
            Ok(())
        })?;
        if let Some(path) = &args.output {
            writeln!(
                ui.err,
                "Wrote {} to {}",
                crate::report::plural(written, "event", "events"),
                path.display()
            )?;
        }
        return Ok(());
    }
    super::check_url_flag("--publisher-url", args.publisher_url.as_deref())?;
    // The review URL is a template: checked with a claim id in place of `{id}`.
    if let Some(template) = &args.review_url
        && let Some(problem) = crate::model::web_url_problem(
            &template.replace("{id}", "8b5229d0-48e7-4713-a6a8-0e0817f64a6f"),
        )
    {
        return Err(Error::usage(format!(
            "--review-url '{}' {problem}",
            crate::model::shown_value(template)
        )));
    }
    let offered = [Format::Jsonl, Format::ClaimReview];
    let format = match ctx.format {
        Some(f) if offered.contains(&f) => f,
        Some(f) => return Err(f.unsupported("export", &offered)),
        None => {
            return Err(Error::usage(
                "export needs --format jsonl or --format claimreview",
            ));
        }
    };
    let status = args
        .status
        .as_deref()
        .map(str::parse::<Status>)
        .transpose()?;
    let store = ctx.open()?;
    ui.to_file(args.output.as_deref(), |ui| {
        match format {
            Format::Jsonl => {
                let out = ui.out.raw()?;
                store.export_records(status, |record| write_record(out, &record))?;
            }
            _ => {
                let publisher = Publisher {
                    name: args.publisher,
                    url: args.publisher_url,
                    review_url: args.review_url,
                };
                let mut reviews = Vec::new();
                let mut lacking = Vec::new();
                store.export_records(status, |record| {
                    if record.verdict.is_none() {
                        return Ok(());
                    }
                    match review_of(&record, &publisher) {
                        Ok(review) => reviews.push(review),
                        Err(missing) => lacking.push(format!(
                            "not exported: claim {} lacks {}",
                            short_id(record.id.as_deref().unwrap_or_default()),
                            missing.join(", ")
                        )),
                    }
                    Ok(())
                })?;
                for line in &lacking {
                    writeln!(ui.err, "{line}")?;
                }
                write_document(&document(reviews), ui.out.raw()?)?;
            }
        }
        Ok(())
    })
}
