//! The database under the store: opening the file (pragmas, WAL, read-only and scratch
//! stores, the damage marker), the schema and its migrations, the check that refuses a store on
//! a network filesystem, and finding a record by id prefix. Transactions are the façade's
//! (`Store::write` and `Tx` in `store/mod.rs`).
//!
//! The SQLite-specific setup a second backend would replace lives here: pragmas, WAL,
//! `PRAGMA user_version` migrations, the mount table, `GLOB` prefix lookup. Nothing here knows
//! what a claim is beyond the schema files.

// The store's items (its façade, `Tx`, ids) under their usual names for the modules here.
use super::*;

use rusqlite::{OpenFlags, OptionalExtension};

pub(super) mod filesystem;
pub(super) mod migrate;

/// Whether opening may create a new store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file when it does not exist (`factdesk init`).
    CreateIfMissing,
    /// The file must already exist.
    MustExist,
}

/// Whether a store on a network filesystem (NFS, SMB/CIFS, …) may be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFs {
    /// Refuse, saying why: SQLite's locking and WAL are not safe there.
    Refuse,
    /// Open anyway (`--allow-network-fs`): the user knows only one machine uses the file.
    Allow,
}

/// The file beside a store that says it was found damaged: `<store>-damaged`, holding what was
/// found. SQLite reports a damaged page only to a statement that reads it, so a change that
/// happens not to read it would succeed; once any command has met the damage, the store refuses
/// every change until `factdesk verify` finds it whole again (after a repair or a restore).
pub fn damage_marker(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-damaged");
    std::path::PathBuf::from(name)
}

/// Records that the store at `path` was found damaged (see [`damage_marker`]), keeping the
/// first finding when it is already marked; best effort: a store on a read-only disk is
/// refused by the damage itself.
pub fn mark_damaged(path: &Path, what: &str) {
    use std::io::Write;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(damage_marker(path));
    if let Ok(mut marker) = created {
        let _ = writeln!(marker, "{what}");
    }
}

impl Store {
    /// Opens (and if needed creates or upgrades) the store at `path`.
    ///
    /// A file that is not SQLite, a SQLite file that is not a factdesk store, and a store written
    /// by a newer factdesk are refused before anything in them is changed.
    /// A store on a network filesystem is refused unless `network` allows it: SQLite's
    /// documentation warns that WAL does not work there and that its locking can corrupt the file.
    pub fn open(path: &Path, mode: OpenMode, network: NetworkFs) -> Result<Store> {
        if mode == OpenMode::MustExist && !path.exists() {
            return Err(Error::store(format!(
                "no factdesk store at '{}' (run `factdesk init` to create one, or pass --db)",
                path.display()
            )));
        }
        if network == NetworkFs::Refuse
            && let Some(fs_type) = filesystem::network_filesystem(path)
        {
            return Err(Error::store(format!(
                "store '{}' is on a network filesystem ({fs_type}), where SQLite's locking is \
                 unreliable and can corrupt the file: keep the store on a local disk and exchange \
                 work with `factdesk export --events`, or pass --allow-network-fs if no two \
                 machines ever open it at once",
                path.display()
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| Error::store(format!("cannot open store '{}': {e}", path.display())))?;
        let name = path.display().to_string();
        let mut store = match Self::prepare(conn, &name, mode == OpenMode::CreateIfMissing) {
            Ok(store) => store,
            // A store this user may only read (its file, or the directory where SQLite keeps
            // its write-ahead log, is read-only) still answers read commands; a change is then
            // refused by SQLite as "the store is read-only".
            Err(Error::Store(message) | Error::Sqlite { message, .. })
                if mode == OpenMode::MustExist && is_read_only_failure(&message) =>
            {
                let mut store = Self::prepare_read_only(path, &name)?;
                store.path = Some(path.to_path_buf());
                return Ok(store);
            }
            Err(e) => return Err(e),
        };
        store.path = Some(path.to_path_buf());
        // A bundle import cut short by a crash is finished before anything else happens.
        store.finish_interrupted_import()?;
        Ok(store)
    }

    /// Opens a fresh store that lives in memory only (tests, examples).
    pub fn open_in_memory() -> Result<Store> {
        Self::prepare(Connection::open_in_memory()?, ":memory:", true)
    }

    /// Opens a fresh store in a private temporary file that SQLite deletes when it is closed:
    /// for rebuilding a large store from its history (`verify`) in bounded memory.
    pub(crate) fn open_scratch() -> Result<Store> {
        let store = Self::prepare(Connection::open("")?, "(scratch)", true)?;
        // Nobody else sees this file and it dies with the process: no need to wait for disks.
        store.conn.pragma_update(None, "synchronous", "OFF")?;
        store.conn.pragma_update(None, "cache_size", -64 * 1024)?;
        Ok(store)
    }

    /// Opens an existing, current store for reading only: no journal-mode switch, no upgrade,
    /// no finishing of an interrupted import (all of which write). SQLite cannot keep a WAL
    /// index beside a store in a directory this user may not write, so the store is read as it
    /// stands (`immutable`): what others change meanwhile is not seen by this command.
    fn prepare_read_only(path: &Path, name: &str) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let escaped = absolute
            .to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23");
        let mut conn =
            Connection::open_with_flags(format!("file:{escaped}?mode=ro&immutable=1"), flags)
                .map_err(|e| Error::store(format!("cannot open store '{name}': {e}")))?;
        wait_for_lock(&mut conn)?;
        migrate::check_identity(&conn, name, false)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != LATEST_VERSION {
            return Err(Error::store(format!(
                "store '{name}' is read-only here and needs upgrading to schema version \
                 {LATEST_VERSION} (it has {version}): open it once where it can be written"
            )));
        }
        integrity::register_functions(&conn)?;
        Ok(Store {
            conn,
            path: None,
            author: "unknown".into(),
            clock: Clock::System,
            as_of: None,
            embedder: None,
            applying_import: false,
            shared: None,
            clock_from_server: false,
        })
    }

    fn prepare(mut conn: Connection, name: &str, may_create: bool) -> Result<Store> {
        wait_for_lock(&mut conn)?;
        migrate::check_identity(&conn, name, may_create)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL lets readers work while one person writes; an in-memory store stays "memory", and
        // a private temporary one keeps its rollback journal.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        let private = name == ":memory:" || name == "(scratch)";
        if mode != "wal" && !private {
            return Err(Error::store(format!(
                "cannot switch store '{name}' to WAL journal mode (got '{mode}')"
            )));
        }
        let mut store = Store {
            conn,
            path: None,
            author: "unknown".into(),
            clock: Clock::System,
            as_of: None,
            embedder: None,
            applying_import: false,
            shared: None,
            clock_from_server: false,
        };
        migrate::upgrade(&mut store.conn)?;
        Ok(store)
    }
}

/// How often a change waiting for the write lock tries again. SQLite's own wait backs off to
/// 100 ms between tries, so it could miss, batch after batch, the moment a long bundle import
/// leaves between two of its batches ([`crate::store::BATCH_PAUSE`]).
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(5);

/// Makes `conn` wait for a lock held by another writer, trying every [`LOCK_RETRY`], for up to
/// [`BUSY_TIMEOUT`] in all.
fn wait_for_lock(conn: &mut Connection) -> Result<()> {
    fn try_again(attempt: i32) -> bool {
        let waited = LOCK_RETRY * u32::try_from(attempt).unwrap_or(u32::MAX);
        if waited >= BUSY_TIMEOUT {
            return false;
        }
        std::thread::sleep(LOCK_RETRY);
        true
    }
    conn.busy_handler(Some(try_again))?;
    Ok(())
}

/// Whether opening a store failed because this process may not write it (or the directory
/// beside it), as SQLite words it.
fn is_read_only_failure(message: &str) -> bool {
    message.contains("read-only")
        || message.contains("readonly")
        || message.contains("unable to open database file")
}

/// The tables whose records can be named by id prefix.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdTable {
    Claim,
    Evidence,
    Link,
    Source,
}

impl IdTable {
    pub(in crate::store) fn table(self) -> &'static str {
        match self {
            IdTable::Claim => "claims",
            IdTable::Evidence => "evidence",
            IdTable::Link => "links",
            IdTable::Source => "sources",
        }
    }
    pub(in crate::store) fn noun(self) -> &'static str {
        match self {
            IdTable::Claim => "claim",
            IdTable::Evidence => "evidence",
            IdTable::Link => "link",
            IdTable::Source => "source",
        }
    }
}

/// Finds the one record whose id starts with `prefix` (at least [`MIN_ID_PREFIX`] characters):
/// its integer key and full id. Unknown and ambiguous prefixes are errors naming the problem.
pub(crate) fn resolve_id(conn: &Connection, table: IdTable, prefix: &str) -> Result<(i64, String)> {
    let wanted = prefix.trim().to_lowercase();
    let noun = table.noun();
    if wanted.len() < MIN_ID_PREFIX {
        return Err(Error::invalid(format!(
            "{noun} id '{prefix}' is too short: give at least {MIN_ID_PREFIX} characters"
        )));
    }
    if !wanted.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Error::invalid(format!(
            "'{prefix}' is not a {noun} id (ids are hexadecimal, like 1a2b3c4d)"
        )));
    }
    // The prefix holds only hex digits and dashes, so it is safe inside a GLOB pattern.
    let sql = format!(
        "SELECT pk, id FROM {} WHERE id GLOB ?1 || '*' ORDER BY id LIMIT 6",
        table.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let found: Vec<(i64, String)> = stmt
        .query_map([&wanted], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        0 => Err(Error::NotFound {
            noun,
            id: prefix.to_string(),
        }),
        1 => Ok(found.into_iter().next().expect("one row")),
        _ => Err(Error::AmbiguousId {
            noun,
            prefix: prefix.to_string(),
            matches: found.into_iter().map(|(_, id)| id).collect(),
        }),
    }
}

/// Reads column `i` as one of the model's words (a stance, a relation, …); a value the model
/// does not know is a conversion error naming the column, not a panic.
pub(crate) fn word<T>(row: &rusqlite::Row, i: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = Error>,
{
    let text: String = row.get(i)?;
    text.parse().map_err(|e: Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Looks up the source a name names (case-insensitively; a former name too), without creating it.
pub(crate) fn find_source_pk(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(SOURCE_BY_NAME)?
        .query_row([crate::model::source_key(name)], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The source a matching key names (`?1`): the source with that name, else the one that had it
/// before a rename. The source named, not the one it counts for if it was merged.
pub(crate) const SOURCE_BY_NAME: &str = "SELECT coalesce(
        (SELECT pk FROM sources WHERE name_key = ?1),
        (SELECT source_pk FROM source_names WHERE name_key = ?1))";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_prefixes_must_be_long_enough_and_hexadecimal() {
        let store = Store::open_in_memory().unwrap();
        let err = resolve_id(store.conn(), IdTable::Claim, "1a2").unwrap_err();
        assert_eq!(
            err.to_string(),
            "claim id '1a2' is too short: give at least 4 characters"
        );
        let err = resolve_id(store.conn(), IdTable::Claim, "zzzz*").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'zzzz*' is not a claim id (ids are hexadecimal, like 1a2b3c4d)"
        );
        let err = resolve_id(store.conn(), IdTable::Link, "abcd").unwrap_err();
        assert_eq!(err.to_string(), "no link with id 'abcd'");
        assert!(matches!(err, Error::NotFound { noun: "link", .. }));
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn errors_callers_act_on_are_typed_and_keep_sqlites_error() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        for id in [
            "abcd0000-0000-4000-8000-000000000001",
            "abcd0000-0000-4000-8000-000000000002",
        ] {
            let claim = crate::model::NewClaim {
                text: format!("Claim {id}"),
                ..Default::default()
            };
            store
                .write(|tx| super::claims::insert_claim(tx, id, &claim, None))
                .unwrap();
        }
        let err = resolve_id(store.conn(), IdTable::Claim, "ABCD0000").unwrap_err();
        assert!(
            matches!(&err, Error::AmbiguousId { noun: "claim", prefix, matches }
                if prefix == "ABCD0000" && matches.len() == 2),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "claim id 'ABCD0000' is ambiguous: it starts \
             abcd0000-0000-4000-8000-000000000001, abcd0000-0000-4000-8000-000000000002"
        );
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let err = Error::from(busy);
        assert!(matches!(err, Error::Locked { .. }));
        assert_eq!(
            err.to_string(),
            "the store is locked by another factdesk process; try again in a moment"
        );
        assert!(std::error::Error::source(&err).is_some());
        assert_eq!(err.exit_code(), 3);
    }
}
