//! `factdesk import FILE`: bulk-load claims from JSONL, spreadsheet CSV or ClaimReview JSON, or
//! another store's work from an event bundle (told apart by the bundle's header line).

use std::fs::File;
use std::io::Write;
use std::io::{self, BufRead, BufReader, IsTerminal};

use crate::report::plural;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, Ui};
use crate::bulk::claimreview::ClaimReviewReader;
use crate::bulk::spreadsheet::{CsvReader, parse_map};
use crate::bulk::{ImportFormat, jsonl::JsonlReader};
use crate::error::{Error, Result};
use crate::report::Format;
use crate::store::{BundleOptions, ImportOptions, ImportSummary, is_bundle_header};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import ("-" for standard input). Its format comes from --format
    /// (jsonl, csv or claimreview), else from its extension (.jsonl, .csv, .json).
    file: PathBuf,
    /// Read and check everything, say what would be imported, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import the good records and list every bad one with its reason, instead of importing
    /// nothing.
    #[arg(long)]
    skip_invalid: bool,
    /// CSV: read COLUMN as FIELD (text, claimant, reported_by, stance, date, url, quote, tags,
    /// verdict, verdict_note, id, or ignore); repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    maps: Vec<String>,
    /// ClaimReview: also turn each review's textual rating into the claim's verdict (proposed
    /// for review where the desk requires review, unless --trust-verdicts).
    #[arg(long)]
    with_verdicts: bool,
    /// ClaimReview, with --with-verdicts: let the verdicts stand even where the desk requires
    /// review (they were reviewed where they were published). Every other imported verdict is
    /// proposed, as `claim verdict` would propose it.
    #[arg(long)]
    trust_verdicts: bool,
    /// Event bundle: take events dated more than a day ahead of this machine's clock (when
    /// this machine's clock is the wrong one); every later change here is dated after them.
    #[arg(long)]
    accept_future: bool,
}

fn input_format(args: &ImportArgs, ctx: &Context) -> Result<ImportFormat> {
    match ctx.format {
        Some(Format::Jsonl) => Ok(ImportFormat::Jsonl),
        Some(Format::Csv) => Ok(ImportFormat::Csv),
        Some(Format::ClaimReview) => Ok(ImportFormat::ClaimReview),
        Some(other) => {
            Err(other.unsupported("import", &[Format::Jsonl, Format::Csv, Format::ClaimReview]))
        }
        None => ImportFormat::guess(&args.file).ok_or_else(|| {
            Error::usage(format!(
                "cannot tell the format of '{}': give --format jsonl, csv or claimreview",
                args.file.display()
            ))
        }),
    }
}

/// The input, counted by a progress bar when standard error is a terminal.
fn open_input(args: &ImportArgs) -> Result<(Box<dyn BufRead>, ProgressBar)> {
    let on_terminal = io::stderr().is_terminal();
    if args.file.as_os_str() == "-" {
        let bar = if on_terminal {
            ProgressBar::new_spinner()
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {bytes} read ({bytes_per_sec})")
                .expect("valid template"),
        );
        return Ok((Box::new(BufReader::new(bar.wrap_read(io::stdin()))), bar));
    }
    let file = File::open(&args.file)
        .map_err(|e| Error::invalid(format!("cannot read '{}': {e}", args.file.display())))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if on_terminal {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .expect("valid template"),
    );
    Ok((
        Box::new(BufReader::with_capacity(1 << 16, bar.wrap_read(file))),
        bar,
    ))
}

/// Whether the input starts with an event bundle's header line.
/// Whether the input is an event bundle. A byte-order mark in front of it (as editors on some
/// systems write) is taken off first, whatever the format.
fn starts_with_bundle_header(input: &mut dyn BufRead) -> Result<bool> {
    const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";
    let read = |e: std::io::Error| Error::invalid(format!("cannot read the input: {e}"));
    if input.fill_buf().map_err(read)?.starts_with(BYTE_ORDER_MARK) {
        input.consume(BYTE_ORDER_MARK.len());
    }
    let buffered = input.fill_buf().map_err(read)?;
    let first_line = buffered.split(|b| *b == b'\n').next().unwrap_or_default();
    Ok(is_bundle_header(&String::from_utf8_lossy(first_line)))
}

fn import_bundle(
    args: &ImportArgs,
    ctx: &Context,
    ui: &mut Ui,
    input: &mut dyn BufRead,
) -> Result<()> {
    if !args.maps.is_empty() || args.with_verdicts || args.trust_verdicts || args.skip_invalid {
        return Err(Error::usage(
            "an event bundle is imported whole: --map, --with-verdicts, --trust-verdicts and \
             --skip-invalid do not apply",
        ));
    }
    let name = args.file.display().to_string();
    let summary = ctx
        .open()?
        .import_bundle(
            input,
            BundleOptions {
                dry_run: args.dry_run,
                accept_future: args.accept_future,
            },
        )
        .map_err(|e| e.in_context(|reason| format!("{name}: {reason}; nothing was imported")))?;
    let verb = if args.dry_run { "Would add" } else { "Added" };
    let line = format!(
        "{verb} {} of {} from {name} ({} already here); {} rebuilt",
        summary.events_added,
        plural(summary.events_in_bundle, "event", "events"),
        summary.events_already_present,
        plural(summary.records_rebuilt, "record", "records")
    );
    ui.confirm(&line, &summary)
}

pub fn run(args: ImportArgs, ctx: &Context, ui: &mut Ui) -> Result<()> {
    let (mut input, bar) = open_input(&args)?;
    if matches!(ctx.format, None | Some(Format::Jsonl)) && starts_with_bundle_header(&mut input)? {
        let result = import_bundle(&args, ctx, ui, &mut input);
        bar.finish_and_clear();
        return result;
    }
    let format = input_format(&args, ctx)?;
    let maps = args
        .maps
        .iter()
        .map(|m| parse_map(m))
        .collect::<Result<Vec<_>>>()?;
    if !maps.is_empty() && format != ImportFormat::Csv {
        return Err(Error::usage("--map applies to CSV imports only"));
    }
    if args.with_verdicts && format != ImportFormat::ClaimReview {
        return Err(Error::usage(
            "--with-verdicts applies to ClaimReview imports only",
        ));
    }
    if args.trust_verdicts && !args.with_verdicts {
        return Err(Error::usage(
            "--trust-verdicts applies to the verdicts of a ClaimReview import: give \
             --with-verdicts too (CSV and JSONL verdicts always follow the desk's review rule)",
        ));
    }
    let mut store = ctx.open_linking(ui)?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "-".into());
    let options = ImportOptions {
        origin: name.clone(),
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        trust_verdicts: args.trust_verdicts,
    };
    let summary = match format {
        ImportFormat::Jsonl => store.import(JsonlReader::new(input), &options),
        ImportFormat::Csv => {
            let (reader, ignored) = CsvReader::new(input, &maps)?;
            if !ignored.is_empty() {
                writeln!(
                    ui.err,
                    "ignoring columns: {} (read them with --map COLUMN=FIELD)",
                    name_a_few(&ignored)
                )?;
            }
            store.import(reader, &options)
        }
        ImportFormat::ClaimReview => {
            store.import(ClaimReviewReader::new(input, args.with_verdicts), &options)
        }
    };
    bar.finish_and_clear();
    let summary = summary
        .map_err(|e| e.in_context(|reason| format!("{name}: {reason}; nothing was imported")))?;
    for skipped in &summary.skipped {
        writeln!(ui.err, "skipped {}: {}", skipped.location, skipped.reason)?;
    }
    writeln!(ui.out, "{}", describe(&name, &summary))?;
    Ok(())
}

/// One line saying what an import did.
fn describe(name: &str, s: &ImportSummary) -> String {
    let mut parts = vec![format!(
        "{} added, {} already present",
        plural(s.claims_added, "claim", "claims"),
        s.claims_already_present
    )];
    parts.push(format!(
        "{} evidence, {}, {} added",
        s.evidence_added,
        plural(s.verdicts_set, "verdict", "verdicts"),
        plural(s.links_added, "link", "links")
    ));
    if s.verdicts_proposed > 0 {
        parts.push(format!(
            "{} proposed for review",
            plural(s.verdicts_proposed, "verdict", "verdicts")
        ));
    }
    if !s.skipped.is_empty() {
        parts.push(format!(
            "{} skipped",
            plural(s.skipped.len() as u64, "record", "records")
        ));
    }
    if s.dry_run {
        format!("Dry run of {name} (nothing written): {}", parts.join("; "))
    } else {
        format!("Imported {name}: {}", parts.join("; "))
    }
}

/// The first few of `names`, quoted, and how many more there are: a file with thousands of
/// columns gets a line, not a page.
fn name_a_few(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut line: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|name| {
            let clipped: String = name.chars().take(40).collect();
            if clipped.len() < name.len() {
                format!("'{clipped}…'")
            } else {
                format!("'{clipped}'")
            }
        })
        .collect();
    if names.len() > SHOWN {
        line.push(format!("and {} more", names.len() - SHOWN));
    }
    line.join(", ")
}
