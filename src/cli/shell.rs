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
    ui.out.write_all(&script)?;
    Ok(())
}

/// Prints the manual page, rendered into memory first like the completion scripts.
pub fn man(ui: &mut Ui) -> Result<()> {
    let mut roff = Vec::new();
    write_man(&mut roff)?;
    ui.out.write_all(&roff)?;
    Ok(())
}

fn write_man(out: &mut dyn Write) -> std::io::Result<()> {
    let page = clap_mangen::Man::new(super::command());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    page.render_subcommands_section(out)?;
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
