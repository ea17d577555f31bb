//! The store: the one SQLite file that holds a desk's work, and the only code that writes SQL.
//!
//! It owns opening the file (pragmas, schema migrations, refusing files that are not factdesk
//! stores or that sit on a network filesystem), transactions, id resolution and the event log,
//! which is the source of truth: `replay` rebuilds tables from it for `verify`, `--as-of` and
//! imported event bundles. Every change goes through
//! `Store::write`, which begins an `IMMEDIATE` transaction, lets one operation write its rows
//! and their events through a `Tx`, and commits both together — or neither. It must not format
//! output or parse command lines; it hands back plain [`crate::model`] values.

mod bundle;
mod claims;
mod conflicts;
mod event_check;
mod events;
mod evidence;
mod export;
mod filesystem;
pub use filesystem::why_filesystem_unknown;
mod import;
mod integrity;
mod links;
mod migrate;
mod projection;
mod replay;
mod reports;
mod search;
mod sources;
mod suggest;
mod team;
#[cfg(test)]
mod testing;
mod text_index;
mod timeline;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::history::{Change, Event, WireEvent};

pub use bundle::{
    BATCH_EVENTS, BUNDLE_VERSION, BundleHeader, BundleOptions, BundleSummary,
    ONE_TRANSACTION_EVENTS, is_bundle_header,
};
pub use claims::{ClaimFilter, ClaimOrder};
pub use events::HistoryFilter;
pub use import::{ImportOptions, ImportSummary, Located, RecordError};
pub use integrity::{AppendedEvent, Verification};
pub use migrate::{APPLICATION_ID, LATEST_VERSION};
pub use search::SearchQuery;
pub use suggest::{CANDIDATES, COMMON_TERM_CLAIMS, KEPT_TERMS, LinkQuery, SCAN_CHUNK, ScannedPair};
pub use team::{REVIEW_REQUIRED, SETTINGS};

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The shortest id prefix a command accepts.
pub const MIN_ID_PREFIX: usize = 4;

/// Where timestamps come from: the system clock, or a fixed instant (tests, reproducible demos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(String),
}

/// The stored form of every time: UTC, RFC 3339 with milliseconds and a four-digit year, so
/// that text order is time order.
pub(crate) const STORED_TIME: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

impl Clock {
    /// A fixed clock at `value`, an RFC 3339 time (kept in the stored form).
    pub fn fixed(value: &str) -> Result<Clock> {
        Ok(Clock::Fixed(crate::model::parse_time(value)?))
    }

    /// The current time as stored: UTC, RFC 3339 with milliseconds, so text order is time order.
    pub fn now(&self) -> String {
        match self {
            Clock::System => chrono::Utc::now().format(STORED_TIME).to_string(),
            Clock::Fixed(at) => at.clone(),
        }
    }

    /// The clock's reading as a time (a fixed clock holds a valid stored time: see
    /// [`Clock::fixed`]).
    fn instant(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(&self.now())
            .map(|at| at.with_timezone(&chrono::Utc))
            .unwrap_or_else(|_| chrono::Utc::now())
    }
}

/// The time of a new event under the store's hybrid logical clock: the wall clock's reading,
/// unless the store already holds an event at or after it (another machine's clock runs ahead,
/// or two changes fall in one millisecond) — then one millisecond after the latest event. So a
/// change made after seeing another always orders after it, whatever the clocks say.
pub(crate) fn next_event_time(wall: &str, latest: Option<&str>) -> String {
    let parse = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    match latest.and_then(parse) {
        Some(latest) if parse(wall).is_none_or(|now| latest >= now) => (latest
            + chrono::Duration::milliseconds(1))
        .format(STORED_TIME)
        .to_string(),
        _ => wall.to_string(),
    }
}

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

/// An open factdesk store, with the person whose changes it records.
pub struct Store {
    conn: Connection,
    /// The store's file (none for a store in memory).
    path: Option<std::path::PathBuf>,
    author: String,
    clock: Clock,
    /// Set when the store shows a past moment (`as_of`): it then refuses writes.
    as_of: Option<String>,
}

/// The open write transaction of one operation; dropping it without commit rolls back.
pub(crate) struct Tx<'s> {
    tx: rusqlite::Transaction<'s>,
    author: &'s str,
    /// The time of this transaction's events: read after the write lock was taken, and later
    /// than every event the store held then (see [`next_event_time`]).
    now: String,
    /// This machine's clock when the transaction began: recorded beside each event it writes.
    written_at: String,
    /// The last link of the store's hash chain, once read: every event appended extends it.
    chain_head: std::cell::RefCell<Option<String>>,
    /// Where the change came from when it is not typed in (an imported file's name); every
    /// event of the transaction records it.
    origin: Option<&'s str>,
    /// Sources looked up or created in this transaction, by matching key: a bulk import names
    /// the same few sources again and again (sources are never deleted, so it cannot go stale).
    known_sources: projection::SourceKeys,
}

impl<'s> Tx<'s> {
    /// Commits one decided change: records its event (by this transaction's author, at its
    /// time, from its origin) and projects it into the tables, in this transaction. The one way
    /// a change enters a store.
    pub(crate) fn commit(&self, record_id: &str, change: impl Into<Change>) -> Result<Event> {
        let event = Event::new(
            new_event_id(),
            self.now.clone(),
            self.author.to_string(),
            record_id.to_string(),
            change.into(),
            self.origin.map(str::to_string),
        );
        projection::project(self, &event, projection::Upkeep::Live, &self.known_sources)?;
        self.append_new_event(&event.to_wire(), replay::Via::Here)?;
        Ok(event)
    }

    /// Appends an event that must not be in the store yet.
    fn append_new_event(&self, event: &WireEvent, via: replay::Via) -> Result<()> {
        if self.append_event(event, via)? {
            Ok(())
        } else {
            Err(Error::store(format!(
                "event {} is already in the store",
                event.id
            )))
        }
    }

    /// Appends an event to the log unless one with its id is there already (returns whether
    /// it was appended), extending the store's hash chain and recording when and how it came.
    pub(crate) fn append_event(&self, event: &WireEvent, via: replay::Via) -> Result<bool> {
        let mut head = self.chain_head.borrow_mut();
        if head.is_none() {
            *head = Some(chain_head(self)?.unwrap_or_default());
        }
        let previous = head.as_deref().unwrap_or_default();
        let chain = crate::history::chain_hash(previous, &event.hash);
        let appended = replay::insert_event_if_new(
            self,
            event,
            Some(replay::Arrival {
                chain: &chain,
                written_at: &self.written_at,
                via,
            }),
        )?;
        if appended {
            *head = Some(chain);
        }
        Ok(appended)
    }
}

/// The last link of the store's hash chain (none while the log is empty).
pub(crate) fn chain_head(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT chain FROM events ORDER BY pk DESC LIMIT 1")?
        .query_row([], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

/// A fresh record id: a random UUID in its readable text form (random from its first character,
/// so the 8-character short forms people type rarely collide).
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A fresh event id: a time-ordered UUID (v7). Nobody types event ids, and ordered ids append
/// to the end of the events index instead of landing at random pages of it.
pub(crate) fn new_event_id() -> String {
    uuid::Uuid::now_v7().to_string()
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
            Err(Error::Store(message))
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
        let conn =
            Connection::open_with_flags(format!("file:{escaped}?mode=ro&immutable=1"), flags)
                .map_err(|e| Error::store(format!("cannot open store '{name}': {e}")))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
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
        })
    }

    fn prepare(conn: Connection, name: &str, may_create: bool) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
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
        };
        migrate::upgrade(&mut store.conn)?;
        Ok(store)
    }

    /// Sets the person recorded as the author of every change made through this store.
    pub fn with_author(mut self, author: impl Into<String>) -> Self {
        self.author = author.into();
        self
    }

    /// Sets where timestamps come from.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Changes the person recorded as author of the changes that follow.
    pub fn set_author(&mut self, author: impl Into<String>) {
        self.author = author.into();
    }

    /// Changes where the timestamps of the changes that follow come from.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The person recorded as author of changes.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs one operation in an `IMMEDIATE` write transaction: its rows and its events are
    /// committed together, or — on any error — not at all.
    pub(crate) fn write<T>(&mut self, op: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        self.write_from(None, true, op)
    }

    /// [`Store::write`] for changes that come from somewhere (`origin`, recorded in every event),
    /// and that may be rehearsed: with `commit` false the transaction is rolled back at the end.
    pub(crate) fn write_from<T>(
        &mut self,
        origin: Option<&str>,
        commit: bool,
        op: impl FnOnce(&Tx) -> Result<T>,
    ) -> Result<T> {
        if let Some(at) = &self.as_of {
            return Err(Error::usage(format!(
                "the store as of {at} is for reading: changes go to the store as it is now"
            )));
        }
        // The author is a person's name by the same rule as everywhere (`--as`, bundles).
        crate::person::check_person_name(&self.author)
            .map_err(|e| Error::invalid(format!("author: {e}")))?;
        if let Some(path) = &self.path
            && let Ok(found) = std::fs::read_to_string(damage_marker(path))
        {
            return Err(Error::Corrupt(format!(
                "store '{}' was found damaged ({}): changes are refused until `factdesk verify` \
                 finds it whole (repair it, or restore a backup)",
                path.display(),
                found.trim()
            )));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The time is read only now, holding the write lock: a change that waited for another
        // is stamped after it, and after every event the store holds, whatever the clocks say.
        let written_at = self.clock.now();
        let latest: Option<String> = tx
            .prepare_cached("SELECT max(at) FROM events")?
            .query_row([], |r| r.get(0))?;
        let now = next_event_time(&written_at, latest.as_deref());
        let tx = Tx {
            tx,
            author: &self.author,
            now,
            written_at,
            chain_head: Default::default(),
            origin,
            known_sources: Default::default(),
        };
        let out = op(&tx)?;
        if commit {
            tx.tx.commit()?;
        }
        Ok(out)
    }

    /// Reads a moment typed by a person ([`crate::model::parse_instant`]), counting relative
    /// times (`yesterday`, `2 hours ago`) from this store's clock.
    pub(crate) fn instant(&self, value: &str, edge: crate::model::DayEdge) -> Result<String> {
        crate::model::parse_instant_at(value, edge, self.clock.instant(), &chrono::Local)
    }

    /// The connection, for read-only queries.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
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
    Link,
    Source,
}

impl IdTable {
    fn table(self) -> &'static str {
        match self {
            IdTable::Claim => "claims",
            IdTable::Link => "links",
            IdTable::Source => "sources",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            IdTable::Claim => "claim",
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
        0 => Err(Error::invalid(format!("no {noun} with id '{prefix}'"))),
        1 => Ok(found.into_iter().next().expect("one row")),
        _ => {
            let shown: Vec<&str> = found.iter().take(5).map(|(_, id)| id.as_str()).collect();
            let more = if found.len() > 5 { ", …" } else { "" };
            Err(Error::invalid(format!(
                "{noun} id '{prefix}' is ambiguous: it starts {}{more}",
                shown.join(", ")
            )))
        }
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

/// Looks up a source's key by name (case-insensitively), without creating it.
pub(crate) fn find_source_pk(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT pk FROM sources WHERE name_key = ?1")?
        .query_row([crate::model::source_key(name)], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_is_used_verbatim_and_system_clock_sorts_as_text() {
        assert_eq!(
            Clock::Fixed("2024-09-06T12:00:00.000Z".into()).now(),
            "2024-09-06T12:00:00.000Z"
        );
        let now = Clock::System.now();
        assert_eq!(now.len(), "2024-09-06T12:00:00.000Z".len());
        assert!(now.ends_with('Z'));
    }

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
    }
}
