//! Tamper evidence: the hash every event carries, and `verify`, which checks the hashes, the
//! event log's append-only guards, and that the tables equal what the event log rebuilds.
//!
//! An event's hash is SHA-256 over its canonical content: a JSON array of a format tag, the id,
//! time, author, action, record kind, record id and the change with its object keys sorted —
//! so the same event hashes the same in every store, whatever whitespace or key order its
//! JSON text has. This module computes and checks; it never changes the store.

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;
use std::io::Write;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Tags the hashed content, so a later change to what is hashed is a new tag, not a collision.
const HASH_FORMAT: &str = "factdesk.event/1";

/// The parts of an event that its hash covers.
pub struct EventContent<'a> {
    pub id: &'a str,
    pub at: &'a str,
    pub author: &'a str,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: &'a str,
    pub change: &'a Value,
}

impl<'a> EventContent<'a> {
    /// The hashed parts of a stored event.
    pub fn of(event: &'a super::replay::StoredEvent) -> Self {
        EventContent {
            id: &event.id,
            at: &event.at,
            author: &event.author,
            action: &event.action,
            record_kind: &event.record_kind,
            record_id: &event.record_id,
            change: &event.change,
        }
    }
}

/// Writes `value` as JSON with every object's keys in sorted order: the canonical form that is
/// hashed. It writes straight into the hasher, copying nothing.
fn write_canonical(value: &Value, out: &mut impl std::io::Write) -> std::io::Result<()> {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.write_all(b"{")?;
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key)?;
                out.write_all(b":")?;
                write_canonical(&map[key], out)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_canonical(item, out)?;
            }
            out.write_all(b"]")
        }
        scalar => Ok(serde_json::to_writer(&mut *out, scalar)?),
    }
}

/// The hash of an event's canonical content, as 64 lowercase hex digits: SHA-256 of the JSON
/// array `[format tag, id, at, author, action, record kind, record id, change]`, the change's
/// keys sorted, without spaces.
pub fn event_hash(event: &EventContent) -> String {
    let mut hasher = Sha256::new();
    let head = [
        HASH_FORMAT,
        event.id,
        event.at,
        event.author,
        event.action,
        event.record_kind,
        event.record_id,
    ];
    let written = (|| -> std::io::Result<()> {
        hasher.write_all(b"[")?;
        for part in head {
            serde_json::to_writer(&mut hasher, part)?;
            hasher.write_all(b",")?;
        }
        write_canonical(event.change, &mut hasher)?;
        hasher.write_all(b"]")
    })();
    written.expect("writing to a hasher cannot fail");
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        hex.push(HEX[usize::from(byte >> 4)] as char);
        hex.push(HEX[usize::from(byte & 0x0f)] as char);
    }
    hex
}

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
    .map_err(|e| Error::store(format!("cannot register factdesk's SQL functions: {e}")))
}

/// What `factdesk verify` found: how much it checked, and every problem (empty when all holds).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Verification {
    pub events: u64,
    pub records: u64,
    /// How many problems were found (more than are spelled out when the tables differ a lot).
    pub problem_count: u64,
    pub problems: Vec<String>,
}

/// The guards the event log must have, by name: a trigger refusing UPDATE and one refusing
/// DELETE, each raising an abort.
const GUARDS: &[(&str, &str)] = &[
    ("events_no_update", "BEFORE UPDATE ON events"),
    ("events_no_delete", "BEFORE DELETE ON events"),
];

/// The tables the event log rebuilds, each read with foreign keys turned into ids and in id
/// order, so a store and its rebuild compare row by row: (what a row is, the query, the names
/// of the columns after the first, which is the row's id).
const REBUILT_TABLES: &[(&str, &str, &[&str])] = &[
    (
        "source",
        "SELECT id, name, kind, url, note, created_at, created_by, logged_at FROM sources ORDER BY id",
        &[
            "name",
            "kind",
            "url",
            "note",
            "created_at",
            "created_by",
            "logged_at",
        ],
    ),
    (
        "claim",
        "SELECT c.id, c.text, cl.id, rb.id, c.stance, c.url, c.quote, c.claim_date, c.created_at,
                c.created_by, c.logged_at,
                (SELECT group_concat(tag, ', ') FROM
                    (SELECT tag FROM claim_tags t WHERE t.claim_pk = c.pk ORDER BY tag))
           FROM claims c LEFT JOIN sources cl ON cl.pk = c.claimant_pk
           LEFT JOIN sources rb ON rb.pk = c.reported_by_pk ORDER BY c.id",
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
        ],
    ),
    (
        "evidence",
        "SELECT e.id, c.id, e.stance, s.id, e.url, e.quote, e.note, e.created_at, e.created_by,
                e.logged_at
           FROM evidence e JOIN claims c ON c.pk = e.claim_pk
           LEFT JOIN sources s ON s.pk = e.source_pk ORDER BY e.id",
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
        "SELECT c.id, p.verdict, p.rationale, p.proposed_at, p.proposed_by
           FROM proposed_verdicts p JOIN claims c ON c.pk = p.claim_pk ORDER BY c.id",
        &["verdict", "rationale", "proposed_at", "proposed_by"],
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

/// Compares every rebuilt table of `store` with `rebuilt`, row by row in id order; returns how
/// many rows it compared and the differences.
fn compare_tables(store: &Connection, rebuilt: &Connection) -> Result<(u64, Vec<String>)> {
    let mut compared = 0;
    let mut found = Vec::new();
    for (what, sql, fields) in REBUILT_TABLES {
        let mut stored_stmt = store.prepare(sql)?;
        let mut rebuilt_stmt = rebuilt.prepare(sql)?;
        let mut stored_rows = read_rows(&mut stored_stmt)?;
        let mut replayed_rows = read_rows(&mut rebuilt_stmt)?;
        let mut stored = stored_rows.next().transpose()?;
        let mut replayed = replayed_rows.next().transpose()?;
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
                    replayed = replayed_rows.next().transpose()?;
                }
                std::cmp::Ordering::Equal => {
                    let (id, have) = stored.take().expect("compared");
                    let (_, want) = replayed.take().expect("compared");
                    for ((field, have), want) in fields.iter().zip(&have).zip(&want) {
                        if have != want {
                            found.push(format!(
                                "{what} {id}: {field} is {} in the tables, but the events say {}",
                                shown(have),
                                shown(want)
                            ));
                        }
                    }
                    stored = stored_rows.next().transpose()?;
                    replayed = replayed_rows.next().transpose()?;
                }
            }
        }
    }
    Ok((compared, found))
}

impl super::Store {
    /// Checks the store against its own event log: every event's hash, the append-only guards,
    /// and that the tables hold exactly what replaying the events rebuilds. Reads only.
    pub fn verify(&self) -> Result<Verification> {
        let conn = self.conn();
        let mut problems = Vec::new();
        let quick: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if quick != "ok" {
            problems.push(format!("SQLite finds the file damaged: {quick}"));
        }
        for (name, fires) in GUARDS {
            let sql: Option<String> = conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1 AND tbl_name = 'events'",
                    [name],
                    |r| r.get(0),
                )
                .optional()?;
            let intact = sql.is_some_and(|sql| {
                let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                sql.contains(fires) && sql.contains("RAISE(ABORT") && !sql.contains(" WHEN ")
            });
            if !intact {
                problems.push(format!(
                    "the event log's guard {name} is missing or altered: events could be changed or deleted"
                ));
            }
        }
        let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        let mut stmt = conn.prepare(
            "SELECT id, action FROM events
              WHERE hash IS NOT factdesk_event_hash(id, at, author, action, record_kind, record_id, change)
              ORDER BY pk",
        )?;
        let tampered =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for event in tampered {
            let (id, action) = event?;
            problems.push(format!(
                "event {id} ({action}) was changed after it was written: its hash does not match its content"
            ));
        }
        let (records, mut differences) = match self.replayed_for_comparison() {
            Ok(rebuilt) => compare_tables(conn, rebuilt.conn())?,
            Err(e) => (0, vec![format!("the event log cannot be replayed: {e}")]),
        };
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
        Ok(Verification {
            events: events as u64,
            records,
            problem_count,
            problems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
