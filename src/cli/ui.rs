//! The terminal side of a command: the [`Ui`] every command writes through (output shown
//! visibly, notes on stderr, the chosen format, `-o FILE`), how tables may use the terminal
//! (width, `--color`), and the pager output goes through.
//!
//! It owns how output reaches the person or the script reading it; it must not open the store,
//! parse arguments or decide what a command says, and nothing in the CLI prints except through
//! [`Ui`].

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::output_file;
use super::{LimitArgs, ListingArgs};
use crate::error::Result;
use crate::report::{Format, Terminal, View, Visible, render, render_html};

/// When tables may use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    // `help = None` keeps these docs out of `--help`, where clap would list them under every
    // command: the `--color` help already says what each word does.
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`.
    #[value(help = None)]
    Auto,
    /// Colour whatever the output is (a pipe, a file), even with `NO_COLOR` set.
    #[value(help = None)]
    Always,
    /// Never colour, even on a terminal.
    #[value(help = None)]
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

/// Where a command's output goes, and in what format.
pub struct Ui<'a> {
    /// Human-readable output, shown [`Visible`]; `out.raw()` for output read back exactly.
    pub out: Visible<'a>,
    /// Notes and errors, shown [`Visible`] (no colour codes).
    pub err: &'a mut dyn Write,
    /// The output format: `--format`, else table.
    pub format: Format,
    /// How tables may use the terminal: its width, and whether to colour.
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
    /// that the rest were left out; `what` names one row and many), to `-o FILE` when given.
    pub fn listing<T>(
        &mut self,
        listing: &ListingArgs,
        rows: Vec<T>,
        what: (&str, &str),
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

// Cutting a listing to `--limit` says so on stderr: output, so it sits here beside `Ui::listing`
// rather than with the argument type in `args`.
impl LimitArgs {
    /// Drops the extra row fetched by [`LimitArgs::fetch`], saying on stderr that rows were left
    /// out: "the first 1 claim", "the first 50 claims" (`what` is the noun for one row and for
    /// many).
    pub fn cut<T>(self, ui: &mut Ui, mut rows: Vec<T>, what: (&str, &str)) -> Result<Vec<T>> {
        if !self.all && rows.len() > self.limit {
            rows.truncate(self.limit);
            let (one, many) = what;
            writeln!(
                ui.err,
                "(showing the first {}; use --limit N or --all for more)",
                crate::report::plural(self.limit as u64, one, many)
            )?;
        }
        Ok(rows)
    }
}

/// How the human-readable output may use standard output, for this `--format` and `--color`:
/// wrapped to the terminal's width and coloured only for a table on a terminal. Tells crossterm,
/// which writes the table's colours, what was chosen.
pub(super) fn terminal_for(format: Format, color: ColorChoice) -> Terminal {
    let on_terminal = io::stdout().is_terminal();
    let terminal = Terminal {
        // A terminal that reports no usable size (a bare pseudo-terminal says 0) gets no wrapping.
        width: (on_terminal && format == Format::Table)
            .then(|| comfy_table::Table::new().width())
            .flatten()
            .filter(|columns| *columns >= 40),
        color: format == Format::Table && color.allows(on_terminal),
    };
    // The table's colours are written by crossterm, which obeys NO_COLOR on its own: colour
    // chosen here (`--color always` beats NO_COLOR) must reach it.
    crossterm::style::force_color_output(terminal.color);
    terminal
}

/// Starts `$PAGER` (through `sh -c`, so it may carry arguments), or `less -FRX` when it is
/// unset; `None` when paging is turned off (`PAGER` empty or `cat`) or the pager cannot start.
pub(super) fn start_pager() -> Option<std::process::Child> {
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
