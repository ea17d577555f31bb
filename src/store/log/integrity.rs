//! Tamper evidence: the hash every event carries, the store's hash chain over its log, and
//! `verify`, which checks them, the schema's objects (the append-only guards, the status views,
//! every index and table, exactly as this schema version defines them), the full-text index,
//! events written here but dated before they were written, and that the tables equal what the
//! event log rebuilds — all in one read snapshot, so people writing meanwhile cannot make it
//! fail. With a checkpoint (a head kept elsewhere) it also shows a rewritten end of the log.
//!
//! An event's hash is SHA-256 over its canonical content: a JSON array of a format tag, the id,
//! time, author, action, record kind, record id and the change with its object keys sorted —
//! so the same event hashes the same in every store, whatever whitespace or key order its
//! JSON text has. A chain link is SHA-256 over a tag, the previous link and the event's hash,
//! in the order this store wrote its events (so chains are local; hashes travel). This module
//! computes and checks; it never changes the store.

use std::sync::mpsc::{Receiver, SyncSender};

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use serde_json::Value;

use super::replay::{CANONICAL_ORDER, EVENT_COLUMNS, typed, wire_from_row};
use crate::error::{Error, Result};
use crate::history::{Event, EventContent, chain_hash, event_hash};

/// Registers `factdesk_event_hash(id, at, author, action, record_kind, record_id, change)` on a
/// connection: the migration that added hashes computes them with it, and `verify` rechecks
/// every stored hash in one query.
pub(crate) fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "factdesk_event_hash",
        7,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text = |i: usize| ctx.get::<String>(i);
            let change: Value = serde_json::from_str(&text(6)?)
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            Ok(event_hash(&EventContent {
                id: &text(0)?,
                at: &text(1)?,
                author: &text(2)?,
                action: &text(3)?,
                record_kind: &text(4)?,
                record_id: &text(5)?,
                change: &change,
            }))
        },
    )
    .and_then(|()| {
        conn.create_scalar_function(
            "factdesk_chain",
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(chain_hash(&ctx.get::<String>(0)?, &ctx.get::<String>(1)?)),
        )
    })
    .map_err(|e| Error::store(format!("cannot register factdesk's SQL functions: {e}")))
}

/// What `factdesk verify` found: how much it checked, the head of the log's chain, and every
/// problem (empty when all holds).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Verification {
    /// How many events were checked (hash and chain).
    pub events: u64,
    /// How many table rows were compared with what replaying the history gives.
    pub records: u64,
    /// The last link of the log's hash chain: keep it elsewhere, and `verify --checkpoint` with
    /// it later shows whether the log still holds everything up to it unchanged.
    pub head: Option<String>,
    /// How many problems were found (more than are spelled out when the tables differ a lot).
    pub problem_count: u64,
    /// Each problem on one line, naming the event or record; differences past a limit are summed up
    /// in one line.
    pub problems: Vec<String>,
    /// With a checkpoint: the events appended since it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_checkpoint: Option<Vec<AppendedEvent>>,
}

/// An event appended to the log after a checkpoint.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AppendedEvent {
    /// The event's id.
    pub id: String,
    /// When it is dated: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub at: String,
    /// Who made the change.
    pub author: String,
    /// The action's stored name (`claim.edit`).
    pub action: String,
    /// The id of the record it touches (a setting's key for `config.set`).
    pub record_id: String,
    /// `here` or `bundle` (empty for events written before schema version 5).
    pub via: Option<String>,
    /// Dated before the checkpoint's last event: a backdated insertion when written here.
    pub dated_before_checkpoint: bool,
}

/// The triggers that keep the event log append-only (their definitions are checked with every
/// other schema object; a problem with them is named as what it risks).
const GUARDS: &[&str] = &["events_no_update", "events_no_delete"];

/// The tables the event log rebuilds, each read with foreign keys turned into ids and in id
/// order, so a store and its rebuild compare row by row: (what a row is, the query, the names
/// of the columns after the first, which is the row's id).
const REBUILT_TABLES: &[(&str, &str, &[&str])] = &[
    (
        "source",
        "SELECT s.id, s.name, s.kind, s.url, s.note, s.created_at, s.created_by, s.logged_at,
                s.name_key, m.id
           FROM sources s LEFT JOIN sources m ON m.pk = s.merged_into_pk ORDER BY s.id",
        &[
            "name",
            "kind",
            "url",
            "note",
            "created_at",
            "created_by",
            "logged_at",
            "name_key",
            "merged_into",
        ],
    ),
    (
        "former source name",
        "SELECT n.name_key, n.name, s.id FROM source_names n JOIN sources s ON s.pk = n.source_pk
          ORDER BY n.name_key",
        &["name", "source"],
    ),
    (
        "claim",
        "SELECT c.id, c.text, cl.id, rb.id, c.stance, c.url, c.quote, c.claim_date, c.created_at,
                c.created_by, c.logged_at,
                (SELECT group_concat(tag, ', ') FROM
                    (SELECT tag FROM claim_tags t WHERE t.claim_pk = c.pk ORDER BY tag)),
                c.search_context, c.retracted_at, c.retracted_by, c.retraction_note,
                cn.id, rn.id
           FROM claims c LEFT JOIN sources cl ON cl.pk = c.claimant_pk
           LEFT JOIN sources rb ON rb.pk = c.reported_by_pk
           LEFT JOIN sources cn ON cn.pk = c.claimant_named_pk
           LEFT JOIN sources rn ON rn.pk = c.reported_by_named_pk ORDER BY c.id",
        &[
            "text",
            "claimant",
            "reported_by",
            "stance",
            "url",
            "quote",
            "date",
            "created_at",
            "created_by",
            "logged_at",
            "tags",
            "search_context",
            "retracted_at",
            "retracted_by",
            "retraction_note",
            "claimant as named",
            "reported_by as named",
        ],
    ),
    (
        "evidence",
        "SELECT e.id, c.id, e.stance, s.id, e.url, e.quote, e.note, e.created_at, e.created_by,
                e.logged_at, e.retracted_at, e.retracted_by, e.retraction_note, sn.id
           FROM evidence e JOIN claims c ON c.pk = e.claim_pk
           LEFT JOIN sources s ON s.pk = e.source_pk
           LEFT JOIN sources sn ON sn.pk = e.source_named_pk ORDER BY e.id",
        &[
            "claim",
            "stance",
            "source",
            "url",
            "quote",
            "note",
            "created_at",
            "created_by",
            "logged_at",
            "retracted_at",
            "retracted_by",
            "retraction_note",
            "source as named",
        ],
    ),
    (
        "link",
        "SELECT l.id, f.id, t.id, l.relation, l.note, l.created_at, l.created_by, l.removed_at,
                l.removed_by, l.logged_at
           FROM links l JOIN claims f ON f.pk = l.from_pk JOIN claims t ON t.pk = l.to_pk
          ORDER BY l.id",
        &[
            "from",
            "to",
            "relation",
            "note",
            "created_at",
            "created_by",
            "removed_at",
            "removed_by",
            "logged_at",
        ],
    ),
    (
        "verdict of claim",
        "SELECT c.id, v.verdict, v.rationale, v.given_at, v.given_by, v.reviewed_at, v.reviewed_by
           FROM verdicts v JOIN claims c ON c.pk = v.claim_pk ORDER BY c.id",
        &[
            "verdict",
            "rationale",
            "given_at",
            "given_by",
            "reviewed_at",
            "reviewed_by",
        ],
    ),
    (
        "proposed verdict of claim",
        "SELECT c.id, p.verdict, p.rationale, p.proposed_at, p.proposed_by, p.proposed_from
           FROM proposed_verdicts p JOIN claims c ON c.pk = p.claim_pk ORDER BY c.id",
        &[
            "verdict",
            "rationale",
            "proposed_at",
            "proposed_by",
            "proposed_from",
        ],
    ),
    (
        "assignment of claim",
        "SELECT c.id, a.assignee, a.assigned_at, a.assigned_by
           FROM assignments a JOIN claims c ON c.pk = a.claim_pk ORDER BY c.id",
        &["assignee", "assigned_at", "assigned_by"],
    ),
    (
        "setting",
        "SELECT key, value, set_at, set_by FROM settings ORDER BY key",
        &["value", "set_at", "set_by"],
    ),
];

/// At most this many differences between the tables and the event log are spelled out.
const SHOWN_DIFFERENCES: usize = 20;

type Row = (String, Vec<Option<String>>);

fn read_rows<'s>(
    stmt: &'s mut rusqlite::Statement,
) -> Result<impl Iterator<Item = rusqlite::Result<Row>> + 's> {
    let columns = stmt.column_count();
    Ok(stmt.query_map([], move |r| {
        let values = (1..columns)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => None,
                    rusqlite::types::ValueRef::Text(t) => {
                        Some(String::from_utf8_lossy(t).into_owned())
                    }
                    rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                    rusqlite::types::ValueRef::Real(x) => Some(x.to_string()),
                    rusqlite::types::ValueRef::Blob(_) => Some("<blob>".into()),
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok((r.get(0)?, values))
    })?)
}

fn shown(value: &Option<String>) -> String {
    match value {
        None => "empty".into(),
        Some(v) => {
            let mut v = v.replace('\n', " ");
            if v.chars().count() > 60 {
                v = v.chars().take(57).collect::<String>() + "...";
            }
            format!("'{v}'")
        }
    }
}

/// The lines of a value in sorted order.
fn sorted_lines(value: &Option<String>) -> Option<Vec<&str>> {
    value.as_deref().map(|v| {
        let mut lines: Vec<&str> = v.split('\n').collect();
        lines.sort_unstable();
        lines
    })
}

/// What [`stream_rows`] sends: the next rows of the table being read (none at its end), or
/// the failure that stopped it.
type StreamedRows = Result<Vec<Row>>;

/// Reads every table of [`REBUILT_TABLES`] from `rebuilt` in turn and sends its rows in chunks
/// of [`CHUNK`], each table's followed by an empty chunk, until all are sent or nobody listens.
fn stream_rows(rebuilt: &Connection, rows: &SyncSender<StreamedRows>) {
    let sent = (|| -> Result<bool> {
        for (_, sql, _) in REBUILT_TABLES {
            let mut stmt = rebuilt.prepare(sql)?;
            let mut chunk = Vec::with_capacity(CHUNK);
            for row in read_rows(&mut stmt)? {
                chunk.push(row?);
                if chunk.len() == CHUNK
                    && rows
                        .send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                        .is_err()
                {
                    return Ok(false);
                }
            }
            if !chunk.is_empty() && rows.send(Ok(chunk)).is_err() {
                return Ok(false);
            }
            if rows.send(Ok(Vec::new())).is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    })();
    if let Err(e) = sent {
        let _ = rows.send(Err(e));
    }
}

/// Compares every rebuilt table of `store` with the rows of its rebuild, which another thread
/// reads and sends ([`stream_rows`]), row by row in id order; returns how many rows it
/// compared and the differences.
fn compare_tables(
    store: &Connection,
    rebuilt: &Receiver<StreamedRows>,
) -> Result<(u64, Vec<String>)> {
    let mut compared = 0;
    let mut found = Vec::new();
    // The rows received and not yet compared, in reverse order (the next one last).
    let mut pending: Vec<Row> = Vec::new();
    let mut next_rebuilt = || -> Result<Option<Row>> {
        if pending.is_empty() {
            let mut chunk = rebuilt.recv().map_err(|_| {
                Error::store("the rebuilt store stopped before all its rows were read")
            })??;
            chunk.reverse();
            pending = chunk;
        }
        Ok(pending.pop())
    };
    for (what, sql, fields) in REBUILT_TABLES {
        let mut stored_stmt = store.prepare(sql)?;
        let mut stored_rows = read_rows(&mut stored_stmt)?;
        let mut stored = stored_rows.next().transpose()?;
        let mut replayed = next_rebuilt()?;
        loop {
            let order = match (&stored, &replayed) {
                (None, None) => break,
                (Some(a), Some(b)) => a.0.cmp(&b.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
            };
            compared += 1;
            match order {
                std::cmp::Ordering::Less => {
                    let (id, _) = stored.take().expect("compared");
                    found.push(format!(
                        "{what} {id} is in the tables, but no event made it"
                    ));
                    stored = stored_rows.next().transpose()?;
                }
                std::cmp::Ordering::Greater => {
                    let (id, _) = replayed.take().expect("compared");
                    found.push(format!(
                        "{what} {id} is missing from the tables, but the events make it"
                    ));
                    replayed = next_rebuilt()?;
                }
                std::cmp::Ordering::Equal => {
                    let (id, have) = stored.take().expect("compared");
                    let (_, want) = replayed.take().expect("compared");
                    for ((field, have), want) in fields.iter().zip(&have).zip(&want) {
                        let differs = if *field == "search_context" {
                            // Its lines follow the evidence in whatever order SQLite reads it.
                            sorted_lines(have) != sorted_lines(want)
                        } else {
                            have != want
                        };
                        if differs {
                            found.push(format!(
                                "{what} {id}: {field} is {} in the tables, but the events say {}",
                                shown(have),
                                shown(want)
                            ));
                        }
                    }
                    stored = stored_rows.next().transpose()?;
                    replayed = next_rebuilt()?;
                }
            }
        }
    }
    Ok((compared, found))
}

/// What the chain pass over the log found.
pub(crate) struct ChainReport {
    pub head: Option<String>,
    pub appended: Option<Vec<AppendedEvent>>,
}

/// One event as the chain check reads it, in the order the log was written.
pub(crate) struct ChainRow {
    pub id: String,
    pub action: String,
    pub hash: String,
    /// Its link of the chain (none: inserted behind factdesk's back).
    pub chain: Option<String>,
    pub at: String,
    /// When this log wrote it, in the stored form (none: before schema 5, or not checked).
    pub written_at: Option<String>,
    pub via: Option<String>,
    pub author: String,
    pub record_id: String,
}

/// Walks the log in the order it was written: every link of the hash chain must follow from
/// the one before it, and no event written here may carry a time before the moment it was
/// written (the hybrid clock never does that: such an event was backdated). With a
/// checkpoint, finds it and collects what was appended after it.
fn check_chain(
    conn: &Connection,
    checkpoint: Option<&str>,
    problems: &mut Vec<String>,
) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT id, action, hash, chain, at, written_at, via, author, record_id
           FROM events ORDER BY pk",
    )?;
    let rows = stmt.query_map([], |row| {
        let text = |i: usize| -> rusqlite::Result<Option<String>> { row.get(i) };
        Ok(ChainRow {
            id: text(0)?.unwrap_or_default(),
            action: text(1)?.unwrap_or_default(),
            hash: text(2)?.unwrap_or_default(),
            chain: text(3)?,
            at: text(4)?.unwrap_or_default(),
            written_at: text(5)?,
            via: text(6)?,
            author: text(7)?.unwrap_or_default(),
            record_id: text(8)?.unwrap_or_default(),
        })
    })?;
    walk_chain(rows.map(|r| r.map_err(Into::into)), checkpoint, problems)
}

/// [`check_chain`] over any log's events (a shared store's server log too), given in the order
/// it wrote them; returns the chain's head and, with a checkpoint, what came after it.
pub(crate) fn walk_chain(
    rows: impl Iterator<Item = Result<ChainRow>>,
    checkpoint: Option<&str>,
    problems: &mut Vec<String>,
) -> Result<ChainReport> {
    let mut previous = String::new();
    let mut found: Option<String> = None;
    let mut appended: Vec<AppendedEvent> = Vec::new();
    for row in rows {
        let ChainRow {
            id,
            action,
            hash,
            chain,
            at,
            written_at,
            via,
            author,
            record_id,
        } = row?;
        let expected = chain_hash(&previous, &hash);
        match &chain {
            Some(link) if *link == expected => {}
            Some(_) => problems.push(format!(
                "the event log's chain breaks at event {id} ({action}): the events before it \
                 were removed, reordered or altered, or it was inserted"
            )),
            None => problems.push(format!(
                "event {id} ({action}) has no link in the event log's chain: it was inserted \
                 behind factdesk's back"
            )),
        }
        if via.as_deref() == Some("here")
            && let Some(written) = &written_at
            && at < *written
        {
            problems.push(format!(
                "event {id} ({action}) is dated {at} but was written here at {written}: it was \
                 backdated"
            ));
        }
        if let Some(checkpoint_at) = &found {
            let dated_before = at < *checkpoint_at;
            if dated_before && via.as_deref() != Some("bundle") {
                problems.push(format!(
                    "event {id} ({action}) was appended after the checkpoint but is dated {at}, \
                     before it: a backdated insertion"
                ));
            }
            appended.push(AppendedEvent {
                id,
                at: at.clone(),
                author,
                action,
                record_id,
                via,
                dated_before_checkpoint: dated_before,
            });
        }
        previous = chain.unwrap_or(expected);
        if found.is_none() && checkpoint == Some(previous.as_str()) {
            found = Some(at);
        }
    }
    let head = (!previous.is_empty()).then_some(previous);
    let appended = match checkpoint {
        None => None,
        Some(checkpoint) if found.is_none() => {
            problems.push(format!(
                "the checkpoint {checkpoint} is not in the event log: the log was rewritten \
                 before it (or the checkpoint is another store's)"
            ));
            Some(Vec::new())
        }
        Some(_) => Some(appended),
    };
    Ok(ChainReport { head, appended })
}

/// The schema objects (tables, indexes, triggers, views) of a store, by type and name, with
/// the SQL that defines them; SQLite's own bookkeeping tables are left out.
fn schema_objects(
    conn: &Connection,
) -> Result<std::collections::BTreeMap<(String, String), Option<String>>> {
    let mut stmt =
        conn.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'")?;
    let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every trigger, view, index and table must be exactly what this schema version defines: a
/// guard replaced by one that never fires, or a status view redefined, shows here.
fn check_schema(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let defined = schema_objects(super::Store::open_in_memory()?.conn())?;
    let present = schema_objects(conn)?;
    let guard = |name: &str| GUARDS.contains(&name);
    for ((kind, name), sql) in &defined {
        if present.get(&(kind.clone(), name.clone())) == Some(sql) {
            continue;
        }
        problems.push(if guard(name) {
            format!(
                "the event log's guard {name} is missing or altered: events could be changed or \
                 deleted"
            )
        } else if present.contains_key(&(kind.clone(), name.clone())) {
            format!("the {kind} {name} differs from what schema version {version} defines")
        } else {
            format!("the {kind} {name} that schema version {version} defines is missing")
        });
    }
    for (kind, name) in present.keys() {
        if !defined.contains_key(&(kind.clone(), name.clone())) {
            problems.push(format!(
                "the {kind} {name} is not part of schema version {version}: something other \
                 than factdesk added it"
            ));
        }
    }
    Ok(())
}

/// SQLite's structural check of every table and index. Table by table, because the check of
/// the whole file also runs FTS5's own check of its index, which reports corruption that is not
/// there when another connection writes during the read; the full-text index's agreement with
/// the claims is checked by [`check_full_text`] instead (its shadow tables are still checked
/// here, page by page).
fn check_pages(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'
              ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables {
        let mut stmt = conn.prepare(&format!(
            "PRAGMA quick_check(\"{}\")",
            table.replace('"', "\"\"")
        ))?;
        let found: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for line in found.into_iter().filter(|line| line != "ok") {
            problems.push(format!("SQLite finds the file damaged: {line}"));
        }
    }
    Ok(())
}

/// The full-text index must hold one entry for every claim and none for anything else.
fn check_full_text(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT c.id, 'missing from' FROM claims c
          WHERE NOT EXISTS (SELECT 1 FROM claims_fts_docsize d WHERE d.id = c.pk)
         UNION ALL
         SELECT '#' || d.id, 'in' FROM claims_fts_docsize d
          WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.pk = d.id)
         LIMIT 21",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (record, how) = row?;
        problems.push(if how == "in" {
            format!("the full-text index has an entry for claim row {record}, which does not exist")
        } else {
            format!("claim {record} is missing from the full-text index: search cannot find it")
        });
    }
    Ok(())
}

impl super::Store {
    /// Checks the store against its own event log: every event's hash, the log's hash chain
    /// (and, given a `checkpoint` head, that the log still holds it and what came after), that
    /// no event written here was backdated, that every schema object is exactly what this
    /// version defines, that the full-text index covers the claims, and that the tables hold
    /// exactly what replaying the events rebuilds. Everything is read in one snapshot, so
    /// people writing meanwhile cannot make it fail. Reads only.
    pub fn verify(&self) -> Result<Verification> {
        self.verify_against(None)
    }

    /// [`super::Store::verify`], also checking the log against a head kept from an earlier run.
    ///
    /// The work is shared between threads, all reading the same moment: this one reads the
    /// events (checking each hash as it goes) and hands them to a second, which rebuilds the
    /// tables from them in a scratch store; the checks of the file, the chain and the
    /// full-text index run meanwhile on a third, through a second connection that sees the
    /// same moment (else on this one, afterwards); the stored and the rebuilt tables are then
    /// read side by side, one on each thread.
    pub fn verify_against(&self, checkpoint: Option<&str>) -> Result<Verification> {
        let conn = self.conn();
        // One read transaction: every check below sees the same moment of the store.
        let snapshot = conn.unchecked_transaction()?;
        let log_end = log_end(&snapshot)?;
        let events: i64 = snapshot.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        let beside = self
            .path
            .as_deref()
            .and_then(|path| connection_at(path, &log_end));
        let mut tampered = Vec::new();
        let (side, replayed) = std::thread::scope(|scope| -> Result<_> {
            let side = beside.map(|other| scope.spawn(move || SideChecks::run(&other, checkpoint)));
            let (events_out, events_in) = std::sync::mpsc::sync_channel(REPLAY_QUEUE);
            let replay = scope.spawn(move || {
                super::Store::rebuilt_for_comparison(events_in.into_iter().flatten())
            });
            let unreadable = feed_replay(&snapshot, &events_out, &mut tampered)?;
            drop(events_out);
            let side = match side {
                Some(thread) => thread
                    .join()
                    .expect("the checks beside the replay panicked")?,
                None => SideChecks::run(&snapshot, checkpoint)?,
            };
            let replayed = match (unreadable, replay.join().expect("the replay panicked")) {
                (Some(e), _) | (None, Err(e)) => Err(e),
                (None, Ok(rebuilt)) => Ok(rebuilt),
            };
            Ok((side, replayed))
        })?;
        let (records, mut differences) = match replayed {
            Ok(rebuilt) => std::thread::scope(|scope| {
                let (rows_out, rows_in) = std::sync::mpsc::sync_channel(ROW_QUEUE);
                scope.spawn(move || stream_rows(rebuilt.conn(), &rows_out));
                compare_tables(&snapshot, &rows_in)
            })?,
            Err(e) => (0, vec![format!("the event log cannot be replayed: {e}")]),
        };
        snapshot.finish()?;
        tampered.sort();
        let mut problems = side.file;
        problems.extend(tampered.into_iter().map(|(_, id, action)| {
            format!(
                "event {id} ({action}) was changed after it was written: its hash does not match its content"
            )
        }));
        problems.extend(side.chain);
        problems.extend(side.full_text);
        let total = differences.len();
        let problem_count = (problems.len() + total) as u64;
        if total > SHOWN_DIFFERENCES {
            differences.truncate(SHOWN_DIFFERENCES);
            differences.push(format!(
                "… and {} more differences between the tables and the event log",
                total - SHOWN_DIFFERENCES
            ));
        }
        problems.extend(differences);
        if problems.is_empty()
            && let Some(path) = &self.path
        {
            // Whole again (repaired, or restored from a backup): changes are welcome.
            let _ = std::fs::remove_file(super::damage_marker(path));
        }
        Ok(Verification {
            events: events as u64,
            records,
            head: side.head,
            problem_count,
            problems,
            since_checkpoint: side.appended,
        })
    }
}

/// Events, and rows, are handed between the threads in chunks of this many: one at a time,
/// the threads would spend more time waking each other than working.
const CHUNK: usize = 1024;

/// Chunks of events read ahead of the replay thread.
const REPLAY_QUEUE: usize = 8;

/// Chunks of rows of the rebuilt tables read ahead of the comparison.
const ROW_QUEUE: usize = 8;

/// The last event of the log (its key and chain link): two connections that see the same one
/// see the same moment of the store, since every change appends an event in its transaction.
fn log_end(conn: &Connection) -> Result<Option<(i64, Option<String>)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT pk, chain FROM events ORDER BY pk DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A second read-only connection to the store file at `path`, inside a read transaction that
/// sees the moment whose log ends at `end` — or none, if it cannot be had (someone keeps
/// writing, or the file cannot be opened again).
fn connection_at(
    path: &std::path::Path,
    end: &Option<(i64, Option<String>)>,
) -> Option<Connection> {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).ok()?;
    conn.busy_timeout(std::time::Duration::from_secs(1)).ok()?;
    for _ in 0..3 {
        conn.execute_batch("BEGIN").ok()?;
        if log_end(&conn).ok()?.as_ref() == end.as_ref() {
            return Some(conn);
        }
        conn.execute_batch("ROLLBACK").ok()?;
    }
    None
}

/// The checks that need no replay: the file's pages and schema, the hash chain (with a
/// checkpoint), and the full-text index, each one's problems kept apart so they are reported in
/// a fixed order.
struct SideChecks {
    file: Vec<String>,
    chain: Vec<String>,
    full_text: Vec<String>,
    head: Option<String>,
    appended: Option<Vec<AppendedEvent>>,
}

impl SideChecks {
    fn run(conn: &Connection, checkpoint: Option<&str>) -> Result<SideChecks> {
        let mut file = Vec::new();
        check_pages(conn, &mut file)?;
        check_schema(conn, &mut file)?;
        let mut chain = Vec::new();
        let report = check_chain(conn, checkpoint, &mut chain)?;
        let mut full_text = Vec::new();
        check_full_text(conn, &mut full_text)?;
        Ok(SideChecks {
            file,
            chain,
            full_text,
            head: report.head,
            appended: report.appended,
        })
    }
}

/// Reads every event in the canonical order, checks its hash (noting each that does not match,
/// by key) and sends it to the replay; returns why the log cannot be replayed, if an event
/// cannot be read as one (the events after it are still checked, not sent).
fn feed_replay(
    snapshot: &Connection,
    replay: &SyncSender<Vec<Event>>,
    tampered: &mut Vec<(i64, String, String)>,
) -> Result<Option<Error>> {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut stmt = snapshot.prepare(&format!(
        "SELECT pk, {EVENT_COLUMNS} FROM events ORDER BY {CANONICAL_ORDER}"
    ))?;
    let mut rows = stmt.query([])?;
    let mut unreadable = None;
    let mut sending = true;
    while let Some(row) = rows.next()? {
        let pk: i64 = row.get(0)?;
        let wire = wire_from_row(row, 1)?;
        if event_hash(&EventContent::of(&wire)) != wire.hash {
            tampered.push((pk, wire.id.clone(), wire.action.clone()));
        }
        if !sending {
            continue;
        }
        match typed(wire) {
            Ok(event) => chunk.push(event),
            Err(e) => {
                unreadable = Some(e);
                sending = false;
            }
        }
        // A replay that stopped early reports why when it is joined.
        if chunk.len() == CHUNK {
            sending = replay
                .send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                .is_ok();
        }
    }
    if sending && !chunk.is_empty() {
        let _ = replay.send(chunk);
    }
    Ok(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_compares_every_table_the_projection_writes() {
        // The tables each comparison reads: the word after each FROM or JOIN.
        let read: Vec<&str> = REBUILT_TABLES
            .iter()
            .flat_map(|(_, sql, _)| {
                let words: Vec<&str> = sql
                    .split(|c: char| c.is_whitespace() || "(),".contains(c))
                    .filter(|w| !w.is_empty())
                    .collect();
                words
                    .windows(2)
                    .filter(|w| w[0] == "FROM" || w[0] == "JOIN")
                    .map(|w| w[1])
                    .collect::<Vec<_>>()
            })
            .collect();
        for table in super::super::projection::PROJECTED_TABLES {
            assert!(
                read.contains(&table.name),
                "verify does not compare {}",
                table.name
            );
        }
    }
    use crate::store::LATEST_VERSION;
    use serde_json::json;
    use sha2::{Digest, Sha256};

    fn content(change: &Value) -> EventContent<'_> {
        EventContent {
            id: "0190a000-0000-7000-8000-000000000001",
            at: "2024-09-07T12:00:00.000Z",
            author: "ana",
            action: "claim.add",
            record_kind: "claim",
            record_id: "5b1e0c7d-0000-4000-8000-000000000000",
            change,
        }
    }

    #[test]
    fn the_hash_is_sha256_of_the_documented_canonical_form() {
        let change: Value = serde_json::from_str(
            r#"{"text": "Iran \"supplied\" missiles", "old": {"b": 1, "a": [true, null]}}"#,
        )
        .unwrap();
        let canonical = r#"["factdesk.event/1","0190a000-0000-7000-8000-000000000001","2024-09-07T12:00:00.000Z","ana","claim.add","claim","5b1e0c7d-0000-4000-8000-000000000000",{"old":{"a":[true,null],"b":1},"text":"Iran \"supplied\" missiles"}]"#;
        let expected: String = Sha256::digest(canonical.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(event_hash(&content(&change)), expected);
    }

    #[test]
    fn the_hash_ignores_key_order_but_not_content() {
        let a = json!({"text": "Iran supplied missiles", "stance": "asserts", "tags": ["x"]});
        let b: Value = serde_json::from_str(
            r#"{ "tags":["x"], "stance":"asserts", "text":"Iran supplied missiles" }"#,
        )
        .unwrap();
        assert_eq!(event_hash(&content(&a)), event_hash(&content(&b)));
        assert_eq!(event_hash(&content(&a)).len(), 64);
        let edited = json!({"text": "Iran supplied drones", "stance": "asserts", "tags": ["x"]});
        assert_ne!(event_hash(&content(&a)), event_hash(&content(&edited)));
        let mut other_author = content(&a);
        other_author.author = "bo";
        assert_ne!(event_hash(&content(&a)), event_hash(&other_author));
    }

    fn busy_store() -> (crate::store::Store, String) {
        use crate::model::*;
        let mut store = crate::store::Store::open_in_memory()
            .unwrap()
            .with_author("ana");
        let allegation = store
            .log_claim(&NewClaim {
                text: "Iran supplied Russia with ballistic missiles".into(),
                claimant: Some("U.S. and European officials".into()),
                reported_by: Some("The Wall Street Journal".into()),
                tags: vec!["iran".into()],
                ..NewClaim::default()
            })
            .unwrap();
        let denial = store
            .log_claim(&NewClaim {
                text: "Iran has not provided weapons to either side".into(),
                claimant: Some("Iranian Mission to the UN".into()),
                stance: Some(Stance::Denies),
                ..NewClaim::default()
            })
            .unwrap();
        store
            .add_evidence(
                &allegation,
                &NewEvidence {
                    stance: EvidenceStance::Supports,
                    source: Some("Pentagon".into()),
                    note: Some("Briefing".into()),
                    url: None,
                    quote: None,
                },
            )
            .unwrap();
        let link = store
            .add_link(&denial, &allegation, Relation::Contradicts, None)
            .unwrap();
        store.remove_link(&link.id).unwrap();
        store
            .add_link(&denial, &allegation, Relation::Contradicts, Some("again"))
            .unwrap();
        store
            .edit_claim(
                &allegation,
                &ClaimEdit {
                    text: Some("Iran supplied Russia with short-range ballistic missiles".into()),
                    claimant: Some(Some("U.S. officials".into())),
                    date: Some(Some("2024-09-06".into())),
                    add_tags: vec!["missiles".into()],
                    remove_tags: vec!["iran".into()],
                    ..ClaimEdit::default()
                },
            )
            .unwrap();
        store
            .set_verdict(&denial, VerdictKind::Refuted, "Satellite images")
            .unwrap();
        store.clear_verdict(&denial, "Images disputed").unwrap();
        store
            .set_verdict(&allegation, VerdictKind::Mixed, "Partly")
            .unwrap();
        (store, allegation)
    }

    #[test]
    fn a_store_written_through_factdesk_verifies() {
        let (store, _) = busy_store();
        let report = store.verify().unwrap();
        assert_eq!(report.problems, Vec::<String>::new());
        assert!(report.events >= 10, "{report:?}");
    }

    #[test]
    fn an_edit_behind_factdesks_back_is_reported_by_record_and_field() {
        let (store, allegation) = busy_store();
        store
            .conn()
            .execute(
                "UPDATE claims SET text = 'Iran supplied nothing' WHERE id = ?1",
                [&allegation],
            )
            .unwrap();
        store
            .conn()
            .execute("UPDATE verdicts SET verdict = 'supported'", [])
            .unwrap();
        let problems = store.verify().unwrap().problems;
        assert_eq!(
            problems,
            vec![
                format!(
                    "claim {allegation}: text is 'Iran supplied nothing' in the tables, but the \
                     events say 'Iran supplied Russia with short-range ballistic missiles'"
                ),
                format!(
                    "verdict of claim {allegation}: verdict is 'supported' in the tables, but the \
                     events say 'mixed'"
                ),
            ]
        );
    }

    #[test]
    fn an_edited_event_and_a_dropped_guard_are_reported() {
        let (store, _) = busy_store();
        store
            .conn()
            .execute_batch(
                "DROP TRIGGER events_no_update;
                 UPDATE events SET author = 'mallory' WHERE action = 'verdict.clear';",
            )
            .unwrap();
        let problems = store.verify().unwrap().problems;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            problems[0],
            "the event log's guard events_no_update is missing or altered: events could be changed or deleted"
        );
        assert!(
            problems[1].ends_with(
                "(verdict.clear) was changed after it was written: its hash does not match its content"
            ),
            "{problems:?}"
        );
    }

    /// Runs raw SQL as someone who can write the file would: with the event log's guards
    /// lifted for it and put back exactly as they were.
    fn behind_factdesks_back(store: &crate::store::Store, sql: &str) {
        let conn = store.conn();
        let guards: Vec<String> = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'events'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        conn.execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
            .unwrap();
        conn.execute_batch(sql).unwrap();
        for guard in guards {
            conn.execute_batch(&guard).unwrap();
        }
    }

    fn verified_head(store: &crate::store::Store) -> String {
        let report = store.verify().unwrap();
        assert_eq!(report.problems, Vec::<String>::new());
        report.head.unwrap()
    }

    #[test]
    fn removing_the_last_events_is_exposed_by_a_checkpoint() {
        let (store, _) = busy_store();
        let head = verified_head(&store);
        behind_factdesks_back(
            &store,
            "DELETE FROM events WHERE pk > (SELECT max(pk) - 2 FROM events)",
        );
        // The shortened log is a consistent chain on its own; the tables still hold the last
        // verdict, so the replay differs too. The checkpoint names the rewrite directly.
        let report = store.verify_against(Some(&head)).unwrap();
        assert!(
            report.problems.contains(&format!(
                "the checkpoint {head} is not in the event log: the log was rewritten before it \
                 (or the checkpoint is another store's)"
            )),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn a_checkpoint_lists_what_was_appended_since() {
        let (mut store, allegation) = busy_store();
        let head = verified_head(&store);
        store
            .comment_claim(&allegation, "Checked the satellite images")
            .unwrap();
        let report = store.verify_against(Some(&head)).unwrap();
        assert_eq!(report.problems, Vec::<String>::new());
        let appended = report.since_checkpoint.unwrap();
        assert_eq!(appended.len(), 1);
        assert_eq!(appended[0].action, "claim.comment");
        assert_eq!(appended[0].via.as_deref(), Some("here"));
        assert!(!appended[0].dated_before_checkpoint);
        assert_ne!(report.head.unwrap(), head);
    }

    #[test]
    fn deleting_a_comments_event_breaks_the_chain() {
        let (mut store, allegation) = busy_store();
        store.comment_claim(&allegation, "First look").unwrap();
        store
            .set_verdict(&allegation, crate::model::VerdictKind::Refuted, "Images")
            .unwrap();
        verified_head(&store);
        behind_factdesks_back(&store, "DELETE FROM events WHERE action = 'claim.comment'");
        let problems = store.verify().unwrap().problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("the event log's chain breaks at event ")
                && problems[0].contains("(verdict.set)"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_backdated_event_with_a_valid_hash_and_chain_is_flagged() {
        let (store, allegation) = busy_store();
        let head = verified_head(&store);
        // What an adversary who read the docs can write: a correct hash and the next chain
        // link, dated last week, claiming to have been written then.
        let change = serde_json::json!({"verdict": "supported", "rationale": "Trust me"});
        let content = EventContent {
            id: "01900000-0000-7000-8000-000000000001",
            at: "2024-09-01T00:00:00.000Z",
            author: "ana",
            action: "verdict.set",
            record_kind: "claim",
            record_id: &allegation,
            change: &change,
        };
        let hash = event_hash(&content);
        let chain = chain_hash(&head, &hash);
        let insert = format!(
            "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash,
                                 chain, written_at, via)
             VALUES ('{}', '{}', 'ana', 'verdict.set', 'claim', '{allegation}', '{change}',
                     '{hash}', '{chain}', '{}', 'here');
             UPDATE verdicts SET verdict = 'supported', rationale = 'Trust me'
              WHERE claim_pk = (SELECT pk FROM claims WHERE id = '{allegation}');",
            content.id, content.at, content.at
        );
        behind_factdesks_back(&store, &insert);
        // Its time, older than what it follows, is only caught against a checkpoint...
        let report = store.verify_against(Some(&head)).unwrap();
        assert!(
            report.problems.iter().any(|p| p.ends_with(
                "(verdict.set) was appended after the checkpoint but is dated \
                 2024-09-01T00:00:00.000Z, before it: a backdated insertion"
            )),
            "{:?}",
            report.problems
        );
        // ...or, when it admits when it was written, by that alone.
        behind_factdesks_back(
            &store,
            "UPDATE events SET written_at = '2024-09-07T00:00:00.000Z' WHERE action = 'verdict.set'
               AND at = '2024-09-01T00:00:00.000Z'",
        );
        assert!(store.verify().unwrap().problems.iter().any(|p| p.ends_with(
            "(verdict.set) is dated 2024-09-01T00:00:00.000Z but was written here at \
                 2024-09-07T00:00:00.000Z: it was backdated"
        )),);
    }

    #[test]
    fn altered_schema_objects_are_named() {
        let (store, _) = busy_store();
        store
            .conn()
            .execute_batch(
                "DROP TRIGGER events_no_delete;
                 CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN 0
                 BEGIN SELECT RAISE(ABORT, 'factdesk events are append-only: DELETE refused'); END;
                 DROP VIEW claim_status;
                 CREATE VIEW claim_status AS SELECT pk AS claim_pk, id, 'supported' AS status FROM claims;
                 CREATE TRIGGER helpful AFTER INSERT ON claims BEGIN SELECT 1; END;",
            )
            .unwrap();
        let problems = store.verify().unwrap().problems;
        assert_eq!(
            problems,
            vec![
                "the event log's guard events_no_delete is missing or altered: events could be \
                 changed or deleted"
                    .to_string(),
                format!(
                    "the view claim_status differs from what schema version {LATEST_VERSION} defines"
                ),
                format!(
                    "the trigger helpful is not part of schema version {LATEST_VERSION}: \
                     something other than factdesk added it"
                ),
            ]
        );
    }

    #[test]
    fn a_missing_full_text_entry_and_an_edited_name_key_are_found() {
        let (store, allegation) = busy_store();
        store
            .conn()
            .execute_batch(&format!(
                "INSERT INTO claims_fts (claims_fts, rowid, text, search_context, quote)
                     SELECT 'delete', pk, text, search_context, quote FROM claims
                      WHERE id = '{allegation}';
                 UPDATE sources SET name_key = 'pentagon ' WHERE name = 'Pentagon';"
            ))
            .unwrap();
        let problems = store.verify().unwrap().problems;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            problems[0],
            format!(
                "claim {allegation} is missing from the full-text index: search cannot find it"
            )
        );
        assert!(
            problems[1].ends_with(
                ": name_key is 'pentagon ' in the tables, but the events say 'pentagon'"
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn verify_reads_one_moment_while_others_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let open = || {
            crate::store::Store::open(
                &path,
                crate::store::OpenMode::CreateIfMissing,
                crate::store::NetworkFs::Allow,
            )
            .unwrap()
        };
        let mut writer = open().with_author("ana");
        let reader = open();
        for i in 0..30 {
            writer
                .log_claim(&crate::model::NewClaim {
                    text: format!("Claim {i}"),
                    claimant: Some("Officials".into()),
                    ..Default::default()
                })
                .unwrap();
        }
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < 300 {
                    i += 1;
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    writer
                        .log_claim(&crate::model::NewClaim {
                            text: format!("More {i}"),
                            claimant: Some("Officials".into()),
                            ..Default::default()
                        })
                        .unwrap();
                }
            });
            for _ in 0..15 {
                assert_eq!(reader.verify().unwrap().problems, Vec::<String>::new());
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
    }
}
