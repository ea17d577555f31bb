//! Event bundles: how two stores exchange work. A bundle is JSON lines — a header naming the
//! format and its version and how many events follow, then one event per line, exactly as
//! stored (id, time, author, action, record, change, hash).
//!
//! Importing applies the events the store lacks and then rebuilds every record they touch from
//! that record's whole history, in the canonical order of [`super::replay`]. So importing is
//! idempotent (a second import finds nothing new), order-independent (A's work into B and B's
//! into A leave the same tables), and loses nothing (every event is kept; where two people
//! changed the same field, the later change in the canonical order stands and
//! `report conflicts` lists the case). A bundle that is newer, truncated, altered, or refers
//! to records neither side has is refused whole, naming its first bad line. This module must
//! not decide file names or print; the CLI does.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::integrity::{EventContent, event_hash};
use super::replay::{self, CANONICAL_ORDER, EVENT_COLUMNS, StoredEvent};
use super::{Store, Tx};
use crate::error::{Error, Result};
use crate::model::{DayEdge, RecordKind, parse_instant};

/// The bundle format this factdesk writes and the newest it reads.
pub const BUNDLE_VERSION: u64 = 1;

/// The first line of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleHeader {
    /// The format version; its presence is what marks the file as a factdesk event bundle.
    pub factdesk_bundle: u64,
    /// How many event lines follow: fewer means the bundle was cut short.
    pub events: u64,
    pub exported_at: String,
    pub exported_by: String,
    /// Only events at or after this time were exported (absent: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// Whether the first line of a file is a bundle header (else the file is bulk claims).
pub fn is_bundle_header(first_line: &str) -> bool {
    serde_json::from_str::<Value>(first_line)
        .ok()
        .is_some_and(|v| v.get("factdesk_bundle").is_some())
}

/// What importing a bundle did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BundleSummary {
    pub events_in_bundle: u64,
    pub events_added: u64,
    pub events_already_present: u64,
    pub records_rebuilt: u64,
}

impl Store {
    /// Writes the events (all, or those at or after `since`) as a bundle; returns how many.
    pub fn export_events(&self, since: Option<&str>, out: &mut dyn Write) -> Result<u64> {
        let since = since
            .map(|s| parse_instant(s, DayEdge::Start))
            .transpose()?;
        // One read transaction: the count in the header and the lines come from one moment.
        let read = self.conn().unchecked_transaction()?;
        let count: i64 = read.query_row(
            "SELECT count(*) FROM events WHERE ?1 IS NULL OR at >= ?1",
            [&since],
            |r| r.get(0),
        )?;
        let header = BundleHeader {
            factdesk_bundle: BUNDLE_VERSION,
            events: count as u64,
            exported_at: self.clock.now(),
            exported_by: self.author.clone(),
            since: since.clone(),
        };
        let io = |e: std::io::Error| Error::Io(e);
        serde_json::to_writer(&mut *out, &header)
            .map_err(std::io::Error::from)
            .map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE ?1 IS NULL OR at >= ?1 ORDER BY pk");
        let mut stmt = read.prepare(&sql)?;
        let mut rows = stmt.query([&since])?;
        let mut written = 0;
        while let Some(row) = rows.next()? {
            let event = StoredEvent::from_row(row)?;
            serde_json::to_writer(&mut *out, &event)
                .map_err(std::io::Error::from)
                .map_err(io)?;
            out.write_all(b"\n").map_err(io)?;
            written += 1;
        }
        out.flush().map_err(io)?;
        Ok(written)
    }

    /// Imports a bundle: adds the events this store lacks and rebuilds the records they touch.
    /// All or nothing: any bad line refuses the whole bundle and leaves the store as it was.
    /// A dry run does all of it and then rolls back.
    pub fn import_bundle(
        &mut self,
        input: &mut dyn BufRead,
        dry_run: bool,
    ) -> Result<BundleSummary> {
        // Like a bulk import, a large bundle inserts random UUIDs into several indexes, and its
        // bookkeeping tables live in the temporary database: give both a large page cache.
        for schema in ["main", "temp"] {
            self.conn().pragma_update(
                Some(schema),
                "cache_size",
                super::import::IMPORT_CACHE_KIB,
            )?;
        }
        let result = self.write_from(None, !dry_run, |tx| import_lines(tx, input));
        for schema in ["main", "temp"] {
            self.conn()
                .pragma_update(Some(schema), "cache_size", -2000)?;
        }
        result
    }
}

fn at_line(line: u64, reason: impl std::fmt::Display) -> Error {
    Error::invalid(format!("line {line}: {reason}"))
}

/// Reads the header, then every event line; returns the summary so far.
fn import_lines(tx: &Tx, input: &mut dyn BufRead) -> Result<BundleSummary> {
    // Events are never deleted, so the new ones are those with a key above today's largest,
    // inserted in the bundle's line order: `lines[k]` is the line of the (k+1)-th new event.
    let before: i64 = tx.query_row("SELECT coalesce(max(pk), 0) FROM events", [], |r| r.get(0))?;
    let mut lines: Vec<u64> = Vec::new();
    let mut text = String::new();
    let mut line = 0u64;
    let mut next_line = |text: &mut String| -> Result<bool> {
        text.clear();
        let read = input
            .read_line(text)
            .map_err(|e| Error::invalid(format!("cannot read the bundle: {e}")))?;
        Ok(read > 0)
    };
    if !next_line(&mut text)? {
        return Err(at_line(1, "the bundle is empty (no header)"));
    }
    line += 1;
    let header: Value = serde_json::from_str(text.trim_end())
        .map_err(|e| at_line(1, format!("not a factdesk bundle header: {e}")))?;
    let version = header
        .get("factdesk_bundle")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            at_line(
                1,
                "not a factdesk bundle header (no \"factdesk_bundle\" version)",
            )
        })?;
    if version > BUNDLE_VERSION {
        return Err(at_line(
            1,
            format!(
                "bundle format version {version} is newer than this factdesk reads \
                 (up to {BUNDLE_VERSION}): upgrade factdesk to import it"
            ),
        ));
    }
    let header: BundleHeader = serde_json::from_value(header)
        .map_err(|e| at_line(1, format!("malformed bundle header: {e}")))?;
    let mut summary = BundleSummary {
        events_in_bundle: header.events,
        ..BundleSummary::default()
    };
    let mut seen = 0u64;
    while next_line(&mut text)? {
        line += 1;
        let content = text.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            return Err(at_line(line, "empty line where an event was expected"));
        }
        if !text.ends_with('\n') {
            return Err(at_line(
                line,
                "the last line is cut short (no line end): the bundle is truncated",
            ));
        }
        let event: StoredEvent = serde_json::from_str(content)
            .map_err(|e| at_line(line, format!("not a factdesk event: {e}")))?;
        check_event(&event).map_err(|reason| at_line(line, reason))?;
        seen += 1;
        if replay::insert_event_if_new(tx, &event)? {
            lines.push(line);
            summary.events_added += 1;
            continue;
        }
        let stored: String = tx
            .prepare_cached("SELECT hash FROM events WHERE id = ?1")?
            .query_row([&event.id], |r| r.get(0))?;
        if stored != event.hash {
            return Err(at_line(
                line,
                format!(
                    "event {} differs from this store's copy of it (run `factdesk verify` here)",
                    event.id
                ),
            ));
        }
        summary.events_already_present += 1;
    }
    if seen != header.events {
        return Err(at_line(
            line + 1,
            format!(
                "missing: the header announces {} events but the bundle holds {seen} \
                 (it is truncated or was edited)",
                header.events
            ),
        ));
    }
    summary.records_rebuilt = rebuild_records(tx, before, &lines)?;
    Ok(summary)
}

/// Refuses an event this factdesk cannot apply or whose content does not match its hash.
fn check_event(event: &StoredEvent) -> std::result::Result<(), String> {
    if event.record_kind.parse::<RecordKind>().is_err() {
        return Err(format!(
            "event {} has record kind '{}', which this factdesk does not know (the bundle \
             was written by a newer factdesk)",
            event.id, event.record_kind
        ));
    }
    if !replay::is_known_action(&event.action) {
        return Err(format!(
            "event {} has action '{}', which this factdesk does not know (the bundle was \
             written by a newer factdesk)",
            event.id, event.action
        ));
    }
    if !event.change.is_object() {
        return Err(format!(
            "event {} has a change that is not a JSON object",
            event.id
        ));
    }
    if event_hash(&EventContent::of(event)) != event.hash {
        return Err(format!(
            "event {} ({}) was altered after it was written: its hash does not match its content",
            event.id, event.action
        ));
    }
    Ok(())
}

/// Rebuilds every record the new events (those with a key above `before`) touch from its
/// whole history; returns how many. `lines` holds the bundle line of each new event, in order.
fn rebuild_records(tx: &Tx, before: i64, lines: &[u64]) -> Result<u64> {
    if lines.is_empty() {
        return Ok(0);
    }
    // A store that had no history takes the bundle as it is: nothing to reset, every event to
    // replay, every claim to index. Otherwise only the touched records are rebuilt.
    let fresh = before == 0;
    let scope = if fresh {
        ""
    } else {
        tx.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS bundle_records (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
             CREATE TEMP TABLE IF NOT EXISTS bundle_claims (claim_id TEXT PRIMARY KEY) WITHOUT ROWID;
             DELETE FROM temp.bundle_records; DELETE FROM temp.bundle_claims;
             INSERT OR IGNORE INTO temp.bundle_records
                 SELECT record_id FROM events WHERE pk > {before};
             -- The claims whose full-text entry changes: those touched, and those given evidence.
             INSERT OR IGNORE INTO temp.bundle_claims
                 SELECT record_id FROM events WHERE pk > {before} AND record_kind = 'claim'
                 UNION
                 SELECT json_extract(change, '$.claim') FROM events
                  WHERE pk > {before} AND action = 'evidence.add';
             INSERT INTO claims_fts (claims_fts, rowid, text, search_context, quote)
                 SELECT 'delete', pk, text, search_context, quote FROM claims
                  WHERE id IN (SELECT claim_id FROM temp.bundle_claims);
             DELETE FROM claim_tags WHERE claim_pk IN
                 (SELECT pk FROM claims WHERE id IN (SELECT record_id FROM temp.bundle_records));
             DELETE FROM verdicts WHERE claim_pk IN
                 (SELECT pk FROM claims WHERE id IN (SELECT record_id FROM temp.bundle_records));
             DELETE FROM proposed_verdicts WHERE claim_pk IN
                 (SELECT pk FROM claims WHERE id IN (SELECT record_id FROM temp.bundle_records));
             DELETE FROM assignments WHERE claim_pk IN
                 (SELECT pk FROM claims WHERE id IN (SELECT record_id FROM temp.bundle_records));
             DELETE FROM evidence WHERE id IN (SELECT record_id FROM temp.bundle_records);
             DELETE FROM links WHERE id IN (SELECT record_id FROM temp.bundle_records);
             DELETE FROM settings WHERE key IN (SELECT record_id FROM temp.bundle_records);"
        ))?;
        "WHERE record_id IN (SELECT record_id FROM temp.bundle_records)"
    };
    let sql = format!("SELECT pk, {EVENT_COLUMNS} FROM events {scope} ORDER BY {CANONICAL_ORDER}");
    let mut stmt = tx.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let pk: i64 = row.get(0)?;
        let event = StoredEvent::from_row_at(row, 1)?;
        if let Err(e) = replay::apply(tx, &event) {
            // Name the bundle line when the event came in this bundle.
            let line = usize::try_from(pk - before - 1)
                .ok()
                .and_then(|k| lines.get(k));
            return Err(match (line, e) {
                (Some(line), Error::Invalid(reason)) => at_line(*line, reason),
                (_, e) => e,
            });
        }
    }
    drop(rows);
    drop(stmt);
    // The claims' search context (their evidence's notes and quotes) and full-text entries.
    let touched = if fresh {
        ""
    } else {
        "AND id IN (SELECT claim_id FROM temp.bundle_claims)"
    };
    tx.execute_batch(&format!(
        "UPDATE claims SET search_context = (
             SELECT group_concat(coalesce(e.note, '') || ' ' || coalesce(e.quote, ''), char(10))
               FROM evidence e WHERE e.claim_pk = claims.pk)
          WHERE pk IN (SELECT claim_pk FROM evidence) {touched};
         INSERT INTO claims_fts (rowid, text, search_context, quote)
             SELECT pk, text, search_context, quote FROM claims WHERE 1 {touched};"
    ))?;
    let counted = if fresh {
        "SELECT count(*) FROM (SELECT DISTINCT record_id FROM events)"
    } else {
        "SELECT count(*) FROM temp.bundle_records"
    };
    Ok(tx.query_row(counted, [], |r| r.get::<_, i64>(0))? as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::store::testing::*;
    use proptest::prelude::*;

    #[test]
    fn work_exchanged_both_ways_converges_and_a_second_import_changes_nothing() {
        let mut a = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(1));
        let mut b = Store::open_in_memory()
            .unwrap()
            .with_author("bo")
            .with_clock(at(2));
        let allegation = a
            .log_claim(&claim(
                "Iran supplied Russia with ballistic missiles",
                "U.S. officials",
            ))
            .unwrap();
        import(&mut b, &bundle_of(&a)).unwrap();
        // Offline, both edit the same claim's text; bo also logs the denial and links it.
        a.set_clock(at(10));
        a.edit_claim(
            &allegation,
            &ClaimEdit {
                text: Some("Iran supplied Russia with short-range ballistic missiles".into()),
                ..ClaimEdit::default()
            },
        )
        .unwrap();
        b.set_clock(at(11));
        b.edit_claim(
            &allegation,
            &ClaimEdit {
                text: Some("Iran sent Russia Fath-360 missiles".into()),
                ..ClaimEdit::default()
            },
        )
        .unwrap();
        let denial = b
            .log_claim(&claim(
                "Iran has not provided weapons to either side",
                "Iranian Mission to the UN",
            ))
            .unwrap();
        b.add_link(&denial, &allegation, Relation::Contradicts, None)
            .unwrap();

        let from_a = bundle_of(&a);
        let from_b = bundle_of(&b);
        let into_b = import(&mut b, &from_a).unwrap();
        assert_eq!(into_b.events_added, 1);
        let into_a = import(&mut a, &from_b).unwrap();
        assert_eq!(into_a.events_added, 4, "{into_a:?}");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        // The later edit (bo's, at 00:00:11) stands; both are in the history; it is a conflict.
        assert_eq!(
            a.claim(&allegation).unwrap().text,
            "Iran sent Russia Fath-360 missiles"
        );
        assert_eq!(a.claim(&allegation).unwrap().status, Status::Disputed);
        let conflicts = a.conflicts().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].field, "text");
        assert!(a.verify().unwrap().problems.is_empty());
        assert!(b.verify().unwrap().problems.is_empty());

        let before = fingerprint(&a);
        let again = import(&mut a, &from_b).unwrap();
        assert_eq!((again.events_added, again.records_rebuilt), (0, 0));
        assert_eq!(fingerprint(&a), before);
    }

    fn refused(bundle: &[u8]) -> String {
        let mut store = Store::open_in_memory().unwrap();
        store.log_claim(&claim("Untouched", "Someone")).unwrap();
        let before = fingerprint(&store);
        let events = store.history(&Default::default()).unwrap().len();
        let err = import(&mut store, bundle).unwrap_err();
        assert_eq!(fingerprint(&store), before);
        assert_eq!(store.history(&Default::default()).unwrap().len(), events);
        err.to_string()
    }

    fn sample_bundle() -> String {
        let mut a = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(5));
        let id = a
            .log_claim(&claim("Iran supplied drones", "Officials"))
            .unwrap();
        a.add_evidence(
            &id,
            &NewEvidence {
                stance: EvidenceStance::Supports,
                source: None,
                url: None,
                quote: None,
                note: Some("Wreckage photos".into()),
            },
        )
        .unwrap();
        String::from_utf8(bundle_of(&a)).unwrap()
    }

    #[test]
    fn bad_bundles_are_refused_whole_naming_the_first_bad_line() {
        let good = sample_bundle();
        let lines: Vec<&str> = good.lines().collect();
        assert_eq!(lines.len(), 4, "header, source, claim, evidence");

        let newer = good.replacen("\"factdesk_bundle\":1", "\"factdesk_bundle\":2", 1);
        assert_eq!(
            refused(newer.as_bytes()),
            "line 1: bundle format version 2 is newer than this factdesk reads (up to 1): \
             upgrade factdesk to import it"
        );

        let truncated = lines[..3].join("\n") + "\n";
        assert_eq!(
            refused(truncated.as_bytes()),
            "line 4: missing: the header announces 3 events but the bundle holds 2 \
             (it is truncated or was edited)"
        );
        let cut_mid_line = &good[..good.len() - 10];
        assert!(refused(cut_mid_line.as_bytes()).starts_with("line 4: "));

        let edited = good.replacen("Iran supplied drones", "Iran supplied nothing", 1);
        let err = refused(edited.as_bytes());
        assert!(err.starts_with("line 3: event "), "{err}");
        assert!(
            err.ends_with(
                "(claim.add) was altered after it was written: its hash does not match its content"
            ),
            "{err}"
        );

        // The evidence alone, without the claim it is about: the store cannot place it.
        let header = lines[0].replacen("\"events\":3", "\"events\":1", 1);
        let orphan = format!("{header}\n{}\n", lines[3]);
        let err = refused(orphan.as_bytes());
        assert!(err.starts_with("line 2: event "), "{err}");
        assert!(err.contains("refers to claim"), "{err}");
        assert!(
            err.ends_with("which neither the store nor the events hold"),
            "{err}"
        );

        assert_eq!(refused(b""), "line 1: the bundle is empty (no header)");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn stores_that_exchange_their_work_in_any_order_converge(
            steps in proptest::collection::vec(step(), 1..40),
            a_first in any::<bool>(),
        ) {
            let mut a = Store::open_in_memory().unwrap().with_author("ana");
            let mut b = Store::open_in_memory().unwrap().with_author("bo");
            for (i, step) in steps.iter().enumerate() {
                run(step, &mut a, &mut b, i as u32 + 1);
            }
            let (first, second) = if a_first { (&mut a, &mut b) } else { (&mut b, &mut a) };
            let bundle = bundle_of(first);
            import(second, &bundle).unwrap();
            let bundle = bundle_of(second);
            import(first, &bundle).unwrap();
            prop_assert_eq!(fingerprint(&a), fingerprint(&b));
            prop_assert_eq!(a.verify().unwrap().problems, Vec::<String>::new());
            prop_assert_eq!(b.verify().unwrap().problems, Vec::<String>::new());
        }
    }
}
