//! The clap tree: the top-level [`Cli`] and its [`Command`]s, the global options every command
//! takes, and the argument types command groups share (`--as-of`, `--limit`/`--all`,
//! `-o/--output`, the value parser that offers words to completion), with the whole
//! command-line reference built from them.
//!
//! It owns what the command line accepts and what `--help` says, nothing else: it must not open
//! the store, print, or decide anything a command does with its arguments (that is the command
//! modules' job, run through `mod.rs`). A change here shows up in the reference snapshot.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use super::ui::ColorChoice;
use super::{
    admin, claim, config, evidence, export, graph, history, import, ingest, link, linker, report,
    review, search, shell, source, timeline,
};
use crate::error::{Error, Result};
use crate::report::Format;

/// factdesk — a fact-check workbench: log claims, the evidence for and against them and how
/// they relate; see what is disputed or unresolved; review who changed what.
#[derive(Debug, Parser)]
#[command(
    name = "factdesk",
    version,
    about,
    long_about = None,
    max_term_width = 100,
    after_help = "Examples:\n  factdesk init\n  factdesk claim add \"Iran supplied Russia with ballistic missiles\" --claimant \"U.S. officials\"\n  factdesk report disputed\n\n`factdesk man` prints the manual, with the seed story as a walk-through."
)]
pub struct Cli {
    /// The options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, shown under their own heading in every `--help`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The store: a SQLite file, or a shared store on PostgreSQL given by its URL
    /// (`postgres://USER@HOST/DATABASE`; `PG*` variables and `~/.pgpass` fill in the rest).
    #[arg(
        long,
        global = true,
        env = "FACTDESK_DB",
        hide_env_values = true,
        default_value = "factdesk.db",
        value_name = "PATH"
    )]
    pub db: PathBuf,
    /// Who is making the changes (recorded in the history); defaults to the login name. On a
    /// shared store (PostgreSQL) it is always the database login.
    #[arg(
        long = "as",
        global = true,
        env = "FACTDESK_USER",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub acting_as: Option<String>,
    /// Output format: table (the default), json, csv or markdown; some commands offer more
    /// (html for reports, jsonl and claimreview for import/export, dot and mermaid for graph).
    #[arg(
        long,
        global = true,
        value_parser = Offered::formats().try_map(|s| parse_format(&s)),
        hide_possible_values = true,
        value_name = "FORMAT"
    )]
    pub format: Option<Format>,
    /// Colour statuses in tables: auto (on a terminal, unless NO_COLOR is set or TERM=dumb),
    /// always, or never. JSON, CSV and the other formats are never coloured.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print straight to the terminal instead of through the pager ($PAGER, else `less -FRX`).
    #[arg(long, global = true)]
    pub no_pager: bool,
    /// Open a store on a network filesystem (NFS, SMB/CIFS, …) anyway. SQLite's locking is not
    /// safe there; use it only when no two machines ever open the store at once.
    #[arg(long, global = true)]
    pub allow_network_fs: bool,
}

fn parse_format(value: &str) -> Result<Format> {
    value.parse()
}

/// Every command factdesk runs, one variant each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a store (or upgrade an existing one to this version's schema).
    #[command(after_help = "Examples:\n  factdesk init\n  factdesk --db desk.db init")]
    Init,
    /// Register and look up sources: who says or publishes things.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk source add \"The Wall Street Journal\" --kind outlet\n  factdesk source list"
    )]
    Source(Deferred<source::SourceCommand>),
    /// Log, list, show, edit and judge claims.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk claim add \"Iran has not provided weapons to either side\" --claimant \"Iranian Mission to the UN\"\n  factdesk claim show b03d"
    )]
    Claim(Deferred<claim::ClaimCommand>),
    /// Add and list the evidence for and against a claim.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk evidence add b03d --stance supports --source \"U.S. officials\" --note \"evidence shared with European allies\""
    )]
    Evidence(Deferred<evidence::EvidenceCommand>),
    /// Relate two claims: contradicts, supports, duplicates, related.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk link add 8b52 b03d --relation contradicts\n  factdesk link suggest b03d"
    )]
    Link(Deferred<link::LinkCommand>),
    /// The linker's own data: `linker index` embeds the claims with the model `linker.model`
    /// names (a build with the `semantic` feature).
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk config set linker.model ~/models/all-MiniLM-L6-v2\n  factdesk linker index"
    )]
    Linker(Deferred<linker::LinkerCommand>),
    /// The reports a desk reads: disputed, unresolved, summary, one claimant's record, and the
    /// conflicts left by exchanging work.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk report disputed\n  factdesk report summary --format html --output desk.html"
    )]
    Report(Deferred<report::ReportCommand>),
    /// Who changed what, and when: a claim's history, or the whole store's.
    #[command(
        after_help = "Examples:\n  factdesk history b03d\n  factdesk history --author ana --action verdict --since 2024-09-06 --format json"
    )]
    History(Deferred<history::HistoryArgs>),
    /// Review proposed verdicts: the queue, approve, reject (when review is required).
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk review queue\n  factdesk --as bo review approve b03d"
    )]
    Review(Deferred<review::ReviewCommand>),
    /// Desk settings kept in the store (review.required, linker.model).
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk config set review.required true\n  factdesk config list"
    )]
    Config(Deferred<config::ConfigCommand>),
    /// What changed between two moments: claims added, statuses that moved, verdicts given or
    /// withdrawn, and by whom.
    #[command(
        after_help = "Examples:\n  factdesk diff --since 2024-09-07\n  factdesk diff --since 2024-09-07T09:00Z --until 2024-09-08"
    )]
    Diff(Deferred<timeline::DiffArgs>),
    /// Check the store against its history: event hashes, the log's hash chain, the schema's
    /// guards and views, the full-text index, and that the tables hold exactly what the events
    /// say; print the chain's head. Exit 0 only when all hold.
    #[command(
        after_help = "Examples:\n  factdesk verify\n  factdesk verify --checkpoint \"$(cat desk-head.txt)\""
    )]
    Verify(Deferred<timeline::VerifyArgs>),
    /// Load claims from a JSONL, spreadsheet CSV or ClaimReview file, or another store's work
    /// from an event bundle (recognised by its header): all of it, or nothing.
    #[command(
        after_help = "Examples:\n  factdesk import claims.jsonl --dry-run\n  factdesk import bo.jsonl   # an event bundle from another store"
    )]
    Import(Deferred<import::ImportArgs>),
    /// Write the store's claims as JSONL (--format jsonl) or ClaimReview (--format claimreview),
    /// or its history as an event bundle for another store (--events).
    #[command(
        after_help = "Examples:\n  factdesk export --format jsonl --output backup.jsonl\n  factdesk export --events --since 2024-09-07 --output ana.jsonl"
    )]
    Export(Deferred<export::ExportArgs>),
    /// Draw the link graph around a claim, or around the disputed claims (--format dot, the
    /// default, mermaid, json or html).
    #[command(
        after_help = "Examples:\n  factdesk graph b03d --format mermaid\n  factdesk graph --format html --output disputes.html"
    )]
    Graph(Deferred<graph::GraphArgs>),
    /// Find the attributed statements in an article (plain text, or "-" for standard input) as
    /// numbered candidate claims; --accept logs them all, --accept 1,3 those numbered.
    #[command(
        after_help = "Examples:\n  factdesk ingest article.txt --source Newsweek\n  factdesk ingest article.txt --source Newsweek --date 2024-09-06 --accept\n  factdesk ingest - --source Newsweek --accept 1,3 < article.txt"
    )]
    Ingest(Deferred<ingest::IngestArgs>),
    /// Find claims, evidence, sources and comments by their words (FTS5 syntax), each hit
    /// highlighted with the claim it belongs to.
    #[command(
        after_help = "Examples:\n  factdesk search 'ballistic missile*'\n  factdesk search '\"not provided\" OR denies' --in claims,comments --status disputed"
    )]
    Search(Deferred<search::SearchArgs>),
    /// Who may read and change a shared store on PostgreSQL: grant a database login the
    /// reader, member or admin role, or revoke it.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk --db postgres://ana@desk.example.org/newsroom admin grant bo member"
    )]
    Admin(Deferred<admin::AdminCommand>),
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  factdesk completions bash > ~/.local/share/bash-completion/completions/factdesk"
    )]
    Completions(Deferred<shell::CompletionsArgs>),
    /// Print the manual page (roff): `factdesk man > factdesk.1`, or `factdesk man | man -l -`.
    #[command(after_help = "Examples:\n  factdesk man | man -l -")]
    Man,
}

/// A command's own arguments or subcommands, defined to clap only when the command line names
/// that command (clap's [`clap::Command::defer`]). Every run parses one command, so building
/// the whole tree of ~70 commands for it cost about half a millisecond of every `claim add`;
/// `--help`, completion and `man` build the whole tree as before.
#[derive(Debug, Clone)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> std::result::Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }
    fn from_arg_matches_mut(matches: &mut ArgMatches) -> std::result::Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }
    fn update_from_arg_matches(
        &mut self,
        matches: &ArgMatches,
    ) -> std::result::Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
    fn update_from_arg_matches_mut(
        &mut self,
        matches: &mut ArgMatches,
    ) -> std::result::Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_subcommands)
    }
    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_subcommands_for_update)
    }
    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keeping_descriptions(cmd, T::augment_args))
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keeping_descriptions(cmd, T::augment_args_for_update))
    }
}

/// Adds a command's arguments with `augment`, keeping the command's own descriptions: the doc
/// comment of an argument struct (or of one it flattens) would otherwise replace them, as clap
/// sets a command's descriptions after its arguments only when it adds both at once.
fn keeping_descriptions(
    cmd: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    use clap::builder::Resettable;
    let kept = |text: Option<&clap::builder::StyledStr>| match text {
        Some(text) => Resettable::Value(text.clone()),
        None => Resettable::Reset,
    };
    let about = kept(cmd.get_about());
    let long_about = kept(cmd.get_long_about());
    let before_help = kept(cmd.get_before_help());
    let after_help = kept(cmd.get_after_help());
    let after_long_help = kept(cmd.get_after_long_help());
    augment(cmd)
        .about(about)
        .long_about(long_about)
        .before_help(before_help)
        .after_help(after_help)
        .after_long_help(after_long_help)
}

/// `--as-of TIME`: read the store as it stood then, rebuilt from its history.
#[derive(Debug, Args, Clone, Default)]
pub struct AsOfArgs {
    /// Show the store as it stood at this day's end (YYYY-MM-DD) or this time
    /// (2024-09-07T12:00Z; UTC unless an offset is given), rebuilt from its history.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
}

/// A `--limit`/`--all` pair for listings that could run to a million rows.
#[derive(Debug, Args, Clone, Copy)]
pub struct LimitArgs {
    /// Show at most N rows.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// Show every row (overrides --limit).
    #[arg(long)]
    pub all: bool,
}

/// A value parser that offers `words` to shell completion (and to `man`) while leaving their
/// checking to factdesk, so a wrong word gets factdesk's message — naming every allowed value —
/// and exit code.
#[derive(Debug, Clone)]
pub struct Offered(Vec<&'static str>);

impl Offered {
    /// Offers one of the model's closed sets of words (`Stance::WORDS`, …).
    pub fn words(words: &'static [&'static str]) -> Self {
        Offered(words.to_vec())
    }

    /// Offers every `--format` name.
    pub fn formats() -> Self {
        Offered(Format::names().collect())
    }
}

impl clap::builder::TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|w| clap::builder::PossibleValue::new(*w)),
        ))
    }
}

/// `-o/--output FILE`: write the output to a file, whole or not at all.
#[derive(Debug, Args, Clone, Default)]
pub struct OutputArgs {
    /// Write the output to FILE (whole, or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What every listing takes: `--limit N`/`--all`, and `-o FILE`.
#[derive(Debug, Args, Clone)]
pub struct ListingArgs {
    /// `--limit N` or `--all`: how many rows to show.
    #[command(flatten)]
    pub limit: LimitArgs,
    /// `-o FILE`: where to write the listing instead of standard output.
    #[command(flatten)]
    pub output: OutputArgs,
}

impl LimitArgs {
    /// The number of rows to fetch: one more than shown, to tell whether the list was cut.
    pub fn fetch(self) -> Option<usize> {
        (!self.all).then_some(self.limit.saturating_add(1))
    }
}

/// An edit flag's value (`claim edit`, `evidence edit`): absent leaves the field, blank clears it.
pub(crate) fn clearable(value: Option<String>) -> Option<Option<String>> {
    value.map(|v| crate::model::optional_text(Some(v)))
}

/// Refuses a URL flag's value that is not a web address (`model::web_url_problem`), as a usage
/// error naming the flag and the value. A blank value passes: it means "none" (or, in an edit,
/// clears the field).
pub(crate) fn check_url_flag(flag: &str, value: Option<&str>) -> Result<()> {
    if let Some(value) = value.filter(|v| !v.trim().is_empty())
        && let Some(problem) = crate::model::web_url_problem(value)
    {
        return Err(Error::usage(format!(
            "{flag} '{}' {problem}",
            crate::model::shown_value(value)
        )));
    }
    Ok(())
}

/// The whole clap command tree, built (every [`Deferred`] part defined), for completions, man
/// pages and the definition check in tests.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    command.build();
    command
}

/// The whole command-line reference: the help of every command and subcommand, at a fixed
/// width. A snapshot test keeps it under review.
pub fn reference() -> String {
    fn walk(cmd: &mut clap::Command, path: &str, out: &mut String) {
        let name = if path.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{path} {}", cmd.get_name())
        };
        out.push_str(&format!("==== {name} ====\n"));
        out.push_str(&cmd.render_long_help().to_string());
        out.push('\n');
        for sub in cmd.get_subcommands_mut() {
            walk(sub, &name, out);
        }
    }
    let mut cmd = Cli::command().term_width(100);
    cmd.build();
    let mut out = String::new();
    walk(&mut cmd, "", &mut out);
    out
}
