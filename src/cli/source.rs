//! `factdesk source …`: register, list, show and correct sources (edit, rename, merge, unmerge),
//! and the note any command prints when a change names a new source that resembles an existing
//! one.

use clap::{Args, Subcommand};

use super::{Context, ListingArgs, Ui};
use crate::error::Result;
use crate::model::{NewSource, SourceKind, optional_text};
use crate::report::{SourceDetail, SourceList, plural};
use crate::store::{SourceEdit, Store};

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
    /// Change a source's kind, web address or note (a blank value clears the address or note).
    #[command(
        after_help = "Examples:\n  factdesk source edit \"Rishi Sunak\" --kind person --url https://www.gov.uk/government/people/rishi-sunak"
    )]
    Edit(EditArgs),
    /// Rename a source (a typo corrected). It keeps its id, and its old name still finds it.
    #[command(after_help = "Examples:\n  factdesk source rename \"Rishi Snak\" \"Rishi Sunak\"")]
    Rename {
        /// The source's current name or id prefix.
        old: String,
        /// Its new name (not the name of another source: merge them instead).
        new: String,
    },
    /// Merge sources that are one person or outlet logged under several names into one: their
    /// names become aliases of it, and their claims and evidence count for it. Undo with
    /// `source unmerge`.
    #[command(
        after_help = "Examples:\n  factdesk source merge Sunak \"Prime Minister Rishi Sunak\" \"Rishi Sunak\"",
        override_usage = "factdesk source merge <FROM>... <INTO>"
    )]
    Merge {
        /// The sources to merge (names or id prefixes), then the one they merge into.
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
    /// Undo a merge: the source is one of its own again, with the claims and evidence that name
    /// it.
    #[command(after_help = "Examples:\n  factdesk source unmerge Sunak")]
    Unmerge {
        /// The merged source's name (now an alias) or id prefix.
        alias: String,
    },
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The source's name (any case, or an alias) or id prefix.
    name_or_id: String,
    /// outlet, government, official, organization, person, anonymous or other.
    #[arg(long, value_parser = super::Offered::words(crate::model::SourceKind::WORDS), hide_possible_values = true)]
    kind: Option<String>,
    /// The source's web address ("" clears it).
    #[arg(long)]
    url: Option<String>,
    /// Anything the desk should know about the source ("" clears it).
    #[arg(long)]
    note: Option<String>,
}

/// What counts for a source, in words: "2 claims made, 0 reported, 1 evidence item".
fn counts(made: i64, reported: i64, evidence: i64) -> String {
    let n = |v: i64| v.max(0) as u64;
    format!(
        "{} made, {reported} reported, {}",
        plural(n(made), "claim", "claims"),
        plural(n(evidence), "evidence item", "evidence items")
    )
}

/// A name as one shell word, for a command the user can paste.
fn shell_word(name: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_.,/".contains(c);
    if !name.is_empty() && name.chars().all(plain) {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// For each name that no source has yet but that resembles an existing source, the note saying
/// so and how to merge them. Looked up before the change that creates the new source; a name
/// is still created as given (scripts must not stop to ask).
pub(crate) fn resemblance_notes(store: &Store, names: &[Option<&str>]) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    for name in names.iter().flatten().map(|n| n.trim()) {
        if let Some(existing) = store.resembling_source(name)? {
            notes.push(resemblance_note(name, &existing));
        }
    }
    notes.dedup();
    Ok(notes)
}

/// The note that the new source `name` resembles `existing`, with the command that merges them.
fn resemblance_note(name: &str, existing: &str) -> String {
    format!(
        "factdesk: note: new source '{name}' resembles '{existing}'; if they are one source, \
         run: factdesk source merge {} {}",
        shell_word(name),
        shell_word(existing)
    )
}

/// Prints [`resemblance_notes`] on stderr, once the change is made.
pub(crate) fn print_notes(ui: &mut Ui, notes: &[String]) -> Result<()> {
    for note in notes {
        writeln!(ui.err, "{note}")?;
    }
    Ok(())
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
            let mut store = ctx.open()?;
            let notes = resemblance_notes(&store, &[Some(&source.name)])?;
            let added = store.add_source(&source)?;
            print_notes(ui, &notes)?;
            ui.confirm(&added.id, &added)
        }
        SourceCommand::Edit(args) => {
            super::check_url_flag("--url", args.url.as_deref())?;
            let edit = SourceEdit {
                kind: args
                    .kind
                    .as_deref()
                    .map(str::parse::<SourceKind>)
                    .transpose()?,
                url: super::clearable(args.url),
                note: super::clearable(args.note),
            };
            if edit == SourceEdit::default() {
                return Err(crate::error::Error::usage(
                    "source edit needs at least one change (--kind, --url, --note)",
                ));
            }
            let (source, changed) = ctx.open()?.edit_source(&args.name_or_id, &edit)?;
            let line = if changed {
                format!("Edited source {}", source.name)
            } else {
                format!(
                    "Source {} already has those values; nothing changed",
                    source.name
                )
            };
            ui.confirm(&line, &source)
        }
        SourceCommand::Rename { old, new } => {
            let mut store = ctx.open()?;
            let resembled = store.resembling_source(&new)?;
            let before = store.source(&old)?.name;
            let renamed = store.rename_source(&old, &new)?;
            // A rename close to another source is worth a word; close to itself, it is the fix.
            if let Some(existing) = resembled.filter(|existing| *existing != before) {
                print_notes(ui, &[resemblance_note(new.trim(), &existing)])?;
            }
            let line = format!(
                "Renamed source {before} to {}; '{before}' still finds it",
                renamed.name
            );
            ui.confirm(&line, &renamed)
        }
        SourceCommand::Merge { mut names } => {
            if names.len() < 2 {
                return Err(crate::error::Error::usage(
                    "source merge needs the sources to merge and the one they merge into \
                     (factdesk source merge FROM... INTO)",
                ));
            }
            let into = names.pop().expect("two names or more");
            let (survivor, merged) = ctx.open()?.merge_sources(&names, &into)?;
            let mut lines = Vec::new();
            for m in &merged {
                lines.push(format!(
                    "Merged source {} into {} ({})",
                    m.name,
                    survivor.name,
                    counts(m.claims_made, m.claims_reported, m.evidence_items)
                ));
            }
            lines.push(format!(
                "{} now answers to: {}",
                survivor.name,
                survivor.aliases.join(", ")
            ));
            ui.confirm(
                &lines.join("\n"),
                &serde_json::json!({ "into": survivor, "merged": merged }),
            )
        }
        SourceCommand::Unmerge { alias } => {
            let (restored, from) = ctx.open()?.unmerge_source(&alias)?;
            let line = format!(
                "Unmerged source {} from {}: it has {} again",
                restored.name,
                from.name,
                counts(
                    restored.claims_made,
                    restored.claims_reported,
                    restored.evidence_items
                )
            );
            ui.confirm(
                &line,
                &serde_json::json!({ "source": restored, "from": from }),
            )
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
