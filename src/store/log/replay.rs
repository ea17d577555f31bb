//! Replaying the event log into tables, and appending events to it: reading events back
//! (typed), the canonical order in SQL, rebuilding a store or some of its records from their
//! events (`verify`, `--as-of`), and inserting an event row.
//!
//! This is what makes the event log the source of truth. Events are projected in the
//! **canonical order** — the phase, then time, then event id (the `Ord` of
//! [`crate::history::Event`]) — which is the same in every store, so two stores holding the same
//! events hold the same tables, whatever order the events arrived in. Within a phase the later
//! event wins (for edits, verdicts, settings). Replays use the projection's deferred upkeep: the
//! caller rebuilds the full-text index and search context once at the end. Nothing here decides
//! a change; changes typed in go through the store's operations and [`super::Tx::commit`].

use rusqlite::{Connection, Row, params};

use super::projection::{SourceKeys, Upkeep, project};
use crate::error::{Error, Result};
use crate::history::{Action, Event, WireEvent};

/// The columns [`wire_from_row`] reads, in order.
pub(crate) const EVENT_COLUMNS: &str =
    "id, at, author, action, record_kind, record_id, change, hash";

/// Reads the [`EVENT_COLUMNS`] of a row, starting at column `first`.
pub(crate) fn wire_from_row(row: &Row, first: usize) -> rusqlite::Result<WireEvent> {
    let change: String = row.get(first + 6)?;
    Ok(WireEvent {
        id: row.get(first)?,
        at: row.get(first + 1)?,
        author: row.get(first + 2)?,
        action: row.get(first + 3)?,
        record_kind: row.get(first + 4)?,
        record_id: row.get(first + 5)?,
        change: serde_json::from_str(&change).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                first + 6,
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })?,
        hash: row.get(first + 7)?,
    })
}

/// Reads an event of the log, typed (an event this factdesk cannot read is an error naming it).
pub(crate) fn event_from_row(row: &Row, first: usize) -> Result<Event> {
    typed(wire_from_row(row, first)?)
}

/// An event in its wire form, typed (an event this factdesk cannot read is an error naming it).
pub(crate) fn typed(wire: WireEvent) -> Result<Event> {
    Event::from_wire(wire).map_err(Error::invalid)
}

/// Every action this factdesk knows, by name.
pub(crate) fn known_actions() -> Vec<&'static str> {
    Action::ALL.iter().map(|a| a.as_str()).collect()
}

/// Whether this factdesk knows how to apply an action.
pub(crate) fn is_known_action(action: &str) -> bool {
    Action::from_name(action).is_some()
}

/// The canonical order (the [`Ord`] of [`Event`]) as an SQL expression over the `events` table,
/// for `ORDER BY`: the phase (sources; their renames; claims; evidence and links; every later
/// change), then time, then event id. A test holds it equal to the `Ord`.
pub(crate) const CANONICAL_ORDER: &str = "CASE action WHEN 'source.add' THEN 0 \
     WHEN 'source.rename' THEN 1 WHEN 'claim.add' THEN 2 WHEN 'evidence.add' THEN 3 \
     WHEN 'link.add' THEN 3 ELSE 4 END, at, id";

impl super::Store {
    /// The store as its event log rebuilds it — every event, or those up to and including the
    /// time `until` — as a new in-memory store holding those events too. Tests compare
    /// `as_of` (which rebuilds only what changed) with it.
    #[cfg(test)]
    pub(crate) fn replayed(&self, until: Option<&str>) -> Result<super::Store> {
        self.replayed_records(until, None, true)
    }

    /// [`Store::replayed`], limited to the records named in the temporary table `scope`
    /// (a `record_id` column) when one is given, and keeping the events themselves only when
    /// `keep_events` (history, comments and activity need them; a comparison does not).
    pub(crate) fn replayed_records(
        &self,
        until: Option<&str>,
        scope: Option<&str>,
        keep_events: bool,
    ) -> Result<super::Store> {
        // The rebuild goes to a private temporary file: memory stays bounded however much of
        // the store it holds.
        let rebuilt = super::Store::open_scratch()?
            .with_author(self.author.clone())
            .with_clock(self.clock.clone());
        self.replay_into(rebuilt, until, scope, keep_events)
    }

    /// A store rebuilt from `events`, given in the canonical order, for comparing with a
    /// store's tables row by row (`verify`, which reads the events on another thread): a
    /// private temporary file without the secondary indexes that only the reports need, which
    /// would otherwise cost most of the time of rebuilding a large store.
    pub(crate) fn rebuilt_for_comparison(
        events: impl IntoIterator<Item = Event>,
    ) -> Result<super::Store> {
        let mut rebuilt = super::Store::open_scratch()?;
        let secondary: Vec<String> = rebuilt
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                   AND tbl_name IN ('claims', 'claim_tags', 'evidence', 'verdicts', 'assignments',
                                    'proposed_verdicts', 'events')",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for index in secondary {
            rebuilt.conn.execute_batch(&format!("DROP INDEX {index}"))?;
        }
        let tx = rebuilt.conn.transaction()?;
        let sources = SourceKeys::default();
        for event in events {
            replay_one(&tx, &event, Upkeep::DeferredNew, false, &sources)?;
        }
        tx.commit()?;
        super::projection::refresh_search_context(rebuilt.conn(), "")?;
        Ok(rebuilt)
    }

    fn replay_into(
        &self,
        mut rebuilt: super::Store,
        until: Option<&str>,
        scope: Option<&str>,
        keep_events: bool,
    ) -> Result<super::Store> {
        let tx = rebuilt.conn.transaction()?;
        // Every `config.set` is replayed and kept, whatever the scope: whether a verdict stood
        // or waited for review depends on the settings at its moment.
        let in_scope = match scope {
            Some(table) => format!(
                "AND (record_id IN (SELECT record_id FROM temp.{table}) OR action = 'config.set')"
            ),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE (?1 IS NULL OR at <= ?1) {in_scope}
              ORDER BY {CANONICAL_ORDER}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([until])?;
        let sources = SourceKeys::default();
        while let Some(row) = rows.next()? {
            replay_one(
                &tx,
                &event_from_row(row, 0)?,
                Upkeep::DeferredNew,
                keep_events,
                &sources,
            )?;
        }
        tx.commit()?;
        Ok(rebuilt)
    }
}

/// Projects one event of a replay into `conn`, keeping the event itself when `keep_event` — and
/// always a `config.set`: whether a later verdict stood or waited for review is read from the
/// settings events before it.
fn replay_one(
    conn: &Connection,
    event: &Event,
    upkeep: Upkeep,
    keep_event: bool,
    sources: &SourceKeys,
) -> Result<()> {
    project(conn, event, upkeep, sources)?;
    if keep_event || event.action() == Action::SettingSet {
        insert_event_if_new(conn, &event.to_wire(), None)?;
    }
    Ok(())
}

/// How an event reached this store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// A change made in this store.
    Here,
    /// An event imported from another store's bundle.
    Bundle,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Here => "here",
            Via::Bundle => "bundle",
        }
    }
}

/// What a store records about an event it appends to its own log: the next link of its hash
/// chain, when it wrote the event by its own clock, and how the event came.
pub(crate) struct Arrival<'a> {
    pub chain: &'a str,
    pub written_at: &'a str,
    pub via: Via,
}

/// An event's stored columns as text, its change the JSON text the log keeps: what appending
/// an event from a staged bundle needs, without parsing the change and writing it out again.
pub(crate) struct EventText<'a> {
    pub id: &'a str,
    pub at: &'a str,
    pub author: &'a str,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: &'a str,
    pub change: &'a str,
    pub hash: &'a str,
}

impl<'a> EventText<'a> {
    /// `event`'s columns, with its change written out as `change`.
    pub(crate) fn of(event: &'a WireEvent, change: &'a str) -> EventText<'a> {
        EventText {
            id: &event.id,
            at: &event.at,
            author: &event.author,
            action: &event.action,
            record_kind: &event.record_kind,
            record_id: &event.record_id,
            change,
            hash: &event.hash,
        }
    }
}

/// Inserts an event exactly as given (its id, time, author and hash kept) unless one with its
/// id is already stored; returns whether it was inserted. `arrival` is what the store records
/// beside it (absent in a scratch rebuild, which keeps events only to read them).
pub(crate) fn insert_event_if_new(
    conn: &Connection,
    event: &WireEvent,
    arrival: Option<Arrival>,
) -> Result<bool> {
    let change = event.change.to_string();
    insert_event_text_if_new(conn, &EventText::of(event, &change), arrival)
}

/// [`insert_event_if_new`] for an event given as its stored text.
pub(crate) fn insert_event_text_if_new(
    conn: &Connection,
    event: &EventText,
    arrival: Option<Arrival>,
) -> Result<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash,
                                 chain, written_at, via)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            event.id,
            event.at,
            event.author,
            event.action,
            event.record_kind,
            event.record_id,
            event.change,
            event.hash,
            arrival.as_ref().map(|a| a.chain),
            arrival.as_ref().map(|a| a.written_at),
            arrival.as_ref().map(|a| a.via.as_str()),
        ])?;
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_canonical_order_agrees_with_the_order_of_events() {
        let store = super::super::Store::open_in_memory().unwrap();
        let conn = store.conn();
        // Every action twice, with times running against the phases and ties broken by id.
        conn.execute_batch("CREATE TEMP TABLE temp_events (id TEXT, at TEXT, action TEXT)")
            .unwrap();
        let mut expected = Vec::new();
        for (i, action) in Action::ALL.iter().enumerate() {
            for copy in ["b", "a"] {
                let id = format!("{copy}{i:02}");
                let at = format!("2024-09-{:02}", 30 - i / 2);
                conn.execute(
                    "INSERT INTO temp_events (id, at, action) VALUES (?1, ?2, ?3)",
                    params![id, at, action.as_str()],
                )
                .unwrap();
                expected.push((action.phase(), at, id));
            }
        }
        // `Event`'s `Ord` compares exactly this key (see history::event).
        expected.sort();
        let expected: Vec<String> = expected.into_iter().map(|(_, _, id)| id).collect();
        let sql = format!("SELECT id FROM temp_events ORDER BY {CANONICAL_ORDER}");
        let order: Vec<String> = conn
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(order, expected);
    }
}
