//! Conflicts: finding, in the event log, the changes that overwrote a change their author had
//! not seen. Every change to a single-valued field records the value it replaced (`old`);
//! replayed in the canonical order, a change whose `old` is not the value then current — and
//! whose new value differs from it — was made concurrently, in another store. The later change
//! stands (that is the merge rule); both are in the history, and this lists the case for a
//! person to settle. Reads only; it never changes the store.

use std::collections::HashMap;

use serde_json::Value;

use super::Store;
use super::replay::{CANONICAL_ORDER, EVENT_COLUMNS, StoredEvent};
use crate::error::Result;
use crate::model::{Conflict, RecordKind};

/// The claim fields a `claim.edit` records as `{"old": …, "new": …}`.
const CLAIM_FIELDS: &[&str] = &[
    "text",
    "claimant",
    "reported_by",
    "stance",
    "url",
    "quote",
    "date",
];

/// A verdict (given or proposed) as one comparable value.
fn verdict_value(value: &Value) -> Option<String> {
    let verdict = value.get("verdict")?.as_str()?;
    let rationale = value.get("rationale").and_then(Value::as_str).unwrap_or("");
    Some(format!("{verdict}: {rationale}"))
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// One write to a field: (field, new value, the old value its author saw — `None` when the
/// event does not say, which never conflicts).
type Write = (String, Option<String>, Option<Option<String>>);

/// The single-valued fields an event writes.
fn writes(event: &StoredEvent) -> Vec<Write> {
    let c = &event.change;
    let old_verdict = |key: &str| Some(c.get(key).and_then(verdict_value));
    match event.action.as_str() {
        "claim.add" => CLAIM_FIELDS
            .iter()
            .map(|f| (f.to_string(), c.get(*f).and_then(text), None))
            .collect(),
        "claim.edit" => CLAIM_FIELDS
            .iter()
            .filter_map(|f| {
                let edit = c.get(*f)?;
                Some((
                    f.to_string(),
                    edit.get("new").and_then(text),
                    Some(edit.get("old").and_then(text)),
                ))
            })
            .collect(),
        "verdict.set" => vec![("verdict".into(), verdict_value(c), old_verdict("old"))],
        "verdict.clear" => vec![("verdict".into(), None, old_verdict("old"))],
        "review.approve" => vec![
            ("verdict".into(), verdict_value(c), None),
            ("proposed verdict".into(), None, Some(verdict_value(c))),
        ],
        "verdict.propose" => vec![(
            "proposed verdict".into(),
            verdict_value(c),
            old_verdict("old"),
        )],
        "review.reject" => vec![("proposed verdict".into(), None, Some(verdict_value(c)))],
        "claim.assign" => vec![(
            "assignee".into(),
            c.get("assignee").and_then(text),
            Some(c.get("old").and_then(text)),
        )],
        "config.set" => vec![(
            "value".into(),
            c.get("value").and_then(text),
            Some(c.get("old").and_then(text)),
        )],
        _ => Vec::new(),
    }
}

/// The value a field holds after some event, and who wrote it when.
struct Current {
    value: Option<String>,
    by: String,
    at: String,
    /// The open conflict on this field, as an index into the list found so far.
    open: Option<usize>,
}

impl Store {
    /// Every conflict in the history, in the order they arose.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        // Only changes of single-valued fields can conflict; the creation of an edited claim
        // gives its fields their first values.
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events
              WHERE action IN ('claim.edit', 'verdict.set', 'verdict.clear', 'verdict.propose',
                               'review.approve', 'review.reject', 'claim.assign', 'config.set')
                 OR (action = 'claim.add'
                     AND record_id IN (SELECT record_id FROM events WHERE action = 'claim.edit'))
              ORDER BY {CANONICAL_ORDER}"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut fields: HashMap<(String, String), Current> = HashMap::new();
        let mut found: Vec<Conflict> = Vec::new();
        while let Some(row) = rows.next()? {
            let event = StoredEvent::from_row(row)?;
            for (field, new, old) in writes(&event) {
                let key = (event.record_id.clone(), field.clone());
                let current = fields.entry(key).or_insert_with(|| Current {
                    value: None,
                    by: String::new(),
                    at: String::new(),
                    open: None,
                });
                let unseen = old.is_some_and(|old| old != current.value) && new != current.value;
                if unseen {
                    found.push(Conflict {
                        record_kind: event.record_kind.parse().unwrap_or(RecordKind::Claim),
                        record_id: event.record_id.clone(),
                        field,
                        kept: new.clone(),
                        kept_by: event.author.clone(),
                        kept_at: event.at.clone(),
                        overwritten: current.value.clone(),
                        overwritten_by: current.by.clone(),
                        overwritten_at: current.at.clone(),
                        settled_by: None,
                    });
                    current.open = Some(found.len() - 1);
                } else if let Some(open) = current.open.take() {
                    found[open].settled_by = Some(event.author.clone());
                }
                current.value = new;
                current.by = event.author.clone();
                current.at = event.at.clone();
            }
        }
        Ok(found)
    }
}
