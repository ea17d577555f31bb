//! `factdesk completions SHELL` and `factdesk man`: the shell completion script and the manual
//! page, both generated from the same clap definitions as the command line itself, so they can
//! never describe flags that do not exist. Neither opens the store.

use std::io::Write;

use clap::Args;
use clap_complete::Shell;

use super::Ui;
use crate::error::Result;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

/// The walk-through of the seed story that closes the manual page.
const EXAMPLES: &[(&str, &str)] = &[
    ("Create a store in the current directory:", "factdesk init"),
    (
        "Log the Wall Street Journal's report and the Iranian Mission's denial; each prints the new id:",
        "A=$(factdesk claim add \"Iran supplied Russia with short-range ballistic missiles\" \\\n    --claimant \"U.S. and European officials\" --reported-by \"The Wall Street Journal\" -q)\nD=$(factdesk claim add \"Iran has not provided weapons to either side\" \\\n    --claimant \"Iranian Mission to the UN\" --reported-by Newsweek -q)",
    ),
    (
        "Tie the denial to the allegation; both are now disputed:",
        "factdesk link add $D $A --relation contradicts\nfactdesk report disputed",
    ),
    (
        "Require a second person for verdicts, propose one, and let an editor approve it:",
        "factdesk config set review.required true\nfactdesk claim verdict $A unverifiable --note \"The officials' evidence is not public\"\nfactdesk --as bo review approve $A",
    ),
    (
        "Who did what, what the desk knew on the 7th, and whether the store is intact:",
        "factdesk history $A\nfactdesk report disputed --as-of 2024-09-07\nfactdesk verify",
    ),
    (
        "Send your work to a colleague's store, and take theirs:",
        "factdesk export --events --output ana.jsonl\nfactdesk import bo.jsonl",
    ),
];

/// Writes one command of the COMMANDS section — its usage, what it does, its own options —
/// then each of its subcommands.
fn write_command(out: &mut dyn std::io::Write, cmd: &clap::Command, parent: &str) -> Result<()> {
    let path = format!("{parent} {}", cmd.get_name());
    if cmd.get_name() == "help" {
        return Ok(());
    }
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands() {
            write_command(out, sub, &path)?;
        }
        return Ok(());
    }
    writeln!(out, ".SS \"{}\"", roff_text(&path))?;
    let usage = cmd
        .clone()
        .render_usage()
        .to_string()
        .trim_start_matches("Usage: ")
        .to_string();
    writeln!(out, ".B {}", roff_text(&usage))?;
    let about = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    writeln!(out, ".PP\n{}", roff_text(&about))?;
    for arg in cmd.get_arguments() {
        if arg.is_global_set() || arg.is_hide_set() || arg.get_id() == "help" {
            continue;
        }
        let value_name = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map(|name| roff_text(name))
            .unwrap_or_else(|| roff_text(&arg.get_id().to_string().to_uppercase()));
        let value = if arg.get_action().takes_values() && !arg.is_positional() {
            format!(" \\fI{value_name}\\fR")
        } else {
            String::new()
        };
        let name = match (arg.get_long(), arg.get_short()) {
            (Some(long), Some(short)) => {
                format!("\\fB\\-{short}\\fR, \\fB\\-\\-{}\\fR", roff_text(long))
            }
            (Some(long), None) => format!("\\fB\\-\\-{}\\fR", roff_text(long)),
            (None, Some(short)) => format!("\\fB\\-{short}\\fR"),
            (None, None) => format!("\\fI{value_name}\\fR"),
        };
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        writeln!(out, ".TP\n{name}{value}\n{}", roff_text(&help))?;
    }
    Ok(())
}

/// Escapes text for roff: backslashes, and a leading dot or quote that would start a request.
fn roff_text(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Prints the completion script. clap_complete panics when its writer fails, so the script is
/// generated into memory and written from there: a closed pipe (`factdesk completions bash |
/// head -1`) then ends quietly, as with every other command.
pub fn completions(args: CompletionsArgs, ui: &mut Ui) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut super::command(), "factdesk", &mut script);
    ui.out.raw()?.write_all(&script)?;
    Ok(())
}

/// Prints the manual page, rendered into memory first like the completion scripts.
pub fn man(ui: &mut Ui) -> Result<()> {
    let mut roff = Vec::new();
    write_man(&mut roff)?;
    ui.out.raw()?.write_all(&roff)?;
    Ok(())
}

fn write_man(out: &mut dyn Write) -> Result<()> {
    let mut command = super::command();
    // The NAME line reads "factdesk \- what it is", so the description must not repeat the name.
    let about = command
        .get_about()
        .map(|about| about.to_string())
        .unwrap_or_default();
    let about = about.trim_start_matches("factdesk — ").to_string();
    command = command.about(about);
    command.build();
    let page = clap_mangen::Man::new(command.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    // Every command on this one page (there are no factdesk-claim(1) pages to refer to).
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands() {
        write_command(out, sub, "factdesk")?;
    }
    writeln!(out, ".SH EXAMPLES")?;
    writeln!(
        out,
        "The running example of factdesk: the Wall Street Journal reports that U.S. and European \
         officials say Iran supplied Russia with ballistic missiles; the Iranian Mission to the UN \
         tells Newsweek Iran has not provided weapons to either side."
    )?;
    for (what, commands) in EXAMPLES {
        writeln!(out, ".PP\n{}\n.PP\n.RS 4\n.nf", roff_text(what))?;
        for line in commands.lines() {
            writeln!(out, "{}", roff_text(line))?;
        }
        writeln!(out, ".fi\n.RE")?;
    }
    page.render_version_section(out)?;
    Ok(())
}

/// The command line as shell completion sees it when the shell asks factdesk itself
/// (`COMPLETE=bash factdesk`): every claim id offers the ids in the store that start with what
/// was typed (each with its text), and every source name the sources' names.
pub fn completing_command() -> clap::Command {
    fn decorate(cmd: clap::Command) -> clap::Command {
        // `mut_args`, not `mut_arg`, keeps the positional arguments in their order.
        let mut cmd = cmd.mut_args(|arg| match arg.get_id().as_str() {
            "id" | "claim_id" | "from_id" | "to_id" => {
                arg.add(clap_complete::engine::ArgValueCompleter::new(claim_ids))
            }
            "name_or_id" | "claimant" | "reported_by" | "source" => {
                arg.add(clap_complete::engine::ArgValueCompleter::new(source_names))
            }
            _ => arg,
        });
        let subcommands: Vec<String> = cmd
            .get_subcommands()
            .map(|sub| sub.get_name().to_string())
            .collect();
        for name in subcommands {
            cmd = cmd.mut_subcommand(name, decorate);
        }
        cmd
    }
    decorate(super::command())
}

/// The store completion reads: `FACTDESK_DB`, else `factdesk.db` here (a shared store: this
/// machine's replica of it, brought up to date). Opened only to read; when there is none, or it
/// cannot be read, completion offers nothing.
fn store_for_completion() -> Option<crate::store::Store> {
    let path = std::env::var_os("FACTDESK_DB").unwrap_or_else(|| "factdesk.db".into());
    if let Some(url) = path.to_str().filter(|p| crate::store::is_shared_url(p)) {
        return crate::store::Store::open_shared(url, None, None).ok();
    }
    crate::store::Store::open(
        std::path::Path::new(&path),
        crate::store::OpenMode::MustExist,
        crate::store::NetworkFs::Allow,
    )
    .ok()
}

/// How many candidates completion offers at most.
const COMPLETION_CANDIDATES: usize = 50;

fn claim_ids(typed: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let typed = typed.to_string_lossy();
    let Some(store) = store_for_completion() else {
        return Vec::new();
    };
    store
        .claims_with_id_prefix(&typed, COMPLETION_CANDIDATES)
        .unwrap_or_default()
        .into_iter()
        .map(|(id, text)| {
            let text: String = crate::report::visible(&text, crate::report::Newlines::Escape)
                .chars()
                .take(60)
                .collect();
            clap_complete::CompletionCandidate::new(crate::report::short_id(&id).to_string())
                .help(Some(text.into()))
        })
        .collect()
}

fn source_names(typed: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let typed = typed.to_string_lossy();
    let Some(store) = store_for_completion() else {
        return Vec::new();
    };
    store
        .sources_with_name_prefix(&typed, COMPLETION_CANDIDATES)
        .unwrap_or_default()
        .into_iter()
        .map(clap_complete::CompletionCandidate::new)
        .collect()
}
