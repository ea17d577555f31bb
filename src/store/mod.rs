//! The store: the one SQLite file that holds a desk's work, behind one façade type, [`Store`].
//! It is the only code that writes SQL, and it hands back plain [`crate::model`] values; it
//! must not format output or parse command lines.
//!
//! Its parts, each a folder:
//!
//! - `database/` — opening the file (pragmas, WAL, read-only and scratch stores), schema
//!   migrations, refusing a network filesystem, finding records by id prefix.
//! - `desk/` — the operations and the desk's rules: claims, evidence, links, sources, verdicts
//!   and review, settings, assignments, comments, bulk import. Each *decides* a change.
//! - `projection.rs` — the one writer of the domain tables, the full-text index and the search
//!   context, from events.
//! - `log/` — the event log: reading and replaying it, bundles, the checks on events from
//!   elsewhere, conflicts, `verify`, history, `--as-of` and `diff`.
//! - `queries/` — reports, search, exports and the linker's retrieval; reads only.
//! - `embeddings.rs` — the claims' sentence vectors: a cache beside the record, written with a
//!   claim when a model is set ([`Store::set_embedder`]), never by an event.
//!
//! Every change takes one path (see `docs/ARCHITECTURE.md`): `Store::write` begins an
//! `IMMEDIATE` transaction and reads the time under the write lock; the operation decides its
//! change (resolving ids, applying the rules, reading the old values) and calls `Tx::commit`,
//! which records the event and projects it; the transaction commits both — or neither.

mod database;
mod desk;
mod embeddings;
mod log;
mod projection;
mod queries;
mod shared;
#[cfg(test)]
mod testing;

// The modules other parts of the store name, by their short names (`super::claims::…`).
pub(crate) use database::{IdTable, SOURCE_BY_NAME, find_source_pk, resolve_id, word};
pub use database::{NetworkFs, OpenMode, damage_marker, mark_damaged};
use database::{filesystem, migrate};
use desk::{claims, evidence, import, links, retract, sources, team};
use log::{bundle, events, integrity, replay};
use queries::{search, suggest};

pub use filesystem::why_filesystem_unknown;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::history::{Change, Event, WireEvent};

pub use bundle::{
    BATCH_EVENTS, BATCH_PAUSE, BUNDLE_VERSION, BundleHeader, BundleOptions, BundleSummary,
    ONE_TRANSACTION_EVENTS, is_bundle_header,
};
pub use claims::{ClaimFilter, ClaimOrder};
pub use embeddings::{EMBED_BATCH, IndexSummary};
pub use events::HistoryFilter;
pub use evidence::EvidenceEdit;
pub use import::{ImportOptions, ImportSummary, Located, RecordError};
pub use integrity::{AppendedEvent, Verification};
pub use migrate::{APPLICATION_ID, LATEST_VERSION};
pub use retract::RetractedClaim;
pub use search::SearchQuery;
pub use shared::{
    Notices, ROLE_KINDS, SHARED_SCHEMA_VERSION, SetAside, SharedLog, SharedNotice,
    SharedVerification, display_url, is_shared_url,
};
pub use sources::{MergedSource, SourceEdit};
pub use suggest::{CANDIDATES, COMMON_TERM_CLAIMS, KEPT_TERMS, LinkQuery, SCAN_CHUNK, ScannedPair};
pub use team::{LINKER_MODEL, REVIEW_REQUIRED, SETTINGS};

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The shortest id prefix a command accepts.
pub const MIN_ID_PREFIX: usize = 4;

/// Where timestamps come from: the system clock, or a fixed instant (tests, reproducible demos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clock {
    /// The system clock, read at every change.
    System,
    /// Always this instant, in the stored form (UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`): what
    /// `FACTDESK_NOW` sets, for tests and demos.
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

/// What a shared store does with a decided change just before the replica commits it: append
/// its events to the server's log and commit them there.
pub(in crate::store) type BeforeCommit<'a> = &'a mut dyn FnMut(&Tx) -> Result<()>;

/// An open factdesk store, with the person whose changes it records.
pub struct Store {
    conn: Connection,
    /// The store's file (none for a store in memory).
    path: Option<std::path::PathBuf>,
    author: String,
    clock: Clock,
    /// Set when the store shows a past moment (`as_of`): it then refuses writes.
    as_of: Option<String>,
    /// The sentence-embedding model claims are embedded with, if one is set.
    embedder: Option<Box<dyn crate::linker::vectors::Embed>>,
    /// Set while this store applies the batches of a bundle import, which copy the
    /// write-ahead log into the store at their own pace.
    applying_import: bool,
    /// For a shared store, the server's log this store is the replica of: every change is
    /// appended to it before the replica commits (see [`shared`]).
    shared: Option<Box<SharedLog>>,
    /// Whether changes are dated by the server's clock (a shared store not given a fixed one).
    clock_from_server: bool,
}

/// The open write transaction of one operation; dropping it without commit rolls back.
pub(in crate::store) struct Tx<'s> {
    tx: rusqlite::Transaction<'s>,
    author: &'s str,
    /// The time of this transaction's events: read after the write lock was taken, and later
    /// than every event the store held then (see [`next_event_time`]).
    now: String,
    /// This machine's clock when the transaction began: recorded beside each event it writes.
    written_at: String,
    /// The last link of the store's hash chain, once read: every event appended extends it.
    chain_head: std::cell::RefCell<Option<String>>,
    /// The number (`pk`) of the last event the store held when the transaction began: the
    /// events after it are this transaction's (read for a shared store only, which hands them
    /// to the server; 0 otherwise).
    last_pk_before: i64,
    /// Where the change came from when it is not typed in (an imported file's name); every
    /// event of the transaction records it.
    origin: Option<&'s str>,
    /// Sources looked up or created in this transaction, by matching key, with the source each
    /// counts for: a bulk import names the same few sources again and again (sources are never
    /// deleted; a rename, merge or unmerge clears it).
    known_sources: projection::SourceKeys,
    /// The model that embeds the claims this transaction logs or rewrites, if one is set.
    embedder: Option<&'s dyn crate::linker::vectors::Embed>,
    /// The ids of the claims whose text this transaction set: embedded before it commits.
    texts_set: std::cell::RefCell<Vec<String>>,
}

impl<'s> Tx<'s> {
    /// Commits one decided change: records its event (by this transaction's author, at its
    /// time, from its origin) and projects it into the tables, in this transaction. The one way
    /// a change enters a store.
    pub(in crate::store) fn commit(
        &self,
        record_id: &str,
        change: impl Into<Change>,
    ) -> Result<Event> {
        let event = Event::new(
            new_event_id(),
            self.now.clone(),
            self.author.to_string(),
            record_id.to_string(),
            change.into(),
            self.origin.map(str::to_string),
        );
        projection::project(self, &event, projection::Upkeep::Live, &self.known_sources)?;
        if self.embedder.is_some() && embeddings::sets_text(&event.change) {
            self.texts_set.borrow_mut().push(record_id.to_string());
        }
        self.append_new_event(&event.to_wire(), replay::Via::Here)?;
        Ok(event)
    }

    /// Hands the events this transaction appended, in order, to `each`, as a shared store's log
    /// takes them.
    pub(in crate::store) fn each_event_of_this_transaction(
        &self,
        each: &mut dyn FnMut(&shared::LogRow) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.prepare_cached(&format!(
            "SELECT {}, via FROM events WHERE pk > ?1 ORDER BY pk",
            replay::EVENT_COLUMNS
        ))?;
        let mut rows = stmt.query([self.last_pk_before])?;
        while let Some(row) = rows.next()? {
            let via: Option<String> = row.get(8)?;
            each(&shared::LogRow {
                columns: [
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                ],
                via: via.unwrap_or_else(|| "here".into()),
            })?;
        }
        Ok(())
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
    pub(in crate::store) fn append_event(
        &self,
        event: &WireEvent,
        via: replay::Via,
    ) -> Result<bool> {
        let change = event.change.to_string();
        self.append_event_text(&replay::EventText::of(event, &change), via)
    }

    /// [`Tx::append_event`] for an event given as its stored text (a staged bundle's).
    pub(in crate::store) fn append_event_text(
        &self,
        event: &replay::EventText,
        via: replay::Via,
    ) -> Result<bool> {
        let mut head = self.chain_head.borrow_mut();
        if head.is_none() {
            *head = Some(chain_head(self)?.unwrap_or_default());
        }
        let previous = head.as_deref().unwrap_or_default();
        let chain = crate::history::chain_hash(previous, event.hash);
        let appended = replay::insert_event_text_if_new(
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
    pub(in crate::store) fn write<T>(&mut self, op: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        self.write_from(None, true, op)
    }

    /// [`Store::write`] for changes that come from somewhere (`origin`, recorded in every event),
    /// and that may be rehearsed: with `commit` false the transaction is rolled back at the end.
    pub(in crate::store) fn write_from<T>(
        &mut self,
        origin: Option<&str>,
        commit: bool,
        op: impl FnOnce(&Tx) -> Result<T>,
    ) -> Result<T> {
        match self.shared.take() {
            Some(mut log) => {
                let result = self.write_shared(&mut log, origin, commit, op);
                self.shared = Some(log);
                result
            }
            None => self.write_local(origin, commit, op, None),
        }
    }

    /// [`Store::write_from`] on a shared store's replica: holding the server log's lock, the
    /// replica is brought up to the log's head, the change is decided and projected on it, its
    /// events are appended to the server's log and committed there — and only then in the
    /// replica. A change refused by the server leaves both as they were; a replica that
    /// misses a change the server committed (a crash between the two commits) gets it at its
    /// next sync.
    fn write_shared<T>(
        &mut self,
        log: &mut SharedLog,
        origin: Option<&str>,
        commit: bool,
        op: impl FnOnce(&Tx) -> Result<T>,
    ) -> Result<T> {
        if self.as_of.is_some() {
            return self.write_local(origin, commit, op, None);
        }
        let _replica_lock = log.lock_replica()?;
        log.begin()?;
        // Dated by the server's clock read under the lock (unless the clock was fixed).
        if self.clock_from_server {
            self.clock = Clock::Fixed(log.server_now().to_string());
        }
        let mut appended = None;
        let result = self.sync(log).and_then(|()| {
            let mut append = |tx: &Tx| -> Result<()> {
                log.append(|each| tx.each_event_of_this_transaction(each))?;
                appended = Some(log.commit()?);
                Ok(())
            };
            self.write_local(origin, commit, op, Some(&mut append))
        });
        match result {
            Ok(out) => {
                if !commit {
                    log.rollback();
                }
                if let Some(pk) = appended {
                    shared::write_position(log.replica(), pk)?;
                }
                Ok(out)
            }
            Err(e) => {
                log.rollback();
                Err(e)
            }
        }
    }

    /// The events the server's log holds and this replica does not yet, imported as a bundle
    /// is (checked, then projected), a page at a time. An event factdesk refuses — written
    /// past it, from `psql` — is set aside ([`shared::SetAside`]): left out of the replica,
    /// listed beside it and told once, so one bad event cannot stop every machine of the desk.
    pub(in crate::store) fn sync(&mut self, log: &mut SharedLog) -> Result<()> {
        // How many events are pulled and imported at a time: as many as a bundle applies in one
        // transaction, so an event refused on applying is named by its line, and set aside.
        const PAGE: i64 = bundle::ONE_TRANSACTION_EVENTS as i64;
        // A replica with no events starts from the beginning, whatever its position file says
        // (a replica deleted to be rebuilt may leave the file behind).
        let empty = !self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM events)", [], |r| {
                r.get::<_, bool>(0)
            })?;
        let mut position = if empty {
            0
        } else {
            shared::read_position(log.replica())
        };
        let mut set_aside: HashSet<i64> = shared::read_set_aside(log.replica())?
            .iter()
            .map(|event| event.pk)
            .collect();
        while log.head()? > position {
            let page = log.pull(position, PAGE)?;
            let Some(last) = page.last().map(|event| event.pk) else {
                break;
            };
            loop {
                let kept: Vec<&shared::PulledEvent> = page
                    .iter()
                    .filter(|event| !set_aside.contains(&event.pk))
                    .collect();
                let columns: Vec<&[String; 8]> = kept.iter().map(|event| &event.columns).collect();
                let mut bundle = Vec::new();
                bundle::write_bundle_of_columns(&columns, log.login(), &mut bundle)?;
                let imported = self.import_bundle_here(
                    &mut bundle.as_slice(),
                    BundleOptions {
                        dry_run: false,
                        accept_future: true,
                    },
                    None,
                    true,
                );
                // A bundle's line 1 is its header; its events follow, in order.
                let refused = match &imported {
                    Err(Error::BundleLine { line, reason }) if *line >= 2 => kept
                        .get(*line as usize - 2)
                        .map(|event| (*event, reason.clone())),
                    _ => None,
                };
                let Some((event, reason)) = refused else {
                    imported?;
                    break;
                };
                let event = shared::SetAside {
                    pk: event.pk,
                    id: event.columns[0].clone(),
                    action: event.columns[3].clone(),
                    written_by: event.written_by.clone(),
                    reason,
                };
                shared::record_set_aside(log.replica(), &event)?;
                log.notify(shared::SharedNotice::SetAside(&event));
                set_aside.insert(event.pk);
            }
            shared::write_position(log.replica(), last)?;
            position = last;
        }
        Ok(())
    }

    /// Opens the shared store at `url` (a `postgres://` or `postgresql://` URL): connects,
    /// opens or creates this machine's replica of it, and brings the replica up to the
    /// server's log. Every change is then by the database login, dated by `clock` — by
    /// default the server's clock, read now. `notices` is told what the person should know
    /// meanwhile ([`shared::SharedNotice`]).
    pub fn open_shared(
        url: &str,
        clock: Option<Clock>,
        notices: Option<Box<Notices>>,
    ) -> Result<Store> {
        let mut log = SharedLog::connect_existing(url)?;
        if let Some(notices) = notices {
            log.set_notices(notices);
        }
        let replica_lock = log.lock_replica()?;
        let mut store = Store::open(log.replica(), OpenMode::CreateIfMissing, NetworkFs::Allow)?;
        store.author = log.login().to_string();
        store.clock_from_server = clock.is_none();
        store.clock = match clock {
            Some(clock) => clock,
            None => Clock::Fixed(log.server_now().to_string()),
        };
        store.sync(&mut log)?;
        drop(replica_lock);
        store.shared = Some(Box::new(log));
        Ok(store)
    }

    /// For a shared store: checks the server's log (hashes, chain, the checkpoint when one is
    /// given) and that this replica holds exactly its events. `None` for a store of one file.
    pub fn verify_shared_log(
        &mut self,
        checkpoint: Option<&str>,
    ) -> Result<Option<shared::SharedVerification>> {
        let Some(log) = self.shared.as_deref_mut() else {
            return Ok(None);
        };
        Ok(Some(log.check_log(&self.conn, checkpoint)?))
    }

    /// [`Store::write_from`] on this store alone; `before_commit` runs once the change is
    /// decided and projected, just before the transaction commits (a shared store appends the
    /// events to the server's log there).
    pub(in crate::store) fn write_local<T>(
        &mut self,
        origin: Option<&str>,
        commit: bool,
        op: impl FnOnce(&Tx) -> Result<T>,
        before_commit: Option<BeforeCommit<'_>>,
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
        if !self.applying_import
            && let Some(path) = &self.path
        {
            // While another process applies a bundle import, its write-ahead log grows to a few
            // hundred MB before that process copies it into the store: a colleague's change
            // leaves the copying to it rather than doing it at its own commit, which would take
            // seconds. (SQLite's default otherwise: copy once the log passes 1,000 pages.)
            let importing = log::bundle::import_under_way(path);
            self.conn.pragma_update(
                None,
                "wal_autocheckpoint",
                if importing { 0 } else { 1000 },
            )?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The time is read only now, holding the write lock: a change that waited for another
        // is stamped after it, and after every event the store holds, whatever the clocks say.
        let written_at = self.clock.now();
        // The latest time and the chain's head, in one statement: every change needs both.
        let (latest, head): (Option<String>, Option<String>) = tx
            .prepare_cached(
                "SELECT (SELECT max(at) FROM events),
                        (SELECT chain FROM events ORDER BY pk DESC LIMIT 1)",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // Where this transaction's events will begin: only a shared store hands them on.
        let last_pk_before: i64 = if before_commit.is_some() {
            tx.prepare_cached("SELECT coalesce(max(pk), 0) FROM events")?
                .query_row([], |r| r.get(0))?
        } else {
            0
        };
        let now = next_event_time(&written_at, latest.as_deref());
        let tx = Tx {
            tx,
            author: &self.author,
            now,
            written_at,
            chain_head: std::cell::RefCell::new(Some(head.unwrap_or_default())),
            last_pk_before,
            origin,
            known_sources: Default::default(),
            embedder: self.embedder.as_deref(),
            texts_set: Default::default(),
        };
        let out = op(&tx)?;
        if commit {
            // The vectors of the claims written, in their transaction: a claim is never
            // committed without the vector its model gives it (a rehearsal needs none).
            embeddings::embed_texts_set(&tx)?;
            if let Some(before_commit) = before_commit {
                before_commit(&tx)?;
            }
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
    pub(in crate::store) fn conn(&self) -> &Connection {
        &self.conn
    }
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
}
