//! Schema migrations: the numbered files in `schema/`, embedded in the binary and applied in order.
//!
//! `PRAGMA user_version` says how many have run; `PRAGMA application_id` marks the file as a
//! factdesk store. Pending migrations run in one `IMMEDIATE` transaction, so an upgrade either
//! completes or leaves the store as it was. Files are never edited once released — a change to
//! the schema is a new file appended to [`MIGRATIONS`].

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// The schema files, in order; entry `n` upgrades a store from version `n` to `n + 1`.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../../schema/0001_init.sql"),
    ),
    (
        "0002_search_and_import.sql",
        include_str!("../../../schema/0002_search_and_import.sql"),
    ),
    (
        "0003_team.sql",
        include_str!("../../../schema/0003_team.sql"),
    ),
    (
        "0004_search_quotes.sql",
        include_str!("../../../schema/0004_search_quotes.sql"),
    ),
    (
        "0005_record.sql",
        include_str!("../../../schema/0005_record.sql"),
    ),
    (
        "0006_import_progress.sql",
        include_str!("../../../schema/0006_import_progress.sql"),
    ),
    (
        "0007_claim_embeddings.sql",
        include_str!("../../../schema/0007_claim_embeddings.sql"),
    ),
    (
        "0008_corrections.sql",
        include_str!("../../../schema/0008_corrections.sql"),
    ),
    (
        "0009_source_corrections.sql",
        include_str!("../../../schema/0009_source_corrections.sql"),
    ),
    (
        "0010_compact_claim_match.sql",
        include_str!("../../../schema/0010_compact_claim_match.sql"),
    ),
    (
        "0011_events_by_week.sql",
        include_str!("../../../schema/0011_events_by_week.sql"),
    ),
];

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// The `PRAGMA application_id` of a factdesk store ("FDSK").
pub const APPLICATION_ID: i64 = 0x4644_534B;

/// Refuses, before touching anything, a file that is not a factdesk store, was written by a
/// newer factdesk, or carries a schema version no factdesk writes. An empty file (or a new
/// one) becomes a store only when `may_create` (`factdesk init`); otherwise it is refused and
/// left exactly as it was.
pub(in crate::store) fn check_identity(
    conn: &Connection,
    name: &str,
    may_create: bool,
) -> Result<()> {
    let read = |sql: &str| -> Result<i64> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ffi::ErrorCode::NotADatabase) => Error::store(format!(
                    "'{name}' is not a factdesk store (not a SQLite database)"
                )),
                _ => Error::from(e),
            })
    };
    let application_id = read("PRAGMA application_id")?;
    let version = read("PRAGMA user_version")?;
    let objects = read("SELECT count(*) FROM sqlite_schema")?;
    if application_id != APPLICATION_ID && (version != 0 || objects != 0) {
        return Err(Error::store(format!(
            "'{name}' is not a factdesk store (it is a SQLite database made by something else)"
        )));
    }
    if application_id != APPLICATION_ID && !may_create {
        return Err(Error::store(format!(
            "'{name}' is empty, not a factdesk store yet: run `factdesk init` to create one"
        )));
    }
    if version < 0 || (version == 0 && objects != 0) {
        return Err(Error::store(format!(
            "store '{name}' has schema version {version}, which no factdesk writes: it is \
             damaged or was not written by factdesk"
        )));
    }
    if version > LATEST_VERSION {
        return Err(Error::TooNew {
            store: name.to_string(),
            version,
            known: LATEST_VERSION,
        });
    }
    Ok(())
}

/// Applies every pending migration in one transaction.
pub(in crate::store) fn upgrade(conn: &mut Connection) -> Result<()> {
    // Migration 0003 hashes the existing events with it; `verify` uses it on every open store.
    super::integrity::register_functions(conn)?;
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == LATEST_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have upgraded the store while we waited for the lock.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (name, sql) in MIGRATIONS.iter().skip(current as usize) {
        tx.execute_batch(sql)
            .map_err(|e| Error::store(format!("schema migration {name} failed: {e}")))?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", LATEST_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_reaches_the_latest_version_and_reopening_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        check_identity(&conn, "mem", true).unwrap();
        upgrade(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, LATEST_VERSION);
        check_identity(&conn, "mem", false).unwrap();
        upgrade(&mut conn).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // 14 tables (the sources' former names the last), plus the FTS5 index, its 4 shadow
        // tables and its vocabulary table.
        assert_eq!(tables, 20);
    }

    #[test]
    fn upgrading_a_version_2_store_hashes_its_events_and_keeps_them_append_only() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (_, sql) in &MIGRATIONS[..2] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute(
            "INSERT INTO events (id, at, author, action, record_kind, record_id, change)
             VALUES ('e1', '2024-09-07T12:00:00.000Z', 'ana', 'claim.add', 'claim', 'c1',
                     '{\"text\": \"Iran supplied missiles\", \"stance\": \"asserts\"}')",
            [],
        )
        .unwrap();
        upgrade(&mut conn).unwrap();
        let hash: String = conn
            .query_row("SELECT hash FROM events WHERE id = 'e1'", [], |r| r.get(0))
            .unwrap();
        let change = serde_json::json!({"stance": "asserts", "text": "Iran supplied missiles"});
        let expected = crate::history::event_hash(&crate::history::EventContent {
            id: "e1",
            at: "2024-09-07T12:00:00.000Z",
            author: "ana",
            action: "claim.add",
            record_kind: "claim",
            record_id: "c1",
            change: &change,
        });
        assert_eq!(hash, expected);
        let err = conn.execute("DELETE FROM events", []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }

    #[test]
    fn foreign_databases_and_newer_stores_are_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE recipes (name TEXT)")
            .unwrap();
        let err = check_identity(&conn, "x.db", true).unwrap_err();
        assert_eq!(err.exit_code(), 3);
        assert!(err.to_string().contains("not a factdesk store"), "{err}");

        let mut conn = Connection::open_in_memory().unwrap();
        upgrade(&mut conn).unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
        let err = check_identity(&conn, "x.db", true).unwrap_err();
        assert!(err.to_string().contains("newer factdesk"), "{err}");
        assert!(matches!(
            err,
            Error::TooNew {
                version,
                known: LATEST_VERSION,
                ..
            } if version == LATEST_VERSION + 1
        ));
    }
}
