//! The two reports that describe the desk rather than list claims: the summary (statuses, the
//! most contested claims, the claimants with the most disputed claims, activity by week) and one
//! claimant's record.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::common::{or_empty, short_id, status_cell};
use super::html::Section;
use super::{Table, Terminal, View, plural, write_aligned};
use crate::model::{ClaimantRecord, Status, Summary};

/// `{status: count}` in the model's status order.
fn status_counts(counts: &[(Status, i64)]) -> Value {
    let mut map = Map::new();
    for (status, count) in counts {
        map.insert(status.to_string(), json!(count));
    }
    Value::Object(map)
}

/// The desk at a glance.
pub struct SummaryView<'a>(pub &'a Summary);

impl SummaryView<'_> {
    fn status_table(&self) -> Table {
        Table {
            headers: vec!["STATUS", "CLAIMS"],
            rows: self
                .0
                .by_status
                .iter()
                .map(|(s, n)| vec![s.to_string(), n.to_string()])
                .collect(),
        }
    }

    fn contested_table(&self) -> Table {
        Table {
            headers: vec!["ID", "FOR", "AGAINST", "CLAIMANT", "CLAIM"],
            rows: self
                .0
                .most_contested
                .iter()
                .map(|c| {
                    vec![
                        short_id(&c.claim.id).into(),
                        c.items_for.to_string(),
                        c.items_against.to_string(),
                        c.claim.claimant.clone().unwrap_or_default(),
                        c.claim.text.clone(),
                    ]
                })
                .collect(),
        }
    }

    fn claimant_table(&self) -> Table {
        Table {
            headers: vec!["CLAIMANT", "DISPUTED", "CLAIMS"],
            rows: self
                .0
                .claimants_most_disputed
                .iter()
                .map(|c| {
                    vec![
                        c.claimant.clone(),
                        c.disputed.to_string(),
                        c.claims.to_string(),
                    ]
                })
                .collect(),
        }
    }

    fn week_table(&self) -> Table {
        Table {
            headers: vec!["WEEK", "CLAIMS", "EVIDENCE", "LINKS", "VERDICTS", "CHANGES"],
            rows: self
                .0
                .activity_by_week
                .iter()
                .map(|w| {
                    vec![
                        w.week.clone(),
                        w.claims_added.to_string(),
                        w.evidence_added.to_string(),
                        w.links_added.to_string(),
                        w.verdicts_given.to_string(),
                        w.changes.to_string(),
                    ]
                })
                .collect(),
        }
    }

    fn sections(&self) -> [(&'static str, Table); 4] {
        [
            ("Claims by status", self.status_table()),
            (
                "Most contested (items for and against)",
                self.contested_table(),
            ),
            (
                "Claimants with the most disputed claims",
                self.claimant_table(),
            ),
            ("Activity by week", self.week_table()),
        ]
    }
}

impl View for SummaryView<'_> {
    /// One flat table (section, item, value), for CSV and Markdown.
    fn table(&self) -> Table {
        let mut rows = Vec::new();
        for (status, count) in &self.0.by_status {
            rows.push(vec!["status".into(), status.to_string(), count.to_string()]);
        }
        for c in &self.0.most_contested {
            rows.push(vec![
                "most contested".into(),
                format!("{} {}", short_id(&c.claim.id), c.claim.text),
                format!("{} for, {} against", c.items_for, c.items_against),
            ]);
        }
        for c in &self.0.claimants_most_disputed {
            rows.push(vec![
                "claimant".into(),
                c.claimant.clone(),
                format!("{} disputed of {}", c.disputed, c.claims),
            ]);
        }
        for w in &self.0.activity_by_week {
            rows.push(vec![
                "week".into(),
                w.week.clone(),
                format!(
                    "{}, {} evidence, {}, {}, {}",
                    plural(w.claims_added as u64, "claim", "claims"),
                    w.evidence_added,
                    plural(w.links_added as u64, "link", "links"),
                    plural(w.verdicts_given as u64, "verdict", "verdicts"),
                    plural(w.changes as u64, "change", "changes")
                ),
            ]);
        }
        Table {
            headers: vec!["SECTION", "ITEM", "VALUE"],
            rows,
        }
    }

    fn json(&self) -> Value {
        let mut value = serde_json::to_value(self.0).expect("model values serialise");
        value["by_status"] = status_counts(&self.0.by_status);
        value
    }

    fn html(&self) -> Vec<Section> {
        let mut sections = vec![Section::Paragraph(format!(
            "{} in the store.",
            plural(self.0.claims as u64, "claim", "claims")
        ))];
        for (title, table) in self.sections() {
            sections.push(Section::Heading(title.into()));
            if table.rows.is_empty() {
                sections.push(Section::Paragraph("None.".into()));
            } else {
                sections.push(Section::Table(table));
            }
        }
        sections
    }

    fn text(&self, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
        writeln!(out, "{}", plural(self.0.claims as u64, "claim", "claims"))?;
        for (title, table) in self.sections() {
            writeln!(out, "\n{title}:")?;
            if table.rows.is_empty() {
                writeln!(out, "  none")?;
                continue;
            }
            let mut aligned = Vec::new();
            write_aligned(&table, &mut aligned, terminal)?;
            for line in String::from_utf8_lossy(&aligned).lines() {
                writeln!(out, "  {line}")?;
            }
        }
        Ok(())
    }
}

/// One claimant's record: who they are, how their claims stand, and the claims.
pub struct ClaimantView<'a>(pub &'a ClaimantRecord);

impl ClaimantView<'_> {
    fn counts_line(&self) -> String {
        let counts: Vec<String> = self
            .0
            .by_status
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let total: i64 = self.0.by_status.iter().map(|(_, n)| n).sum();
        if counts.is_empty() {
            format!("{} ({}): no claims", self.0.source.name, self.0.source.kind)
        } else {
            format!(
                "{} ({}): {} — {}",
                self.0.source.name,
                self.0.source.kind,
                plural(total as u64, "claim", "claims"),
                counts.join(", ")
            )
        }
    }
}

impl View for ClaimantView<'_> {
    fn empty(&self) -> &'static str {
        "No claims by this claimant."
    }

    /// The claimant's claims with each one's verdict and why (the claimant column would repeat
    /// the heading's name on every row).
    fn table(&self) -> Table {
        Table {
            headers: vec![
                "ID",
                "STATUS",
                "STANCE",
                "CLAIM",
                "VERDICT RATIONALE",
                "DATE",
                "TAGS",
            ],
            rows: self
                .0
                .claims
                .iter()
                .map(|c| {
                    vec![
                        short_id(&c.id).into(),
                        status_cell(c),
                        c.stance.to_string(),
                        c.text.clone(),
                        or_empty(&c.verdict_rationale),
                        or_empty(&c.date),
                        c.tags.join(", "),
                    ]
                })
                .collect(),
        }
    }

    fn json(&self) -> Value {
        let mut value = serde_json::to_value(self.0).expect("model values serialise");
        value["by_status"] = status_counts(&self.0.by_status);
        value
    }

    fn html(&self) -> Vec<Section> {
        vec![
            Section::Paragraph(self.counts_line()),
            Section::Table(self.table()),
        ]
    }

    fn text(&self, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            super::visible(&self.counts_line(), super::Newlines::Escape)
        )?;
        if self.0.claims.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        write_aligned(&self.table(), out, terminal)
    }
}
