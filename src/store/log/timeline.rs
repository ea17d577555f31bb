//! The store at any moment, and what changed between two.
//!
//! `--as-of T` must answer in seconds on a store of a million events, so it does not replay the
//! whole log. It shadows the store's tables, for this connection only, with temporary views
//! (SQLite resolves a name to a `temp` object first): records created after T are left out,
//! and the few records changed after T are rebuilt from their events up to T by replaying them
//! (see [`super::replay`]) and shown in place of their current rows. Every other row is the
//! current one, which is what its events say — `factdesk verify` is the check of that. The
//! derived views (status, disputed, …) are recreated over the shadows, so every report and
//! listing reads the store as it stood, unchanged. A store opened as of a time refuses writes.
//!
//! `diff` compares two such moments for the claims the events between them touched, rebuilding
//! just those claims and what their status depends on. Reads only.

use std::collections::{BTreeMap, HashMap};

use rusqlite::OptionalExtension;

use super::Store;
use super::projection::{PROJECTED_TABLES, Rows};
use super::replay::{EVENT_COLUMNS, event_from_row};
use crate::error::{Error, Result};
use crate::history::{Change, Event};
use crate::model::{Claim, ClaimChange, DayEdge, RecordKind};

/// The stored form of the instant just before `at` (one millisecond earlier).
fn just_before(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            (t - chrono::Duration::milliseconds(1))
                .with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// The claims an event bears on: its own record, or the claims its evidence or link is about.
fn claims_of(event: &Event) -> Vec<String> {
    if event.record_kind() == RecordKind::Claim {
        return vec![event.record_id.clone()];
    }
    event
        .change
        .claims_referred_to()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The tables that records changed after the moment are rebuilt into — the projected tables
/// whose rows change after a record's creation: (table, the column the record is known by).
fn shadowed() -> impl Iterator<Item = (&'static str, &'static str)> {
    PROJECTED_TABLES
        .iter()
        .filter(|t| t.changed_later)
        .map(|t| match t.rows {
            Rows::Own(column) => (t.name, column),
            Rows::OfClaim => (t.name, "claim_pk"),
        })
}

/// Copies the rebuilt rows of changed records from `rebuilt` into this connection's
/// `temp.asof_*` tables, turning the rebuilt store's keys into this store's.
fn copy_rebuilt_rows(conn: &rusqlite::Connection, rebuilt: &Store) -> Result<()> {
    let changed: Vec<(String, String)> = conn
        .prepare("SELECT record_id, record_kind FROM temp.asof_changed")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let from = rebuilt.conn();
    for (id, kind) in changed {
        match kind.as_str() {
            "claim" => {
                let row = from
                    .query_row(
                        "SELECT c.text, cl.id, rb.id, c.stance, c.url, c.quote, c.claim_date,
                                c.created_at, c.created_by, c.search_context, c.retracted_at,
                                c.retracted_by, c.retraction_note, c.pk
                           FROM claims c LEFT JOIN sources cl ON cl.pk = c.claimant_pk
                           LEFT JOIN sources rb ON rb.pk = c.reported_by_pk WHERE c.id = ?1",
                        [&id],
                        |r| {
                            Ok((
                                (0..13)
                                    .map(|i| r.get::<_, Option<String>>(i))
                                    .collect::<rusqlite::Result<Vec<_>>>()?,
                                r.get::<_, i64>(13)?,
                            ))
                        },
                    )
                    .optional()?;
                // A claim changed after the moment existed at it, so the rebuild has it.
                let Some((v, rebuilt_pk)) = row else { continue };
                conn.execute(
                    "INSERT INTO temp.asof_claims (pk, id, text, claimant_pk, reported_by_pk, stance,
                         url, quote, claim_date, created_at, created_by, search_context, title,
                         retracted_at, retracted_by, retraction_note)
                     VALUES ((SELECT pk FROM main.claims WHERE id = ?1), ?1, ?2,
                             (SELECT pk FROM main.sources WHERE id = ?3),
                             (SELECT pk FROM main.sources WHERE id = ?4), ?5, ?6, ?7, ?8, ?9, ?10,
                             ?11, substr(?2, 1, 100), ?12, ?13, ?14)",
                    rusqlite::params![
                        id, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                        v[11], v[12]
                    ],
                )?;
                let pk = "(SELECT pk FROM main.claims WHERE id = ?1)";
                let mut tags = from.prepare("SELECT tag FROM claim_tags WHERE claim_pk = ?1")?;
                for tag in tags.query_map([rebuilt_pk], |r| r.get::<_, String>(0))? {
                    conn.execute(
                        &format!(
                            "INSERT INTO temp.asof_claim_tags (claim_pk, tag) VALUES ({pk}, ?2)"
                        ),
                        rusqlite::params![id, tag?],
                    )?;
                }
                for (table, columns) in [
                    (
                        "verdicts",
                        "verdict, rationale, given_at, given_by, reviewed_by, reviewed_at",
                    ),
                    (
                        "proposed_verdicts",
                        "verdict, rationale, proposed_at, proposed_by, proposed_from",
                    ),
                    ("assignments", "assignee, assigned_at, assigned_by"),
                ] {
                    let count = columns.split(", ").count();
                    let row = from
                        .query_row(
                            &format!("SELECT {columns} FROM {table} WHERE claim_pk = ?1"),
                            [rebuilt_pk],
                            |r| {
                                (0..count)
                                    .map(|i| r.get::<_, Option<String>>(i))
                                    .collect::<rusqlite::Result<Vec<_>>>()
                            },
                        )
                        .optional()?;
                    if let Some(values) = row {
                        let slots: Vec<String> = (2..count + 2).map(|i| format!("?{i}")).collect();
                        let sql = format!(
                            "INSERT INTO temp.asof_{table} (claim_pk, {columns}) VALUES ({pk}, {})",
                            slots.join(", ")
                        );
                        let mut args: Vec<Option<String>> = vec![Some(id.clone())];
                        args.extend(values);
                        conn.execute(&sql, rusqlite::params_from_iter(args))?;
                    }
                }
            }
            "link" => {
                let row = from
                    .query_row(
                        "SELECT f.id, t.id, l.relation, l.note, l.created_at, l.created_by,
                                l.removed_at, l.removed_by
                           FROM links l JOIN claims f ON f.pk = l.from_pk
                           JOIN claims t ON t.pk = l.to_pk WHERE l.id = ?1",
                        [&id],
                        |r| {
                            (0..8)
                                .map(|i| r.get::<_, Option<String>>(i))
                                .collect::<rusqlite::Result<Vec<_>>>()
                        },
                    )
                    .optional()?;
                let Some(v) = row else { continue };
                conn.execute(
                    "INSERT INTO temp.asof_links (pk, id, from_pk, to_pk, relation, note, created_at,
                         created_by, removed_at, removed_by)
                     VALUES ((SELECT pk FROM main.links WHERE id = ?1), ?1,
                             (SELECT pk FROM main.claims WHERE id = ?2),
                             (SELECT pk FROM main.claims WHERE id = ?3), ?4, ?5, ?6, ?7, ?8, ?9)",
                    rusqlite::params![id, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]],
                )?;
            }
            "evidence" => {
                let row = from
                    .query_row(
                        "SELECT c.id, e.stance, s.id, e.url, e.quote, e.note, e.created_at,
                                e.created_by, e.logged_at, e.retracted_at, e.retracted_by,
                                e.retraction_note
                           FROM evidence e JOIN claims c ON c.pk = e.claim_pk
                           LEFT JOIN sources s ON s.pk = e.source_pk WHERE e.id = ?1",
                        [&id],
                        |r| {
                            (0..12)
                                .map(|i| r.get::<_, Option<String>>(i))
                                .collect::<rusqlite::Result<Vec<_>>>()
                        },
                    )
                    .optional()?;
                let Some(v) = row else { continue };
                conn.execute(
                    "INSERT INTO temp.asof_evidence (pk, id, claim_pk, stance, source_pk, url, quote,
                         note, created_at, created_by, logged_at, retracted_at, retracted_by,
                         retraction_note)
                     VALUES ((SELECT pk FROM main.evidence WHERE id = ?1), ?1,
                             (SELECT pk FROM main.claims WHERE id = ?2), ?3,
                             (SELECT pk FROM main.sources WHERE id = ?4), ?5, ?6, ?7, ?8, ?9,
                             ?10, ?11, ?12, ?13)",
                    rusqlite::params![
                        id, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                        v[11]
                    ],
                )?;
            }
            "source" => {
                let row = from
                    .query_row(
                        "SELECT s.name, s.name_key, s.kind, s.url, s.note, s.created_at,
                                s.created_by, s.logged_at, m.id
                           FROM sources s LEFT JOIN sources m ON m.pk = s.merged_into_pk
                          WHERE s.id = ?1",
                        [&id],
                        |r| {
                            (0..9)
                                .map(|i| r.get::<_, Option<String>>(i))
                                .collect::<rusqlite::Result<Vec<_>>>()
                        },
                    )
                    .optional()?;
                let Some(v) = row else { continue };
                conn.execute(
                    "INSERT INTO temp.asof_sources (pk, id, name, name_key, kind, url, note,
                         created_at, created_by, logged_at, merged_into_pk)
                     VALUES ((SELECT pk FROM main.sources WHERE id = ?1), ?1, ?2, ?3, ?4, ?5,
                             ?6, ?7, ?8, ?9, (SELECT pk FROM main.sources WHERE id = ?10))",
                    rusqlite::params![id, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]],
                )?;
            }
            "store" => {
                let row = from
                    .query_row(
                        "SELECT value, set_at, set_by FROM settings WHERE key = ?1",
                        [&id],
                        |r| {
                            Ok((
                                r.get::<_, String>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, String>(2)?,
                            ))
                        },
                    )
                    .optional()?;
                if let Some((value, at, by)) = row {
                    conn.execute(
                        "INSERT INTO temp.asof_settings (key, value, set_at, set_by) VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![id, value, at, by],
                    )?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

impl Store {
    /// The store as it stood at `moment` (a date means the end of that day), for reading: every
    /// report and listing of the returned store answers as of then. It refuses writes.
    pub fn as_of(mut self, moment: &str) -> Result<Store> {
        let at = self.instant(moment, DayEdge::End)?;
        let conn = self.conn();
        // The records that existed at the moment and changed after it: found through the
        // events that change rather than create (the partial index events_changes).
        conn.execute_batch(
            "CREATE TEMP TABLE asof_changed (record_id TEXT PRIMARY KEY, record_kind TEXT) WITHOUT ROWID;
             CREATE TEMP TABLE asof_scope (record_id TEXT PRIMARY KEY) WITHOUT ROWID;",
        )?;
        conn.execute(
            "INSERT OR IGNORE INTO temp.asof_changed
                 SELECT record_id, record_kind FROM main.events
                  WHERE at > ?1
                    AND action <> 'source.add' AND action <> 'claim.add'
                    AND action <> 'evidence.add' AND action <> 'link.add'
                    AND record_kind IN ('claim', 'evidence', 'link', 'store', 'source')",
            [&at],
        )?;
        // A source merged or unmerged after the moment moves the claims and evidence that name
        // it, or a source merged into it: they are rebuilt as they stood too.
        conn.execute(
            "WITH RECURSIVE moved (pk) AS (
                 SELECT pk FROM main.sources WHERE id IN (
                     SELECT record_id FROM main.events
                      WHERE at > ?1 AND action IN ('source.merge', 'source.unmerge')
                        -- the partial index `events_changes`, not every event after the moment
                        AND action <> 'source.add' AND action <> 'claim.add'
                        AND action <> 'evidence.add' AND action <> 'link.add')
                 -- and the sources merged into those, whose claims followed them
                 UNION SELECT s.pk FROM main.sources s JOIN moved m ON s.merged_into_pk = m.pk)
             INSERT OR IGNORE INTO temp.asof_changed
                 SELECT id, 'claim' FROM main.claims WHERE claimant_pk IN moved
                 UNION SELECT id, 'claim' FROM main.claims WHERE claimant_named_pk IN moved
                 UNION SELECT id, 'claim' FROM main.claims WHERE reported_by_pk IN moved
                 UNION SELECT id, 'claim' FROM main.claims WHERE reported_by_named_pk IN moved
                 UNION SELECT id, 'evidence' FROM main.evidence WHERE source_pk IN moved
                 UNION SELECT id, 'evidence' FROM main.evidence WHERE source_named_pk IN moved",
            [&at],
        )?;
        let changed: i64 =
            conn.query_row("SELECT count(*) FROM temp.asof_changed", [], |r| r.get(0))?;
        for (table, _) in shadowed() {
            conn.execute_batch(&format!(
                "CREATE TEMP TABLE asof_{table} AS SELECT * FROM main.{table} WHERE 0;"
            ))?;
        }
        if changed > 0 {
            // Rebuild them (with the sources, and the claims their links join) up to the moment.
            conn.execute(
                "INSERT OR IGNORE INTO temp.asof_scope
                     SELECT record_id FROM temp.asof_changed
                     UNION SELECT id FROM main.sources
                     UNION SELECT c.id FROM main.links l
                             JOIN main.claims c ON c.pk IN (l.from_pk, l.to_pk)
                      WHERE l.id IN (SELECT record_id FROM temp.asof_changed)
                     UNION SELECT c.id FROM main.evidence e
                             JOIN main.claims c ON c.pk = e.claim_pk
                      WHERE e.id IN (SELECT record_id FROM temp.asof_changed)",
                [],
            )?;
            let rebuilt = self.replayed_records(Some(&at), Some("asof_scope"), false)?;
            copy_rebuilt_rows(self.conn(), &rebuilt)?;
        }
        let conn = self.conn();
        // The changed claims and links by key: the views test every row against these.
        conn.execute_batch(
            "CREATE TEMP TABLE asof_changed_sources (pk INTEGER PRIMARY KEY);
             INSERT INTO temp.asof_changed_sources SELECT pk FROM main.sources
              WHERE id IN (SELECT record_id FROM temp.asof_changed);
             CREATE TEMP TABLE asof_changed_claims (pk INTEGER PRIMARY KEY);
             CREATE TEMP TABLE asof_changed_links (pk INTEGER PRIMARY KEY);
             CREATE TEMP TABLE asof_changed_evidence (pk INTEGER PRIMARY KEY);
             INSERT INTO temp.asof_changed_evidence SELECT pk FROM main.evidence
              WHERE id IN (SELECT record_id FROM temp.asof_changed);
             INSERT INTO temp.asof_changed_claims SELECT pk FROM main.claims
              WHERE id IN (SELECT record_id FROM temp.asof_changed);
             INSERT INTO temp.asof_changed_links SELECT pk FROM main.links
              WHERE id IN (SELECT record_id FROM temp.asof_changed);",
        )?;
        // `at` is a time factdesk formatted (digits, dashes, colons, T, Z): safe inside SQL.
        let then = format!("'{at}'");
        let changed_claims = "SELECT pk FROM temp.asof_changed_claims";
        let claim_existed = format!(
            "EXISTS (SELECT 1 FROM main.claims c WHERE c.pk = claim_pk AND c.logged_at <= {then})"
        );
        let mut views = vec![format!(
            "CREATE TEMP VIEW events AS SELECT * FROM main.events WHERE at <= {then}"
        )];
        for (table, key) in shadowed() {
            let current = match key {
                "claim_pk" => format!("claim_pk NOT IN ({changed_claims}) AND {claim_existed}"),
                "key" => "key NOT IN (SELECT record_id FROM temp.asof_changed)".to_string(),
                _ => format!(
                    "logged_at <= {then} AND pk NOT IN (SELECT pk FROM temp.asof_changed_{table})"
                ),
            };
            // Rows rebuilt as they stood join the current ones. With none, the view stays a
            // plain filter, which SQLite flattens into every query, so lookups by key keep
            // their index (a view with a UNION ALL would not: every report joins sources).
            let rebuilt: bool = conn.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM temp.asof_{table})"),
                [],
                |r| r.get(0),
            )?;
            let rebuilt_rows = if rebuilt {
                format!(" UNION ALL SELECT * FROM temp.asof_{table}")
            } else {
                String::new()
            };
            views.push(format!(
                "CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE {current}{rebuilt_rows}"
            ));
        }
        // The derived views, over the shadows: the same definitions, made temporary.
        let derived: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM main.sqlite_schema WHERE type = 'view' ORDER BY rowid")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, sql) in derived {
            let body = sql
                .split_once(" AS")
                .map(|(_, body)| body)
                .ok_or_else(|| crate::error::Error::store(format!("cannot read view {name}")))?;
            views.push(format!("CREATE TEMP VIEW {name} AS{body}"));
        }
        for view in views {
            conn.execute_batch(&view)?;
        }
        self.as_of = Some(at);
        Ok(self)
    }

    /// What changed from `since` (inclusive) to `until` (inclusive; now when absent): claims
    /// added, statuses that moved, verdicts given, changed or withdrawn — and by whom.
    pub fn diff(&self, since: &str, until: Option<&str>) -> Result<Vec<ClaimChange>> {
        let since_given = since;
        let since = self.instant(since, DayEdge::Start)?;
        let until_given = until;
        let until = until.map(|u| self.instant(u, DayEdge::End)).transpose()?;
        if let (Some(until), Some(given)) = (&until, until_given)
            && *until < since
        {
            return Err(Error::usage(format!(
                "--until {given} is before --since {since_given}: nothing can lie between them \
                 (swap them?)"
            )));
        }
        // The events in the window, and the claims they touched with who touched them.
        let mut touched: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE at >= ?1 AND (?2 IS NULL OR at <= ?2)
              ORDER BY at, id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params![since, until])?;
        // A verdict moves the status of the claims contradicting it too (a contradicts link to
        // a refuted claim stands for the claim at its other end), so those count as touched.
        let mut contradicting = self.conn().prepare(
            "SELECT o.id FROM claims c
               JOIN links l ON c.pk IN (l.from_pk, l.to_pk) AND l.relation = 'contradicts'
               JOIN claims o ON o.pk IN (l.from_pk, l.to_pk) AND o.pk <> c.pk
              WHERE c.id = ?1",
        )?;
        while let Some(row) = rows.next()? {
            let event = event_from_row(row, 0)?;
            let mut claims = claims_of(&event);
            if matches!(
                event.change,
                Change::VerdictSet(_) | Change::VerdictCleared(_) | Change::ReviewApproved(_)
            ) {
                let others = contradicting
                    .query_map([&event.record_id], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                claims.extend(others);
            }
            for claim in claims {
                let (by, at) = touched.entry(claim).or_default();
                if !by.contains(&event.author) {
                    by.push(event.author.clone());
                }
                *at = event.at.clone();
            }
        }
        drop(rows);
        drop(stmt);
        drop(contradicting);
        if touched.is_empty() {
            return Ok(Vec::new());
        }
        // Rebuild only what those claims' status depends on: their evidence and links, the
        // claims at the other end of the links, and the sources.
        let conn = self.conn();
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS diff_claims (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
             CREATE TEMP TABLE IF NOT EXISTS diff_scope (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
             DELETE FROM temp.diff_claims; DELETE FROM temp.diff_scope;",
        )?;
        {
            let mut insert =
                conn.prepare("INSERT OR IGNORE INTO temp.diff_claims (record_id) VALUES (?1)")?;
            for claim in touched.keys() {
                insert.execute([claim])?;
            }
        }
        conn.execute_batch(
            "INSERT OR IGNORE INTO temp.diff_scope SELECT record_id FROM temp.diff_claims;
             INSERT OR IGNORE INTO temp.diff_scope SELECT id FROM sources;
             INSERT OR IGNORE INTO temp.diff_scope
                 SELECT e.id FROM evidence e JOIN claims c ON c.pk = e.claim_pk
                  WHERE c.id IN (SELECT record_id FROM temp.diff_claims);
             INSERT OR IGNORE INTO temp.diff_scope
                 SELECT l.id FROM links l JOIN claims c ON c.pk IN (l.from_pk, l.to_pk)
                  WHERE c.id IN (SELECT record_id FROM temp.diff_claims);
             INSERT OR IGNORE INTO temp.diff_scope
                 SELECT o.id FROM links l JOIN claims c ON c.pk IN (l.from_pk, l.to_pk)
                   JOIN claims o ON o.pk IN (l.from_pk, l.to_pk)
                  WHERE c.id IN (SELECT record_id FROM temp.diff_claims);",
        )?;
        let before =
            self.replayed_records(Some(&just_before(&since)), Some("diff_scope"), false)?;
        let after = self.replayed_records(until.as_deref(), Some("diff_scope"), false)?;
        let claims_in = |store: &Store| -> Result<HashMap<String, Claim>> {
            let mut found = HashMap::new();
            for id in touched.keys() {
                if let Ok(claim) = store.claim(id) {
                    found.insert(id.clone(), claim);
                }
            }
            Ok(found)
        };
        let was = claims_in(&before)?;
        let now = claims_in(&after)?;
        let mut changes = Vec::new();
        for (id, (by, at)) in &touched {
            let Some(claim) = now.get(id) else { continue };
            let row = |change: &str, before: Option<String>, after: Option<String>| ClaimChange {
                claim_id: id.clone(),
                text: claim.text.clone(),
                change: change.into(),
                before,
                after,
                by: by.clone(),
                at: at.clone(),
            };
            let verdict = |c: &Claim| c.verdict.map(|v| v.to_string());
            let retraction = |c: &Claim| c.retracted.as_ref().map(|r| r.note.clone());
            match was.get(id) {
                None => changes.push(row("added", None, Some(claim.status.to_string()))),
                Some(old) if retraction(old) != retraction(claim) => {
                    let change = if claim.retracted.is_some() {
                        "retracted"
                    } else {
                        "restored"
                    };
                    changes.push(row(change, retraction(old), retraction(claim)));
                }
                Some(old) if verdict(old) != verdict(claim) => {
                    changes.push(row("verdict", verdict(old), verdict(claim)));
                }
                Some(old) if old.status != claim.status => changes.push(row(
                    "status",
                    Some(old.status.to_string()),
                    Some(claim.status.to_string()),
                )),
                Some(_) => {}
            }
        }
        // By when they changed, then in the order the claims were logged.
        let logged = |c: &ClaimChange| now.get(&c.claim_id).map(|claim| claim.created_at.clone());
        changes
            .sort_by(|a, b| (&a.at, logged(a), &a.claim_id).cmp(&(&b.at, logged(b), &b.claim_id)));
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClaimEdit, Relation, Status, VerdictKind};
    use crate::store::testing::*;
    use crate::store::{Clock, NetworkFs, OpenMode};
    use proptest::prelude::*;

    fn open(path: &std::path::Path) -> Store {
        Store::open(path, OpenMode::CreateIfMissing, NetworkFs::Allow)
            .unwrap()
            .with_author("ana")
    }

    /// The story as the desk logged it: the allegation at 1 s, the denial at 2 s, the
    /// contradiction at 3 s, an edit at 4 s, a verdict at 5 s, the link removed at 6 s.
    fn story(path: &std::path::Path) -> (String, String) {
        let mut store = open(path);
        store.set_clock(at(1));
        let allegation = store
            .log_claim(&claim(
                "Iran supplied Russia with ballistic missiles",
                "U.S. officials",
            ))
            .unwrap();
        store.set_clock(at(2));
        let denial = store
            .log_claim(&claim(
                "Iran has not provided weapons",
                "Iranian Mission to the UN",
            ))
            .unwrap();
        store.set_clock(at(3));
        let link = store
            .add_link(&denial, &allegation, Relation::Contradicts, None)
            .unwrap();
        store.set_clock(at(4));
        store
            .edit_claim(
                &allegation,
                &ClaimEdit {
                    text: Some("Iran supplied Russia with short-range ballistic missiles".into()),
                    ..ClaimEdit::default()
                },
            )
            .unwrap();
        store.set_clock(at(5));
        store
            .set_verdict(&denial, VerdictKind::Refuted, "Satellite images")
            .unwrap();
        store.set_clock(at(6));
        store.remove_link(&link.id).unwrap();
        (allegation, denial)
    }

    fn moment(second: u32) -> String {
        match at(second) {
            Clock::Fixed(t) => t,
            Clock::System => unreachable!(),
        }
    }

    #[test]
    fn the_store_as_of_a_moment_shows_what_was_known_then() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let (allegation, denial) = story(&path);
        let then = open(&path).as_of(&moment(3)).unwrap();
        let then_allegation = then.claim(&allegation).unwrap();
        assert_eq!(
            then_allegation.text,
            "Iran supplied Russia with ballistic missiles"
        );
        assert_eq!(then_allegation.status, Status::Disputed);
        assert_eq!(then.claim(&denial).unwrap().verdict, None);
        assert_eq!(then.disputed(None).unwrap().len(), 2);
        assert_eq!(
            then.history(&Default::default()).unwrap().len(),
            5,
            "two sources, two claims, one link"
        );
        let err = open(&path)
            .as_of(&moment(1))
            .unwrap()
            .log_claim(&claim("x", "y"));
        assert!(err.unwrap_err().to_string().contains("is for reading"));

        let before = open(&path).as_of("2024-09-06").unwrap();
        assert!(before.claims(&Default::default()).unwrap().is_empty());
        let now = open(&path).as_of(&moment(99)).unwrap();
        assert_eq!(
            now.claim(&allegation).unwrap(),
            open(&path).claim(&allegation).unwrap()
        );
        assert!(now.disputed(None).unwrap().is_empty());
    }

    #[test]
    fn diff_lists_added_claims_moved_statuses_and_verdicts_by_whom() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let (allegation, denial) = story(&path);
        let changes = open(&path).diff(&moment(3), Some(&moment(5))).unwrap();
        let summary: Vec<(String, String, Option<String>, Option<String>)> = changes
            .iter()
            .map(|c| {
                (
                    c.claim_id.clone(),
                    c.change.clone(),
                    c.before.clone(),
                    c.after.clone(),
                )
            })
            .collect();
        // The link made the allegation disputed; refuting the denial that contradicts it then
        // counts that link for it (schema 8), so over the whole window its status is unchanged.
        assert_eq!(
            summary,
            vec![(
                denial.clone(),
                "verdict".into(),
                None,
                Some("refuted".into())
            )]
        );
        assert_eq!(changes[0].by, vec!["ana".to_string()]);
        let linked = open(&path).diff(&moment(3), Some(&moment(4))).unwrap();
        let mut moved: Vec<_> = linked
            .iter()
            .map(|c| {
                (
                    c.claim_id.as_str(),
                    c.change.as_str(),
                    c.before.as_deref(),
                    c.after.as_deref(),
                )
            })
            .collect();
        moved.sort();
        let mut expected = vec![
            (
                allegation.as_str(),
                "status",
                Some("unresolved"),
                Some("disputed"),
            ),
            (
                denial.as_str(),
                "status",
                Some("unresolved"),
                Some("disputed"),
            ),
        ];
        expected.sort();
        assert_eq!(moved, expected);
        let all = open(&path).diff("2024-09-07", None).unwrap();
        assert_eq!(all.iter().filter(|c| c.change == "added").count(), 2);
        assert!(open(&path).diff(&moment(7), None).unwrap().is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// `as_of` rebuilds only what changed after the moment; replaying the whole log up to
        /// it must give exactly the same store, whatever the work and the moment.
        #[test]
        fn as_of_equals_replaying_the_whole_log_up_to_the_moment(
            steps in proptest::collection::vec(step(), 1..30),
            cut in 0u32..32,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.db");
            let mut a = open(&path);
            let mut b = Store::open_in_memory().unwrap().with_author("bo");
            for (i, step) in steps.iter().enumerate() {
                run(step, &mut a, &mut b, i as u32 + 1);
            }
            let mut a_now = open(&path);
            let b_bundle = bundle_of(&b);
            import(&mut a_now, &b_bundle).unwrap();
            drop(a_now);
            let moment = moment(cut);
            let shadowed = open(&path).as_of(&moment).unwrap();
            let replayed = open(&path).replayed(Some(&moment)).unwrap();
            prop_assert_eq!(fingerprint(&shadowed), fingerprint(&replayed));
        }
    }
}
