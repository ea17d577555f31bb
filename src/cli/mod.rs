//! The command line: argument definitions (clap derive), one module per command group, and the
//! edge where errors become messages and exit codes.
//!
//! A command parses its arguments into model values, calls one store operation and renders the
//! result through [`Ui`]. No SQL and no business rule lives here, and nothing prints except
//! through [`Ui`], so every command's output can be captured. Exit codes: 0 success (including
//! a closed output pipe), 1 user/data error, 2 usage error, 3 store error.
//!
//! The map: `args` is the clap tree (the top-level command, global options and the argument
//! types command groups share); `ui` the terminal side ([`Ui`], width and colour, the pager);
//! `context` the environment ([`Context`]: the store, the acting person, the clock) and how
//! errors become messages and exit codes; one module per command group. This module keeps
//! [`run`], which parses and dispatches, and the binary's [`main`].

mod admin;
mod args;
mod claim;
mod config;
mod context;
mod evidence;
mod export;
mod graph;
mod history;
mod import;
mod ingest;
mod link;
mod linker;
mod output_file;
mod report;
mod review;
mod search;
mod settings;
mod shell;
mod source;
mod timeline;
mod ui;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use args::{
    AsOfArgs, Cli, Command, Deferred, GlobalArgs, LimitArgs, ListingArgs, Offered, OutputArgs,
    command, reference,
};
pub(crate) use args::{check_url_flag, clearable};
pub use context::Context;
pub(crate) use context::note_mixed_scripts;
pub use ui::{ColorChoice, Ui};

use crate::error::Result;
use crate::report::Visible;
use crate::store::{LATEST_VERSION, OpenMode, Store};

/// Runs the parsed command in the context its global options give.
fn run_command(cli: Cli, matches: &clap::ArgMatches, ui: &mut Ui) -> Result<()> {
    let Cli { global, command } = cli;
    context::within(&global, matches, ui, |ctx, ui| run_on(command, ctx, ui))
}

/// Runs one command on the store of `ctx`.
fn run_on(command: Command, ctx: &Context, ui: &mut Ui) -> Result<()> {
    match command {
        Command::Init if ctx.shared_url().is_some() => init_shared(ctx, ui),
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
        Command::Source(Deferred(cmd)) => source::run(cmd, ctx, ui),
        Command::Claim(Deferred(cmd)) => claim::run(cmd, ctx, ui),
        Command::Evidence(Deferred(cmd)) => evidence::run(cmd, ctx, ui),
        Command::Link(Deferred(cmd)) => link::run(cmd, ctx, ui),
        Command::Linker(Deferred(cmd)) => linker::run(cmd, ctx, ui),
        Command::Report(Deferred(cmd)) => report::run(cmd, ctx, ui),
        Command::History(Deferred(args)) => history::run(args, ctx, ui),
        Command::Review(Deferred(cmd)) => review::run(cmd, ctx, ui),
        Command::Config(Deferred(cmd)) => config::run(cmd, ctx, ui),
        Command::Diff(Deferred(args)) => timeline::diff(args, ctx, ui),
        Command::Verify(Deferred(args)) => timeline::verify(args, ctx, ui),
        Command::Import(Deferred(args)) => import::run(args, ctx, ui),
        Command::Export(Deferred(args)) => export::run(args, ctx, ui),
        Command::Graph(Deferred(args)) => graph::run(args, ctx, ui),
        Command::Ingest(Deferred(args)) => ingest::run(args, ctx, ui),
        Command::Search(Deferred(args)) => search::run(args, ctx, ui),
        Command::Admin(Deferred(cmd)) => admin::run(cmd, ctx, ui),
        Command::Completions(Deferred(args)) => shell::completions(args, ui),
        Command::Man => shell::man(ui),
    }
}

/// `factdesk init` on a shared store: its schema, roles and guards on the server (an admin,
/// once; again after an upgrade), then this machine's replica.
fn init_shared(ctx: &Context, ui: &mut Ui) -> Result<()> {
    let url = ctx.shared_url().unwrap_or_default();
    let (version, created) = crate::store::SharedLog::init(url)?;
    ctx.open()?;
    let name = crate::store::display_url(url);
    let line = if created {
        format!("Created factdesk shared store {name} (schema version {version})")
    } else {
        format!("factdesk shared store {name} is ready (schema version {version})")
    };
    ui.confirm(
        &line,
        &serde_json::json!({ "db": name, "schema_version": version, "created": created }),
    )
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
    let terminal = ui::terminal_for(format, cli.global.color);
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
    context::exit_code(result, ui.err)
}

/// Answers a shell's completion request — `COMPLETE=bash factdesk` (the script a shell sources)
/// and the shell's calls back while completing — and exits; returns when this run is not one.
/// A reader that goes away (`COMPLETE=bash factdesk | true`) ends it quietly, as it ends every
/// command; clap's `CompleteEnv::complete` would print "error: Broken pipe" and exit 2.
fn complete() {
    let current_dir = std::env::current_dir().ok();
    match clap_complete::CompleteEnv::with_factory(shell::completing_command)
        .try_complete(std::env::args_os(), current_dir.as_deref())
    {
        Ok(false) => {}
        Ok(true) => std::process::exit(0),
        Err(e) if reader_gone(&e) => std::process::exit(0),
        Err(e) => e.exit(),
    }
}

/// Whether completing failed because standard output's reader went away. Completion writes to
/// standard output only, and clap keeps only the message of an I/O error ("Broken pipe (os
/// error 32)"), not its kind.
fn reader_gone(e: &clap::Error) -> bool {
    e.kind() == clap::error::ErrorKind::Io
        && e.to_string().to_ascii_lowercase().contains("broken pipe")
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    complete();
    let args: Vec<OsString> = std::env::args_os().collect();
    let mut err = io::stderr();
    // Like git: output meant for a terminal goes through the pager (`less -FRX` by default,
    // which prints short output directly); never when piped, or with --no-pager.
    if io::stdout().is_terminal()
        && !args.iter().any(|a| a == "--no-pager")
        && let Some(mut pager) = ui::start_pager()
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
            if cmd.get_name() == "help" {
                return;
            }
            if !examples {
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
