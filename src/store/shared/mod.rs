//! The shared store on PostgreSQL: a desk's event log on a server that many machines write at
//! once, with identity, the four-eyes rule and append-only history enforced by the database
//! (`schema/postgres/`). It owns the connection, the server's schema and roles, and moving
//! events between the server's log and this machine's replica.
//!
//! The design: the server holds the log — the one thing that must be shared and guarded — and
//! each machine projects it into a local replica, a SQLite store in its cache directory, by the
//! same code that projects any store. Every command first brings the replica up to the log's
//! head (new events are imported as a bundle is); a change is decided on the replica under the
//! log's lock (so it sees every event before it, as a SQLite writer does), its events are
//! appended to the server's log, and only once the server has committed them does the replica
//! commit. So every command, rule, report and output is the SQLite backend's own, and the
//! replica can always be rebuilt from the server.
//!
//! It must not project events or apply the desk's rules itself: the replica's store does both.

mod connect;

use std::io::Write;
use std::path::{Path, PathBuf};

use postgres::Client;
use rusqlite::OptionalExtension;

use crate::error::{Error, Result};

pub use connect::{display_url, is_shared_url};

/// The newest schema of a shared store this factdesk knows (`schema/postgres/NNNN_*.sql`).
pub const SHARED_SCHEMA_VERSION: i32 = 5;

/// The server's schema files, in order: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        include_str!("../../../schema/postgres/0001_shared_log.sql"),
    ),
    (
        2,
        include_str!("../../../schema/postgres/0002_person_key.sql"),
    ),
    (
        3,
        include_str!("../../../schema/postgres/0003_person_fold.sql"),
    ),
    (
        4,
        include_str!("../../../schema/postgres/0004_person_fold_fixpoint.sql"),
    ),
    (
        5,
        include_str!("../../../schema/postgres/0005_clock_and_actions.sql"),
    ),
];

/// The server's clock in the stored form of a time, as SQL.
const SERVER_NOW: &str = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

/// The key of the log's lock (the same as the schema's `hashtext('factdesk.events')`).
const LOCK_KEY: &str = "factdesk.events";

/// How long one attempt waits for the log's lock, as a SQLite writer waits for its store's.
const LOCK_WAIT: &str = "10s";

/// How long a writer keeps trying for the log's lock before it gives up: long enough for a
/// colleague's large bundle import (one transaction on a shared store) to finish.
const LOCK_GIVE_UP: std::time::Duration = std::time::Duration::from_secs(600);

/// The desk's roles, as `admin grant` names them.
pub const ROLE_KINDS: [&str; 3] = ["reader", "member", "admin"];

/// One event as the server's log stores it (its text columns, in [`EVENT_COLUMNS`] order, then
/// how it came).
#[derive(Debug, Clone)]
pub(crate) struct LogRow {
    pub columns: [String; 8],
    pub via: String,
}

/// The columns of an event, as both logs name them.
const EVENT_COLUMNS: &str = "id, at, author, action, record_kind, record_id, change, hash";

/// What `verify` found in a shared store's server log.
#[derive(Debug)]
pub struct SharedVerification {
    /// Each problem on one line, naming the event.
    pub problems: Vec<String>,
    /// The last link of the server log's chain: the head to keep as a checkpoint (the same on
    /// every machine, unlike a replica's own chain).
    pub head: Option<String>,
    /// With a checkpoint: the events the server's log took after it.
    pub since_checkpoint: Option<Vec<crate::store::AppendedEvent>>,
}

/// An open connection to a shared store.
pub struct SharedLog {
    client: Client,
    /// The store's URL without its password, for messages.
    name: String,
    /// The database login: the author of every change made through this connection.
    login: String,
    /// Where this machine keeps its replica of the store.
    replica: PathBuf,
    /// The server's clock when this connection was made, in the stored form.
    server_now: String,
    /// The store's schema version (none: factdesk has not set it up here).
    version: Option<i32>,
    /// Whether the login may read the log, and append to it.
    may_read: bool,
    may_write: bool,
    /// The number of the log's last event, as last read and not yet used.
    head: Option<i64>,
    /// Told what the person using the store should know while a command runs (the command
    /// line says so on stderr).
    notices: Option<Box<Notices>>,
}

/// Something a shared store tells the person using it while a command runs.
#[derive(Debug)]
pub enum SharedNotice<'a> {
    /// A change has waited one attempt (10 s) for the log's lock, behind another writer's long
    /// change, and goes on waiting (told once per change): the note to show.
    LockWait(&'a str),
    /// An event of the log that no factdesk applies was set aside by this replica (told once,
    /// when the replica meets it).
    SetAside(&'a SetAside),
}

/// Where a shared store's notices go.
pub type Notices = dyn Fn(SharedNotice<'_>) + Send + Sync;

/// An event of the server's log that this replica does not apply because factdesk refuses it —
/// its hash does not match its content, or it breaks the desk's rules (an event on a claim
/// nobody created) — as written from `psql` past factdesk. The server's log is append-only, so
/// it stays there; every replica sets it aside alike, `verify` names it, and the desk goes on.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct SetAside {
    /// Its number in the server's log.
    pub pk: i64,
    /// Its id.
    pub id: String,
    /// Its action, as written.
    pub action: String,
    /// The database login that wrote it (stamped by the server).
    pub written_by: String,
    /// Why factdesk refuses it, in one line (every factdesk that opens the shared schema
    /// refuses it alike: one that writes what older ones refuse brings a newer schema).
    pub reason: String,
}

impl std::fmt::Display for SetAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the shared log's event #{} ({}), written by {}, is set aside: no factdesk applies \
             it ({})",
            self.pk, self.id, self.written_by, self.reason
        )
    }
}

/// One event read from the server's log: its number, its columns (in [`EVENT_COLUMNS`] order)
/// and the login that wrote it.
pub(crate) struct PulledEvent {
    pub pk: i64,
    pub columns: [String; 8],
    pub written_by: String,
}

impl std::fmt::Debug for SharedLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedLog")
            .field("name", &self.name)
            .field("login", &self.login)
            .finish()
    }
}

/// A database error as factdesk's one-line message: the server's own message for the rules it
/// enforces (exit 1), a store error for the rest (exit 3).
fn shared_error(name: &str, e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INSUFFICIENT_PRIVILEGE
            || *code == SqlState::CHECK_VIOLATION
            || *code == SqlState::UNIQUE_VIOLATION
            || *code == SqlState::RAISE_EXCEPTION
        {
            return Error::invalid(format!("shared store {name}: {}", db.message()));
        }
        if *code == SqlState::LOCK_NOT_AVAILABLE {
            return Error::store(format!(
                "shared store {name} is locked: another change has held it for over {} \
                 minutes (try again later)",
                LOCK_GIVE_UP.as_secs() / 60
            ));
        }
        return Error::store(format!("shared store {name}: {}", db.message()));
    }
    let mut message = e.to_string();
    if let Some(source) = std::error::Error::source(&e) {
        message = format!("{message}: {source}");
    }
    Error::store(format!(
        "cannot reach shared store {name}: {}",
        message.lines().next().unwrap_or_default()
    ))
}

/// The rows a simple query returned, each value as text (`None` for NULL).
fn simple_query_rows(messages: &[postgres::SimpleQueryMessage]) -> Vec<Vec<Option<String>>> {
    messages
        .iter()
        .filter_map(|message| match message {
            postgres::SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_string))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

impl SharedLog {
    /// Connects to the shared store at `url` (libpq-style; `PG*` variables and `~/.pgpass`
    /// fill in what it leaves out), and reads in one or two round trips what every command
    /// needs: the login, the server's clock, what the login may do, the schema version and the
    /// log's head.
    fn connect(url: &str) -> Result<SharedLog> {
        let name = display_url(url);
        let (config, tls) = connect::config(url)?;
        let client = connect::connect(&config, &tls)?.map_err(|e| shared_error(&name, e))?;
        let replica = connect::replica_path(&config)?;
        let mut log = SharedLog {
            client,
            name,
            login: String::new(),
            replica,
            server_now: String::new(),
            version: None,
            may_read: false,
            may_write: false,
            head: None,
            notices: None,
        };
        let rows = log.simple_rows(&format!(
            "SELECT session_user,
                    {SERVER_NOW},
                    to_regclass('factdesk_schema') IS NOT NULL AND to_regclass('events') IS NOT NULL,
                    CASE WHEN to_regclass('events') IS NOT NULL
                         THEN has_table_privilege('events', 'SELECT') END,
                    CASE WHEN to_regclass('events') IS NOT NULL
                         THEN has_table_privilege('events', 'INSERT') END"
        ))?;
        let row = rows.first().cloned().unwrap_or_default();
        let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        log.login = text(0);
        log.server_now = text(1);
        let set_up = text(2) == "t";
        log.may_read = text(3) == "t";
        log.may_write = text(4) == "t";
        if set_up && log.may_read {
            let rows = log.simple_rows(
                "SELECT max(version) FROM factdesk_schema;
                 SELECT coalesce(max(pk), 0) FROM events",
            )?;
            let value = |i: usize| rows.get(i).and_then(|r| r.first().cloned().flatten());
            log.version = value(0).and_then(|v| v.parse().ok());
            log.head = value(1).and_then(|v| v.parse().ok());
        } else if set_up {
            // Set up, and not readable by this login: said when it is opened.
            log.version = Some(0);
        }
        Ok(log)
    }

    /// Runs one or more statements with no parameters in one round trip; returns the rows of
    /// every statement in order, each a list of text values.
    fn simple_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let name = self.name.clone();
        let messages = self
            .client
            .simple_query(sql)
            .map_err(|e| shared_error(&name, e))?;
        Ok(simple_query_rows(&messages))
    }

    /// Opens an existing shared store, refusing one factdesk has not set up or a newer one.
    pub fn connect_existing(url: &str) -> Result<SharedLog> {
        let mut log = Self::connect(url)?;
        match log.version()? {
            None => Err(Error::store(format!(
                "no factdesk store at {} (an admin runs `factdesk --db URL init` once)",
                log.name
            ))),
            Some(version) if version > SHARED_SCHEMA_VERSION => Err(Error::TooNew {
                store: log.name.clone(),
                version: i64::from(version),
                known: i64::from(SHARED_SCHEMA_VERSION),
            }),
            Some(_) => Ok(log),
        }
    }

    /// Sets up the shared store at `url` (its schema, and the desk's roles, with the person
    /// running it as an admin), or brings an older one up to date. Returns the schema version
    /// and whether the store was created.
    pub fn init(url: &str) -> Result<(i32, bool)> {
        let mut log = Self::connect(url)?;
        let found = log.version()?;
        if let Some(version) = found
            && version > SHARED_SCHEMA_VERSION
        {
            return Err(Error::TooNew {
                store: log.name.clone(),
                version: i64::from(version),
                known: i64::from(SHARED_SCHEMA_VERSION),
            });
        }
        let name = log.name.clone();
        let err = |e| shared_error(&name, e);
        let mut tx = log.client.transaction().map_err(err)?;
        for (version, sql) in MIGRATIONS {
            if found.is_some_and(|found| found >= *version) {
                continue;
            }
            tx.batch_execute(sql).map_err(err)?;
            tx.execute(
                "INSERT INTO factdesk_schema (version) VALUES ($1)",
                &[version],
            )
            .map_err(err)?;
        }
        if found.is_none() {
            create_roles(&mut tx).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok((SHARED_SCHEMA_VERSION, found.is_none()))
    }

    /// The store's schema version (none: factdesk has not set it up); refuses a login that may
    /// not read it.
    fn version(&mut self) -> Result<Option<i32>> {
        if self.version.is_some() {
            self.check_privilege("SELECT")?;
        }
        Ok(self.version)
    }

    /// The store's URL without its password.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database login: who every change made here is by.
    pub fn login(&self) -> &str {
        &self.login
    }

    /// Where this machine keeps its replica of the store.
    pub(crate) fn replica(&self) -> &Path {
        &self.replica
    }

    /// Waits for, and holds until the returned file is dropped, this machine's lock on the
    /// replica: two factdesk processes of one person bring the replica up to date, or change
    /// it, one after the other. (Taken before the server log's lock, never after it.)
    pub(crate) fn lock_replica(&self) -> Result<std::fs::File> {
        let mut name = self.replica.as_os_str().to_owned();
        name.push("-lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(PathBuf::from(name))?;
        file.lock()?;
        Ok(file)
    }

    /// Refuses a login that may not do `what` (`SELECT` or `INSERT` on the log) with a message
    /// saying who can change that.
    pub(crate) fn check_privilege(&mut self, privilege: &str) -> Result<()> {
        let allowed = match privilege {
            "SELECT" => self.may_read,
            _ => self.may_write,
        };
        if allowed {
            return Ok(());
        }
        let (login, name) = (&self.login, &self.name);
        Err(if privilege == "SELECT" {
            Error::store(format!(
                "'{login}' has no role on shared store {name}: ask one of its admins to run \
                 `factdesk admin grant {login} reader` (or member)"
            ))
        } else {
            Error::invalid(format!(
                "'{login}' may read shared store {name} but not change it: ask one of its \
                 admins to run `factdesk admin grant {login} member`"
            ))
        })
    }

    /// The server's clock when this connection was made — or, once a change holds the log's
    /// lock, then — in the stored form: changes made through a shared store are dated by it, so
    /// a laptop's wrong clock does not matter.
    pub(crate) fn server_now(&self) -> &str {
        &self.server_now
    }

    /// The number of the log's last event (0 when it is empty): as read by the last round
    /// trip that read it and not yet used, else read now.
    pub(crate) fn head(&mut self) -> Result<i64> {
        if let Some(head) = self.head.take() {
            return Ok(head);
        }
        let rows = self.simple_rows("SELECT coalesce(max(pk), 0) FROM events")?;
        Ok(rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// The log's events after number `after`, at most `limit` of them, in order.
    pub(crate) fn pull(&mut self, after: i64, limit: i64) -> Result<Vec<PulledEvent>> {
        let name = self.name.clone();
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT pk, {EVENT_COLUMNS}, written_by::text FROM events
                      WHERE pk > $1 ORDER BY pk LIMIT $2"
                ),
                &[&after, &limit],
            )
            .map_err(|e| shared_error(&name, e))?;
        Ok(rows
            .iter()
            .map(|row| PulledEvent {
                pk: row.get(0),
                columns: std::array::from_fn(|i| row.get::<_, String>(i + 1)),
                written_by: row.get(9),
            })
            .collect())
    }

    /// Tells the person using the store `notice`, when someone listens.
    pub(crate) fn notify(&self, notice: SharedNotice<'_>) {
        if let Some(notices) = &self.notices {
            notices(notice);
        }
    }

    /// Checks the server's log as `verify` checks a store's: every event's hash against its
    /// content, the chain from the first event to the last (and, given a `checkpoint` — a head
    /// `verify` printed — that the log still holds it, and what came after), and that the
    /// `replica` holds exactly the server's events up to the replica's position (events others
    /// appended since the replica was brought up to date are not expected in it). The log is
    /// read as a stream, one snapshot, and each event looked up in the replica by id, so memory
    /// stays flat however long the log. Problems are each one line naming the event.
    pub(crate) fn check_log(
        &mut self,
        replica: &rusqlite::Connection,
        checkpoint: Option<&str>,
    ) -> Result<SharedVerification> {
        use postgres::fallible_iterator::FallibleIterator;
        let position = read_position(&self.replica);
        let name = self.name.clone();
        let err = |e| shared_error(&name, e);
        let in_replica: i64 = replica.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        let mut copy_of = replica.prepare("SELECT hash FROM events WHERE id = ?1")?;
        let set_aside: std::collections::HashMap<i64, SetAside> = read_set_aside(&self.replica)?
            .into_iter()
            .map(|event| (event.pk, event))
            .collect();
        let mut problems = Vec::new();
        let mut matched = 0;
        // One snapshot of the log, however many write meanwhile.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(err)?;
        let rows = tx
            .query_raw(
                &format!(
                    "SELECT pk, {EVENT_COLUMNS}, chain, via, written_by::text FROM events
                      ORDER BY pk"
                ),
                std::iter::empty::<i64>(),
            )
            .map_err(err)?;
        let chain_rows = rows.iterator().map(|row| {
            let row = row.map_err(err)?;
            let pk: i64 = row.get(0);
            let [id, at, author, action, record_kind, record_id, change, hash] =
                std::array::from_fn(|i| row.get::<_, String>(i + 1));
            let aside = set_aside.get(&pk);
            match serde_json::from_str::<serde_json::Value>(&change) {
                // Set aside: named once, below, with why.
                _ if aside.is_some() => {}
                Ok(change) => {
                    let content = crate::history::EventContent {
                        id: &id,
                        at: &at,
                        author: &author,
                        action: &action,
                        record_kind: &record_kind,
                        record_id: &record_id,
                        change: &change,
                    };
                    if crate::history::event_hash(&content) != hash {
                        problems.push(format!(
                            "server log: event {id} (#{pk}, {action}) does not match its hash"
                        ));
                    }
                }
                Err(e) => problems.push(format!(
                    "server log: event {id} (#{pk}) holds a change that is not JSON: {e}"
                )),
            }
            let copy: Option<String> = copy_of.query_row([&id], |r| r.get(0)).optional()?;
            match copy {
                None if pk > position => {}
                None if let Some(event) = aside => problems.push(format!(
                    "server log: event {id} (#{pk}, {action}), written by {}, is set aside: no \
                     factdesk applies it ({})",
                    event.written_by, event.reason
                )),
                None => problems.push(format!(
                    "server log: event {id} (#{pk}, {action}) is not in this machine's replica"
                )),
                Some(copy) => {
                    matched += 1;
                    if copy != hash {
                        problems.push(format!(
                            "server log: event {id} (#{pk}) differs from the replica's copy"
                        ));
                    }
                }
            }
            Ok(crate::store::integrity::ChainRow {
                id,
                action,
                hash,
                chain: Some(row.get(9)),
                at,
                // The server refuses a change dated before the log's latest event as it is
                // written; its own clock stamps `written_at`, which a fixed clock
                // (`FACTDESK_NOW`) does not follow, so it is not compared here.
                written_at: None,
                via: Some(row.get(10)),
                author,
                record_id,
            })
        });
        let mut chain_problems = Vec::new();
        let chain =
            crate::store::integrity::walk_chain(chain_rows, checkpoint, &mut chain_problems)?;
        tx.commit().map_err(err)?;
        problems.extend(
            chain_problems
                .into_iter()
                .map(|p| format!("server log: {p}")),
        );
        if matched < in_replica {
            // Some of the replica's events are not on the server (rare: read the ids only now).
            let on_server: std::collections::HashSet<String> = self
                .client
                .query("SELECT id FROM events", &[])
                .map_err(err)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mut ids = replica.prepare("SELECT id FROM events ORDER BY id")?;
            let ids = ids.query_map([], |r| r.get::<_, String>(0))?;
            for id in ids {
                let id = id?;
                if !on_server.contains(&id) {
                    problems.push(format!(
                        "server log: event {id} of this machine's replica is not in the server's \
                         log"
                    ));
                }
            }
        }
        Ok(SharedVerification {
            problems,
            head: chain.head,
            since_checkpoint: chain.appended,
        })
    }

    /// Has `notices` told what the person using the store should know ([`SharedNotice`]).
    pub fn set_notices(&mut self, notices: Box<Notices>) {
        self.notices = Some(notices);
    }

    /// Begins a change: a transaction holding the log's lock. A writer waits for the lock
    /// [`LOCK_WAIT`] at a time, saying so once, for up to [`LOCK_GIVE_UP`] in all.
    pub(crate) fn begin(&mut self) -> Result<()> {
        self.check_privilege("INSERT")?;
        let started = std::time::Instant::now();
        let mut told = false;
        // One round trip: the transaction, the lock, the head of the log as it now stands, and
        // the server's clock once the lock is held (the time the change's events are dated by).
        let sql = format!(
            "BEGIN; SET LOCAL lock_timeout = '{LOCK_WAIT}';
             SELECT pg_advisory_xact_lock(hashtext('{LOCK_KEY}'));
             SELECT coalesce(max(pk), 0), {SERVER_NOW} FROM events"
        );
        let messages = loop {
            match self.client.simple_query(&sql) {
                Err(e)
                    if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE)
                        && started.elapsed() < LOCK_GIVE_UP =>
                {
                    self.rollback();
                    if !told {
                        self.notify(SharedNotice::LockWait(&format!(
                            "waiting for another change to {} to finish (a colleague's import?)",
                            self.name
                        )));
                        told = true;
                    }
                }
                other => break other.map_err(|e| shared_error(&self.name, e))?,
            }
        };
        let rows = simple_query_rows(&messages);
        let last = rows.last();
        let value = |i: usize| last.and_then(|r| r.get(i).cloned().flatten());
        self.head = value(0).and_then(|v| v.parse().ok());
        if let Some(now) = value(1) {
            self.server_now = now;
        }
        Ok(())
    }

    /// Appends events to the log, in the transaction [`SharedLog::begin`] opened, in one
    /// `COPY` however many there are (a bulk import's million as a claim's two): `events` hands
    /// each to the function it is given, in order, so none need be held in memory.
    pub(crate) fn append(
        &mut self,
        events: impl FnOnce(&mut dyn FnMut(&LogRow) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        let name = self.name.clone();
        let err = |e| shared_error(&name, e);
        let copy = self
            .client
            .copy_in(&format!(
                "COPY events ({EVENT_COLUMNS}, via) FROM STDIN BINARY"
            ))
            .map_err(err)?;
        let mut writer =
            postgres::binary_copy::BinaryCopyInWriter::new(copy, &[postgres::types::Type::TEXT; 9]);
        events(&mut |event: &LogRow| {
            let c = &event.columns;
            writer
                .write(&[
                    &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &event.via,
                ])
                .map_err(err)
        })?;
        writer.finish().map_err(err)?;
        Ok(())
    }

    /// Commits the change [`SharedLog::begin`] began; returns the number of the log's last
    /// event, which — the log's lock being this transaction's until now — is where the replica
    /// stands once it commits the same change.
    pub(crate) fn commit(&mut self) -> Result<i64> {
        let rows = self.simple_rows("SELECT coalesce(max(pk), 0) FROM events; COMMIT")?;
        Ok(rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Abandons the change [`SharedLog::begin`] began (nothing of it reaches the log).
    pub(crate) fn rollback(&mut self) {
        // A failed connection has nothing to roll back: the server drops the transaction.
        let _ = self.client.batch_execute("ROLLBACK");
    }

    /// Gives the database login `person` the desk role `kind` (reader, member or admin), in
    /// place of any other desk role; creates the login when it does not exist and this admin
    /// may create roles.
    pub fn grant(&mut self, person: &str, kind: &str) -> Result<()> {
        if !ROLE_KINDS.contains(&kind) {
            return Err(Error::usage(format!(
                "unknown role '{kind}': choose reader, member or admin"
            )));
        }
        self.set_role(person, Some(kind))
    }

    /// Takes every desk role from the database login `person` (the login itself stays).
    pub fn revoke(&mut self, person: &str) -> Result<()> {
        self.set_role(person, None)
    }

    /// Leaves `person` with the desk role `kind` alone, or with none, in one transaction.
    fn set_role(&mut self, person: &str, kind: Option<&str>) -> Result<()> {
        let name = self.name.clone();
        let err = |e| shared_error(&name, e);
        let roles = self.desk_roles()?;
        let mut tx = self.client.transaction().map_err(err)?;
        if !role_exists(&mut tx, person).map_err(err)? {
            if kind.is_none() {
                return Err(Error::invalid(format!("no database login '{person}'")));
            }
            tx.batch_execute(&format!("CREATE ROLE {} LOGIN", quote_ident(person)))
                .map_err(|e| match e.code() {
                    Some(code) if *code == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE => {
                        Error::invalid(format!(
                            "no database login '{person}', and you may not create one: ask \
                             whoever runs the server to `CREATE ROLE {person} LOGIN`, then grant \
                             again"
                        ))
                    }
                    _ => shared_error(&name, e),
                })?;
        }
        for (role_kind, role) in &roles {
            let (role, person) = (quote_ident(role), quote_ident(person));
            let sql = match kind {
                // An admin may grant the admin role in turn.
                Some("admin") if role_kind == "admin" => {
                    format!("GRANT {role} TO {person} WITH ADMIN OPTION")
                }
                Some(kind) if kind == role_kind => format!("GRANT {role} TO {person}"),
                _ => format!("REVOKE {role} FROM {person}"),
            };
            tx.batch_execute(&sql).map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Who has which desk role: (login, reader|member|admin), by login. A login granted
    /// several (by hand) is listed with the highest.
    pub fn members(&mut self) -> Result<Vec<(String, String)>> {
        let name = self.name.clone();
        let rows = self
            .client
            .query(
                "SELECT login, (array_agg(kind ORDER BY rank DESC))[1] FROM (
                     SELECT m.rolname::text AS login, d.kind,
                            CASE d.kind WHEN 'admin' THEN 3 WHEN 'member' THEN 2 ELSE 1 END
                                AS rank
                       FROM factdesk_roles d
                       JOIN pg_roles g ON g.rolname = d.role
                       JOIN pg_auth_members a ON a.roleid = g.oid
                       JOIN pg_roles m ON m.oid = a.member
                      WHERE m.rolname NOT IN (SELECT role FROM factdesk_roles)
                 ) granted GROUP BY login ORDER BY login",
                &[],
            )
            .map_err(|e| shared_error(&name, e))?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The desk's roles: (kind, database role).
    fn desk_roles(&mut self) -> Result<Vec<(String, String)>> {
        let name = self.name.clone();
        Ok(self
            .client
            .query(
                "SELECT kind, role::text FROM factdesk_roles ORDER BY kind",
                &[],
            )
            .map_err(|e| shared_error(&name, e))?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
}

/// Creates the desk's roles, named after the database (`<db>_reader`, `<db>_member`,
/// `<db>_admin`: role names are shared by every database of a server), and grants them: readers
/// read the log, members also append to it, admins also grant the roles. The person running
/// `init` becomes an admin. (Admins hold the admin role with its admin option, so that they
/// may grant it in turn: a role cannot be made a member of itself.)
fn create_roles(tx: &mut postgres::Transaction) -> std::result::Result<(), postgres::Error> {
    let database: String = tx.query_one("SELECT current_database()::text", &[])?.get(0);
    let role = |kind: &str| format!("{database}_{kind}");
    for kind in ROLE_KINDS {
        let name = role(kind);
        if !role_exists(tx, &name)? {
            tx.batch_execute(&format!("CREATE ROLE {} NOLOGIN", quote_ident(&name)))?;
        }
        tx.execute(
            "INSERT INTO factdesk_roles (kind, role) VALUES ($1, $2)",
            &[&kind, &name],
        )?;
    }
    let (reader, member, admin) = (
        quote_ident(&role("reader")),
        quote_ident(&role("member")),
        quote_ident(&role("admin")),
    );
    let database = quote_ident(&database);
    tx.batch_execute(&format!(
        "REVOKE ALL ON events, factdesk_schema, factdesk_roles FROM PUBLIC;
         GRANT CONNECT ON DATABASE {database} TO {reader};
         GRANT USAGE ON SCHEMA public TO {reader};
         GRANT SELECT ON events, factdesk_schema, factdesk_roles TO {reader};
         GRANT {reader} TO {member};
         GRANT INSERT ON events TO {member};
         GRANT {member} TO {admin};
         GRANT {reader}, {member} TO {admin} WITH ADMIN OPTION;
         GRANT {admin} TO SESSION_USER WITH ADMIN OPTION;"
    ))?;
    Ok(())
}

/// Whether the server has a role (a login or a group) named `name`.
fn role_exists(
    tx: &mut postgres::Transaction,
    name: &str,
) -> std::result::Result<bool, postgres::Error> {
    Ok(tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&name],
        )?
        .get(0))
}

/// `name` as a quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Where the replica's position in the server's log is kept, beside the replica.
pub(crate) fn position_file(replica: &Path) -> PathBuf {
    let mut name = replica.as_os_str().to_owned();
    name.push("-position");
    PathBuf::from(name)
}

/// The number of the server's last event the replica holds (0: none yet).
pub(crate) fn read_position(replica: &Path) -> i64 {
    std::fs::read_to_string(position_file(replica))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// Records that the replica holds the server's events up to number `pk`.
pub(crate) fn write_position(replica: &Path, pk: i64) -> Result<()> {
    let path = position_file(replica);
    let mut temporary = path.clone().into_os_string();
    temporary.push(".tmp");
    std::fs::write(&temporary, format!("{pk}\n"))?;
    std::fs::rename(&temporary, &path)?;
    Ok(())
}

/// Where the events this replica set aside are listed, beside the replica: one JSON object
/// ([`SetAside`]) a line.
pub(crate) fn set_aside_file(replica: &Path) -> PathBuf {
    let mut name = replica.as_os_str().to_owned();
    name.push("-set-aside");
    PathBuf::from(name)
}

/// The events this replica set aside, in the order it met them (none when it met none).
pub(crate) fn read_set_aside(replica: &Path) -> Result<Vec<SetAside>> {
    let path = set_aside_file(replica);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).map_err(|e| {
                Error::store(format!(
                    "{} is damaged ({e}): remove the replica beside it to rebuild it from the \
                     server",
                    path.display()
                ))
            })
        })
        .collect()
}

/// Adds `event` to the events this replica set aside (written through before the replica's
/// position passes it).
pub(crate) fn record_set_aside(replica: &Path, event: &SetAside) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(set_aside_file(replica))?;
    let mut line = serde_json::to_string(event).map_err(|e| Error::store(e.to_string()))?;
    line.push('\n');
    file.write_all(line.as_bytes())?;
    file.sync_data()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// The files that write the server's fold table (`factdesk_person_fold`), in order. Each
    /// one after the first is GENERATED as the change from what those before it leave to the
    /// client's fold: once a file has landed on servers it never changes, so a change of
    /// `person::fold_char` (or of the Unicode crates) goes into a new schema file, added here
    /// and to [`super::MIGRATIONS`], then generated with
    /// `FACTDESK_REGENERATE_SCHEMA=1 cargo test --lib person_fold_schema`.
    const FOLD_FILES: [(&str, &str); 2] = [
        (
            "schema/postgres/0003_person_fold.sql",
            include_str!("../../../schema/postgres/0003_person_fold.sql"),
        ),
        (
            "schema/postgres/0004_person_fold_fixpoint.sql",
            include_str!("../../../schema/postgres/0004_person_fold_fixpoint.sql"),
        ),
    ];

    /// The table the client's fold makes (a PostgreSQL text cannot hold NUL, so no name on the
    /// server does).
    fn clients_fold() -> BTreeMap<char, String> {
        crate::person::person_fold_table()
            .into_iter()
            .filter(|(c, _)| *c != '\0')
            .collect()
    }

    /// The table a server holds once `files` have run: each `(ch, folded)` row inserted or
    /// replacing the one before, each `DELETE … WHERE ch = …` removing one.
    fn table_after(files: &[&str]) -> BTreeMap<char, String> {
        let mut table = BTreeMap::new();
        for sql in files {
            for line in sql.lines() {
                if let Some(row) = line.strip_prefix('(') {
                    let (ch, rest) = parse_literal(row);
                    let (folded, _) = parse_literal(rest.strip_prefix(", ").expect("a row"));
                    table.insert(single(&ch), folded);
                } else if let Some(rest) =
                    line.strip_prefix("DELETE FROM factdesk_person_fold WHERE ch = ")
                {
                    table.remove(&single(&parse_literal(rest).0));
                }
            }
        }
        table
    }

    fn single(text: &str) -> char {
        let mut chars = text.chars();
        let c = chars.next().expect("one character");
        assert!(chars.next().is_none(), "{text:?} is not one character");
        c
    }

    /// A `U&'…'` literal as [`sql_literal`] writes it at the start of `text`, and what follows.
    fn parse_literal(text: &str) -> (String, &str) {
        let body = text.strip_prefix("U&'").expect("a U& literal");
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\'' if body[at + 1..].starts_with('\'') => {
                    out.push('\'');
                    chars.next();
                }
                '\'' => return (out, &body[at + 1..]),
                '\\' if body[at + 1..].starts_with('\\') => {
                    out.push('\\');
                    chars.next();
                }
                '\\' => {
                    let hex = &body[at + 2..at + 8];
                    out.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap());
                    for _ in 0..7 {
                        chars.next();
                    }
                }
                c => out.push(c),
            }
        }
        panic!("an unterminated literal: {text}")
    }

    /// The last of [`FOLD_FILES`]: the rows that change what the files before it leave into
    /// the client's fold.
    fn person_fold_update_schema() -> String {
        let before: Vec<&str> = FOLD_FILES[..FOLD_FILES.len() - 1]
            .iter()
            .map(|(_, sql)| *sql)
            .collect();
        let old = table_after(&before);
        let new = clients_fold();
        let changed: Vec<(&char, &String)> = new
            .iter()
            .filter(|(c, folded)| old.get(c) != Some(*folded))
            .collect();
        let mut sql = String::from(PERSON_FOLD_UPDATE_HEAD);
        if !changed.is_empty() {
            sql.push_str("INSERT INTO factdesk_person_fold (ch, folded) VALUES\n");
            for (i, (c, folded)) in changed.iter().enumerate() {
                let end = if i + 1 == changed.len() { "" } else { "," };
                sql.push_str(&format!(
                    "({}, {}){end}\n",
                    sql_literal(&c.to_string()),
                    sql_literal(folded)
                ));
            }
            sql.push_str("ON CONFLICT (ch) DO UPDATE SET folded = EXCLUDED.folded;\n");
        }
        for c in old.keys().filter(|c| !new.contains_key(c)) {
            sql.push_str(&format!(
                "DELETE FROM factdesk_person_fold WHERE ch = {};\n",
                sql_literal(&c.to_string())
            ));
        }
        sql
    }

    /// A string as a PostgreSQL literal the file can hold in ASCII: `U&'…'`, every character
    /// outside printable ASCII as `\+XXXXXX`.
    fn sql_literal(text: &str) -> String {
        let mut literal = String::from("U&'");
        for c in text.chars() {
            match c {
                '\'' => literal.push_str("''"),
                '\\' => literal.push_str("\\\\"),
                ' '..='~' => literal.push(c),
                _ => literal.push_str(&format!("\\+{:06X}", u32::from(c))),
            }
        }
        literal.push('\'');
        literal
    }

    const PERSON_FOLD_UPDATE_HEAD: &str = "\
-- factdesk's shared store, schema version 4: a name's key folds to itself. Schema 3 folded each
-- character once, so a look-alike of a letter whose own fold goes further kept another key:
-- U+2206 (increment) folded to U+03B4 (small delta) where U+0394 (capital delta) goes on to
-- U+1E9F, U+15F0 (a Canadian syllable drawn as M) to `m` where `M` goes on to `rn`; a login
-- spelt with the one could approve what the other proposed. The client now folds each
-- character until nothing changes (src/person.rs, `fold_char`); these rows bring the server's
-- table to the same fold.
--
-- GENERATED by `FACTDESK_REGENERATE_SCHEMA=1 cargo test --lib person_fold_schema`, as the change
-- from the table schema 3 leaves to the client's own fold (`person::person_fold_table`); a
-- unit test fails when the two differ.

";

    #[test]
    fn shared_schema_knows_every_action() {
        let schema = include_str!("../../../schema/postgres/0005_clock_and_actions.sql");
        let start = schema
            .find("CHECK (action IN (")
            .expect("the list of actions");
        let list = &schema[start..];
        let list = &list[..list.find("))").expect("the end of the list")];
        let mut listed: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
        let mut known = crate::store::replay::known_actions();
        listed.sort_unstable();
        known.sort_unstable();
        assert_eq!(
            listed, known,
            "a new action needs a newer shared schema that lets it into the log"
        );
    }

    #[test]
    fn person_fold_schema_is_the_clients_fold() {
        let (path, landed) = FOLD_FILES[FOLD_FILES.len() - 1];
        let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        let expected = person_fold_update_schema();
        if std::env::var_os("FACTDESK_REGENERATE_SCHEMA").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            found == expected && landed == expected,
            "{path} does not bring the server to the client's fold: regenerate it with \
             FACTDESK_REGENERATE_SCHEMA=1 cargo test --lib person_fold_schema (and build again)"
        );
        // And the files, run in order, leave exactly the client's table.
        let all: Vec<&str> = FOLD_FILES.iter().map(|(_, sql)| *sql).collect();
        assert!(table_after(&all) == clients_fold());
    }
}
