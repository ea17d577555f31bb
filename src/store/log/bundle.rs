//! Event bundles: how two stores exchange work. A bundle is JSON lines — a header naming the
//! format and its version, how many events follow and a digest of their hashes, then one event
//! per line, exactly as stored (id, time, author, action, record, change, hash).
//!
//! Importing has three steps. It reads and checks the whole bundle into a private staging file
//! (attached as `staging`), reading the store without locking it: every event's values as the
//! command line checks them ([`super::event_check`]), its hash, the digest and count, dates far
//! ahead, the records it refers to, records created again with other content, and reviews by
//! the proposer. Up to [`ONE_TRANSACTION_EVENTS`] new events are then applied in one
//! transaction; more are applied from the staging file in batches ([`BATCH_EVENTS`]), each one
//! transaction, once the import is recorded in `bundle_import`. Applying appends the events to
//! the log and brings every record they touch up to date: a record new to the store is
//! projected from its events, one with earlier history is rebuilt from its whole history, both
//! in the canonical order of [`super::replay`]. A crash during the batches is finished by the next
//! open ([`Store::finish_interrupted_import`]). So importing is all or nothing, idempotent (a
//! second import finds nothing new), order-independent (A's work into B and B's into A leave
//! the same tables), and loses nothing (every event is kept; where two people changed the same
//! field, the later change in the canonical order stands and `report conflicts` lists the
//! case). A bad bundle is refused whole, naming its first bad line. This module must not decide
//! file names or print; the CLI does.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use super::projection::{SourceKeys, Upkeep, delete_rows_of, project, refresh_search_context};
use super::replay::{self, CANONICAL_ORDER, EVENT_COLUMNS, wire_from_row};
use super::{REVIEW_REQUIRED, Store, Tx};
use crate::error::{Error, Result};
use crate::history::WireEvent;
use crate::history::{EventContent, event_hash};
use crate::input::{Line, read_line, too_long};
use crate::model::{DayEdge, RecordKind};

/// The bundle format this factdesk writes and the newest it reads. Version 2 adds the
/// header's `digest`; version 1 bundles (no digest) are still read.
pub const BUNDLE_VERSION: u64 = 2;

/// How far ahead of this machine's clock a bundle's event may be dated before it is refused
/// (unless the import accepts future events): a day covers every time zone mistake.
const FUTURE_LEEWAY_HOURS: i64 = 24;

/// The first line of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleHeader {
    /// The format version; its presence is what marks the file as a factdesk event bundle.
    pub factdesk_bundle: u64,
    /// How many event lines follow: fewer means the bundle was cut short.
    pub events: u64,
    /// When the bundle was written: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub exported_at: String,
    /// Who exported it, by the name their changes are recorded under.
    pub exported_by: String,
    /// Only events at or after this time were exported (absent: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// SHA-256 over `factdesk.bundle/2`, the event count and every event's hash in order:
    /// a bundle with events dropped, added or reordered no longer matches it, even when the
    /// count was edited to agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// The digest of a bundle's events: SHA-256 of `factdesk.bundle/2`, a newline, the event
/// count and a newline, then each event's hash followed by a newline, in the bundle's order.
struct BundleDigest(Sha256);

impl BundleDigest {
    fn new(events: u64) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(format!("factdesk.bundle/2\n{events}\n").as_bytes());
        BundleDigest(hasher)
    }

    fn add(&mut self, event_hash: &str) {
        self.0.update(event_hash.as_bytes());
        self.0.update(b"\n");
    }

    fn finish(self) -> String {
        crate::history::hex(&self.0.finalize())
    }
}

/// What a shared store does with a bundle applied here, just before it commits: append its
/// events to the server's log.
type StagedPush<'a> = crate::store::BeforeCommit<'a>;

/// Applies every staged event of a bundle, in one transaction, straight from the staging file.
fn apply_staged(tx: &Tx) -> Result<(u64, Option<i64>)> {
    append_and_rebuild(
        tx,
        &format!(
            "SELECT seq, line, {EVENT_COLUMNS} FROM staging.events
              ORDER BY {CANONICAL_ORDER}"
        ),
        None,
    )
}

/// Writes one line of a bundle: `value` as JSON, then a newline.
fn write_line(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes a bundle of the events given as their stored columns ([`EVENT_COLUMNS`] order), as
/// exported by `exported_by` now: how a shared store's new events reach this machine's replica.
pub(crate) fn write_bundle_of_columns(
    events: &[&[String; 8]],
    exported_by: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let mut digest = BundleDigest::new(events.len() as u64);
    for columns in events {
        digest.add(&columns[7]);
    }
    let header = BundleHeader {
        factdesk_bundle: BUNDLE_VERSION,
        events: events.len() as u64,
        exported_at: crate::store::Clock::System.now(),
        exported_by: exported_by.to_string(),
        since: None,
        digest: Some(digest.finish()),
    };
    write_line(out, &header)?;
    for &[id, at, author, action, record_kind, record_id, change, hash] in events {
        let change: Value = serde_json::from_str(change).map_err(|e| {
            Error::store(format!("event {id} holds a change that is not JSON: {e}"))
        })?;
        let event = WireEvent {
            id: id.clone(),
            at: at.clone(),
            author: author.clone(),
            action: action.clone(),
            record_kind: record_kind.clone(),
            record_id: record_id.clone(),
            change,
            hash: hash.clone(),
        };
        write_line(out, &event)?;
    }
    out.flush()?;
    Ok(())
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
    /// How many events the bundle holds.
    pub events_in_bundle: u64,
    /// The events this store lacked, now in its log.
    pub events_added: u64,
    /// The events it already held (matched by id), left as they were.
    pub events_already_present: u64,
    /// How many records the new events touch, each rebuilt from its whole history.
    pub records_rebuilt: u64,
}

/// How a bundle is imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BundleOptions {
    /// Check and apply everything, then roll back.
    pub dry_run: bool,
    /// Take events dated more than a day ahead of this machine's clock (when it is this clock
    /// that is wrong). Every later change here is then dated after them.
    pub accept_future: bool,
}

impl Store {
    /// Writes the events (all, or those at or after `since`) as a bundle; returns how many.
    pub fn export_events(&self, since: Option<&str>, out: &mut dyn Write) -> Result<u64> {
        let since = since.map(|s| self.instant(s, DayEdge::Start)).transpose()?;
        // One read transaction: the header and the lines come from one moment.
        let read = self.conn().unchecked_transaction()?;
        let selected = "FROM events WHERE ?1 IS NULL OR at >= ?1 ORDER BY pk";
        let count: i64 = read.query_row(
            "SELECT count(*) FROM events WHERE ?1 IS NULL OR at >= ?1",
            [&since],
            |r| r.get(0),
        )?;
        let mut digest = BundleDigest::new(count as u64);
        {
            let mut stmt = read.prepare(&format!("SELECT hash {selected}"))?;
            let mut rows = stmt.query([&since])?;
            while let Some(row) = rows.next()? {
                digest.add(row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
            }
        }
        let header = BundleHeader {
            factdesk_bundle: BUNDLE_VERSION,
            events: count as u64,
            exported_at: self.clock.now(),
            exported_by: self.author.clone(),
            since: since.clone(),
            digest: Some(digest.finish()),
        };
        write_line(out, &header)?;
        let mut stmt = read.prepare(&format!("SELECT {EVENT_COLUMNS} {selected}"))?;
        let mut rows = stmt.query([&since])?;
        let mut written = 0;
        while let Some(row) = rows.next()? {
            write_line(out, &wire_from_row(row, 0)?)?;
            written += 1;
        }
        out.flush()?;
        Ok(written)
    }

    /// Imports a bundle: adds the events this store lacks and rebuilds the records they touch.
    /// Every event is checked as the command line checks the same change (values, references,
    /// records re-created with other content, reviews by the proposer, dates far in the
    /// future). All or nothing: any bad line refuses the whole bundle and leaves the store as it
    /// was. A dry run checks everything and writes nothing.
    ///
    /// The whole bundle is checked first, into a private staging file, reading the store
    /// without locking it; up to [`ONE_TRANSACTION_EVENTS`] new events are then applied in one
    /// transaction. More are applied straight from the staging file in batches of
    /// [`BATCH_EVENTS`], each one transaction, so colleagues can write in between; if the
    /// process dies during the batches, the next factdesk to open the store finishes them
    /// ([`Store::finish_interrupted_import`]).
    pub fn import_bundle(
        &mut self,
        input: &mut dyn BufRead,
        options: BundleOptions,
    ) -> Result<BundleSummary> {
        match self.shared.take() {
            Some(mut log) => {
                let result = self.import_bundle_shared(&mut log, input, options);
                self.shared = Some(log);
                result
            }
            None => self.import_bundle_here(input, options, None, false),
        }
    }

    /// [`Store::import_bundle`] on a shared store: holding the server log's lock, the replica
    /// is brought up to the log's head, and the bundle checked, staged and applied to it in one
    /// transaction, as for any store; its new events are then appended to the server's log in
    /// one `COPY` (refused there unless the login is one of the desk's admins) and committed
    /// there before the replica commits. Whatever refuses the bundle — a check, the projection,
    /// the server — leaves both as they were. (So a large bundle holds the desk's write lock
    /// for its whole import: moving a big store onto a shared one is done before the desk
    /// works on it.)
    fn import_bundle_shared(
        &mut self,
        log: &mut crate::store::SharedLog,
        input: &mut dyn BufRead,
        options: BundleOptions,
    ) -> Result<BundleSummary> {
        let _replica_lock = log.lock_replica()?;
        log.begin()?;
        if self.clock_from_server {
            self.clock = crate::store::Clock::Fixed(log.server_now().to_string());
        }
        let mut head = None;
        let imported = self.sync(log).and_then(|()| {
            let mut push = |tx: &Tx| -> Result<()> {
                log.append(|each| tx.each_event_of_this_transaction(each))?;
                head = Some(log.commit()?);
                Ok(())
            };
            self.import_bundle_here(input, options, Some(&mut push), false)
        });
        // Nothing appended (a dry run, nothing new, a refusal): the server's lock goes.
        log.rollback();
        let summary = imported?;
        if let Some(head) = head {
            crate::store::shared::write_position(log.replica(), head)?;
        }
        Ok(summary)
    }

    /// [`Store::import_bundle`] on this store alone — or, with `push`, applied in one
    /// transaction, `push` running just before it commits (a shared store appends the events
    /// to the server's log there).
    ///
    /// A person's import is refused while another runs in the same store; a shared store's
    /// sync (`wait_for_another`) waits for it instead, since several commands on one machine
    /// bring one replica up to date at once, and the second finds nothing left to add.
    pub(in crate::store) fn import_bundle_here(
        &mut self,
        input: &mut dyn BufRead,
        options: BundleOptions,
        push: Option<StagedPush<'_>>,
        wait_for_another: bool,
    ) -> Result<BundleSummary> {
        // One import at a time: it holds the store's import lock from start to end, which is
        // also how others know it is alive (and leave its batches to it).
        let lock = match self.path.as_deref() {
            Some(path) => Some(
                ImportLock::take_or_wait(path, wait_for_another)?.ok_or_else(|| {
                    Error::store(
                        "another factdesk is importing a bundle into this store: try again when it \
                     is done",
                    )
                })?,
            ),
            None => None,
        };
        // An import cut short is finished first; what is left in the staging file is stale.
        self.apply_pending()?;
        let staging = match &lock {
            Some(lock) => {
                lock.remove_staging()?;
                Staging::create(self.conn(), lock.staging.clone(), false)?
            }
            None => {
                let path = std::env::temp_dir().join(format!(
                    "factdesk-bundle-{}-{}.db",
                    std::process::id(),
                    super::new_id()
                ));
                Staging::create(self.conn(), path, true)?
            }
        };
        // Like a bulk import, a large bundle inserts random UUIDs into several indexes, and its
        // bookkeeping tables live in the temporary database: give both a large page cache.
        for schema in ["main", "temp", "staging"] {
            self.conn().pragma_update(
                Some(schema),
                "cache_size",
                super::import::IMPORT_CACHE_KIB,
            )?;
        }
        let result = self.import_staged(input, options, &staging, push);
        for schema in ["main", "temp"] {
            self.conn()
                .pragma_update(Some(schema), "cache_size", -2000)?;
        }
        staging.detach(self.conn())?;
        result
    }

    /// Checks and stages the bundle, then applies its new events (not on a dry run): in one
    /// transaction when they are few, else in batches straight from the staging file.
    fn import_staged(
        &mut self,
        input: &mut dyn BufRead,
        options: BundleOptions,
        staging: &Staging,
        push: Option<StagedPush<'_>>,
    ) -> Result<BundleSummary> {
        let summary = self.stage(input, options)?;
        if options.dry_run || summary.events_added == 0 {
            return Ok(summary);
        }
        if let Some(push) = push {
            self.write_local(None, true, apply_staged, Some(push))?;
            return Ok(summary);
        }
        if summary.events_added <= ONE_TRANSACTION_EVENTS {
            // Small enough for one transaction, straight from the staging file.
            self.write(apply_staged)?;
            return Ok(summary);
        }
        self.begin_batches(&summary, staging)?;
        self.apply_batches(PendingEvents::Staged)?;
        Ok(summary)
    }

    /// Reads and checks the whole bundle into the staging file, reading the store without
    /// locking it.
    fn stage(&mut self, input: &mut dyn BufRead, options: BundleOptions) -> Result<BundleSummary> {
        let wall = self.clock.now();
        let read = self.conn().unchecked_transaction()?;
        let summary = stage_lines(&read, input, &wall, options.accept_future)?;
        check_staged(&read)?;
        read.commit()?;
        Ok(summary)
    }

    /// Puts the staged events in the order they are applied and makes them durable, then
    /// records the import in the store (`bundle_import`): from that commit on, the import will
    /// be finished, by this process or — if it dies — by the next one to open the store.
    fn begin_batches(&mut self, summary: &BundleSummary, staging: &Staging) -> Result<()> {
        // Written to the staging file only, so the store is not locked meanwhile.
        self.conn().execute_batch(&format!(
            "BEGIN;
             CREATE TABLE staging.ordered (seq INTEGER PRIMARY KEY, line INTEGER NOT NULL,
                 {EVENT_COLUMNS_DECLARED});
             INSERT INTO staging.ordered (line, {EVENT_COLUMNS})
                 SELECT line, {EVENT_COLUMNS} FROM staging.events ORDER BY {CANONICAL_ORDER};
             COMMIT;"
        ))?;
        staging.sync()?;
        let name = format!(
            "{} of {} events, by {}",
            summary.events_added, summary.events_in_bundle, self.author
        );
        self.write(|tx| {
            let busy: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM bundle_import)", [], |r| r.get(0))?;
            if busy {
                return Err(Error::store(
                    "another bundle import is being applied to this store: try again when it is done",
                ));
            }
            tx.execute(
                "INSERT INTO bundle_import (id, name, events, started_at, started_by)
                 VALUES (1, ?1, (SELECT count(*) FROM staging.ordered), ?2, ?3)",
                rusqlite::params![name, tx.written_at, tx.author],
            )?;
            Ok(())
        })
    }

    /// Finishes a bundle import whose process died during its batches (its import lock is
    /// free, its events still pending), and removes the staging file of an import killed
    /// before its batches began; returns how many events it appended. Every open of a store
    /// file calls it, so an import cut short is finished before anything else reads or writes
    /// the store. An import still under way in another process is left to it.
    pub fn finish_interrupted_import(&mut self) -> Result<u64> {
        let pending: bool =
            self.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM bundle_import)", [], |r| {
                    r.get(0)
                })?;
        let stale_staging = self
            .path
            .as_deref()
            .is_some_and(|path| ImportLock::staging_of(path).exists());
        if !(pending || stale_staging) || self.as_of.is_some() {
            return Ok(0);
        }
        // Dropping the lock at the end removes the staging file.
        let _lock = match self.path.as_deref() {
            Some(path) => match ImportLock::take(path)? {
                Some(lock) => Some(lock),
                None => return Ok(0),
            },
            None => None,
        };
        self.apply_pending()
    }

    /// Applies the pending events of a bundle import cut short, if any (the caller holds its
    /// lock): from `bundle_pending` if an earlier factdesk (schema 5) began it, else from the
    /// staging file beside the store.
    fn apply_pending(&mut self) -> Result<u64> {
        let events: Option<i64> = self
            .conn()
            .query_row("SELECT events FROM bundle_import", [], |r| r.get(0))
            .optional()?;
        let Some(events) = events else {
            return Ok(0);
        };
        if self.as_of.is_some() {
            return Ok(0);
        }
        let legacy: bool =
            self.conn()
                .query_row("SELECT EXISTS (SELECT 1 FROM bundle_pending)", [], |r| {
                    r.get(0)
                })?;
        if legacy {
            return self.apply_batches(PendingEvents::Legacy);
        }
        let staging = self
            .path
            .as_deref()
            .map(|path| Staging::open(self.conn(), ImportLock::staging_of(path), events))
            .transpose();
        match staging {
            Ok(Some(staging)) => {
                let result = self.apply_batches(PendingEvents::Staged);
                staging.detach(self.conn())?;
                result
            }
            Ok(None) | Err(_) => {
                let applied: i64 = self.conn().query_row(
                    "SELECT applied_through FROM bundle_import",
                    [],
                    |r| r.get(0),
                )?;
                self.write(|tx| {
                    tx.execute_batch("DELETE FROM bundle_import")?;
                    Ok(())
                })?;
                let reason = match staging {
                    Err(e) => e.to_string(),
                    Ok(_) => "it was not staged in a file".to_string(),
                };
                Err(Error::store(format!(
                    "a bundle import cut short cannot be finished ({reason}): {applied} of its \
                     {events} events were imported and the rest were not (the store is \
                     consistent: import the bundle again)"
                )))
            }
        }
    }

    /// Applies the pending events of a bundle import in batches, each one transaction, until
    /// none is left; returns how many were appended.
    fn apply_batches(&mut self, pending: PendingEvents) -> Result<u64> {
        // Each batch commits whole, but it need not reach the disk on its own: a crash that
        // loses the last batches leaves the log at an earlier batch, which knows how far the
        // import got (`applied_through`), and the next open goes on from there. So the batches
        // skip the sync of every commit, and copy the log into the store (checkpoint) every
        // few batches rather than after each, since a batch rewrites many of the same index
        // pages; the end of the import syncs everything once.
        let settings = [
            ("synchronous", 1), // NORMAL
            ("wal_autocheckpoint", BATCH_CHECKPOINT_PAGES),
            ("journal_size_limit", WAL_KEPT_BYTES),
        ];
        let mut before = Vec::new();
        for (pragma, value) in settings {
            let was: i64 = self
                .conn()
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))?;
            before.push((pragma, was));
            self.conn().pragma_update(None, pragma, value)?;
        }
        self.applying_import = true;
        let applied = self.apply_batches_unsynced(pending);
        self.applying_import = false;
        for (pragma, was) in before {
            self.conn().pragma_update(None, pragma, was)?;
        }
        self.sync_files()?;
        applied
    }

    /// Makes everything committed to a store file durable: its write-ahead log (and the file
    /// itself, for what a checkpoint copied into it).
    fn sync_files(&self) -> Result<()> {
        let Some(path) = self.path.as_deref() else {
            return Ok(());
        };
        let wal = ImportLock::beside(path, "-wal");
        for file in [wal.as_path(), path] {
            match std::fs::File::open(file).and_then(|f| f.sync_all()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::store(format!(
                        "cannot sync '{}' after the import: {e}",
                        file.display()
                    )));
                }
            }
        }
        Ok(())
    }

    /// [`Store::apply_batches`], each batch committed without waiting for the disk.
    fn apply_batches_unsynced(&mut self, pending: PendingEvents) -> Result<u64> {
        let mut appended = 0;
        loop {
            let importing: bool =
                self.conn()
                    .query_row("SELECT EXISTS (SELECT 1 FROM bundle_import)", [], |r| {
                        r.get(0)
                    })?;
            if !importing {
                return Ok(appended);
            }
            match self.write(|tx| apply_pending_batch(tx, pending)) {
                Ok(count) => {
                    appended += count;
                    // A colleague waiting to write gets the lock now, not after the import.
                    std::thread::sleep(BATCH_PAUSE);
                }
                Err(e) => {
                    // Nothing a check missed may leave the store retrying forever: the events
                    // applied so far stand (each batch whole), the rest are dropped.
                    self.write(|tx| {
                        tx.execute_batch("DELETE FROM bundle_pending; DELETE FROM bundle_import;")?;
                        Ok(())
                    })?;
                    return Err(Error::store(format!(
                        "{e}; the bundle's events before it were imported and the rest were \
                         not (the store is consistent: import the bundle again once it is fixed)"
                    )));
                }
            }
        }
    }
}

/// The declared columns of a staged event: [`EVENT_COLUMNS`] with their types.
const EVENT_COLUMNS_DECLARED: &str = "id TEXT NOT NULL, at TEXT NOT NULL, author TEXT NOT NULL,
    action TEXT NOT NULL, record_kind TEXT NOT NULL, record_id TEXT NOT NULL,
    change TEXT NOT NULL, hash TEXT NOT NULL";

/// Where the pending events of a bundle import wait.
#[derive(Debug, Clone, Copy)]
enum PendingEvents {
    /// In the staging file (`staging.ordered`), after `bundle_import.applied_through`.
    Staged,
    /// In `bundle_pending`, where factdesk put them before schema version 6.
    Legacy,
}

/// The lock a bundle import holds from start to end: an advisory lock on a file beside the
/// store (`<store>-import`; not the store itself, whose locks belong to SQLite). Released, and
/// the file removed, when dropped; a process that dies releases it with its files. The holder
/// alone owns the staging file beside it (`<store>-import-staging`), and removes it when done.
struct ImportLock {
    file: std::fs::File,
    path: std::path::PathBuf,
    staging: std::path::PathBuf,
}

impl ImportLock {
    /// The file beside `store` with `suffix` appended to its name.
    fn beside(store: &std::path::Path, suffix: &str) -> std::path::PathBuf {
        let mut name = store.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    }

    /// Where the import into the store at `store` stages its bundle.
    fn staging_of(store: &std::path::Path) -> std::path::PathBuf {
        Self::beside(store, "-import-staging")
    }

    /// Takes the lock of the store at `store`, or `None` when another process holds it.
    fn take(store: &std::path::Path) -> Result<Option<ImportLock>> {
        Self::take_or_wait(store, false)
    }

    /// Takes the lock of the store at `store`, or `None` when another process holds it; with
    /// `wait`, waits for that process instead (never `None`).
    fn take_or_wait(store: &std::path::Path, wait: bool) -> Result<Option<ImportLock>> {
        let path = Self::beside(store, "-import");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                Error::store(format!(
                    "cannot open the import lock '{}': {e}",
                    path.display()
                ))
            })?;
        let taken = if wait {
            file.lock().map(|()| true)
        } else {
            match file.try_lock() {
                Ok(()) => Ok(true),
                Err(std::fs::TryLockError::WouldBlock) => Ok(false),
                Err(std::fs::TryLockError::Error(e)) => Err(e),
            }
        };
        let taken = taken.map_err(|e| {
            Error::store(format!(
                "cannot take the import lock '{}': {e}",
                path.display()
            ))
        })?;
        Ok(taken.then(|| ImportLock {
            file,
            path,
            staging: Self::staging_of(store),
        }))
    }

    /// Removes the staging file an import that was killed left behind.
    fn remove_staging(&self) -> Result<()> {
        match std::fs::remove_file(&self.staging) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::store(format!(
                "cannot remove the staging file '{}' a killed import left: {e}",
                self.staging.display()
            ))),
        }
    }
}

impl Drop for ImportLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.staging);
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// How many events of a large bundle are applied per transaction at most: enough to keep the
/// rebuild cheap per event, few enough that a colleague's change waits a second or so.
pub const BATCH_EVENTS: i64 = 10_000;

/// How long a batch may spend appending its events before it stops short of [`BATCH_EVENTS`]
/// (rebuilding the records they touch takes about as long again, or twice): on a fast machine
/// a batch of 10,000 takes about a tenth of this; on a slow or busy one the batch gets smaller
/// instead of the colleague's wait longer.
const BATCH_APPEND_BUDGET: std::time::Duration = std::time::Duration::from_millis(300);

/// Whether a bundle import into the store at `store` is being checked or applied (its staging
/// file is there), so that others writing meanwhile leave copying the log into the store to it.
pub(crate) fn import_under_way(store: &std::path::Path) -> bool {
    ImportLock::staging_of(store).exists()
}

/// How long a bundle import leaves the write lock free between two batches: longer than a
/// waiting change takes to try again (every 5 ms), so a colleague's change waits for one batch
/// at most.
pub const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(15);

/// How large the write-ahead log may grow during a batched import before it is copied into the
/// store (SQLite's default is 1,000 pages, which a batch of a large import exceeds, so every
/// batch would copy all the index pages it touched): 100,000 pages of 4 KiB, about 400 MB.
const BATCH_CHECKPOINT_PAGES: i64 = 100_000;

/// What is left of the write-ahead log file once the import has been copied into the store.
const WAL_KEPT_BYTES: i64 = 64 * 1024 * 1024;

/// The fewest events a batch applies, however slow the machine.
const MIN_BATCH_EVENTS: usize = 500;

/// A bundle of at most this many new events (a day's work, or a week's) is applied in one
/// transaction straight from the staging file: about 3 s of holding the lock on a store of a
/// million events, cheaper than applying it in batches.
pub const ONE_TRANSACTION_EVENTS: u64 = 30_000;

/// Applies the next batch of a pending bundle import: appends its events and rebuilds the
/// records they touch; clears the import when nothing is left. Returns how many were appended.
fn apply_pending_batch(tx: &Tx, pending: PendingEvents) -> Result<u64> {
    match pending {
        PendingEvents::Legacy => {
            let sql = format!(
                "SELECT seq, line, {EVENT_COLUMNS} FROM bundle_pending
                  ORDER BY seq LIMIT {BATCH_EVENTS}"
            );
            let (appended, last_seq) = append_and_rebuild(tx, &sql, Some(BATCH_APPEND_BUDGET))?;
            if let Some(last) = last_seq {
                tx.execute("DELETE FROM bundle_pending WHERE seq <= ?1", [last])?;
            }
            tx.execute_batch(
                "DELETE FROM bundle_import WHERE NOT EXISTS (SELECT 1 FROM bundle_pending)",
            )?;
            Ok(appended)
        }
        PendingEvents::Staged => {
            let (applied, events): (i64, i64) = tx.query_row(
                "SELECT applied_through, events FROM bundle_import",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let sql = format!(
                "SELECT seq, line, {EVENT_COLUMNS} FROM staging.ordered
                  WHERE seq > {applied} ORDER BY seq LIMIT {BATCH_EVENTS}"
            );
            let (appended, last_seq) = append_and_rebuild(tx, &sql, Some(BATCH_APPEND_BUDGET))?;
            match last_seq {
                Some(last) if last < events => {
                    tx.execute("UPDATE bundle_import SET applied_through = ?1", [last])?;
                }
                _ => tx.execute_batch("DELETE FROM bundle_import")?,
            }
            Ok(appended)
        }
    }
}

/// Appends the events `select` yields (`seq, line,` then [`EVENT_COLUMNS`]) and rebuilds the
/// records they touch; returns how many were appended and the last `seq` read. With a
/// `budget`, it stops reading once appending has taken that long (after at least
/// [`MIN_BATCH_EVENTS`]), so a batch holds the write lock about as long on a slow or busy
/// machine as on a fast one.
fn append_and_rebuild(
    tx: &Tx,
    select: &str,
    budget: Option<std::time::Duration>,
) -> Result<(u64, Option<i64>)> {
    let started = std::time::Instant::now();
    let before: i64 = tx.query_row("SELECT coalesce(max(pk), 0) FROM events", [], |r| r.get(0))?;
    let mut stmt = tx.prepare(select)?;
    let mut rows = stmt.query([])?;
    let mut lines: Vec<u64> = Vec::new();
    let mut last_seq = None;
    let mut read = 0;
    while let Some(row) = rows.next()? {
        last_seq = Some(row.get::<_, i64>(0)?);
        let line: i64 = row.get(1)?;
        // Checked when it was staged: appended as its text, not parsed again.
        let columns: Vec<String> = (2..10)
            .map(|i| row.get::<_, String>(i))
            .collect::<rusqlite::Result<_>>()?;
        let event = replay::EventText {
            id: &columns[0],
            at: &columns[1],
            author: &columns[2],
            action: &columns[3],
            record_kind: &columns[4],
            record_id: &columns[5],
            change: &columns[6],
            hash: &columns[7],
        };
        if tx.append_event_text(&event, replay::Via::Bundle)? {
            lines.push(line as u64);
        }
        read += 1;
        if budget.is_some_and(|budget| read >= MIN_BATCH_EVENTS && started.elapsed() > budget) {
            break;
        }
    }
    drop(rows);
    drop(stmt);
    let line_of = |pk: i64| {
        usize::try_from(pk - before - 1)
            .ok()
            .and_then(|k| lines.get(k))
            .copied()
    };
    rebuild_records(tx, before, &line_of)?;
    Ok((lines.len() as u64, last_seq))
}

/// A private SQLite file, attached to the store's connection as `staging`, where a bundle's
/// new events wait while they are checked, and — for a large bundle — while they are applied in
/// batches. The import lock's holder removes it ([`ImportLock`]); a store with no file (in
/// memory) stages in the temporary directory, and the file goes when the import ends.
struct Staging {
    path: std::path::PathBuf,
    remove_on_drop: bool,
}

impl Staging {
    /// Creates the staging file at `path` (which must not exist) and attaches it.
    fn create(
        conn: &rusqlite::Connection,
        path: std::path::PathBuf,
        remove_on_drop: bool,
    ) -> Result<Staging> {
        let staging = Staging {
            path,
            remove_on_drop,
        };
        conn.execute(
            "ATTACH DATABASE ?1 AS staging",
            [staging.path.to_string_lossy()],
        )?;
        conn.execute_batch(
            "PRAGMA staging.journal_mode = OFF;
             PRAGMA staging.synchronous = OFF;
             CREATE TABLE staging.events (
                 seq INTEGER PRIMARY KEY, line INTEGER NOT NULL, id TEXT NOT NULL UNIQUE,
                 at TEXT NOT NULL, author TEXT NOT NULL, action TEXT NOT NULL,
                 record_kind TEXT NOT NULL, record_id TEXT NOT NULL, change TEXT NOT NULL,
                 hash TEXT NOT NULL);
             CREATE INDEX staging.events_record ON events (record_id, action);",
        )?;
        Ok(staging)
    }

    /// Attaches the staging file an import cut short left at `path`, after checking that it
    /// holds the `events` the import was to apply, in order.
    fn open(conn: &rusqlite::Connection, path: std::path::PathBuf, events: i64) -> Result<Staging> {
        if !path.exists() {
            return Err(Error::store(format!(
                "its staging file '{}' is gone",
                path.display()
            )));
        }
        conn.execute("ATTACH DATABASE ?1 AS staging", [path.to_string_lossy()])?;
        let staging = Staging {
            path,
            remove_on_drop: false,
        };
        let staged = conn
            .query_row(
                "SELECT count(*), coalesce(max(seq), 0) FROM staging.ordered",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .map_err(|e| e.to_string());
        if staged != Ok((events, events)) {
            let _ = conn.execute_batch("DETACH DATABASE staging");
            return Err(Error::store(format!(
                "its staging file '{}' does not hold its {events} events",
                staging.path.display()
            )));
        }
        Ok(staging)
    }

    /// Makes what was written to the staging file durable (it is written without a journal or
    /// syncs, for speed), so that a crash after the import is recorded cannot lose it.
    fn sync(&self) -> Result<()> {
        std::fs::File::open(&self.path)
            .and_then(|file| file.sync_all())
            .map_err(|e| {
                Error::store(format!(
                    "cannot sync the staging file '{}': {e}",
                    self.path.display()
                ))
            })
    }

    fn detach(self, conn: &rusqlite::Connection) -> Result<()> {
        conn.execute_batch("DETACH DATABASE staging")?;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.remove_on_drop {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn at_line(line: u64, reason: impl std::fmt::Display) -> Error {
    Error::BundleLine {
        line,
        reason: reason.to_string(),
    }
}

/// The latest moment an event may carry without `--accept-future`: a day past `wall`.
fn future_limit(wall: &str) -> Option<String> {
    let wall = chrono::DateTime::parse_from_rfc3339(wall).ok()?;
    Some(
        (wall + chrono::Duration::hours(FUTURE_LEEWAY_HOURS))
            .with_timezone(&chrono::Utc)
            .format(super::STORED_TIME)
            .to_string(),
    )
}

/// Reads the header, then every event line, checking each and staging the events the store
/// lacks in `staging.events`; returns what importing would do.
fn stage_lines(
    conn: &rusqlite::Connection,
    input: &mut dyn BufRead,
    wall: &str,
    accept_future: bool,
) -> Result<BundleSummary> {
    let future = if accept_future {
        None
    } else {
        future_limit(wall)
    };
    let mut buffer = Vec::new();
    let mut text = String::new();
    let mut line = 0u64;
    // Each line is read within the record limit: a longer one is refused as it is read.
    let mut next_line = |text: &mut String, line: u64| -> Result<bool> {
        let read = read_line(input, &mut buffer)
            .map_err(|e| Error::invalid(format!("cannot read the bundle: {e}")))?;
        text.clear();
        match read {
            Line::End => return Ok(false),
            Line::TooLong => return Err(at_line(line, too_long())),
            Line::Whole => {}
        }
        text.push_str(std::str::from_utf8(&buffer).map_err(|_| at_line(line, "not valid UTF-8"))?);
        Ok(true)
    };
    if !next_line(&mut text, 1)? {
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
    if version >= 2 && header.digest.is_none() {
        return Err(at_line(
            1,
            "malformed bundle header: a version 2 bundle carries a \"digest\"",
        ));
    }
    let mut digest = BundleDigest::new(header.events);
    let mut summary = BundleSummary {
        events_in_bundle: header.events,
        ..BundleSummary::default()
    };
    let mut seen = 0u64;
    let mut stored_hash = conn.prepare("SELECT hash FROM main.events WHERE id = ?1")?;
    let mut staged_hash = conn.prepare("SELECT hash FROM staging.events WHERE id = ?1")?;
    let mut stage = conn.prepare(
        "INSERT INTO staging.events (line, id, at, author, action, record_kind, record_id,
                                     change, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    while next_line(&mut text, line + 1)? {
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
        let CheckedLine { event, change } = check_line(line, content, future.as_deref(), wall)?;
        digest.add(&event.hash);
        seen += 1;
        let known = match stored_hash
            .query_row([&event.id], |r| r.get::<_, String>(0))
            .optional()?
        {
            Some(hash) => Some(hash),
            None => staged_hash
                .query_row([&event.id], |r| r.get::<_, String>(0))
                .optional()?,
        };
        match known {
            Some(hash) if hash != event.hash => {
                return Err(at_line(
                    line,
                    format!(
                        "event {} differs from this store's copy of it (run `factdesk verify` \
                         here)",
                        event.id
                    ),
                ));
            }
            Some(_) => summary.events_already_present += 1,
            None => {
                stage.execute(rusqlite::params![
                    line as i64,
                    event.id,
                    event.at,
                    event.author,
                    event.action,
                    event.record_kind,
                    event.record_id,
                    change,
                    event.hash
                ])?;
                summary.events_added += 1;
            }
        }
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
    if let Some(expected) = &header.digest
        && digest.finish() != *expected
    {
        return Err(at_line(
            1,
            "the header's digest does not match the events that follow: events were \
             dropped, added or reordered (ask for the bundle again)",
        ));
    }
    summary.records_rebuilt = conn.query_row(
        "SELECT count(DISTINCT record_id) FROM staging.events",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64;
    Ok(summary)
}

/// An event line of a bundle, parsed and checked: the event, and its change as it is stored.
struct CheckedLine {
    event: WireEvent,
    change: String,
}

/// Parses and checks one event line ([`check_event`]), refusing an event dated past `limit`
/// (a day ahead of `wall`, this machine's clock).
fn check_line(line: u64, content: &str, limit: Option<&str>, wall: &str) -> Result<CheckedLine> {
    let event: WireEvent = serde_json::from_str(content)
        .map_err(|e| at_line(line, format!("not a factdesk event: {e}")))?;
    check_event(&event).map_err(|reason| at_line(line, reason))?;
    if let Some(limit) = limit
        && event.at.as_str() > limit
    {
        return Err(at_line(
            line,
            format!(
                "event {} ({}) is dated {}, more than a day ahead of this machine's clock \
                 ({wall}): the clock that wrote it is wrong (pass --accept-future if it is \
                 this machine's clock that is wrong)",
                event.id, event.action, event.at
            ),
        ));
    }
    let change = event.change.to_string();
    Ok(CheckedLine { event, change })
}

/// Refuses an event this factdesk cannot apply, whose values the command line would refuse,
/// or whose content does not match its hash.
fn check_event(event: &WireEvent) -> std::result::Result<(), String> {
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
    super::event_check::check_event_values(event)
}

/// A JSON change without the name of the file a record was imported from (which is not part of
/// what the record is).
fn creation_content(change: &str) -> Value {
    let mut change: Value = serde_json::from_str(change).unwrap_or(Value::Null);
    if let Value::Object(members) = &mut change {
        members.remove("import");
    }
    change
}

/// The desk's rules over the staged events, as they would apply had the changes been typed
/// into this store: every record an event refers to exists (in the store or in the bundle), a
/// record is created once (the same id with other content is refused), and nobody approves or
/// rejects their own proposal. (A verdict given while the desk required review is kept but
/// does not stand: the replay makes it a proposal, see the projection of `VerdictSet`.) Reads only.
fn check_staged(conn: &rusqlite::Connection) -> Result<()> {
    // The same record created twice with different content: against the store, then within
    // the bundle (reported at the later line).
    for (other, ordering) in [("main.events", ""), ("staging.events", "AND o.seq < n.seq")] {
        let sql = format!(
            "SELECT n.line, n.id, n.action, n.record_id, n.change, o.change
               FROM staging.events n JOIN {other} o
                 ON o.record_id = n.record_id AND o.action = n.action AND o.id <> n.id {ordering}
              WHERE n.action IN ('claim.add', 'evidence.add', 'link.add')
              ORDER BY n.line"
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (line, id, action, record): (i64, String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
            let (new, old): (String, String) = (row.get(4)?, row.get(5)?);
            if creation_content(&new) != creation_content(&old) {
                let noun = action.split('.').next().unwrap_or("record");
                return Err(at_line(
                    line as u64,
                    format!(
                        "event {id} ({action}) creates {noun} {record} again with different \
                         content: a record is created once (edit it instead)"
                    ),
                ));
            }
        }
    }

    // A record changed before the line that creates it: a store's log never holds that, and
    // applied in the canonical order (creations first) it would pass in one bundle and be
    // refused in two, so a shared store's replicas would differ by how they synced.
    let early = conn
        .query_row(
            "SELECT n.line, n.id, n.action, n.record_kind, n.record_id, c.line
               FROM staging.events n
               JOIN staging.events c
                 ON c.record_id = n.record_id AND c.line > n.line
                AND c.action IN ('source.add', 'claim.add', 'evidence.add', 'link.add')
              WHERE n.action NOT IN ('source.add', 'claim.add', 'evidence.add', 'link.add')
                AND NOT EXISTS (SELECT 1 FROM main.events m
                                 WHERE m.record_id = n.record_id AND m.action = c.action)
              ORDER BY n.line LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            },
        )
        .optional()?;
    if let Some((line, id, action, kind, record, created)) = early {
        return Err(at_line(
            line as u64,
            format!(
                "event {id} ({action}) changes {kind} {record} before line {created} creates it"
            ),
        ));
    }

    // Claims referred to that neither the store nor the bundle holds (before the line that
    // refers to them).
    let missing = conn
        .query_row(
            "WITH refs (line, id, action, claim) AS (
                 SELECT line, id, action, record_id FROM staging.events
                  WHERE record_kind = 'claim' AND action <> 'claim.add'
                 UNION ALL
                 SELECT line, id, action, json_extract(change, '$.claim') FROM staging.events
                  WHERE action = 'evidence.add'
                 UNION ALL
                 SELECT line, id, action, json_extract(change, '$.from') FROM staging.events
                  WHERE action = 'link.add'
                 UNION ALL
                 SELECT line, id, action, json_extract(change, '$.to') FROM staging.events
                  WHERE action = 'link.add')
             SELECT line, id, action, claim FROM refs r
              WHERE NOT EXISTS (SELECT 1 FROM main.claims c WHERE c.id = r.claim)
                AND NOT EXISTS (SELECT 1 FROM staging.events s
                                 WHERE s.record_id = r.claim AND s.action = 'claim.add'
                                   AND s.line < r.line)
              ORDER BY line LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )
        .optional()?;
    if let Some((line, id, action, claim)) = missing {
        return Err(at_line(
            line as u64,
            format!(
                "event {id} ({action}) refers to claim {claim}, which neither the store nor \
                 the events hold"
            ),
        ));
    }

    // Sources named that neither the store nor the bundle holds (by a name it was added or
    // renamed with).
    // (Each name with the first line that gives it.)
    let mut staged_sources: std::collections::HashMap<String, i64> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT line, json_extract(change, '$.name') FROM staging.events
          WHERE action = 'source.add'
         UNION ALL
         SELECT line, json_extract(change, '$.new') FROM staging.events
          WHERE action = 'source.rename'",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (line, name) = row?;
        let first = staged_sources
            .entry(crate::model::source_key(&name))
            .or_insert(line);
        *first = (*first).min(line);
    }
    drop(stmt);
    let mut stmt = conn.prepare(
        "SELECT line, id, action,
                json_extract(change, CASE action WHEN 'claim.edit' THEN '$.claimant.new'
                                                 ELSE '$.claimant' END),
                json_extract(change, CASE action WHEN 'claim.edit' THEN '$.reported_by.new'
                                                 ELSE '$.reported_by' END),
                json_extract(change, '$.source')
           FROM staging.events
          WHERE action IN ('claim.add', 'evidence.add', 'claim.edit')
          ORDER BY line",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (line, id, action): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        for i in 3..6 {
            // (A claim edit names its new claimant at `.new`: the edit is {old, new}.)
            let Ok(Some(name)) = row.get::<_, Option<String>>(i) else {
                continue;
            };
            if staged_sources
                .get(&crate::model::source_key(&name))
                .is_some_and(|&given| given < line)
                || super::find_source_pk(conn, &name)?.is_some()
            {
                continue;
            }
            return Err(at_line(
                line as u64,
                format!(
                    "event {id} ({action}) names source '{name}', which neither the store nor \
                     the events hold"
                ),
            ));
        }
    }
    drop(rows);
    drop(stmt);

    // Reviews by the proposer.
    let mut stmt = conn.prepare(
        "SELECT line, id, action, author, json_extract(change, '$.proposed_by')
           FROM staging.events
          WHERE action = 'review.approve' OR action = 'review.reject' ORDER BY line",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (line, id, action, author): (i64, String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        let proposer: Option<String> = row.get(4)?;
        if proposer.is_some_and(|p| crate::person::same_person(&p, &author)) {
            return Err(at_line(
                line as u64,
                format!(
                    "event {id} ({action}) is by {}, who proposed the verdict: a \
                     different person must review it",
                    crate::person::shown_name(&author)
                ),
            ));
        }
    }
    Ok(())
}

/// Brings the tables up to date with the new events (those with a key above `before`). A record the store had never heard of before them (most of a
/// large bundle) is projected straight from its new events, in the canonical order. Only a
/// record with earlier history — and a claim whose verdict may stand or wait for review
/// differently under a newly learnt review setting — is rebuilt from its whole history: its
/// rows deleted and all its events replayed in the canonical order, so that an event from
/// another store dated between two of this store's lands where it belongs. Either way the
/// tables end as a replay of the whole log would leave them. `line_of` gives the bundle line
/// of each new event, for naming it in an error.
fn rebuild_records(tx: &Tx, before: i64, line_of: &dyn Fn(i64) -> Option<u64>) -> Result<()> {
    let added: i64 = tx.query_row("SELECT count(*) FROM events WHERE pk > ?1", [before], |r| {
        r.get(0)
    })?;
    if added == 0 {
        return Ok(());
    }
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE IF NOT EXISTS bundle_records (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS bundle_claims (claim_id TEXT PRIMARY KEY) WITHOUT ROWID;
         DELETE FROM temp.bundle_records; DELETE FROM temp.bundle_claims;
         -- The records to rebuild: those with history before the new events.
         INSERT OR IGNORE INTO temp.bundle_records
             SELECT n.record_id FROM events n
              WHERE n.pk > {before}
                AND EXISTS (SELECT 1 FROM events o WHERE o.record_id = n.record_id
                                                     AND o.pk <= {before});"
    ))?;
    // A newly learnt review setting decides whether the verdicts given after it stand or wait
    // for review: the claims of those projected before it came are rebuilt too. (Looked up
    // first: as one statement, SQLite would read the whole log for it.)
    let setting_learnt: Option<String> = tx.query_row(
        "SELECT min(at) FROM events WHERE pk > ?1 AND action = 'config.set' AND record_id = ?2",
        rusqlite::params![before, REVIEW_REQUIRED],
        |r| r.get(0),
    )?;
    if let Some(at) = setting_learnt {
        tx.execute(
            "INSERT OR IGNORE INTO temp.bundle_records
                 SELECT record_id FROM events
                  WHERE at >= ?1 AND action = 'verdict.set' AND +pk <= ?2",
            rusqlite::params![at, before],
        )?;
    }
    tx.execute_batch(&format!(
        "-- The claims whose full-text entry changes: those touched, those given evidence, and
         -- those rebuilt. (Separate statements, not a UNION: SQLite merges a UNION in sorted
         -- order, which it gets by scanning the whole of `events_record`, however few events
         -- are new.)
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT record_id FROM events WHERE pk > {before} AND record_kind = 'claim';
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT json_extract(change, '$.claim') FROM events
              WHERE pk > {before} AND action = 'evidence.add';
         -- Evidence changed, retracted, restored or moved: the claims it was and is on.
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT json_extract(change, '$.claim') FROM events
              WHERE pk > {before}
                AND action IN ('evidence.edit', 'evidence.retract', 'evidence.restore');
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT json_extract(change, '$.from') FROM events
              WHERE pk > {before} AND action = 'evidence.move';
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT json_extract(change, '$.to') FROM events
              WHERE pk > {before} AND action = 'evidence.move';
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT c.id FROM evidence e JOIN claims c ON c.pk = e.claim_pk
              WHERE e.id IN (SELECT record_id FROM temp.bundle_records);
         INSERT OR IGNORE INTO temp.bundle_claims
             SELECT record_id FROM temp.bundle_records r
              WHERE EXISTS (SELECT 1 FROM claims c WHERE c.id = r.record_id);
         -- Their entries go before anything changes (FTS5 deletes an entry by its old
         -- values). In rowid order, here and below: FTS5 flushes its pending terms to a new
         -- segment whenever the rowid it is given goes down, so claims taken in id (UUID)
         -- order cost a segment, and its merging, each.
         INSERT INTO claims_fts (claims_fts, rowid, text, search_context, quote)
             SELECT 'delete', pk, text, search_context, quote FROM claims
              WHERE id IN (SELECT claim_id FROM temp.bundle_claims) ORDER BY pk;"
    ))?;
    let sources = SourceKeys::default();
    // New records, from their new events.
    replay_events(
        tx,
        &format!(
            "SELECT pk, {EVENT_COLUMNS} FROM events
              WHERE pk > {before}
                AND record_id NOT IN (SELECT record_id FROM temp.bundle_records)
              ORDER BY {CANONICAL_ORDER}"
        ),
        Upkeep::DeferredNew,
        &sources,
        line_of,
    )?;
    // Records with history, from all of it.
    let rebuilt: i64 =
        tx.query_row("SELECT count(*) FROM temp.bundle_records", [], |r| r.get(0))?;
    if rebuilt > 0 {
        tx.execute_batch(&delete_rows_of("bundle_records"))?;
        replay_events(
            tx,
            &format!(
                "SELECT pk, {EVENT_COLUMNS} FROM events
                  WHERE record_id IN (SELECT record_id FROM temp.bundle_records)
                  ORDER BY {CANONICAL_ORDER}"
            ),
            Upkeep::Deferred,
            &sources,
            line_of,
        )?;
    }
    // The claims' search context (their evidence's notes and quotes) and full-text entries.
    let touched = "AND id IN (SELECT claim_id FROM temp.bundle_claims)";
    refresh_search_context(tx, touched)?;
    tx.execute_batch(&format!(
        "INSERT INTO claims_fts (rowid, text, search_context, quote)
             SELECT pk, text, search_context, quote FROM claims WHERE 1 {touched} ORDER BY pk;"
    ))?;
    Ok(())
}

/// Whether applying an event failed because of the event — its values, the records it names —
/// rather than because of this machine (a full disk, a busy, locked or damaged store, an
/// interruption): only the former refuses the event (and a shared store's replica sets it aside).
fn is_the_events_fault(e: &Error) -> bool {
    match e {
        Error::Invalid(_)
        | Error::Usage(_)
        | Error::NotFound { .. }
        | Error::AmbiguousId { .. }
        | Error::BundleLine { .. } => true,
        Error::Sqlite { source, .. } => matches!(
            source.sqlite_error_code(),
            Some(
                rusqlite::ErrorCode::ConstraintViolation
                    | rusqlite::ErrorCode::TypeMismatch
                    | rusqlite::ErrorCode::TooBig
            )
        ),
        _ => false,
    }
}

/// Projects the events `select` yields (`pk`, then [`EVENT_COLUMNS`]) with `upkeep`, naming the
/// bundle line of the first that cannot be applied.
fn replay_events(
    tx: &Tx,
    select: &str,
    upkeep: Upkeep,
    sources: &SourceKeys,
    line_of: &dyn Fn(i64) -> Option<u64>,
) -> Result<()> {
    let mut stmt = tx.prepare(select)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let pk: i64 = row.get(0)?;
        let wire = wire_from_row(row, 1)?;
        let (id, action) = (wire.id.clone(), wire.action.clone());
        let projected = replay::typed(wire).and_then(|event| project(tx, &event, upkeep, sources));
        if let Err(e) = projected {
            // Name the bundle line when the event came in this bundle and is what is wrong, in
            // one line (a full disk or a busy store is no line's fault: said as it is).
            return Err(match (line_of(pk), e) {
                (Some(line), Error::Invalid(reason)) => at_line(line, reason),
                (Some(line), e) if is_the_events_fault(&e) => {
                    let reason = e.to_string();
                    let reason = reason.lines().next().unwrap_or_default();
                    at_line(
                        line,
                        format!("event {id} ({action}) cannot be applied: {reason}"),
                    )
                }
                (_, e) => e,
            });
        }
    }
    Ok(())
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
        // Every refusal of a bundle's content names its line, as a typed error.
        assert!(
            matches!(err, Error::BundleLine { .. } | Error::Invalid(_)),
            "{err:?}"
        );
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

        let newer = good.replacen("\"factdesk_bundle\":2", "\"factdesk_bundle\":3", 1);
        assert_eq!(
            refused(newer.as_bytes()),
            "line 1: bundle format version 3 is newer than this factdesk reads (up to 2): \
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

        // The evidence alone, without the claim it is about: the store cannot place it. (A
        // version 1 header, which has no digest to recompute.)
        let header = r#"{"factdesk_bundle":1,"events":1,"exported_at":"2024-09-07T00:00:05.000Z","exported_by":"ana"}"#;
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

    #[test]
    fn a_record_is_created_before_the_lines_that_change_it() {
        // A store's log never holds a change before its record's creation; applied in the
        // canonical order (creations first) such a bundle would pass whole and be refused in
        // two parts, so it is refused whole too. (Version 1 headers: no digest to reorder.)
        let good = sample_bundle();
        let lines: Vec<&str> = good.lines().collect();
        let header = |events: usize| {
            format!(
                r#"{{"factdesk_bundle":1,"events":{events},"exported_at":"2024-09-07T00:00:05.000Z","exported_by":"ana"}}"#
            )
        };
        // The evidence before its claim: its claim is not there yet.
        let evidence_first = format!("{}\n{}\n{}\n{}\n", header(3), lines[1], lines[3], lines[2]);
        let err = refused(evidence_first.as_bytes());
        assert!(err.starts_with("line 3: event "), "{err}");
        assert!(err.contains("(evidence.add) refers to claim"), "{err}");
        // A comment on the claim before the claim.
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let claim_id: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
        let claim_id = claim_id["record_id"].as_str().unwrap().to_string();
        let mut scratch = Store::open_in_memory().unwrap().with_author("bo");
        import(&mut scratch, good.as_bytes()).unwrap();
        scratch.comment_claim(&claim_id, "Seen it").unwrap();
        let with_comment = String::from_utf8(bundle_of(&scratch)).unwrap();
        let comment = with_comment.lines().last().unwrap();
        let comment_first = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            header(4),
            lines[1],
            comment,
            lines[2],
            lines[3]
        );
        let err = import(&mut store, comment_first.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 3: event "), "{err}");
        assert!(
            err.ends_with(&format!(
                "(claim.comment) changes claim {claim_id} before line 4 creates it"
            )),
            "{err}"
        );
        // In log order, the same events are taken.
        let in_order = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            header(4),
            lines[1],
            lines[2],
            lines[3],
            comment
        );
        import(&mut store, in_order.as_bytes()).unwrap();
    }

    fn clock(at: &str) -> crate::store::Clock {
        crate::store::Clock::fixed(at).unwrap()
    }

    fn text_of(store: &Store, id: &str) -> String {
        store.claim(id).unwrap().text
    }

    #[test]
    fn a_change_waiting_for_the_lock_is_stamped_after_the_change_that_held_it() {
        // The clock reads 12:00:00 for both; the second change, made after the first, must
        // still order after it.
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(clock("2024-09-07T12:00:00Z"));
        let id = store
            .log_claim(&claim("Iran supplied missiles", "Officials"))
            .unwrap();
        store
            .set_verdict(&id, VerdictKind::Refuted, "First")
            .unwrap();
        store
            .set_verdict(&id, VerdictKind::Supported, "Second")
            .unwrap();
        let events = store.history(&Default::default()).unwrap();
        let times: Vec<&str> = events.iter().map(|e| e.at.as_str()).collect();
        assert_eq!(
            times,
            [
                "2024-09-07T12:00:00.002Z",
                "2024-09-07T12:00:00.001Z",
                "2024-09-07T12:00:00.000Z",
                "2024-09-07T12:00:00.000Z"
            ]
        );
        assert_eq!(
            store.claim(&id).unwrap().verdict,
            Some(VerdictKind::Supported)
        );
        assert!(store.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn a_colleagues_fast_clock_cannot_revert_an_edit_made_after_seeing_her_work() {
        // Ana's laptop runs ten minutes fast.
        let mut ana = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(clock("2024-09-07T12:10:00Z"));
        let mut bo = Store::open_in_memory()
            .unwrap()
            .with_author("bo")
            .with_clock(clock("2024-09-07T12:00:00Z"));
        let id = ana
            .log_claim(&claim("Iran supplied Russia with missiles", "Officials"))
            .unwrap();
        ana.edit_claim(
            &id,
            &ClaimEdit {
                text: Some("Iran supplied Russia with drones".into()),
                ..ClaimEdit::default()
            },
        )
        .unwrap();
        import(&mut bo, &bundle_of(&ana)).unwrap();
        // Bo reads her edit and corrects it, at 12:01 by his (right) clock.
        bo.set_clock(clock("2024-09-07T12:01:00Z"));
        bo.edit_claim(
            &id,
            &ClaimEdit {
                text: Some("Iran supplied Russia with ballistic missiles".into()),
                ..ClaimEdit::default()
            },
        )
        .unwrap();
        // Later, an unrelated import from Ana: Bo's correction stands, in both stores.
        ana.set_clock(clock("2024-09-07T12:12:00Z"));
        ana.log_claim(&claim("Iran wants Su-35 jets", "Officials"))
            .unwrap();
        import(&mut bo, &bundle_of(&ana)).unwrap();
        import(&mut ana, &bundle_of(&bo)).unwrap();
        for store in [&ana, &bo] {
            assert_eq!(
                text_of(store, &id),
                "Iran supplied Russia with ballistic missiles"
            );
            assert_eq!(store.verify().unwrap().problems, Vec::<String>::new());
        }
        // He saw hers, so it is no conflict: his change was made knowing it.
        assert_eq!(fingerprint(&ana), fingerprint(&bo));
    }

    #[test]
    fn events_dated_far_ahead_are_refused_unless_this_clock_is_the_wrong_one() {
        let mut future = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(clock("2099-01-01T00:00:00Z"));
        let id = future
            .log_claim(&claim("Iran supplied missiles", "Officials"))
            .unwrap();
        let bundle = bundle_of(&future);
        let mut here = Store::open_in_memory()
            .unwrap()
            .with_author("bo")
            .with_clock(clock("2024-09-07T12:00:00Z"));
        let err = import(&mut here, &bundle).unwrap_err().to_string();
        assert!(err.starts_with("line 2: event "), "{err}");
        assert!(
            err.ends_with(
                "(source.add) is dated 2099-01-01T00:00:00.000Z, more than a day ahead of this \
                 machine's clock (2024-09-07T12:00:00.000Z): the clock that wrote it is wrong \
                 (pass --accept-future if it is this machine's clock that is wrong)"
            ),
            "{err}"
        );
        assert!(here.claims(&Default::default()).unwrap().is_empty());
        // Accepted, every later change here orders after it.
        here.import_bundle(
            &mut &bundle[..],
            BundleOptions {
                accept_future: true,
                ..BundleOptions::default()
            },
        )
        .unwrap();
        here.set_verdict(&id, VerdictKind::Refuted, "Images")
            .unwrap();
        let last = &here.history(&Default::default()).unwrap()[0];
        assert_eq!(last.at, "2099-01-01T00:00:00.001Z");
    }

    #[test]
    fn a_bundle_missing_its_last_event_is_refused_even_with_the_count_lowered() {
        let good = sample_bundle();
        let lines: Vec<&str> = good.lines().collect();
        let header = lines[0].replacen("\"events\":3", "\"events\":2", 1);
        let cut = format!("{header}\n{}\n{}\n", lines[1], lines[2]);
        assert_eq!(
            refused(cut.as_bytes()),
            "line 1: the header's digest does not match the events that follow: events were \
             dropped, added or reordered (ask for the bundle again)"
        );
    }

    /// A bundle line rewritten as an adversary would: the change edited and the hash
    /// recomputed, so only the checks of values and desk rules can catch it.
    fn forged(line: &str, edit: impl FnOnce(&mut WireEvent)) -> String {
        let mut event: WireEvent = serde_json::from_str(line).unwrap();
        edit(&mut event);
        event.hash = event_hash(&EventContent::of(&event));
        serde_json::to_string(&event).unwrap()
    }

    /// A version 1 bundle (no digest to recompute) of the given event lines.
    fn bundle_v1(lines: &[String]) -> String {
        let mut out = format!(
            "{{\"factdesk_bundle\":1,\"events\":{},\"exported_at\":\"2024-09-07T00:00:05.000Z\",\"exported_by\":\"ana\"}}\n",
            lines.len()
        );
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_first_bad_line_is_named_even_when_a_later_one_cannot_be_read() {
        // An unreadable line far into the bundle is not named before a bad one ahead of it.
        let good = sample_bundle();
        let lines: Vec<String> = good.lines().skip(1).map(str::to_string).collect();
        let altered = lines[1].replacen("Iran supplied drones", "Iran supplied nothing", 1);
        let mut events = vec![lines[0].clone(), altered];
        events.extend(std::iter::repeat_n(lines[2].clone(), 512));
        let mut bundle = bundle_v1(&events);
        bundle.push('\n');
        let err = refused(bundle.as_bytes());
        assert!(
            err.starts_with("line 3: event ") && err.contains("was altered after it was written"),
            "{err}"
        );
        // And the unreadable line is named when everything before it is good.
        let mut events = lines.clone();
        events.extend(std::iter::repeat_n(lines[2].clone(), 512));
        let mut bundle = bundle_v1(&events);
        bundle.push('\n');
        let empty_line = events.len() + 2;
        assert_eq!(
            refused(bundle.as_bytes()),
            format!("line {empty_line}: empty line where an event was expected")
        );
    }

    #[test]
    fn a_claim_created_twice_with_the_same_content_is_one_claim_in_every_replay() {
        // Two events creating the same claim alike (the same work exported twice through a
        // third store) are accepted; replaying new records inserts a claim rather than reset
        // it, and must fall back to resetting it for the second.
        let good = sample_bundle();
        let lines: Vec<String> = good.lines().skip(1).map(str::to_string).collect();
        let again = forged(&lines[1], |e| e.id = crate::store::new_id());
        let bundle = bundle_v1(&[lines[0].clone(), lines[1].clone(), again, lines[2].clone()]);
        let mut store = Store::open_in_memory().unwrap();
        let summary = import(&mut store, bundle.as_bytes()).unwrap();
        assert_eq!(summary.events_added, 4);
        let claims: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
            .unwrap();
        assert_eq!(claims, 1);
        let verified = store.verify().unwrap();
        assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    }

    #[test]
    fn bundle_values_are_checked_as_the_command_line_checks_them() {
        let good = sample_bundle();
        let lines: Vec<String> = good.lines().skip(1).map(str::to_string).collect();
        let with = |k: usize, edit: &dyn Fn(&mut WireEvent)| {
            let mut lines = lines.clone();
            lines[k] = forged(&lines[k], edit);
            bundle_v1(&lines)
        };
        let err = refused(with(1, &|e| e.change["date"] = "2024-02-30".into()).as_bytes());
        assert!(err.starts_with("line 3: event "), "{err}");
        assert!(err.contains("malformed date '2024-02-30'"), "{err}");
        let err = refused(with(1, &|e| e.at = "garbage-time".into()).as_bytes());
        assert!(err.contains("malformed time 'garbage-time'"), "{err}");
        let err = refused(with(1, &|e| e.author = " ".into()).as_bytes());
        assert!(err.starts_with("line 3: "), "{err}");
        let err = refused(with(1, &|e| e.record_kind = "link".into()).as_bytes());
        assert!(err.contains("does not match action claim.add"), "{err}");
        let err = refused(with(1, &|e| e.record_id = "x\"];evil".into()).as_bytes());
        assert!(err.contains("is not a UUID"), "{err}");
        let err = refused(with(1, &|e| e.change["tags"] = serde_json::json!([""])).as_bytes());
        assert!(err.starts_with("line 3: "), "{err}");
    }

    #[test]
    fn a_bundle_cannot_recreate_a_claim_with_other_text() {
        let mut a = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(5));
        a.log_claim(&claim("Iran supplied drones", "Officials"))
            .unwrap();
        let bundle = String::from_utf8(bundle_of(&a)).unwrap();
        let mut store = Store::open_in_memory().unwrap().with_clock(at(6));
        import(&mut store, bundle.as_bytes()).unwrap();
        let before = fingerprint(&store);
        let claim_line = bundle.lines().nth(2).unwrap();
        let again = forged(claim_line, |e| {
            e.id = "01900000-0000-7000-8000-0000000000aa".into();
            e.change["text"] = "No conflicts".into();
        });
        let err = import(&mut store, bundle_v1(&[again]).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("line 2: event 01900000-0000-7000-8000-0000000000aa"),
            "{err}"
        );
        assert!(
            err.ends_with(
                "again with different content: a record is created once (edit it instead)"
            ),
            "{err}"
        );
        assert_eq!(fingerprint(&store), before);
    }

    #[test]
    fn a_bundle_cannot_sidestep_review() {
        let mut desk = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(5));
        let id = desk
            .log_claim(&claim("Iran supplied drones", "Officials"))
            .unwrap();
        desk.set_setting(REVIEW_REQUIRED, "true").unwrap();
        // Bo works from a copy made before review was turned on, and gives a verdict later.
        let mut bo = Store::open_in_memory()
            .unwrap()
            .with_author("bo")
            .with_clock(at(6));
        let first = bundle_of(&desk);
        let first = String::from_utf8(first).unwrap();
        let without_setting: Vec<String> = first
            .lines()
            .skip(1)
            .filter(|l| !l.contains("config.set"))
            .map(str::to_string)
            .collect();
        import(&mut bo, bundle_v1(&without_setting).as_bytes()).unwrap();
        bo.set_clock(at(9));
        bo.set_verdict(&id, VerdictKind::Refuted, "Images").unwrap();
        import(&mut desk, &bundle_of(&bo)).unwrap();
        // On the desk it waits for review instead of standing.
        assert_eq!(desk.claim(&id).unwrap().verdict, None);
        let queue = desk.review_queue().unwrap();
        assert_eq!((queue.len(), queue[0].proposed_by.as_str()), (1, "bo"));
        assert!(desk.verify().unwrap().problems.is_empty());
        // Bo, learning of the setting, sees the same.
        import(&mut bo, &bundle_of(&desk)).unwrap();
        assert_eq!(bo.claim(&id).unwrap().verdict, None);
        assert_eq!(fingerprint(&bo), fingerprint(&desk));

        // An approval by the proposer is refused.
        desk.set_author("bo");
        let approval = {
            let mut other = Store::open_in_memory()
                .unwrap()
                .with_author("cy")
                .with_clock(at(20));
            import(&mut other, &bundle_of(&desk)).unwrap();
            other.approve_verdict(&id, None).unwrap();
            let bundle = String::from_utf8(bundle_of(&other)).unwrap();
            bundle.lines().last().unwrap().to_string()
        };
        let before = fingerprint(&desk);
        // The proposer however spelt: other case and spaces, a Cyrillic о, a zero-width space.
        for author in ["BO ", "B\u{43e}", "b\u{200b}o"] {
            let forged_approval = forged(&approval, |e| e.author = author.into());
            let err = import(&mut desk, bundle_v1(&[forged_approval]).as_bytes())
                .unwrap_err()
                .to_string();
            assert!(
                err.ends_with(&format!(
                    "(review.approve) is by {}, who proposed the verdict: a different person \
                     must review it",
                    crate::person::shown_name(author)
                )),
                "{err}"
            );
            assert_eq!(fingerprint(&desk), before);
        }
    }

    /// A store with `claims` claims (and their source), each logged by its own command.
    fn store_with_claims(claims: usize) -> Store {
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(5));
        for i in 0..claims {
            store
                .log_claim(&claim(&format!("Shipment {i} reached Russia"), "Officials"))
                .unwrap();
        }
        store
    }

    #[test]
    fn a_bundle_larger_than_a_batch_is_applied_in_several_transactions_and_whole() {
        let from = store_with_claims(ONE_TRANSACTION_EVENTS as usize + 500);
        let bundle = bundle_of(&from);
        let mut into = Store::open_in_memory()
            .unwrap()
            .with_author("bo")
            .with_clock(at(6));
        into.log_claim(&claim("Bo's own claim", "Someone")).unwrap();
        let summary = import(&mut into, &bundle).unwrap();
        assert_eq!(summary.events_added, ONE_TRANSACTION_EVENTS + 501);
        let pending: i64 = into
            .conn()
            .query_row("SELECT count(*) FROM bundle_pending", [], |r| r.get(0))
            .unwrap();
        assert_eq!(pending, 0);
        assert_eq!(
            into.claims(&crate::store::ClaimFilter {
                limit: None,
                ..Default::default()
            })
            .unwrap()
            .len(),
            ONE_TRANSACTION_EVENTS as usize + 501
        );
        assert_eq!(into.verify().unwrap().problems, Vec::<String>::new());
    }

    /// Opens the store file at `path` as bo would.
    fn open_file(path: &std::path::Path) -> Result<Store> {
        Ok(Store::open(
            path,
            super::super::OpenMode::CreateIfMissing,
            super::super::NetworkFs::Allow,
        )?
        .with_author("bo")
        .with_clock(at(6)))
    }

    /// Leaves at `path` what a process killed after its bundle import's first batch leaves:
    /// the import recorded in the store, some of its events applied, the rest in the staging
    /// file. Returns how many claims the bundle holds and how many events the first batch
    /// applied.
    fn store_cut_short_after_first_batch(path: &std::path::Path) -> (usize, i64) {
        // Too large for one transaction: a smaller bundle is applied in one instead.
        let claims = ONE_TRANSACTION_EVENTS as usize + 5;
        let bundle = bundle_of(&store_with_claims(claims));
        let mut store = open_file(path).unwrap();
        let lock = ImportLock::take(path).unwrap().unwrap();
        let staging = Staging::create(store.conn(), lock.staging.clone(), false).unwrap();
        let summary = store
            .stage(&mut &bundle[..], BundleOptions::default())
            .unwrap();
        store.begin_batches(&summary, &staging).unwrap();
        let first = store
            .write(|tx| apply_pending_batch(tx, PendingEvents::Staged))
            .unwrap();
        // A whole batch on a fast machine, fewer (but at least the minimum) on a slow one.
        assert!((MIN_BATCH_EVENTS as u64..=BATCH_EVENTS as u64).contains(&first));
        staging.detach(store.conn()).unwrap();
        let (applied, events): (i64, i64) = store
            .conn()
            .query_row(
                "SELECT applied_through, events FROM bundle_import",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((applied, events), (first as i64, claims as i64 + 1));
        // A killed process does not remove its staging file (dropping the lock does).
        let kept = path.with_file_name("kept");
        std::fs::copy(&lock.staging, &kept).unwrap();
        drop(lock);
        std::fs::rename(&kept, ImportLock::staging_of(path)).unwrap();
        (claims, applied)
    }

    fn every_claim(store: &Store) -> usize {
        let all = crate::store::ClaimFilter {
            limit: None,
            ..Default::default()
        };
        store.claims(&all).unwrap().len()
    }

    #[test]
    fn an_import_cut_short_after_its_first_batch_is_finished_by_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let (claims, _) = store_cut_short_after_first_batch(&path);
        let store = open_file(&path).unwrap();
        assert_eq!(every_claim(&store), claims);
        assert_eq!(store.verify().unwrap().problems, Vec::<String>::new());
        assert!(!ImportLock::staging_of(&path).exists());
    }

    #[test]
    fn an_import_cut_short_whose_staging_file_is_gone_is_reported_once_and_left_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let (_, applied) = store_cut_short_after_first_batch(&path);
        std::fs::remove_file(ImportLock::staging_of(&path)).unwrap();
        let Err(e) = open_file(&path) else {
            panic!("the import was reported finished")
        };
        assert!(
            e.to_string().starts_with(&format!(
                "a bundle import cut short cannot be finished (its staging file '{}' is gone): \
                 {applied} of its {} events were imported",
                ImportLock::staging_of(&path).display(),
                ONE_TRANSACTION_EVENTS + 6
            )),
            "{e}"
        );
        let store = open_file(&path).unwrap();
        // The first batch: the source, then the first claims.
        assert_eq!(every_claim(&store), applied as usize - 1);
        assert_eq!(store.verify().unwrap().problems, Vec::<String>::new());
    }

    #[test]
    fn an_import_an_earlier_factdesk_cut_short_is_finished_from_bundle_pending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let from = store_with_claims(3);
        {
            // What schema 5 left: the import recorded, its events waiting in bundle_pending.
            let store = open_file(&path).unwrap();
            let mut read = from
                .conn()
                .prepare(&format!(
                    "SELECT {EVENT_COLUMNS} FROM events ORDER BY {CANONICAL_ORDER}"
                ))
                .unwrap();
            let mut rows = read.query([]).unwrap();
            let mut line = 1;
            while let Some(row) = rows.next().unwrap() {
                line += 1;
                let e = wire_from_row(row, 0).unwrap();
                store
                    .conn()
                    .execute(
                        "INSERT INTO bundle_pending (line, id, at, author, action, record_kind,
                                                    record_id, change, hash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        rusqlite::params![
                            line,
                            e.id,
                            e.at,
                            e.author,
                            e.action,
                            e.record_kind,
                            e.record_id,
                            e.change.to_string(),
                            e.hash
                        ],
                    )
                    .unwrap();
            }
            store
                .conn()
                .execute_batch(
                    "INSERT INTO bundle_import (id, name, events, started_at, started_by)
                     VALUES (1, '4 of 4 events, by bo', 4, '2024-09-07T00:00:06.000Z', 'bo')",
                )
                .unwrap();
        }
        let store = open_file(&path).unwrap();
        assert_eq!(fingerprint(&store), fingerprint(&from));
        assert_eq!(store.verify().unwrap().problems, Vec::<String>::new());
    }

    fn ties_sorted(fingerprint: &str) -> String {
        let mut value: Value = serde_json::from_str(fingerprint).unwrap();
        for list in ["claims", "disputed", "unresolved"] {
            if let Some(Value::Array(items)) = value.get_mut(list) {
                items.sort_by_key(|c| (c["created_at"].to_string(), c["id"].to_string()));
            }
        }
        // Each claim's own entry (its evidence, links, …) is keyed by its id, in listing order.
        if let Value::Object(entries) = &mut value {
            entries.sort_keys();
        }
        value.to_string()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn stores_with_skewed_clocks_converge_and_keep_one_order(
            steps in proptest::collection::vec(step(), 1..40),
            skew_a in -900i64..900,
            skew_b in -900i64..900,
        ) {
            let mut a = Store::open_in_memory().unwrap().with_author("ana");
            let mut b = Store::open_in_memory().unwrap().with_author("bo");
            for (i, step) in steps.iter().enumerate() {
                run_skewed(step, &mut a, &mut b, i as u32 + 1, (skew_a, skew_b));
            }
            let bundle = bundle_of(&a);
            import(&mut b, &bundle).unwrap();
            let bundle = bundle_of(&b);
            import(&mut a, &bundle).unwrap();
            // Claims logged in the same millisecond in two stores (clocks that disagree make
            // that likely here) are listed in the order each store learnt of them: the content
            // must agree, the order of such ties need not.
            prop_assert_eq!(ties_sorted(&fingerprint(&a)), ties_sorted(&fingerprint(&b)));
            for store in [&a, &b] {
                prop_assert_eq!(store.verify().unwrap().problems, Vec::<String>::new());
                // Every change made here is dated no earlier than anything written before it.
                let backwards: i64 = store.conn().query_row(
                    "SELECT count(*) FROM events e WHERE e.via = 'here'
                        AND EXISTS (SELECT 1 FROM events p WHERE p.pk < e.pk AND p.at > e.at)",
                    [],
                    |r| r.get(0),
                ).unwrap();
                prop_assert_eq!(backwards, 0);
            }
        }
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
