//! End-to-end tests: the real `factdesk` binary run on temporary stores, with the clock fixed
//! (`FACTDESK_NOW`) and the author set (`FACTDESK_USER`), so output that people read can be
//! checked exactly. One test binary; one module per area.
//!
//! The suite runs on either backend: SQLite files (the default), or — with
//! `FACTDESK_TEST_BACKEND=postgres` and a server in `FACTDESK_TEST_POSTGRES` — shared stores on
//! PostgreSQL, one database per [`Desk`], each person (`FACTDESK_USER`, `--as`) a database login
//! with a replica of their own (see `shared.rs`). Tests of what only a SQLite file has (its
//! bytes, pragmas, `sqlite3` on it) say so with [`sqlite_only!`] and are skipped there.

// Tests that need a tool this machine may lack (a browser, Datasette) say on stderr that they
// skipped, and where they left something for a person to look at.
#![allow(clippy::print_stderr)]

mod article;
mod bad_input;
mod bounded;
mod bulk;
mod commands;
mod compatibility;
mod config;
mod corrections;
mod datasette;
mod exchange;
mod hostile;
mod ingest;
mod judge;
mod linker;
mod output_file;
mod postgres;
mod record;
mod reports;
mod semantic;
mod shared;
mod shell;
mod sources;
mod status;
mod store_file;
mod team;

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin;
use rusqlite::Connection;
use tempfile::TempDir;

/// The instant every test store lives at.
pub const NOW: &str = "2024-09-07T12:00:00.000Z";

/// A temporary store and a way to run factdesk on it.
pub struct Desk {
    _dir: TempDir,
    /// The store file, in the temporary directory (absent until `init`). On PostgreSQL, where
    /// the store is a database, its directory still holds the test's other files.
    pub db: PathBuf,
    /// The shared store this desk is, when the suite runs on PostgreSQL.
    shared: Option<shared::SharedDb>,
}

/// Skips the rest of a test when the suite runs on PostgreSQL, saying why on stderr: for what
/// only a SQLite file has (its bytes, its pragmas, `sqlite3` on it, a path as the store).
#[macro_export]
macro_rules! sqlite_only {
    ($why:expr) => {
        if $crate::shared::on_postgres() {
            eprintln!("skipping on PostgreSQL: {}", $why);
            return;
        }
    };
}

/// What a finished command left behind.
pub struct Outcome {
    /// The exit code (-1 when the process was killed by a signal).
    pub code: i32,
    /// Everything written to standard output.
    pub stdout: String,
    /// Everything written to standard error.
    pub stderr: String,
}

impl Desk {
    /// A fresh, initialised store.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Desk {
        let desk = Desk::uninitialised();
        desk.ok(&["init"]);
        desk
    }

    /// A temporary directory where the store file does not exist yet.
    pub fn uninitialised() -> Desk {
        let mut desk = Desk::uninitialised_sqlite();
        desk.shared = shared::on_postgres().then(shared::SharedDb::new);
        desk
    }

    /// [`Desk::uninitialised`] as a SQLite file whichever backend the suite runs on: for a
    /// store another release wrote, compared with what this one does.
    pub fn uninitialised_sqlite() -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("desk.db");
        let shared = None;
        Desk {
            _dir: dir,
            db,
            shared,
        }
    }

    /// A command on this store, as `ana`, at [`NOW`].
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd(args))
    }

    /// The same, as a plain `std::process::Command` (for spawning).
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        self.with_env(std::process::Command::new(cargo_bin!("factdesk")), args)
    }

    /// A command whose address space is capped at `cap_mib` MiB (`RLIMIT_AS`, set by
    /// util-linux's `prlimit` before factdesk starts). A factdesk that needs more fails to
    /// allocate it and dies (aborts or segfaults, so exit code -1 here): a command that ends as
    /// expected under the cap shows that its peak memory stayed below it. Unlike a child's
    /// peak resident size read afterwards, the cap holds for this one process whatever other
    /// tests run beside it. A debug build maps about 20 MiB before it does anything (its code,
    /// and the main thread's stack), so a cap is that plus what the command may use.
    pub fn capped_cmd(&self, cap_mib: u64, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new("prlimit");
        cmd.arg(format!("--as={}", cap_mib << 20))
            .arg("--")
            .arg(cargo_bin!("factdesk"));
        self.with_env(cmd, args)
    }

    /// Runs a command under a memory cap (see [`Desk::capped_cmd`]) and returns what it did.
    pub fn run_capped(&self, cap_mib: u64, args: &[&str]) -> Outcome {
        outcome(
            self.capped_cmd(cap_mib, args)
                .output()
                .expect("prlimit runs factdesk"),
        )
    }

    fn with_env(&self, cmd: std::process::Command, args: &[&str]) -> std::process::Command {
        self.with_env_as(cmd, "ana", args)
    }

    /// A command on this store as `who` (`FACTDESK_USER`; on PostgreSQL, their login).
    pub fn cmd_as(&self, who: &str, args: &[&str]) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.with_env_as(
            std::process::Command::new(cargo_bin!("factdesk")),
            who,
            args,
        ))
    }

    /// The environment of a command acting on this store as `who`, to set on commands a thread
    /// builds as it goes: each `(name, Some(value))` to set, `(name, None)` to remove.
    pub fn env_as(&self, who: &str) -> Vec<(std::ffi::OsString, Option<std::ffi::OsString>)> {
        self.with_env_as(std::process::Command::new("true"), who, &[])
            .get_envs()
            .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
            .collect()
    }

    /// `cmd` set up to act on this store as `who`, with `args`: the environment every command
    /// of the suite runs in (for commands a test builds itself, `sh -c` scripts, threads).
    pub fn with_env_as(
        &self,
        mut cmd: std::process::Command,
        who: &str,
        args: &[&str],
    ) -> std::process::Command {
        if let Some(shared) = &self.shared {
            return shared.with_env(cmd, who, args);
        }
        cmd.env("FACTDESK_DB", &self.db)
            .env("FACTDESK_USER", who)
            .env("FACTDESK_NOW", NOW)
            // Tables show local time: the tests read them in UTC.
            .env("TZ", "UTC")
            .args(args);
        cmd
    }

    /// Runs a command and returns what it did.
    pub fn run(&self, args: &[&str]) -> Outcome {
        outcome(self.cmd(args).output().expect("factdesk runs"))
    }

    /// Runs a command that must succeed; returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "factdesk {args:?} failed: {}", out.stderr);
        out.stdout
    }

    /// Runs a command that must fail with `code` and a one-line message, leaving the store's
    /// contents exactly as they were; returns the message.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        self.fails_by(args, code, || self.run(args))
    }

    /// [`Desk::fails`], under a memory cap (see [`Desk::capped_cmd`]).
    pub fn fails_capped(&self, cap_mib: u64, args: &[&str], code: i32) -> String {
        self.fails_by(args, code, || self.run_capped(cap_mib, args))
    }

    fn fails_by(&self, args: &[&str], code: i32, run: impl FnOnce() -> Outcome) -> String {
        let before = self.contents();
        let out = run();
        assert_eq!(
            out.code, code,
            "factdesk {args:?}: stdout {:?} stderr {:?}",
            out.stdout, out.stderr
        );
        assert_eq!(out.stdout, "", "factdesk {args:?} printed to stdout");
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "not one line: {:?}",
            out.stderr
        );
        assert_eq!(
            self.contents(),
            before,
            "factdesk {args:?} changed the store"
        );
        out.stderr.trim_end().to_string()
    }

    /// The store's name as pages show it: its file's name (its database's on PostgreSQL).
    pub fn store_name(&self) -> String {
        match &self.shared {
            Some(shared) => shared.database().to_string(),
            None => "desk.db".to_string(),
        }
    }

    /// Logs a claim and returns its full id.
    pub fn claim(&self, args: &[&str]) -> String {
        let mut all = vec!["claim", "add"];
        all.extend_from_slice(args);
        self.ok(&all).trim().to_string()
    }

    /// Every row of every table, in a stable order: what "the store is unchanged" compares
    /// (on PostgreSQL: every event of the server's log).
    pub fn contents(&self) -> String {
        match &self.shared {
            Some(shared) => shared.contents(),
            None => contents_of(&self.db),
        }
    }

    /// A raw connection to the store file, as a `sqlite3` user would have. On PostgreSQL: to
    /// `ana`'s replica, brought up to date first, read-only (what the views say there is what
    /// they say on every machine; changing a replica is not changing the store).
    pub fn raw(&self) -> Connection {
        match &self.shared {
            None => Connection::open(&self.db).expect("open raw"),
            Some(shared) => {
                self.ok(&["history", "--limit", "1"]);
                Connection::open_with_flags(
                    shared.replica_of("ana"),
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .expect("open ana's replica")
            }
        }
    }
}

/// What a finished process left behind; a process killed by a signal has code -1.
fn outcome(output: std::process::Output) -> Outcome {
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// Every row of every table of a store file, with its schema version.
pub fn contents_of(db: &Path) -> String {
    assert!(
        !shared::on_postgres(),
        "a store file's contents on PostgreSQL: compare Desk::contents, or mark the test sqlite_only!"
    );
    if !db.exists() {
        return "<no file>".into();
    }
    let conn = Connection::open(db).expect("open raw");
    let mut out = String::new();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    out.push_str(&format!("user_version {version}\n"));
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        let mut rows: Vec<String> = rows.map(|row| row.unwrap().join(" | ")).collect();
        rows.sort();
        for row in rows {
            out.push_str(&format!("{table}: {row}\n"));
        }
    }
    out
}

/// The desk's copy of the seed story, beside the repository (absent on some machines).
pub const SEED_ARTICLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/iran-missiles-article.txt"
);

/// What `ingest --format json` previews of the seed article on `desk`, or `None` (said on
/// stderr, so the calling test can skip) when the article is not on this machine.
pub fn seed_preview(desk: &Desk) -> Option<serde_json::Value> {
    if !Path::new(SEED_ARTICLE).exists() {
        eprintln!("skipping: the seed article is not at {SEED_ARTICLE}");
        return None;
    }
    let out = desk.ok(&[
        "--format",
        "json",
        "ingest",
        SEED_ARTICLE,
        "--source",
        "Newsweek",
    ]);
    Some(serde_json::from_str(&out).expect("valid JSON"))
}

/// The index, in a preview's `statements`, of the statement by `claimant` whose text holds
/// `words`.
pub fn statement_by(preview: &serde_json::Value, claimant: &str, words: &str) -> usize {
    preview["statements"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["claimant"] == claimant && s["text"].as_str().unwrap().contains(words))
        .unwrap_or_else(|| panic!("no statement by {claimant} with {words:?}: {preview}"))
}

/// The first 8 characters of an id, as tables show it.
pub fn short(id: &str) -> &str {
    &id[..8]
}

/// The seed story: the WSJ-reported allegation and the Iranian Mission's denial, linked.
pub struct Seed {
    /// The id of the WSJ-reported claim that Iran supplied Russia with ballistic missiles.
    pub allegation: String,
    /// The id of the Iranian Mission's denial.
    pub denial: String,
    /// The id of the `contradicts` link from the denial to the allegation.
    pub link: String,
}

impl Seed {
    /// Logs the seed story on `desk` and returns the new ids.
    pub fn log(desk: &Desk) -> Seed {
        let allegation = desk.claim(&[
            "Iran supplied Russia with short-range ballistic missiles",
            "--claimant",
            "U.S. and European officials",
            "--reported-by",
            "The Wall Street Journal",
            "--stance",
            "asserts",
            "--date",
            "2024-09-06",
            "--url",
            "https://www.wsj.com/world/iran-missiles-russia",
        ]);
        let denial = desk.claim(&[
            "Iran has not provided weapons to either side of the conflict in Ukraine",
            "--claimant",
            "Iranian Mission to the UN",
            "--reported-by",
            "Newsweek",
            "--stance",
            "asserts",
            "--quote",
            "Iran considers the provision of military assistance to the parties ... to be inhumane.",
        ]);
        let link = desk
            .ok(&[
                "link",
                "add",
                &denial,
                &allegation,
                "--relation",
                "contradicts",
                "--note",
                "Iran's answer to the WSJ report",
            ])
            .trim()
            .to_string();
        Seed {
            allegation,
            denial,
            link,
        }
    }
}

/// Checks `verify`'s output: the given first line, then the head of the log's chain.
pub fn assert_verified(out: &str, first_line: &str) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], first_line);
    let head = lines[1].strip_prefix("Head: ").unwrap_or_default();
    assert!(
        head.len() == 64 && head.bytes().all(|b| b.is_ascii_hexdigit()),
        "{out}"
    );
}

/// Runs `factdesk ARGS` (a shell command line's arguments) on `desk` under a pseudo-terminal of
/// `columns` columns, as a person at a terminal would (util-linux `script`; the pager is `cat`,
/// colour as the terminal allows); returns what the terminal showed, line ends as `\n`. `None`
/// (and a note on stderr) when `script` is not installed.
pub fn on_a_terminal(desk: &Desk, args: &str, columns: u16) -> Option<String> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return None;
    }
    let mut script = std::process::Command::new("script");
    for (key, value) in desk.std_cmd(&[]).get_envs() {
        if let Some(value) = value {
            script.env(key, value);
        }
    }
    let command = format!(
        "stty cols {columns}; {} {args}",
        cargo_bin!("factdesk").display()
    );
    let out = script
        .env("TERM", "xterm-256color")
        .env("PAGER", "cat")
        .env_remove("NO_COLOR")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script runs");
    assert!(out.status.success(), "factdesk {args}: {out:?}");
    Some(
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .replace("\r\n", "\n"),
    )
}
