//! Self-contained HTML pages for reports: one file with its style inline and its graph drawn
//! as inline SVG, so it opens offline, prints cleanly and fetches nothing. Every piece of user
//! text goes through `escape_html`; nothing from the store is ever written unescaped.

use std::io::{self, Write};

use super::Table;
use super::common::{escape_html, status_colour};
use crate::model::Status;

/// A part of a page.
pub enum Section {
    /// A second-level heading.
    Heading(String),
    /// A paragraph of plain text.
    Paragraph(String),
    /// A table; a column named `STATUS` gets coloured badges.
    Table(Table),
    /// An SVG drawing, already escaped.
    Svg(String),
    /// A claim card: title line, a line about it, status, and the items for and against.
    Card {
        /// The card's heading: the claim's short id and its text.
        title: String,
        /// The line under the heading: claimant and stance, reporter, date.
        about: String,
        /// The claim's status, shown as a badge and in the card's colour.
        status: Status,
        /// The items standing for the claim, one line each.
        for_items: Vec<String>,
        /// The items standing against the claim, one line each.
        against_items: Vec<String>,
    },
}

const STYLE: &str = "
body { font: 15px/1.45 Georgia, 'Times New Roman', serif; color: #1a1a1a; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
p.meta { color: #666; font-size: 0.9em; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #e0e0e0; white-space: pre-wrap; }
th { background: #f5f5f5; font-family: Helvetica, Arial, sans-serif; font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.03em; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; color: #fff; font: bold 0.8em Helvetica, Arial, sans-serif; }
.card { border: 1px solid #ddd; border-left: 6px solid; border-radius: 4px; padding: 0.6em 1em; margin: 0.8em 0; page-break-inside: avoid; }
.card h3 { margin: 0 0 0.2em; font-size: 1.05em; }
.card .about { color: #555; font-size: 0.9em; }
.card ul { margin: 0.3em 0; padding-left: 1.2em; }
.for { color: #2e7d32; } .against { color: #c62828; }
figure { margin: 1em 0; overflow-x: auto; }
code { font-size: 0.9em; }
@media print { body { margin: 0; max-width: none; } figure { overflow: visible; } }
";

fn badge(status: &str) -> String {
    match status.parse::<Status>() {
        Ok(s) => format!(
            "<span class=\"badge\" style=\"background:{}\">{}</span>",
            status_colour(s),
            escape_html(status)
        ),
        Err(_) => escape_html(status),
    }
}

/// Writes a whole page.
pub fn write_page(
    title: &str,
    meta: &str,
    sections: &[Section],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape_html(title)
    )?;
    writeln!(
        out,
        "<h1>{}</h1>\n<p class=\"meta\">{}</p>",
        escape_html(title),
        escape_html(meta)
    )?;
    for section in sections {
        match section {
            Section::Heading(text) => writeln!(out, "<h2>{}</h2>", escape_html(text))?,
            Section::Paragraph(text) => writeln!(out, "<p>{}</p>", escape_html(text))?,
            Section::Svg(svg) => writeln!(out, "<figure>\n{svg}</figure>")?,
            Section::Table(table) => {
                let status_column = table.headers.iter().position(|h| *h == "STATUS");
                writeln!(out, "<table>\n<thead><tr>")?;
                for header in &table.headers {
                    write!(out, "<th>{}</th>", escape_html(header))?;
                }
                writeln!(out, "</tr></thead>\n<tbody>")?;
                for row in &table.rows {
                    write!(out, "<tr>")?;
                    for (i, cell) in row.iter().enumerate() {
                        let cell = if Some(i) == status_column {
                            badge(cell)
                        } else {
                            escape_html(cell)
                        };
                        write!(out, "<td>{cell}</td>")?;
                    }
                    writeln!(out, "</tr>")?;
                }
                writeln!(out, "</tbody>\n</table>")?;
            }
            Section::Card {
                title,
                about,
                status,
                for_items,
                against_items,
            } => {
                writeln!(
                    out,
                    "<div class=\"card\" style=\"border-left-color:{}\">",
                    status_colour(*status)
                )?;
                writeln!(
                    out,
                    "<h3>{} {}</h3>",
                    badge(status.as_str()),
                    escape_html(title)
                )?;
                writeln!(out, "<div class=\"about\">{}</div>", escape_html(about))?;
                for (class, label, items) in [
                    ("for", "For", for_items),
                    ("against", "Against", against_items),
                ] {
                    if items.is_empty() {
                        continue;
                    }
                    writeln!(out, "<div class=\"{class}\"><strong>{label}</strong><ul>")?;
                    for item in items {
                        writeln!(out, "<li>{}</li>", escape_html(item))?;
                    }
                    writeln!(out, "</ul></div>")?;
                }
                writeln!(out, "</div>")?;
            }
        }
    }
    writeln!(out, "</body>\n</html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_escapes_everything_and_fetches_nothing() {
        let sections = vec![
            Section::Heading("<b>Claims</b>".into()),
            Section::Table(Table {
                headers: vec!["ID", "STATUS", "CLAIM"],
                rows: vec![vec![
                    "1a2b3c4d".into(),
                    "disputed".into(),
                    "<img src=x onerror=alert(1)>".into(),
                ]],
            }),
            Section::Card {
                title: "Iran \"supplied\" & more".into(),
                about: "officials".into(),
                status: Status::Refuted,
                for_items: vec!["<script>x</script>".into()],
                against_items: vec![],
            },
        ];
        let mut out = Vec::new();
        write_page("Disputed <claims>", "made by factdesk", &sections, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains("<title>Disputed &lt;claims&gt;</title>"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("Iran &quot;supplied&quot; &amp; more"));
        assert!(page.contains("<li>&lt;script&gt;x&lt;/script&gt;</li>"));
        assert!(
            page.contains("<span class=\"badge\" style=\"background:#ef6c00\">disputed</span>")
        );
        for fetch in ["<script", "<img", "<link", "src=\"", "@import", "url("] {
            assert!(
                !page.contains(fetch),
                "the page must fetch nothing: found {fetch}"
            );
        }
    }
}
