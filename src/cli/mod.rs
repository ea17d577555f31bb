//! The command line: argument definitions (clap derive), one module per command group, and the
//! edge where errors become messages and exit codes.
//!
//! A command parses its arguments into model values, calls one store operation and renders the
//! result through [`Ui`]. No SQL and no business rule lives here, and nothing prints except
//! through [`Ui`], so every command's output can be captured. Exit codes: 0 success (including
//! a closed output pipe), 1 user/data error, 2 usage error, 3 store error.

mod claim;
mod config;
mod evidence;
mod export;
mod graph;
mod history;
mod import;
mod ingest;
mod link;
mod output_file;
mod report;
mod review;
mod search;
mod settings;
mod shell;
mod source;
mod timeline;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::TypedValueParser as _;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::report::{Format, Newlines, Terminal, View, Visible, render, render_html, visible};
use crate::store::{Clock, LATEST_VERSION, NetworkFs, OpenMode, Store};

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
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, shown under their own heading in every `--help`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The store file.
    #[arg(
        long,
        global = true,
        env = "FACTDESK_DB",
        hide_env_values = true,
        default_value = "factdesk.db",
        value_name = "PATH"
    )]
    pub db: PathBuf,
    /// Who is making the changes (recorded in the history); defaults to the login name.
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

/// When tables may use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether standard output is a terminal: `auto` follows the
    /// conventions (<https://no-color.org>; `TERM=dumb` means a terminal without escapes).
    pub fn allows(self, on_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                on_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").is_ok_and(|t| t != "dumb")
            }
        }
    }
}

fn parse_format(value: &str) -> Result<Format> {
    value.parse()
}

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
    Source(source::SourceCommand),
    /// Log, list, show, edit and judge claims.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk claim add \"Iran has not provided weapons to either side\" --claimant \"Iranian Mission to the UN\"\n  factdesk claim show b03d"
    )]
    Claim(claim::ClaimCommand),
    /// Add and list the evidence for and against a claim.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk evidence add b03d --stance supports --source \"U.S. officials\" --note \"evidence shared with European allies\""
    )]
    Evidence(evidence::EvidenceCommand),
    /// Relate two claims: contradicts, supports, duplicates, related.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk link add 8b52 b03d --relation contradicts\n  factdesk link suggest b03d"
    )]
    Link(link::LinkCommand),
    /// The reports a desk reads: disputed, unresolved, summary, one claimant's record, and the
    /// conflicts left by exchanging work.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk report disputed\n  factdesk report summary --format html --output desk.html"
    )]
    Report(report::ReportCommand),
    /// Who changed what, and when: a claim's history, or the whole store's.
    #[command(
        after_help = "Examples:\n  factdesk history b03d\n  factdesk history --author ana --action verdict --since 2024-09-06 --format json"
    )]
    History(history::HistoryArgs),
    /// Review proposed verdicts: the queue, approve, reject (when review is required).
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk review queue\n  factdesk --as bo review approve b03d"
    )]
    Review(review::ReviewCommand),
    /// Desk settings kept in the store (review.required).
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  factdesk config set review.required true\n  factdesk config list"
    )]
    Config(config::ConfigCommand),
    /// What changed between two moments: claims added, statuses that moved, verdicts given or
    /// withdrawn, and by whom.
    #[command(
        after_help = "Examples:\n  factdesk diff --since 2024-09-07\n  factdesk diff --since 2024-09-07T09:00Z --until 2024-09-08"
    )]
    Diff(timeline::DiffArgs),
    /// Check the store against its history: event hashes, the log's hash chain, the schema's
    /// guards and views, the full-text index, and that the tables hold exactly what the events
    /// say; print the chain's head. Exit 0 only when all hold.
    #[command(
        after_help = "Examples:\n  factdesk verify\n  factdesk verify --checkpoint \"$(cat desk-head.txt)\""
    )]
    Verify(timeline::VerifyArgs),
    /// Load claims from a JSONL, spreadsheet CSV or ClaimReview file, or another store's work
    /// from an event bundle (recognised by its header): all of it, or nothing.
    #[command(
        after_help = "Examples:\n  factdesk import claims.jsonl --dry-run\n  factdesk import bo.jsonl   # an event bundle from another store"
    )]
    Import(import::ImportArgs),
    /// Write the store's claims as JSONL (--format jsonl) or ClaimReview (--format claimreview),
    /// or its history as an event bundle for another store (--events).
    #[command(
        after_help = "Examples:\n  factdesk export --format jsonl --output backup.jsonl\n  factdesk export --events --since 2024-09-07 --output ana.jsonl"
    )]
    Export(export::ExportArgs),
    /// Draw the link graph around a claim, or around the disputed claims (--format dot, the
    /// default, mermaid, json or html).
    #[command(
        after_help = "Examples:\n  factdesk graph b03d --format mermaid\n  factdesk graph --format html --output disputes.html"
    )]
    Graph(graph::GraphArgs),
    /// Find the attributed statements in an article (plain text, or "-" for standard input) as
    /// numbered candidate claims; --accept logs them all, --accept 1,3 those numbered.
    #[command(
        after_help = "Examples:\n  factdesk ingest article.txt --source Newsweek\n  factdesk ingest article.txt --source Newsweek --date 2024-09-06 --accept\n  factdesk ingest - --source Newsweek --accept 1,3 < article.txt"
    )]
    Ingest(ingest::IngestArgs),
    /// Find claims, evidence, sources and comments by their words (FTS5 syntax), each hit
    /// highlighted with the claim it belongs to.
    #[command(
        after_help = "Examples:\n  factdesk search 'ballistic missile*'\n  factdesk search '\"not provided\" OR denies' --in claims,comments --status disputed"
    )]
    Search(search::SearchArgs),
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  factdesk completions bash > ~/.local/share/bash-completion/completions/factdesk"
    )]
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff): `factdesk man > factdesk.1`, or `factdesk man | man -l -`.
    #[command(after_help = "Examples:\n  factdesk man | man -l -")]
    Man,
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
    #[command(flatten)]
    pub limit: LimitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl LimitArgs {
    /// The number of rows to fetch: one more than shown, to tell whether the list was cut.
    pub fn fetch(self) -> Option<usize> {
        (!self.all).then_some(self.limit.saturating_add(1))
    }

    /// Drops the extra row fetched by [`LimitArgs::fetch`], saying on stderr that rows were left out.
    pub fn cut<T>(self, ui: &mut Ui, mut rows: Vec<T>, what: &str) -> Result<Vec<T>> {
        if !self.all && rows.len() > self.limit {
            rows.truncate(self.limit);
            writeln!(
                ui.err,
                "(showing the first {} {what}; use --limit N or --all for more)",
                self.limit
            )?;
        }
        Ok(rows)
    }
}

/// Where a command's output goes, and in what format.
pub struct Ui<'a> {
    /// Human-readable output, shown [`Visible`]; `out.raw()` for output read back exactly.
    pub out: Visible<'a>,
    /// Notes and errors, shown [`Visible`] (no colour codes).
    pub err: &'a mut dyn Write,
    pub format: Format,
    pub terminal: Terminal,
    /// The line under an HTML page's title: which store, when, for whom.
    pub page_meta: String,
    /// The store the command runs on: `-o/--output` never writes over it or its companion
    /// files. `None` before the store is known (and in commands that have none).
    pub store_path: Option<PathBuf>,
}

/// The formats every listing can be printed in: the four of [`Format::LISTING`], and HTML.
const VIEW_FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Csv,
    Format::Markdown,
    Format::Html,
];

impl Ui<'_> {
    /// Renders a view in the chosen format; `title` heads an HTML page.
    pub fn show(&mut self, title: &str, view: &dyn View) -> Result<()> {
        match self.format {
            Format::Html => render_html(view, title, &self.page_meta, self.out.raw()?)?,
            f @ (Format::Json | Format::Csv) => render(view, f, self.out.raw()?, self.terminal)?,
            f if Format::LISTING.contains(&f) => render(view, f, &mut self.out, self.terminal)?,
            f => return Err(f.unsupported("this command", VIEW_FORMATS)),
        }
        Ok(())
    }

    /// Runs `write` with this Ui's output going to `path` when one is given, by the rules of
    /// the `output_file` module: never over the store, straight into a FIFO or device, through
    /// symlinks, and otherwise beside the final name and renamed into place (keeping an existing
    /// file's mode and owner), so it is never left half-written.
    pub fn to_file(
        &mut self,
        path: Option<&Path>,
        write: impl FnOnce(&mut Ui) -> Result<()>,
    ) -> Result<()> {
        let Some(path) = path else { return write(self) };
        let (format, page_meta) = (self.format, self.page_meta.clone());
        let store_path = self.store_path.clone();
        output_file::write_output(path, store_path.as_deref(), |out| {
            write(&mut Ui {
                out: Visible::new(out, false),
                err: &mut *self.err,
                format,
                terminal: Terminal::default(),
                page_meta,
                store_path: store_path.clone(),
            })
        })
    }

    /// Shows a listing's `rows` by `listing`'s rules: at most `--limit` of them (saying on stderr
    /// that the rest, the `what`, were left out), to `-o FILE` when given.
    pub fn listing<T>(
        &mut self,
        listing: &ListingArgs,
        rows: Vec<T>,
        what: &str,
        show: impl FnOnce(&mut Ui, &[T]) -> Result<()>,
    ) -> Result<()> {
        let rows = listing.limit.cut(self, rows, what)?;
        self.to_file(listing.output.output.as_deref(), |ui| show(ui, &rows))
    }

    /// Prints a confirmation line for people, or the JSON value for scripts.
    pub fn confirm(&mut self, line: &str, json: &impl serde::Serialize) -> Result<()> {
        match self.format {
            Format::Json => {
                let value = serde_json::to_value(json).expect("model values serialise");
                crate::report::write_json(&value, self.out.raw()?)?;
            }
            _ => writeln!(self.out, "{line}")?,
        }
        Ok(())
    }
}

/// The environment a command runs in: who is acting, when, and on which store.
pub struct Context {
    pub db: PathBuf,
    /// `--format` exactly as given (`None` when left to the default), for commands where it
    /// chooses an input or file format rather than how to print.
    pub format: Option<Format>,
    pub author: String,
    pub clock: Clock,
    pub network_fs: NetworkFs,
    /// Where the store path came from (flag, environment, user config, default).
    pub db_from: String,
    /// Where the user name came from.
    pub author_from: String,
    /// The user config file's path.
    pub config_path: Option<PathBuf>,
}

impl Context {
    fn from_args(global: &GlobalArgs, matches: &clap::ArgMatches) -> Result<Self> {
        let mut sources = settings::Sources::new();
        let db = sources.store(settings::Given::of(matches, "db"), &global.db)?;
        let author = sources.user(
            settings::Given::of(matches, "acting_as"),
            global.acting_as.as_deref(),
        )?;
        // FACTDESK_NOW fixes the clock, for tests and reproducible demos.
        let clock = match std::env::var("FACTDESK_NOW") {
            Ok(at) if !at.is_empty() => {
                Clock::fixed(&at).map_err(|e| Error::usage(format!("FACTDESK_NOW: {e}")))?
            }
            _ => Clock::System,
        };
        Ok(Context {
            db: db.value.clone(),
            format: global.format,
            author: author.value.clone(),
            clock,
            network_fs: if global.allow_network_fs {
                NetworkFs::Allow
            } else {
                NetworkFs::Refuse
            },
            db_from: db.from,
            author_from: author.from,
            config_path: sources.path().map(Path::to_path_buf),
        })
    }

    /// Opens the existing store, or — with `--as-of` — the store as it stood then (rebuilt in
    /// memory from the event log).
    pub fn open_as_of(&self, as_of: &AsOfArgs) -> Result<Store> {
        let store = self.open()?;
        match &as_of.as_of {
            Some(moment) => store.as_of(moment),
            None => Ok(store),
        }
    }

    /// Opens the existing store as the acting person.
    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.db, OpenMode::MustExist, self.network_fs)?
            .with_author(self.author.clone())
            .with_clock(self.clock.clone()))
    }
}

fn run_command(cli: Cli, matches: &clap::ArgMatches, ui: &mut Ui) -> Result<()> {
    let ctx = Context::from_args(&cli.global, matches)?;
    // A page is shared: it names the store's file, not where it lives on this machine.
    ui.page_meta = format!(
        "From {} at {} UTC, for {}, by factdesk {}",
        ctx.db.file_name().map_or_else(
            || ctx.db.display().to_string(),
            |name| name.to_string_lossy().into_owned()
        ),
        ctx.clock
            .now()
            .get(..16)
            .unwrap_or_default()
            .replace('T', " "),
        ctx.author,
        env!("CARGO_PKG_VERSION")
    );
    ui.store_path = Some(ctx.db.clone());
    if ctx.network_fs == NetworkFs::Refuse
        && let Some(why) = crate::store::why_filesystem_unknown()
    {
        writeln!(ui.err, "note: {why}")?;
    }
    note_mixed_scripts(ui, &ctx.author)?;
    let result = run_on(cli.command, &ctx, ui);
    if let Err(Error::Corrupt(what)) = &result {
        crate::store::mark_damaged(&ctx.db, what);
    }
    result.map_err(|e| naming_the_store(e, &ctx.db))
}

/// SQLite's complaints about the file (full disk, read-only, locked) say "the store": name it,
/// since `--db`, `FACTDESK_DB` or a config file may have chosen one the user did not expect.
fn naming_the_store(e: Error, db: &Path) -> Error {
    match e {
        Error::Store(message) => Error::Store(
            message
                .replacen(
                    "the disk is full",
                    &format!("the disk holding '{}' is full", db.display()),
                    1,
                )
                .replacen(
                    "the store is ",
                    &format!("the store '{}' is ", db.display()),
                    1,
                ),
        ),
        other => other,
    }
}

/// Says on stderr (a note, not an error) when a person's name mixes scripts: it is usually a
/// look-alike of a name in one script, and counts as the same person as that name.
pub(crate) fn note_mixed_scripts(ui: &mut Ui, name: &str) -> Result<()> {
    if let Some(scripts) = crate::person::mixed_scripts(name) {
        writeln!(
            ui.err,
            "factdesk: note: the name '{}' mixes scripts ({}); names that look alike count as \
             one person",
            crate::person::shown_name(name),
            scripts.join(", ")
        )?;
    }
    Ok(())
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

/// Runs one command on the store of `ctx`.
fn run_on(command: Command, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match command {
        Command::Init => {
            let existed = ctx.db.exists()
                && std::fs::metadata(&ctx.db)
                    .map(|m| m.len() > 0)
                    .unwrap_or(false);
            let store = Store::open(&ctx.db, OpenMode::CreateIfMissing, ctx.network_fs)?;
            let version = store.schema_version()?;
            debug_assert_eq!(version, LATEST_VERSION);
            let line = if existed {
                format!(
                    "factdesk store '{}' is ready (schema version {version})",
                    ctx.db.display()
                )
            } else {
                format!(
                    "Created factdesk store '{}' (schema version {version})",
                    ctx.db.display()
                )
            };
            ui.confirm(&line, &serde_json::json!({ "db": ctx.db, "schema_version": version, "created": !existed }))
        }
        Command::Source(cmd) => source::run(cmd, ctx, ui),
        Command::Claim(cmd) => claim::run(cmd, ctx, ui),
        Command::Evidence(cmd) => evidence::run(cmd, ctx, ui),
        Command::Link(cmd) => link::run(cmd, ctx, ui),
        Command::Report(cmd) => report::run(cmd, ctx, ui),
        Command::History(args) => history::run(args, ctx, ui),
        Command::Review(cmd) => review::run(cmd, ctx, ui),
        Command::Config(cmd) => config::run(cmd, ctx, ui),
        Command::Diff(args) => timeline::diff(args, ctx, ui),
        Command::Verify(args) => timeline::verify(args, ctx, ui),
        Command::Import(args) => import::run(args, ctx, ui),
        Command::Export(args) => export::run(args, ctx, ui),
        Command::Graph(args) => graph::run(args, ctx, ui),
        Command::Ingest(args) => ingest::run(args, ctx, ui),
        Command::Search(args) => search::run(args, ctx, ui),
        Command::Completions(args) => shell::completions(args, ui),
        Command::Man => shell::man(ui),
    }
}

/// Runs factdesk with these arguments, writing to `out` and `err`; returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let code = e.exit_code();
            let text = e.render().to_string();
            let target: &mut dyn Write = if e.use_stderr() { err } else { out };
            return match target.write_all(text.as_bytes()) {
                Err(io_err) if io_err.kind() == io::ErrorKind::BrokenPipe => 0,
                _ => code,
            };
        }
    };
    let format = cli.global.format.unwrap_or_default();
    let on_terminal = io::stdout().is_terminal();
    let terminal = Terminal {
        // A terminal that reports no usable size (a bare pseudo-terminal says 0) gets no wrapping.
        width: (on_terminal && format == Format::Table)
            .then(|| comfy_table::Table::new().width())
            .flatten()
            .filter(|columns| *columns >= 40),
        color: format == Format::Table && cli.global.color.allows(on_terminal),
    };
    // The table's colours are written by crossterm, which obeys NO_COLOR on its own: colour
    // chosen here (`--color always` beats NO_COLOR) must reach it.
    crossterm::style::force_color_output(terminal.color);
    let mut err = Visible::new(err, false);
    let mut ui = Ui {
        out: Visible::new(out, terminal.color),
        err: &mut err,
        format,
        terminal,
        page_meta: String::new(),
        store_path: None,
    };
    let result = run_command(cli, &matches, &mut ui).and_then(|()| Ok(ui.out.flush()?));
    match result {
        Ok(()) => 0,
        Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(Error::NoMatch) => Error::NoMatch.exit_code(),
        Err(e) => {
            let _ = writeln!(ui.err, "factdesk: {}", one_line(&e.to_string()));
            e.exit_code()
        }
    }
}

/// An error message as printed: on one line and of a readable length whatever the input it
/// quotes holds — escapes shown, and a message longer than [`LONGEST_MESSAGE`] characters (a
/// huge value quoted whole) cut in the middle, keeping its start and its end.
fn one_line(message: &str) -> String {
    let shown = visible(message, Newlines::Escape);
    let chars = shown.chars().count();
    if chars <= LONGEST_MESSAGE {
        return shown.into_owned();
    }
    let head: String = shown.chars().take(LONGEST_MESSAGE * 2 / 3).collect();
    let tail: String = shown.chars().skip(chars - LONGEST_MESSAGE / 3).collect();
    format!(
        "{head}… [{} characters left out] …{tail}",
        chars - head.chars().count() - tail.chars().count()
    )
}

/// The longest error message printed whole.
const LONGEST_MESSAGE: usize = 600;

/// The binary's entry point.
pub fn main() -> ExitCode {
    // `COMPLETE=bash factdesk` (and the shells' calls back while completing) end here.
    clap_complete::CompleteEnv::with_factory(shell::completing_command).complete();
    let args: Vec<OsString> = std::env::args_os().collect();
    let mut err = io::stderr();
    // Like git: output meant for a terminal goes through the pager (`less -FRX` by default,
    // which prints short output directly); never when piped, or with --no-pager.
    if io::stdout().is_terminal()
        && !args.iter().any(|a| a == "--no-pager")
        && let Some(mut pager) = start_pager()
    {
        let code = {
            let stdin = pager.stdin.take().expect("the pager's input is piped");
            let mut out = io::BufWriter::new(stdin);
            run(args, &mut out, &mut err)
        };
        let _ = pager.wait();
        return ExitCode::from(code as u8);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = run(args, &mut out, &mut err);
    ExitCode::from(code as u8)
}

/// Starts `$PAGER` (through `sh -c`, so it may carry arguments), or `less -FRX` when it is
/// unset; `None` when paging is turned off (`PAGER` empty or `cat`) or the pager cannot start.
fn start_pager() -> Option<std::process::Child> {
    let pager = match std::env::var("PAGER") {
        Ok(pager) => pager,
        // The default only where less is installed: through a missing pager, output would vanish.
        Err(_) => {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .any(|dir| dir.join("less").is_file())
                .then(|| "less -FRX".to_string())?
        }
    };
    let pager = pager.trim();
    if pager.is_empty() || pager == "cat" {
        return None;
    }
    std::process::Command::new("sh")
        .args(["-c", pager])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .ok()
}

/// The clap command, for completions, man pages and the definition check in tests.
pub fn command() -> clap::Command {
    Cli::command()
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        super::command().debug_assert();
        super::shell::completing_command().debug_assert();
    }

    /// Every command's help ends with examples.
    #[test]
    fn every_command_shows_examples() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let name = format!("{path} {}", cmd.get_name());
            let examples = cmd
                .get_after_help()
                .is_some_and(|help| help.to_string().starts_with("Examples:"));
            if !examples && cmd.get_name() != "help" {
                missing.push(name.trim().to_string());
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &name, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::command(), "", &mut missing);
        assert_eq!(missing, Vec::<String>::new());
    }

    /// Every command and flag, as `--help` shows them: a change to the command line shows up
    /// here for review (`INSTA_UPDATE=always cargo test` or `cargo insta review` accepts it).
    #[test]
    fn the_command_line_reference() {
        insta::assert_snapshot!(super::reference());
    }
}
