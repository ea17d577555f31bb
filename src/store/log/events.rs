//! Reading the event log: a claim's history (its own events and those of its evidence and
//! links) or the whole store's, filtered by author and time. Events are written only through
//! `Tx::commit`, inside the transaction of the change they describe.

use rusqlite::ToSql;

use super::replay::EVENT_COLUMNS;
use super::{IdTable, Store, resolve_id};
use crate::error::{Error, Result};
use crate::history::Event;
use crate::model::DayEdge;

/// Which events a history listing shows; all of them, newest first, by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryFilter {
    /// Only the events of this claim (an id prefix), its evidence and its links.
    pub claim: Option<String>,
    /// Only events by this person, however their name was spelt (see [`crate::person::person_key`]).
    pub author: Option<String>,
    /// Only events at or after this moment (a date means its first instant; see
    /// [`crate::model::parse_instant`]).
    pub since: Option<String>,
    /// Only events at or before this moment (a date means its last instant).
    pub until: Option<String>,
    /// Only events with one of these actions (`claim.edit`), or of these groups (`verdict`
    /// matches `verdict.set`, `verdict.clear`, …); empty for all.
    pub actions: Vec<String>,
    /// At most this many events; `None` for all.
    pub limit: Option<usize>,
}

impl Store {
    /// Events matching the filter, newest first.
    pub fn history(&self, filter: &HistoryFilter) -> Result<Vec<Event>> {
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE 1");
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(prefix) = &filter.claim {
            let (pk, id) = resolve_id(self.conn(), IdTable::Claim, prefix)?;
            sql.push_str(
                " AND record_id IN (SELECT ? UNION ALL SELECT id FROM evidence WHERE claim_pk = ?
                   UNION ALL SELECT id FROM links WHERE from_pk = ? OR to_pk = ?)",
            );
            args.push(Box::new(id));
            for _ in 0..3 {
                args.push(Box::new(pk));
            }
        }
        if let Some(author) = &filter.author {
            // Every stored spelling of the person (`Ben`, `ben`, a look-alike): see `person_key`.
            let names = super::team::spellings_of(
                self.conn(),
                "SELECT DISTINCT author FROM events",
                author,
            )?;
            sql.push_str(&format!(
                " AND author IN ({})",
                super::team::placeholders(names.len())
            ));
            for name in names {
                args.push(Box::new(name));
            }
        }
        if let Some(since) = &filter.since {
            sql.push_str(" AND at >= ?");
            args.push(Box::new(self.instant(since, DayEdge::Start)?));
        }
        if let Some(until) = &filter.until {
            sql.push_str(" AND at <= ?");
            args.push(Box::new(self.instant(until, DayEdge::End)?));
        }
        if !filter.actions.is_empty() {
            let mut alternatives = Vec::new();
            for action in &filter.actions {
                let action = action.trim().to_lowercase();
                let known = super::replay::known_actions();
                if action.contains('.') {
                    if !known.contains(&action.as_str()) {
                        return Err(Error::invalid(format!(
                            "unknown action '{action}' (known: {})",
                            known.join(", ")
                        )));
                    }
                    alternatives.push("action = ?");
                    args.push(Box::new(action));
                } else {
                    if !known.iter().any(|a| a.starts_with(&format!("{action}."))) {
                        return Err(Error::invalid(format!(
                            "unknown action '{action}' (known: {})",
                            known.join(", ")
                        )));
                    }
                    alternatives.push("action GLOB ?");
                    args.push(Box::new(format!("{action}.*")));
                }
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        sql.push_str(" ORDER BY at DESC, pk DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ?");
            args.push(Box::new(limit as i64));
        }
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut events = Vec::new();
        while let Some(row) = rows.next()? {
            events.push(super::replay::event_from_row(row, 0)?);
        }
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceStance, NewClaim, NewEvidence, Relation};
    use crate::store::Clock;

    #[test]
    fn a_claims_history_holds_its_evidence_and_links_even_removed_ones() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let add = |store: &mut Store, text: &str| {
            store
                .add_claim(&NewClaim {
                    text: text.into(),
                    ..NewClaim::default()
                })
                .unwrap()
                .id
        };
        let a = add(&mut store, "A");
        let b = add(&mut store, "B");
        let link = store.add_link(&a, &b, Relation::Related, None).unwrap();
        store.remove_link(&link.id).unwrap();
        let evidence = NewEvidence {
            stance: EvidenceStance::Context,
            source: None,
            url: None,
            quote: None,
            note: Some("n".into()),
        };
        store.add_evidence(&b, &evidence).unwrap();
        let filter = HistoryFilter {
            claim: Some(a.clone()),
            ..Default::default()
        };
        let actions: Vec<String> = store
            .history(&filter)
            .unwrap()
            .into_iter()
            .map(|e| e.action().to_string())
            .collect();
        assert_eq!(actions, vec!["link.remove", "link.add", "claim.add"]);
        let filter = HistoryFilter {
            claim: Some(b),
            limit: Some(1),
            ..Default::default()
        };
        assert_eq!(
            store.history(&filter).unwrap()[0].action(),
            crate::history::Action::EvidenceAdded
        );
    }

    #[test]
    fn history_filters_by_author_and_time() {
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(Clock::Fixed("2024-09-06T10:00:00.000Z".into()));
        store
            .add_claim(&NewClaim {
                text: "A".into(),
                ..NewClaim::default()
            })
            .unwrap();
        let mut store = store
            .with_author("Ben")
            .with_clock(Clock::Fixed("2024-09-07T10:00:00.000Z".into()));
        store
            .add_claim(&NewClaim {
                text: "B".into(),
                ..NewClaim::default()
            })
            .unwrap();
        let by_ben = HistoryFilter {
            author: Some("ben".into()),
            ..Default::default()
        };
        assert_eq!(store.history(&by_ben).unwrap().len(), 1);
        let since = HistoryFilter {
            since: Some("2024-09-07".into()),
            ..Default::default()
        };
        assert_eq!(store.history(&since).unwrap()[0].author, "Ben");
        let since = HistoryFilter {
            since: Some("2024-09-07T09:00:00+02:00".into()),
            ..Default::default()
        };
        assert_eq!(store.history(&since).unwrap().len(), 1);
        let bad = HistoryFilter {
            since: Some("last week".into()),
            ..Default::default()
        };
        assert!(store.history(&bad).is_err());
    }
}
