//! Replaying the event log: applying events, one at a time, to a store's tables.
//!
//! This is what makes the event log the source of truth. `verify` and `--as-of` replay it into
//! a fresh in-memory store; importing an event bundle replays the records the bundle touched.
//! Events are applied in the **canonical order** — [`phase`], then time, then event id — which
//! is the same in every store, so two stores holding the same events hold the same tables,
//! whatever order the events arrived in. The phase puts every record's creation before whatever
//! refers to it, even when clocks disagree: sources, then claims, then evidence and links, then
//! every later change. Within a phase the later event wins (for edits, verdicts, settings).
//!
//! Applying never records events and never touches the full-text index (the caller keeps it in
//! step); it must not be used for changes typed in — those go through the store's operations,
//! which validate them and record their events.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::source_key;

/// One event as stored (or as carried in a bundle).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub id: String,
    pub at: String,
    pub author: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub change: Value,
    pub hash: String,
}

/// The columns [`StoredEvent::from_row`] reads, in order.
pub(crate) const EVENT_COLUMNS: &str =
    "id, at, author, action, record_kind, record_id, change, hash";

impl StoredEvent {
    /// Reads the [`EVENT_COLUMNS`] of a row.
    pub(crate) fn from_row(row: &Row) -> rusqlite::Result<StoredEvent> {
        Self::from_row_at(row, 0)
    }

    /// Reads the [`EVENT_COLUMNS`] of a row, starting at column `first`.
    pub(crate) fn from_row_at(row: &Row, first: usize) -> rusqlite::Result<StoredEvent> {
        let change: String = row.get(first + 6)?;
        Ok(StoredEvent {
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

    fn text(&self, field: &str) -> Option<&str> {
        self.change.get(field).and_then(Value::as_str)
    }

    fn required(&self, field: &str) -> Result<&str> {
        self.text(field).ok_or_else(|| {
            Error::invalid(format!(
                "event {} ({}) has no '{field}'",
                self.id, self.action
            ))
        })
    }

    /// When and by whom the record was made: as an imported file said, else the event's own.
    fn logged(&self, at_field: &str, by_field: &str) -> (&str, &str) {
        (
            self.text(at_field).unwrap_or(&self.at),
            self.text(by_field).unwrap_or(&self.author),
        )
    }
}

/// Every action factdesk writes and replays.
const ACTIONS: &[&str] = &[
    "source.add",
    "claim.add",
    "evidence.add",
    "link.add",
    "claim.edit",
    "claim.assign",
    "claim.comment",
    "verdict.set",
    "verdict.clear",
    "verdict.propose",
    "review.approve",
    "review.reject",
    "link.remove",
    "config.set",
];

/// Every action this factdesk knows.
pub(crate) fn known_actions() -> Vec<&'static str> {
    ACTIONS.to_vec()
}

/// Whether this factdesk knows how to apply an action.
pub(crate) fn is_known_action(action: &str) -> bool {
    ACTIONS.contains(&action)
}

/// The canonical order as an SQL expression over the `events` table, for `ORDER BY`: the
/// phase (sources; claims; evidence and links; every later change), then time, then event id.
pub(crate) const CANONICAL_ORDER: &str = "CASE action WHEN 'source.add' THEN 0 \
     WHEN 'claim.add' THEN 1 WHEN 'evidence.add' THEN 2 WHEN 'link.add' THEN 2 ELSE 3 END, at, id";

fn claim_pk(conn: &Connection, event: &StoredEvent, id: &str) -> Result<i64> {
    conn.prepare_cached("SELECT pk FROM claims WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::invalid(format!(
                "event {} ({}) refers to claim {id}, which neither the store nor the events hold",
                event.id, event.action
            ))
        })
}

fn source_pk(conn: &Connection, event: &StoredEvent, name: Option<&str>) -> Result<Option<i64>> {
    let Some(name) = name else { return Ok(None) };
    let pk = conn
        .prepare_cached("SELECT pk FROM sources WHERE name_key = ?1")?
        .query_row([source_key(name)], |r| r.get(0))
        .optional()?;
    pk.map(Some).ok_or_else(|| {
        Error::invalid(format!(
            "event {} ({}) names source '{name}', which neither the store nor the events hold",
            event.id, event.action
        ))
    })
}

/// Applies one event to the tables of `conn`. Claims are upserted by id (a replayed
/// `claim.add` resets the claim's fields); everything else assumes the caller has removed
/// the rows it is about to rebuild.
pub(crate) fn apply(conn: &Connection, event: &StoredEvent) -> Result<()> {
    let e = event;
    match e.action.as_str() {
        "source.add" => {
            let name = e.required("name")?;
            let (at, by) = e.logged("created_at", "created_by");
            // The earliest creation wins, so the result does not depend on arrival order.
            conn.prepare_cached(
                "INSERT INTO sources (id, name, name_key, kind, url, note, created_at, created_by,
                                      logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                    url = excluded.url, note = excluded.note, created_at = excluded.created_at,
                    created_by = excluded.created_by,
                    logged_at = min(sources.logged_at, excluded.logged_at)
                 WHERE excluded.created_at < sources.created_at
                    OR (excluded.created_at = sources.created_at
                        AND excluded.created_by < sources.created_by)
                    OR excluded.logged_at < sources.logged_at",
            )?
            .execute(params![
                e.record_id,
                name,
                source_key(name),
                e.text("kind").unwrap_or("other"),
                e.text("url"),
                e.text("note"),
                at,
                by,
                e.at
            ])?;
        }
        "claim.add" => {
            let claimant = source_pk(conn, e, e.text("claimant"))?;
            let reported_by = source_pk(conn, e, e.text("reported_by"))?;
            let (at, by) = e.logged("created_at", "created_by");
            conn.prepare_cached(
                "INSERT INTO claims (id, text, claimant_pk, reported_by_pk, stance, url, quote,
                                     claim_date, created_at, created_by, logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET text = excluded.text,
                    claimant_pk = excluded.claimant_pk, reported_by_pk = excluded.reported_by_pk,
                    stance = excluded.stance, url = excluded.url, quote = excluded.quote,
                    claim_date = excluded.claim_date, created_at = excluded.created_at,
                    created_by = excluded.created_by, logged_at = excluded.logged_at",
            )?
            .execute(params![
                e.record_id,
                e.required("text")?,
                claimant,
                reported_by,
                e.text("stance").unwrap_or("asserts"),
                e.text("url"),
                e.text("quote"),
                e.text("date"),
                at,
                by,
                e.at
            ])?;
            let pk = claim_pk(conn, e, &e.record_id)?;
            conn.prepare_cached("DELETE FROM claim_tags WHERE claim_pk = ?1")?
                .execute([pk])?;
            add_tags(conn, pk, e.change.get("tags"))?;
        }
        "claim.edit" => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            for (field, column) in [
                ("text", "text"),
                ("stance", "stance"),
                ("url", "url"),
                ("quote", "quote"),
                ("date", "claim_date"),
            ] {
                if let Some(edit) = e.change.get(field) {
                    let sql = format!("UPDATE claims SET {column} = ?2 WHERE pk = ?1");
                    conn.prepare_cached(&sql)?
                        .execute(params![pk, edit.get("new").and_then(Value::as_str)])?;
                }
            }
            for (field, column) in [
                ("claimant", "claimant_pk"),
                ("reported_by", "reported_by_pk"),
            ] {
                if let Some(edit) = e.change.get(field) {
                    let source = source_pk(conn, e, edit.get("new").and_then(Value::as_str))?;
                    let sql = format!("UPDATE claims SET {column} = ?2 WHERE pk = ?1");
                    conn.prepare_cached(&sql)?.execute(params![pk, source])?;
                }
            }
            add_tags(conn, pk, e.change.get("tags_added"))?;
            for tag in tag_list(e.change.get("tags_removed")) {
                conn.prepare_cached("DELETE FROM claim_tags WHERE claim_pk = ?1 AND tag = ?2")?
                    .execute(params![pk, tag])?;
            }
        }
        "verdict.set" if e.text("import").is_none() && review_required_at(conn, e)? => {
            // Given while the desk required review (by someone whose store did not know it
            // yet, or in a crafted bundle): it does not stand, it waits for a second person.
            let pk = claim_pk(conn, e, &e.record_id)?;
            put_proposal(conn, pk, e)?;
        }
        "verdict.set" => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            let (at, by) = e.logged("given_at", "given_by");
            put_verdict(
                conn,
                pk,
                e.required("verdict")?,
                e.required("rationale")?,
                (at, by),
                None,
            )?;
        }
        "verdict.clear" => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            conn.prepare_cached("DELETE FROM verdicts WHERE claim_pk = ?1")?
                .execute([pk])?;
        }
        "verdict.propose" => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            put_proposal(conn, pk, e)?;
        }
        "review.approve" => {
            // The approval carries the verdict it approved, so it stands even where the
            // proposal was since replaced or withdrawn by someone who had not seen it.
            let pk = claim_pk(conn, e, &e.record_id)?;
            let given = (e.required("proposed_at")?, e.required("proposed_by")?);
            let reviewed = (e.at.as_str(), e.author.as_str());
            put_verdict(
                conn,
                pk,
                e.required("verdict")?,
                e.required("rationale")?,
                given,
                Some(reviewed),
            )?;
            conn.prepare_cached("DELETE FROM proposed_verdicts WHERE claim_pk = ?1")?
                .execute([pk])?;
        }
        "review.reject" => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            conn.prepare_cached("DELETE FROM proposed_verdicts WHERE claim_pk = ?1")?
                .execute([pk])?;
        }
        "claim.assign" => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            match e.text("assignee") {
                Some(assignee) => conn
                    .prepare_cached(
                        "INSERT INTO assignments (claim_pk, assignee, assigned_at, assigned_by)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (claim_pk) DO UPDATE SET assignee = excluded.assignee,
                            assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by",
                    )?
                    .execute(params![pk, assignee, e.at, e.author])?,
                None => conn
                    .prepare_cached("DELETE FROM assignments WHERE claim_pk = ?1")?
                    .execute([pk])?,
            };
        }
        "claim.comment" => {
            // A comment is its event; it only needs its claim to exist.
            claim_pk(conn, e, &e.record_id)?;
        }
        "evidence.add" => {
            let claim = claim_pk(conn, e, e.required("claim")?)?;
            let source = source_pk(conn, e, e.text("source"))?;
            let (at, by) = e.logged("created_at", "created_by");
            conn.prepare_cached(
                "INSERT INTO evidence (id, claim_pk, stance, source_pk, url, quote, note,
                                       created_at, created_by, logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                e.record_id,
                claim,
                e.required("stance")?,
                source,
                e.text("url"),
                e.text("quote"),
                e.text("note"),
                at,
                by,
                e.at
            ])?;
        }
        "link.add" => {
            let from = claim_pk(conn, e, e.required("from")?)?;
            let to = claim_pk(conn, e, e.required("to")?)?;
            let (at, by) = e.logged("created_at", "created_by");
            conn.prepare_cached(
                "INSERT INTO links (id, from_pk, to_pk, relation, note, created_at, created_by,
                                    logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                e.record_id,
                from,
                to,
                e.required("relation")?,
                e.text("note"),
                at,
                by,
                e.at
            ])?;
        }
        "link.remove" => {
            conn.prepare_cached(
                "UPDATE links SET removed_at = ?2, removed_by = ?3
                 WHERE id = ?1 AND removed_at IS NULL",
            )?
            .execute(params![e.record_id, e.at, e.author])?;
        }
        "config.set" => {
            conn.prepare_cached(
                "INSERT INTO settings (key, value, set_at, set_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                    set_at = excluded.set_at, set_by = excluded.set_by",
            )?
            .execute(params![e.record_id, e.required("value")?, e.at, e.author])?;
        }
        other => {
            return Err(Error::invalid(format!(
                "event {} has an action this factdesk does not know ('{other}'): \
                 it was written by a newer factdesk",
                e.id
            )));
        }
    }
    Ok(())
}

/// Whether the desk required review at the moment of `event`: the value of the last
/// `config.set` of `review.required` before it in the canonical order. Replays carry every
/// `config.set` event for this (see [`super::Store::replayed_records`]).
fn review_required_at(conn: &Connection, event: &StoredEvent) -> Result<bool> {
    let value: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT json_extract(change, '$.value') FROM events
              WHERE record_id = ?1 AND action = 'config.set'
                AND (at < ?2 OR (at = ?2 AND id < ?3))
              ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row(params![super::REVIEW_REQUIRED, event.at, event.id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(value.flatten().as_deref() == Some("true"))
}

/// Writes the verdict an event proposes as its claim's proposed verdict (replacing any).
fn put_proposal(conn: &Connection, claim_pk: i64, e: &StoredEvent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO proposed_verdicts (claim_pk, verdict, rationale, proposed_at, proposed_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (claim_pk) DO UPDATE SET verdict = excluded.verdict,
            rationale = excluded.rationale, proposed_at = excluded.proposed_at,
            proposed_by = excluded.proposed_by",
    )?
    .execute(params![
        claim_pk,
        e.required("verdict")?,
        e.required("rationale")?,
        e.at,
        e.author
    ])?;
    Ok(())
}

/// The strings of a JSON list of tags (none when absent).
fn tag_list(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// Adds the tags of a JSON list to a claim.
fn add_tags(conn: &Connection, claim_pk: i64, tags: Option<&Value>) -> Result<()> {
    for tag in tag_list(tags) {
        conn.prepare_cached("INSERT OR IGNORE INTO claim_tags (claim_pk, tag) VALUES (?1, ?2)")?
            .execute(params![claim_pk, tag])?;
    }
    Ok(())
}

/// Sets the search context of the claims that have evidence (and match `only`, an SQL
/// condition on `claims` that may be empty): their evidence's notes and quotes, one line each,
/// as schema/0002 first built it.
pub(crate) fn refresh_search_context(conn: &Connection, only: &str) -> Result<()> {
    // For some claims, start from them and ask each whether it has evidence. Written as
    // `pk IN (SELECT claim_pk FROM evidence) AND id IN (…)`, both IN lists drive the `(id, pk)`
    // index of `claims`: one seek per chosen claim *times* every claim with evidence in the
    // store, which made importing a bundle into a large store quadratic.
    if only.is_empty() {
        // Every claim (a rebuild from nothing): one pass over the evidence, grouped, rather
        // than a lookup per claim, which without the evidence_claim index (verify's rebuild
        // leaves it out) would read all the evidence once per claim.
        conn.execute_batch(
            "UPDATE claims SET search_context = g.context
               FROM (SELECT claim_pk, group_concat(coalesce(note, '') || ' ' || coalesce(quote, ''),
                                                   char(10)) AS context
                       FROM evidence GROUP BY claim_pk) AS g
              WHERE g.claim_pk = claims.pk",
        )?;
        return Ok(());
    }
    let with_evidence = "EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = claims.pk)";
    conn.execute_batch(&format!(
        "UPDATE claims SET search_context = (
             SELECT group_concat(coalesce(e.note, '') || ' ' || coalesce(e.quote, ''), char(10))
               FROM evidence e WHERE e.claim_pk = claims.pk)
          WHERE {with_evidence} {only}"
    ))?;
    Ok(())
}

/// Writes a claim's verdict row (replacing any), with who reviewed it when it was reviewed.
pub(crate) fn put_verdict(
    conn: &Connection,
    claim_pk: i64,
    verdict: &str,
    rationale: &str,
    given: (&str, &str),
    reviewed: Option<(&str, &str)>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO verdicts (claim_pk, verdict, rationale, given_at, given_by, reviewed_at, reviewed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (claim_pk) DO UPDATE SET verdict = excluded.verdict,
            rationale = excluded.rationale, given_at = excluded.given_at,
            given_by = excluded.given_by, reviewed_at = excluded.reviewed_at,
            reviewed_by = excluded.reviewed_by",
    )?
    .execute(params![
        claim_pk,
        verdict,
        rationale,
        given.0,
        given.1,
        reviewed.map(|r| r.0),
        reviewed.map(|r| r.1)
    ])?;
    Ok(())
}

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

    /// The whole store rebuilt from its history, for comparing with its tables row by row
    /// (`verify`): without the secondary indexes that only the reports need, which would
    /// otherwise cost most of the time of rebuilding a large store.
    pub(crate) fn replayed_for_comparison(&self) -> Result<super::Store> {
        let rebuilt = super::Store::open_scratch()?;
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
        let rebuilt = self.replay_into(rebuilt, None, None, false)?;
        refresh_search_context(rebuilt.conn(), "")?;
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
        while let Some(row) = rows.next()? {
            let event = StoredEvent::from_row(row)?;
            apply(&tx, &event)?;
            if keep_events || event.action == "config.set" {
                insert_event_if_new(&tx, &event, None)?;
            }
        }
        tx.commit()?;
        Ok(rebuilt)
    }
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

/// Inserts an event exactly as given (its id, time, author and hash kept) unless one with its
/// id is already stored; returns whether it was inserted. `arrival` is what the store records
/// beside it (absent in a scratch rebuild, which keeps events only to read them).
pub(crate) fn insert_event_if_new(
    conn: &Connection,
    event: &StoredEvent,
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
            event.change.to_string(),
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
    fn the_canonical_order_puts_creations_before_what_refers_to_them_then_time_then_id() {
        let store = super::super::Store::open_in_memory().unwrap();
        let conn = store.conn();
        // Every action once, with times running against the phases.
        conn.execute_batch("CREATE TEMP TABLE temp_events (id TEXT, at TEXT, action TEXT)")
            .unwrap();
        for (i, action) in ACTIONS.iter().enumerate() {
            conn.execute(
                "INSERT INTO temp_events (id, at, action) VALUES (?1, ?2, ?3)",
                params![format!("e{i:02}"), format!("2024-09-{:02}", 30 - i), action],
            )
            .unwrap();
        }
        let sql = format!("SELECT action FROM temp_events ORDER BY {CANONICAL_ORDER}");
        let order: Vec<String> = conn
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            &order[..4],
            ["source.add", "claim.add", "link.add", "evidence.add"]
        );
        // The later changes follow by time (here, the reverse of the list).
        let mut later: Vec<&str> = ACTIONS[4..].to_vec();
        later.reverse();
        assert_eq!(order[4..], later);
    }
}
