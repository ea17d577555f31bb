//! The suite on PostgreSQL: with `FACTDESK_TEST_BACKEND=postgres`, every [`crate::Desk`] is a
//! database of its own on the server `FACTDESK_TEST_POSTGRES` names (a superuser's URL; `.ci/postgres`
//! starts one), set up by `factdesk init` as that superuser. Each person a test acts as
//! (`FACTDESK_USER`, `--as NAME`) is the database login of that name — created on the server
//! when missing, and made an admin of the desk (the suite's people import bundles, which a
//! member may not) — with a replica of their own, as on their own laptop. "The store is
//! unchanged" compares the server's log.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether the suite runs on PostgreSQL (`FACTDESK_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("FACTDESK_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The server's superuser URL (`FACTDESK_TEST_POSTGRES`), required on PostgreSQL.
fn server() -> url::Url {
    let url = std::env::var("FACTDESK_TEST_POSTGRES")
        .expect("FACTDESK_TEST_BACKEND=postgres needs FACTDESK_TEST_POSTGRES (.ci/postgres starts a server)");
    url::Url::parse(&url).expect("FACTDESK_TEST_POSTGRES is a URL")
}

/// One desk's database on the server.
pub struct SharedDb {
    server: url::Url,
    database: String,
    /// Each person's replica, one directory each (apart from the test's own files).
    replicas: tempfile::TempDir,
    /// The logins already made admins of this database.
    granted: RefCell<HashSet<String>>,
}

impl SharedDb {
    /// A fresh database (factdesk's `init` sets it up when the test runs it).
    pub fn new() -> SharedDb {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let db = SharedDb {
            server: server(),
            database: format!(
                "suite_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
            granted: RefCell::default(),
            replicas: tempfile::tempdir().expect("temp dir"),
        };
        db.admin_session("postgres")
            .batch_execute(&format!("CREATE DATABASE {}", db.database))
            .expect("create the test database");
        db
    }

    /// The database's name.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The superuser who runs `init`.
    fn superuser(&self) -> &str {
        self.server.username()
    }

    fn url(&self, login: &str) -> String {
        let mut url = self.server.clone();
        url.set_username(login).expect("a user in the URL");
        url.set_path(&format!("/{}", self.database));
        url.to_string()
    }

    fn admin_session(&self, database: &str) -> postgres::Client {
        let mut url = self.server.clone();
        url.set_path(&format!("/{database}"));
        postgres::Client::connect(url.as_str(), postgres::NoTls).expect("connect as superuser")
    }

    /// `cmd` set up to run `args` on this desk as the person they act as: `--as NAME` is taken
    /// out and becomes the login (else `who`: the suite's default user, `ana`, or the person a
    /// test names); `init` runs as the superuser.
    pub fn with_env(
        &self,
        mut cmd: std::process::Command,
        who: &str,
        args: &[&str],
    ) -> std::process::Command {
        let (person, args) = acting_person(who, args);
        let login = if args == ["init"] {
            self.superuser().to_string()
        } else {
            person
        };
        if login != self.superuser() {
            self.make_admin(&login);
        }
        cmd.env("FACTDESK_DB", self.url(&login))
            .env("FACTDESK_REPLICA_DIR", self.replica_dir(&login))
            .env_remove("FACTDESK_USER")
            .env("FACTDESK_NOW", crate::NOW)
            .env("TZ", "UTC")
            .args(args);
        cmd
    }

    fn replica_dir(&self, login: &str) -> std::path::PathBuf {
        self.replicas.path().join(login)
    }

    /// The replica of `login`'s machine (one file in its directory).
    pub fn replica_of(&self, login: &str) -> std::path::PathBuf {
        std::fs::read_dir(self.replica_dir(login))
            .expect("the replica's directory")
            .map(|e| e.expect("an entry").path())
            .find(|p| p.extension().is_some_and(|e| e == "db"))
            .expect("a replica")
    }

    /// Makes `login` (created when missing) an admin of this desk, once the desk is set up.
    fn make_admin(&self, login: &str) {
        if self.granted.borrow().contains(login) {
            return;
        }
        let mut session = self.admin_session(&self.database);
        let set_up: bool = session
            .query_one("SELECT to_regclass('factdesk_roles') IS NOT NULL", &[])
            .expect("look for the desk's roles")
            .get(0);
        if !set_up {
            return;
        }
        let quoted = format!("\"{}\"", login.replace('"', "\"\""));
        // Logins are shared by the server's databases, and tests run at once: another may be
        // creating the same one.
        let _ = session.batch_execute(&format!("CREATE ROLE {quoted} LOGIN"));
        session
            .batch_execute(&format!(
                "GRANT \"{}_admin\" TO {quoted} WITH ADMIN OPTION",
                self.database
            ))
            .expect("grant the desk's admin role");
        self.granted.borrow_mut().insert(login.to_string());
    }

    /// Every event of the server's log, in order: what "the store is unchanged" compares.
    pub fn contents(&self) -> String {
        let mut session = self.admin_session(&self.database);
        let set_up: bool = session
            .query_one("SELECT to_regclass('events') IS NOT NULL", &[])
            .expect("look for the log")
            .get(0);
        if !set_up {
            return "<not set up>".into();
        }
        session
            .query(
                "SELECT pk, id, at, author, action, record_kind, record_id, change, hash, chain, via
                   FROM events ORDER BY pk",
                &[],
            )
            .expect("read the log")
            .iter()
            .map(|row| {
                let pk: i64 = row.get(0);
                let rest: Vec<String> = (1..11).map(|i| row.get::<_, String>(i)).collect();
                format!("{pk} | {}\n", rest.join(" | "))
            })
            .collect()
    }
}

impl Drop for SharedDb {
    fn drop(&mut self) {
        let mut session = self.admin_session("postgres");
        let _ = session.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.database
        ));
        let _ = session.batch_execute(&format!(
            "DROP ROLE IF EXISTS {0}_admin, {0}_member, {0}_reader",
            self.database
        ));
    }
}

/// The person `args` act as (`--as NAME` or `--as=NAME`, else `who`) and the arguments without
/// that option. A name no database login can have (with no letter or digit, with control
/// characters, longer than PostgreSQL's 63 bytes) stays an option, for factdesk to refuse as it
/// refuses it on SQLite.
fn acting_person<'a>(who: &str, args: &[&'a str]) -> (String, Vec<&'a str>) {
    let can_log_in = |name: &str| {
        name.len() <= 63
            && name.chars().any(char::is_alphanumeric)
            && !name.chars().any(char::is_control)
    };
    let mut person = who.to_string();
    let mut rest = Vec::with_capacity(args.len());
    let mut iter = args.iter().copied();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            rest.push(arg);
            rest.extend(iter.by_ref());
            break;
        }
        if arg == "--as" {
            if let Some(name) = iter.next() {
                if can_log_in(name) {
                    person = name.to_string();
                } else {
                    rest.extend([arg, name]);
                }
            }
        } else if let Some(name) = arg.strip_prefix("--as=").filter(|n| can_log_in(n)) {
            person = name.to_string();
        } else {
            rest.push(arg);
        }
    }
    (person, rest)
}
