//! Output: turns model values into what people and scripts read — tables (or a readable text
//! layout), JSON, CSV and Markdown — written to any [`std::io::Write`].
//!
//! Each listing is a [`View`]: it knows its columns ([`View::table`]) and its JSON form
//! ([`View::json`]), and may override the human layout ([`View::text`]). [`render`] picks one by
//! [`Format`]. Nothing here runs a query or decides a status: it only lays out what it is given,
//! so every printer can be tested by rendering into a `Vec<u8>`.

mod common;
pub mod graph;
pub mod html;
mod summary;
mod views;
pub mod visible;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use comfy_table::{ContentArrangement, presets};
use serde_json::Value;

use crate::error::Error;

pub use common::short_id;
pub use summary::{ClaimantView, SummaryView};
pub use views::{
    ChangeList, ClaimDetail, ClaimList, ConflictList, DisputedReport, EventList, EvidenceList,
    LinkList, PersonalSetting, ProposalList, ReviewQueue, SearchResults, SettingList, SourceDetail,
    SourceList, describe_event, proposal_line,
};
pub use visible::{Newlines, Visible, visible};

/// The formats of `--format`: the four every listing offers, and those particular commands add
/// (an HTML report, bulk files for `import`/`export`, graph languages for `graph`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns (or a readable layout) for people.
    #[default]
    Table,
    /// Pretty-printed JSON: the stable contract for scripts.
    Json,
    /// RFC 4180 CSV with a header row, safe to open in a spreadsheet.
    Csv,
    /// A GitHub-flavoured Markdown table.
    Markdown,
    /// One self-contained HTML page (reports).
    Html,
    /// factdesk's bulk format, one claim a line (`import`, `export`).
    Jsonl,
    /// schema.org ClaimReview JSON-LD (`import`, `export`).
    ClaimReview,
    /// Graphviz (`graph`).
    Dot,
    /// Mermaid (`graph`).
    Mermaid,
}

impl Format {
    const NAMES: &[(&str, Format)] = &[
        ("table", Format::Table),
        ("json", Format::Json),
        ("csv", Format::Csv),
        ("markdown", Format::Markdown),
        ("html", Format::Html),
        ("jsonl", Format::Jsonl),
        ("claimreview", Format::ClaimReview),
        ("dot", Format::Dot),
        ("mermaid", Format::Mermaid),
    ];

    /// Every format's name, as written on the command line (what shell completion offers).
    pub fn names() -> impl Iterator<Item = &'static str> {
        Format::NAMES.iter().map(|(name, _)| *name)
    }

    /// The four formats every listing can be printed in.
    pub const LISTING: &[Format] = &[Format::Table, Format::Json, Format::Csv, Format::Markdown];

    /// The format's name as written on the command line.
    pub fn name(self) -> &'static str {
        Format::NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("table")
    }

    /// A usage error for a command that does not offer this format.
    pub fn unsupported(self, command: &str, offered: &[Format]) -> Error {
        let names: Vec<&str> = offered.iter().map(|f| f.name()).collect();
        Error::usage(format!(
            "{command} cannot write --format {} (it offers: {})",
            self.name(),
            names.join(", ")
        ))
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let wanted = s.trim().to_lowercase();
        let wanted = if wanted == "md" {
            "markdown".to_string()
        } else {
            wanted
        };
        Format::NAMES
            .iter()
            .find(|(n, _)| *n == wanted)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::names().collect();
                Error::usage(format!(
                    "unknown format '{s}' (expected one of: {})",
                    names.join(", ")
                ))
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Rows of text under named columns: what table, CSV and Markdown output share.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The column names (`ID`, `CLAIM`, …), the same in every format.
    pub headers: Vec<&'static str>,
    /// One row of cells per record, a cell for each column.
    pub rows: Vec<Vec<String>>,
}

/// How the human-readable output may use the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Terminal {
    /// The terminal's width when writing to one; `None` (pipes, files, tests) means never wrap.
    pub width: Option<u16>,
    /// Whether tables may colour statuses and verdicts (escape codes).
    pub color: bool,
}

/// The colour of a status or verdict word in a table.
fn status_color(word: &str) -> Option<comfy_table::Color> {
    use comfy_table::Color;
    match word {
        "disputed" => Some(Color::Yellow),
        "unresolved" => Some(Color::Cyan),
        "supported" => Some(Color::Green),
        "refuted" => Some(Color::Red),
        "mixed" => Some(Color::Magenta),
        "unverifiable" => Some(Color::Blue),
        _ => None,
    }
}

/// Something that can be printed in every [`Format`].
pub trait View {
    /// The columns and rows, for table, CSV and Markdown output.
    fn table(&self) -> Table;

    /// The JSON value scripts read.
    fn json(&self) -> Value;

    /// What the human layout says when there is nothing to list.
    fn empty(&self) -> &'static str {
        "Nothing to show."
    }

    /// The parts of an HTML page; by default the table.
    fn html(&self) -> Vec<html::Section> {
        vec![html::Section::Table(self.table())]
    }

    /// Writes the JSON, pretty; by default [`View::json`]. A view that can be huge writes it
    /// straight from its records instead, without building the whole value first.
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        write_json(&self.json(), out)
    }

    /// The human layout; by default the table, aligned.
    fn text(&self, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
        let table = self.table();
        if table.rows.is_empty() {
            return writeln!(out, "{}", self.empty());
        }
        write_aligned(&table, out, terminal)
    }
}

/// Writes a view in the chosen format.
pub fn render(
    view: &dyn View,
    format: Format,
    out: &mut dyn Write,
    terminal: Terminal,
) -> io::Result<()> {
    match format {
        Format::Json => view.write_json(out),
        Format::Csv => write_csv(&common::with_full_values(|| view.table()), out),
        Format::Markdown => write_markdown(&common::with_full_values(|| view.table()), out),
        // The CLI refuses the formats a listing does not offer before rendering.
        _ => view.text(out, terminal),
    }
}

/// A table and its JSON built by the caller, for one-off listings.
pub struct TableView {
    /// The rows, for table, CSV and Markdown output.
    pub table: Table,
    /// The same listing as JSON.
    pub json: Value,
    /// What to print instead of an empty table.
    pub empty: &'static str,
}

impl View for TableView {
    fn empty(&self) -> &'static str {
        self.empty
    }
    fn table(&self) -> Table {
        self.table.clone()
    }
    fn json(&self) -> Value {
        self.json.clone()
    }
}

/// Writes a view as a self-contained HTML page.
pub fn render_html(
    view: &dyn View,
    title: &str,
    meta: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut sections = view.html();
    if view.table().rows.is_empty() {
        sections.push(html::Section::Paragraph(view.empty().to_string()));
    }
    html::write_page(title, meta, &sections, out)
}

/// Pretty JSON followed by a newline.
pub fn write_json(value: &Value, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Aligned columns with a header row and no borders; empty cells show `-`; long cells wrap only
/// on a terminal. Every cell is shown [`visible()`]: its control, bidi and invisible characters
/// escaped (tabs too), its line breaks kept; a cell longer than [`LONGEST_CELL`] characters is
/// cut with an ellipsis (JSON and CSV carry the whole value), so any table lays out at once.
pub fn write_aligned(table: &Table, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
    let shown = Table {
        headers: table.headers.clone(),
        rows: table
            .rows
            .iter()
            .map(|row| row.iter().map(|cell| shown_cell(cell)).collect())
            .collect(),
    };
    write_prepared(&shown, out, terminal)
}

/// The most characters a table cell shows.
pub const LONGEST_CELL: usize = 1000;

/// A cell as a table shows it: cut to [`LONGEST_CELL`] characters, then made [`visible()`].
pub fn shown_cell(cell: &str) -> String {
    match cell.char_indices().nth(LONGEST_CELL) {
        Some((cut, _)) => {
            let mut shown = visible(&cell[..cut], Newlines::Keep).into_owned();
            shown.push('…');
            shown
        }
        None => visible(cell, Newlines::Keep).into_owned(),
    }
}

/// [`write_aligned`] for cells already made visible by the caller (which may have added its own
/// colour codes, as search highlights do).
pub fn write_prepared(table: &Table, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
    if table.rows.is_empty() {
        return Ok(());
    }
    let mut t = comfy_table::Table::new();
    t.load_style(presets::NOTHING);
    match terminal.width {
        Some(width) => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(width);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t.set_header(table.headers.iter().copied());
    // Statuses and verdicts are coloured, when the terminal may show colour.
    let coloured: Vec<bool> = table
        .headers
        .iter()
        .map(|h| terminal.color && matches!(*h, "STATUS" | "VERDICT" | "PROPOSED"))
        .collect();
    if terminal.color {
        t.enforce_styling();
    }
    for row in &table.rows {
        t.add_row(row.iter().zip(&coloured).map(|(c, colour)| {
            let text = if c.is_empty() { "-" } else { c.as_str() };
            let cell = comfy_table::Cell::new(text);
            match status_color(text).filter(|_| *colour) {
                Some(color) => cell.fg(color),
                None => cell,
            }
        }));
    }
    for column in t.column_iter_mut() {
        column.set_padding((0, 2));
    }
    if let Some(width) = terminal.width {
        fit_columns(&mut t, table, width);
    }
    for line in t.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The columns of long free text, which give up width last when a table must fit a terminal.
const PROSE_COLUMNS: &[&str] = &[
    "CLAIM",
    "MATCH",
    "CHANGE",
    "TEXT",
    "VALUE",
    "NOTE",
    "RATIONALE",
    "FOR",
    "AGAINST",
    "REASON",
];

/// How wide the prose columns are kept, when they need it, before the label columns give way.
const PROSE_MEASURE: usize = 32;

/// The longest word a column makes room for on a terminal; a longer one is broken.
const LONGEST_UNBROKEN_WORD: usize = 24;

/// The widest a column of names or labels grows on a terminal (it wraps beyond).
const NARROW_COLUMN: usize = 22;

/// Shares a terminal's `width` among a table's columns when they do not all fit: the columns of
/// names and labels keep their content's width up to [`NARROW_COLUMN`] (wrapping beyond), and
/// give way, widest first, down to their longest word, until the prose columns — the claim
/// text — have [`PROSE_MEASURE`]; the prose shares what is left. No column is made narrower
/// than its longest word (up to [`LONGEST_UNBROKEN_WORD`]), so words wrap at spaces.
fn fit_columns(t: &mut comfy_table::Table, table: &Table, width: u16) {
    use comfy_table::{ColumnConstraint, Width};
    use unicode_width::UnicodeWidthStr;
    const PADDING: usize = 2;
    let n = table.headers.len();
    let cells = |i: usize| {
        table
            .rows
            .iter()
            .filter_map(move |row| row.get(i))
            .map(|cell| if cell.is_empty() { "-" } else { cell.as_str() })
    };
    let widest = |i: usize, split: fn(&str) -> Vec<&str>| {
        cells(i)
            .flat_map(split)
            .map(UnicodeWidthStr::width)
            .chain([table.headers[i].len()])
            .max()
            .unwrap_or(0)
    };
    let content: Vec<usize> = (0..n).map(|i| widest(i, |c| c.lines().collect())).collect();
    let longest_word: Vec<usize> = (0..n)
        .map(|i| widest(i, |c| c.split_whitespace().collect()).min(LONGEST_UNBROKEN_WORD))
        .collect();
    let width = usize::from(width);
    if content.iter().sum::<usize>() + PADDING * n <= width {
        return;
    }
    // When even the longest words do not fit with two spaces between columns, one will do;
    // when they do not fit at all, the terminal is too narrow for whole words and comfy-table
    // breaks them.
    let words: usize = longest_word.iter().sum();
    let padding = if words + PADDING * n <= width {
        PADDING
    } else if words + n <= width {
        1
    } else {
        return;
    };
    if padding < PADDING {
        for column in t.column_iter_mut() {
            column.set_padding((0, padding as u16));
        }
    }
    let prose: Vec<bool> = table
        .headers
        .iter()
        .map(|h| PROSE_COLUMNS.contains(h))
        .collect();
    let mut widths: Vec<usize> = (0..n)
        .map(|i| match prose[i] {
            true => longest_word[i],
            false => content[i].min(NARROW_COLUMN).max(longest_word[i]),
        })
        .collect();
    let wanted: usize = (0..n)
        .filter(|i| prose[*i])
        .map(|i| content[i].min(longest_word[i].max(PROSE_MEASURE)))
        .sum();
    let labels =
        |widths: &[usize]| -> usize { (0..n).filter(|i| !prose[*i]).map(|i| widths[i]).sum() };
    while labels(&widths) + padding * n + wanted > width {
        let widest_label = (0..n)
            .filter(|i| !prose[*i] && widths[*i] > longest_word[*i])
            .max_by_key(|i| widths[*i]);
        match widest_label {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let prose_count = prose.iter().filter(|p| **p).count();
    let left = width.saturating_sub(labels(&widths) + padding * n);
    for i in (0..n).filter(|i| prose[*i]) {
        widths[i] = (left / prose_count).max(longest_word[i]).min(content[i]);
    }
    for (i, w) in widths.into_iter().enumerate() {
        if let Some(column) = t.column_mut(i) {
            // comfy-table's absolute width includes the column's padding.
            let padded = (w + padding).min(usize::from(u16::MAX)) as u16;
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(padded)));
        }
    }
}

/// `n` and the word that goes with it: "1 claim", "2 claims", "0 claims".
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Makes a cell safe to open in a spreadsheet: text that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading apostrophe.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = |c: Option<char>| matches!(c, Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let mut chars = cell.chars();
    match chars.next() {
        c if formula(c) => format!("'{cell}").into(),
        // Text that itself starts with the apostrophe and a formula sign gets one more, so that
        // importing takes off only the one export put on: `'=x` round-trips as `'=x`.
        Some('\'') if formula(chars.next()) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// RFC 4180 CSV with a header row; every cell passes through [`spreadsheet_safe`].
pub fn write_csv(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(&table.headers)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))?;
    }
    writer.flush()
}

/// A Markdown table. Cell text shows as text wherever the Markdown is rendered: `&`, `<` and
/// `>` become HTML entities (no raw HTML, such as an `<img onerror=…>`, reaches the page), a
/// backslash, the pipe that would end the cell, and the brackets and backtick of links, images
/// and code spans are escaped with a backslash, and line breaks (`\r\n`, `\r`, `\n`) become
/// `<br>`.
pub fn write_markdown(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let cell = |c: &str| {
        let mut text = String::with_capacity(c.len());
        let mut chars = c.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '&' => text.push_str("&amp;"),
                '<' => text.push_str("&lt;"),
                '>' => text.push_str("&gt;"),
                '\\' | '|' | '[' | ']' | '`' => {
                    text.push('\\');
                    text.push(ch);
                }
                '\r' | '\n' => {
                    if ch == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    text.push_str("<br>");
                }
                _ => text.push(ch),
            }
        }
        text
    };
    writeln!(out, "| {} |", table.headers.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(table.headers.len()))?;
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

impl From<csv::Error> for Error {
    fn from(err: csv::Error) -> Self {
        Error::Io(err.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: vec!["ID", "TEXT"],
            rows: vec![
                vec!["1a2b3c4d".into(), "=HYPERLINK(\"x\")".into()],
                vec!["5e6f7a8b".into(), "a | b\nc".into()],
            ],
        }
    }

    fn rendered(write: impl Fn(&Table, &mut dyn Write) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&table(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_neutralises_formulas_and_quotes_newlines() {
        assert_eq!(
            rendered(|t, o| write_csv(t, o)),
            "ID,TEXT\n1a2b3c4d,\"'=HYPERLINK(\"\"x\"\")\"\n5e6f7a8b,\"a | b\nc\"\n"
        );
        assert_eq!(spreadsheet_safe("-5"), "'-5");
        assert_eq!(spreadsheet_safe("Iran"), "Iran");
        assert_eq!(spreadsheet_safe("'=SUM(A1)"), "''=SUM(A1)");
        assert_eq!(spreadsheet_safe("'quoted"), "'quoted");
    }

    #[test]
    fn markdown_escapes_pipes_and_line_breaks() {
        assert_eq!(
            rendered(|t, o| write_markdown(t, o)),
            "| ID | TEXT |\n|---|---|\n| 1a2b3c4d | =HYPERLINK(\"x\") |\n| 5e6f7a8b | a \\| b<br>c |\n"
        );
    }

    /// Issue 11: a Markdown page renders raw HTML and links, so cell text is escaped: HTML
    /// special characters as entities, Markdown's link, code and table syntax with a backslash,
    /// and every kind of line break as `<br>`.
    #[test]
    fn markdown_shows_markup_in_cells_as_text() {
        let table = Table {
            headers: vec!["TEXT"],
            rows: vec![
                vec!["<img src=x onerror=alert(1)> &amp;".into()],
                vec!["![pixel](https://t.example/p.png) [go](javascript:x) `c` \\|".into()],
                vec!["one\rtwo\r\nthree\nfour".into()],
            ],
        };
        let mut out = Vec::new();
        write_markdown(&table, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "| TEXT |\n|---|\n\
             | &lt;img src=x onerror=alert(1)&gt; &amp;amp; |\n\
             | !\\[pixel\\](https://t.example/p.png) \\[go\\](javascript:x) \\`c\\` \\\\\\| |\n\
             | one<br>two<br>three<br>four |\n"
        );
    }

    #[test]
    fn aligned_tables_pad_columns_and_never_wrap_off_a_terminal() {
        let table = Table {
            headers: vec!["ID", "TEXT"],
            rows: vec![
                vec!["1a2b".into(), "a long claim text".into()],
                vec!["5e6f7a8b".into(), "b".into()],
            ],
        };
        assert_eq!(
            rendered(|_, o| write_aligned(&table, o, Terminal::default())),
            "ID        TEXT\n1a2b      a long claim text\n5e6f7a8b  b\n"
        );
    }

    #[test]
    fn formats_parse_by_name() {
        assert_eq!("JSON".parse::<Format>().unwrap(), Format::Json);
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        assert_eq!(
            "ClaimReview".parse::<Format>().unwrap(),
            Format::ClaimReview
        );
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.to_string(),
            "unknown format 'xml' (expected one of: table, json, csv, markdown, html, jsonl, claimreview, dot, mermaid)"
        );
    }
}
