//! Conflicts: finding, in the event log, the changes that overwrote a change their author had
//! not seen. Every change to a single-valued field records the value it replaced (`old`);
//! replayed in the canonical order, a change whose `old` is not the value then current — and
//! whose new value differs from it — was made concurrently, in another store. The later change
//! stands (that is the merge rule); both are in the history, and this lists the case for a
//! person to settle. Reads only; it never changes the store.

use std::collections::HashMap;

use super::Store;
use super::replay::{CANONICAL_ORDER, EVENT_COLUMNS, event_from_row};
use crate::error::Result;
use crate::history::{Change, ClaimEdited, Edit, Event, EvidenceEdited};
use crate::model::{Conflict, VerdictKind, source_key};

/// A verdict (given or proposed) as one comparable value.
fn verdict_value(verdict: VerdictKind, rationale: &str) -> Option<String> {
    Some(format!("{verdict}: {rationale}"))
}

/// One write to a field: (field, new value, the old value its author saw — `None` when the
/// event does not say, which never conflicts).
type Write = (String, Option<String>, Option<Option<String>>);

/// The claim fields of an edit (each `{"old": …, "new": …}`), by name, as text.
fn edited_fields(edit: &ClaimEdited) -> Vec<(&'static str, Option<Edit<String>>)> {
    vec![
        ("text", edit.text.clone()),
        ("claimant", edit.claimant.clone()),
        ("reported_by", edit.reported_by.clone()),
        ("stance", edit.stance.as_ref().map(Edit::as_text)),
        ("url", edit.url.clone()),
        ("quote", edit.quote.clone()),
        ("date", edit.date.clone()),
    ]
}

/// The evidence fields of an edit, by name, as text.
fn edited_evidence_fields(edit: &EvidenceEdited) -> Vec<(&'static str, Option<Edit<String>>)> {
    vec![
        ("stance", edit.stance.as_ref().map(Edit::as_text)),
        ("source", edit.source.clone()),
        ("url", edit.url.clone()),
        ("quote", edit.quote.clone()),
        ("note", edit.note.clone()),
    ]
}

/// The writes of an edit's changed fields, each with the old value its author saw.
fn edit_writes(fields: Vec<(&'static str, Option<Edit<String>>)>) -> Vec<Write> {
    fields
        .into_iter()
        .filter_map(|(field, edit)| {
            let edit = edit?;
            Some((field.to_string(), edit.new, Some(edit.old)))
        })
        .collect()
}

/// The single-valued fields an event writes.
fn writes(event: &Event) -> Vec<Write> {
    match &event.change {
        Change::ClaimAdded(c) => vec![
            ("text".into(), Some(c.text.clone()), None),
            ("claimant".into(), c.claimant.clone(), None),
            ("reported_by".into(), c.reported_by.clone(), None),
            ("stance".into(), Some(c.stance.to_string()), None),
            ("url".into(), c.url.clone(), None),
            ("quote".into(), c.quote.clone(), None),
            ("date".into(), c.date.clone(), None),
        ],
        Change::ClaimEdited(edit) => edit_writes(edited_fields(edit)),
        Change::VerdictSet(v) => vec![(
            "verdict".into(),
            verdict_value(v.verdict, &v.rationale),
            Some(
                v.old
                    .as_ref()
                    .and_then(|o| verdict_value(o.verdict, &o.rationale)),
            ),
        )],
        Change::VerdictCleared(v) => vec![(
            "verdict".into(),
            None,
            Some(verdict_value(v.old.verdict, &v.old.rationale)),
        )],
        Change::ReviewApproved(r) => vec![
            (
                "verdict".into(),
                verdict_value(r.verdict, &r.rationale),
                None,
            ),
            (
                "proposed verdict".into(),
                None,
                Some(verdict_value(r.verdict, &r.rationale)),
            ),
        ],
        Change::VerdictProposed(p) => vec![(
            "proposed verdict".into(),
            verdict_value(p.verdict, &p.rationale),
            Some(
                p.old
                    .as_ref()
                    .and_then(|o| verdict_value(o.verdict, &o.rationale)),
            ),
        )],
        Change::ReviewRejected(r) => vec![(
            "proposed verdict".into(),
            None,
            Some(verdict_value(r.verdict, &r.rationale)),
        )],
        Change::ClaimAssigned(a) => {
            vec![("assignee".into(), a.assignee.clone(), Some(a.old.clone()))]
        }
        Change::SettingSet(s) => vec![("value".into(), Some(s.value.clone()), Some(s.old.clone()))],
        // Retracted or not is one more field of a claim or a piece of evidence: two people
        // retracting the same record at once, each believing it stood, is a conflict.
        Change::ClaimRetracted(r) => vec![("retracted".into(), Some(r.note.clone()), Some(None))],
        Change::EvidenceRetracted(r) => {
            vec![("retracted".into(), Some(r.note.clone()), Some(None))]
        }
        Change::ClaimRestored(_) | Change::EvidenceRestored(_) => {
            vec![("retracted".into(), None, None)]
        }
        Change::EvidenceEdited(edit) => edit_writes(edited_evidence_fields(edit)),
        Change::EvidenceMoved(m) => {
            vec![(
                "claim".into(),
                Some(m.to.clone()),
                Some(Some(m.from.clone())),
            )]
        }
        Change::EvidenceAdded(e) => vec![
            ("claim".into(), Some(e.claim.clone()), None),
            ("stance".into(), Some(e.stance.to_string()), None),
            ("source".into(), e.source.clone(), None),
            ("url".into(), e.url.clone(), None),
            ("quote".into(), e.quote.clone(), None),
            ("note".into(), e.note.clone(), None),
        ],
        Change::SourceEdited(edit) => edit_writes(vec![
            ("kind", edit.kind.as_ref().map(Edit::as_text)),
            ("url", edit.url.clone()),
            ("note", edit.note.clone()),
        ]),
        Change::SourceRenamed(r) => vec![(
            "name".into(),
            Some(r.new.clone()),
            Some(Some(r.old.clone())),
        )],
        Change::SourceMerged(m) => {
            vec![("merged into".into(), Some(m.into_name.clone()), Some(None))]
        }
        Change::SourceUnmerged(u) => {
            vec![("merged into".into(), None, Some(Some(u.from_name.clone())))]
        }
        // A source's first values, which its edits and renames replace.
        Change::SourceAdded(a) => vec![
            ("name".into(), Some(a.name.clone()), None),
            ("kind".into(), Some(a.kind.to_string()), None),
            ("url".into(), a.url.clone(), None),
            ("note".into(), a.note.clone(), None),
        ],
        Change::LinkAdded(_) | Change::LinkRemoved(_) | Change::ClaimCommented(_) => Vec::new(),
    }
}

/// The fields an edit of a claim or a piece of evidence changes (none for other events).
fn edited_field_names(event: &Event) -> Vec<&'static str> {
    let fields = match &event.change {
        Change::ClaimEdited(edit) => edited_fields(edit),
        Change::EvidenceEdited(edit) => edited_evidence_fields(edit),
        Change::EvidenceMoved(_) => return vec!["claim"],
        _ => return Vec::new(),
    };
    fields
        .into_iter()
        .filter_map(|(field, edit)| edit.map(|_| field))
        .collect()
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
        // or piece of evidence gives its fields their first values.
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events
              WHERE action IN ('claim.edit', 'verdict.set', 'verdict.clear', 'verdict.propose',
                               'review.approve', 'review.reject', 'claim.assign', 'config.set',
                               'claim.retract', 'claim.restore', 'evidence.retract',
                               'evidence.restore', 'evidence.edit', 'evidence.move',
                               'source.edit', 'source.rename', 'source.merge', 'source.unmerge')
                 OR action = 'source.add'
                 OR (action = 'claim.add'
                     AND record_id IN (SELECT record_id FROM events WHERE action = 'claim.edit'))
                 OR (action = 'evidence.add'
                     AND record_id IN (SELECT record_id FROM events
                                        WHERE action IN ('evidence.edit', 'evidence.move')))
              ORDER BY {CANONICAL_ORDER}"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut fields: HashMap<(String, String), Current> = HashMap::new();
        let mut found: Vec<Conflict> = Vec::new();
        // Every name a source had, by matching key, to its id: a claim naming a source by a
        // name it had before or after a rename names the same source (renames and additions come
        // first in the canonical order).
        let mut source_of_name: HashMap<String, String> = HashMap::new();
        while let Some(row) = rows.next()? {
            let event = event_from_row(row, 0)?;
            match &event.change {
                Change::SourceAdded(a) => {
                    source_of_name.insert(source_key(&a.name), event.record_id.clone());
                }
                Change::SourceRenamed(r) => {
                    for name in [&r.old, &r.new] {
                        source_of_name.insert(source_key(name), event.record_id.clone());
                    }
                }
                _ => {}
            }
            let same = |field: &str, a: &Option<String>, b: &Option<String>| match (a, b) {
                (Some(a), Some(b)) if matches!(field, "claimant" | "reported_by" | "source") => {
                    let (a, b) = (source_key(a), source_key(b));
                    a == b
                        || source_of_name
                            .get(&a)
                            .is_some_and(|id| source_of_name.get(&b) == Some(id))
                }
                _ => a == b,
            };
            // An edit of a record retracted at that point in the history was made by someone
            // who had not seen the retraction (a retracted record cannot be edited here): the
            // edit is applied, but the record stays retracted, which they may not know.
            let edited = edited_field_names(&event);
            if !edited.is_empty()
                && let Some(retraction) =
                    fields.get_mut(&(event.record_id.clone(), "retracted".to_string()))
                && retraction.value.is_some()
            {
                found.push(Conflict {
                    record_kind: event.record_kind(),
                    record_id: event.record_id.clone(),
                    field: "edited while retracted".into(),
                    kept: retraction
                        .value
                        .as_ref()
                        .map(|note| format!("retracted: {note}")),
                    kept_by: retraction.by.clone(),
                    kept_at: retraction.at.clone(),
                    overwritten: Some(format!("edit of {}", edited.join(", "))),
                    overwritten_by: event.author.clone(),
                    overwritten_at: event.at.clone(),
                    settled_by: None,
                });
                retraction.open = Some(found.len() - 1);
            }
            for (field, new, old) in writes(&event) {
                let key = (event.record_id.clone(), field.clone());
                let current = fields.entry(key).or_insert_with(|| Current {
                    value: None,
                    by: String::new(),
                    at: String::new(),
                    open: None,
                });
                let unseen = old.is_some_and(|old| !same(&field, &old, &current.value))
                    && !same(&field, &new, &current.value);
                if unseen {
                    found.push(Conflict {
                        record_kind: event.record_kind(),
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
