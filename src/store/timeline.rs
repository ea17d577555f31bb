//! The store at any moment, and what changed between two: `--as-of` rebuilds the store from the
//! events up to a time (see [`super::replay`]); `diff` compares two such moments for the claims
//! the events between them touched. Reads only: the rebuilt stores live in memory.

use std::collections::{BTreeMap, HashMap};

use super::Store;
use super::replay::{EVENT_COLUMNS, StoredEvent};
use crate::error::Result;
use crate::model::{Claim, ClaimChange, DayEdge, parse_instant};

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
fn claims_of(event: &StoredEvent) -> Vec<String> {
    let field = |key: &str| {
        event
            .change
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    match event.record_kind.as_str() {
        "claim" => vec![event.record_id.clone()],
        "evidence" => field("claim").into_iter().collect(),
        "link" => field("from").into_iter().chain(field("to")).collect(),
        _ => Vec::new(),
    }
}

impl Store {
    /// The store as it stood at `moment` (a date means the end of that day), rebuilt from the
    /// event log into memory: every report and listing can be read from it.
    pub fn as_of(&self, moment: &str) -> Result<Store> {
        self.replayed(Some(&parse_instant(moment, DayEdge::End)?))
    }

    /// What changed from `since` (inclusive) to `until` (inclusive; now when absent): claims
    /// added, statuses that moved, verdicts given, changed or withdrawn — and by whom.
    pub fn diff(&self, since: &str, until: Option<&str>) -> Result<Vec<ClaimChange>> {
        let since = parse_instant(since, DayEdge::Start)?;
        let until = until.map(|u| parse_instant(u, DayEdge::End)).transpose()?;
        // The events in the window, and the claims they touched with who touched them.
        let mut touched: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE at >= ?1 AND (?2 IS NULL OR at <= ?2)
              ORDER BY at, id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params![since, until])?;
        while let Some(row) = rows.next()? {
            let event = StoredEvent::from_row(row)?;
            for claim in claims_of(&event) {
                let (by, at) = touched.entry(claim).or_default();
                if !by.contains(&event.author) {
                    by.push(event.author.clone());
                }
                *at = event.at.clone();
            }
        }
        drop(rows);
        drop(stmt);
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
            match was.get(id) {
                None => changes.push(row("added", None, Some(claim.status.to_string()))),
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
        changes.sort_by(|a, b| (&a.at, &a.claim_id).cmp(&(&b.at, &b.claim_id)));
        Ok(changes)
    }
}
