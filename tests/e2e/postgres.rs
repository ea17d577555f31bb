//! The shared store on PostgreSQL, end to end: the real binary against a real server, each test
//! on a database of its own, each person a database login with a replica of their own (as on
//! their own laptop).
//!
//! The server is the one `FACTDESK_TEST_POSTGRES` names (a superuser's URL, e.g.
//! `postgresql://postgres@%2Ftmp%2Fpg/postgres`; `.ci/postgres start DIR` starts a throwaway
//! cluster and prints it). Without it these tests say so on stderr and pass; with
//! `FACTDESK_REQUIRE_POSTGRES=1` they fail instead, so CI cannot skip them by accident.
//! Raw sessions use `psql`, as a person at the server would.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::cargo::cargo_bin;
use tempfile::TempDir;

use crate::{Desk, Outcome};

/// A database of its own on the test server, with its admin (the superuser who ran `init`),
/// and a directory where each person's replica lives.
struct SharedDesk {
    /// The server's URL without a database or user: `postgresql://USER@HOST/`.
    server: url::Url,
    /// This test's database.
    database: String,
    /// Replicas, one directory per person.
    replicas: TempDir,
}

/// The superuser URL of the test server, or `None` (and a note) when there is none.
fn test_server() -> Option<url::Url> {
    match std::env::var("FACTDESK_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url::Url::parse(&url).expect("FACTDESK_TEST_POSTGRES")),
        _ => {
            if std::env::var_os("FACTDESK_REQUIRE_POSTGRES")
                .is_some_and(|v| !v.is_empty() && v != "0")
            {
                panic!("FACTDESK_REQUIRE_POSTGRES is set but FACTDESK_TEST_POSTGRES is not");
            }
            eprintln!("skipping: no FACTDESK_TEST_POSTGRES (.ci/postgres starts a server)");
            None
        }
    }
}

impl SharedDesk {
    /// A fresh database, set up by `factdesk init` as the server's superuser, with the logins
    /// `people` (unique to this test) granted `member`.
    fn new(people: &[&str]) -> Option<SharedDesk> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let server = test_server()?;
        let database = format!(
            "fd_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let desk = SharedDesk {
            server,
            database,
            replicas: tempfile::tempdir().expect("temp dir"),
        };
        desk.psql_as_admin("postgres", &format!("CREATE DATABASE {}", desk.database));
        let init = desk.run(desk.admin(), &["init"]);
        assert_eq!(init.code, 0, "init: {}", init.stderr);
        for person in people {
            desk.ok(
                desk.admin(),
                &["admin", "grant", &desk.login(person), "member"],
            );
        }
        Some(desk)
    }

    /// The server's superuser (the admin who ran `init`).
    fn admin(&self) -> &str {
        self.server.username()
    }

    /// The database login of `person` in this test (logins are shared by a server's databases,
    /// so each test has its own).
    fn login(&self, person: &str) -> String {
        format!("{person}_{}", self.database)
    }

    /// The URL of this test's database for the login `login`.
    fn url(&self, login: &str) -> String {
        self.url_of(login, &self.database)
    }

    fn url_of(&self, login: &str, database: &str) -> String {
        let mut url = self.server.clone();
        url.set_username(login).expect("a user in the URL");
        url.set_path(&format!("/{database}"));
        url.to_string()
    }

    /// factdesk as `login` (a person's login, or the admin), with that login's own replica.
    fn cmd(&self, login: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(cargo_bin!("factdesk"));
        cmd.env("FACTDESK_DB", self.url(login))
            .env("FACTDESK_REPLICA_DIR", self.replica_dir(login))
            .env_remove("FACTDESK_USER")
            // The same instant as the SQLite stores of the tests, which exchange bundles with
            // these (each change is still dated after every event the log holds).
            .env("FACTDESK_NOW", crate::NOW)
            .env("TZ", "UTC")
            .args(args);
        cmd
    }

    fn replica_dir(&self, login: &str) -> PathBuf {
        self.replicas.path().join(login)
    }

    fn run(&self, login: &str, args: &[&str]) -> Outcome {
        crate::outcome(self.cmd(login, args).output().expect("factdesk runs"))
    }

    fn ok(&self, login: &str, args: &[&str]) -> String {
        let out = self.run(login, args);
        assert_eq!(
            out.code, 0,
            "factdesk {args:?} as {login} failed: {}",
            out.stderr
        );
        out.stdout
    }

    /// A command that must fail with `code` and a one-line message, leaving the server's log
    /// as it was; returns the message.
    fn fails(&self, login: &str, args: &[&str], code: i32) -> String {
        let before = self.log();
        let out = self.run(login, args);
        assert_eq!(
            out.code,
            code,
            "factdesk {args:?}: {out:?}",
            out = out.stderr
        );
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "not one line: {:?}",
            out.stderr
        );
        assert_eq!(self.log(), before, "factdesk {args:?} changed the log");
        out.stderr.trim_end().to_string()
    }

    /// The server's log: every event's id, action and author, in order.
    fn log(&self) -> String {
        self.psql_as_admin(
            &self.database,
            "SELECT string_agg(id || ' ' || action || ' ' || author, E'\\n' ORDER BY pk) FROM events",
        )
    }

    /// Inserts, from `psql` as `login`, a well-formed `here` event on claim `record` by `author`,
    /// dated as the log's latest change (its hash is not checked on insert): what someone at the
    /// server could try.
    fn forge(&self, login: &str, id: &str, author: &str, action: &str, record: &str) -> Outcome {
        self.psql(
            login,
            &self.database,
            &format!(
                "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash, via)
                 VALUES ('{id}', (SELECT max(at) FROM events WHERE via = 'here'), '{author}',
                         '{action}', 'claim', '{record}', '{{}}', repeat('a', 64), 'here')"
            ),
        )
    }

    /// Runs SQL in `psql` as the admin; returns its unaligned output.
    fn psql_as_admin(&self, database: &str, sql: &str) -> String {
        let out = self.psql(self.admin(), database, sql);
        assert_eq!(out.code, 0, "psql {sql}: {}", out.stderr);
        out.stdout.trim_end().to_string()
    }

    /// Runs SQL in `psql` as `login`, as a person at the server could.
    fn psql(&self, login: &str, database: &str, sql: &str) -> Outcome {
        crate::outcome(
            self.psql_command(login, database, sql)
                .output()
                .expect("psql runs (apt-get install postgresql-client)"),
        )
    }

    /// `psql` as `login` on `database`, to run `sql` (unaligned output, stopping at an error).
    fn psql_command(&self, login: &str, database: &str, sql: &str) -> Command {
        let mut cmd = Command::new("psql");
        cmd.arg(self.url_of(login, database))
            .args(["-X", "-v", "ON_ERROR_STOP=1", "-Atc", sql]);
        cmd
    }
}

impl Drop for SharedDesk {
    fn drop(&mut self) {
        // Leave the server as it was: the database, then the roles made for it.
        let mut roles: Vec<String> = ["reader", "member", "admin"]
            .iter()
            .map(|kind| format!("{}_{kind}", self.database))
            .collect();
        roles.extend(["ana", "bo", "carol"].iter().map(|p| self.login(p)));
        // (factdesk_pw, the password tests' login, is left: other tests may be using it.)
        let _ = self.psql(
            self.admin(),
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database),
        );
        for role in roles {
            let _ = self.psql(
                self.admin(),
                "postgres",
                &format!("DROP ROLE IF EXISTS {role}"),
            );
        }
    }
}

#[test]
fn each_change_is_by_the_database_login_and_every_machine_sees_it() {
    let Some(desk) = SharedDesk::new(&["ana", "bo"]) else {
        return;
    };
    let (ana, bo) = (desk.login("ana"), desk.login("bo"));
    let allegation = desk
        .ok(
            &ana,
            &[
                "claim",
                "add",
                "Iran supplied Russia with ballistic missiles",
                "--claimant",
                "U.S. officials",
                "--reported-by",
                "The Wall Street Journal",
            ],
        )
        .trim()
        .to_string();
    // Bo, on his own machine, sees it and answers it.
    let denial = desk
        .ok(
            &bo,
            &[
                "claim",
                "add",
                "Iran has not provided weapons to either side",
                "--claimant",
                "Iranian Mission to the UN",
                "--stance",
                "denies",
                "--quiet",
            ],
        )
        .trim()
        .to_string();
    desk.ok(
        &bo,
        &[
            "link",
            "add",
            &denial,
            &allegation,
            "--relation",
            "contradicts",
        ],
    );
    // Ana's machine sees both, and the allegation disputed.
    let disputed = desk.ok(&ana, &["report", "disputed", "--format", "json"]);
    let disputed: serde_json::Value = serde_json::from_str(&disputed).unwrap();
    let ids: Vec<&str> = disputed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&allegation.as_str()), "{disputed}");
    // The server's log says who did what: the logins, filled in from the connection.
    let log = desk.psql_as_admin(
        &desk.database,
        "SELECT string_agg(action || ' ' || author || ' ' || written_by || ' ' || via, E'\\n' ORDER BY pk) FROM events",
    );
    assert_eq!(
        log,
        format!(
            "source.add {ana} {ana} here\nsource.add {ana} {ana} here\nclaim.add {ana} {ana} here\n\
             source.add {bo} {bo} here\nclaim.add {bo} {bo} here\nlink.add {bo} {bo} here"
        )
    );
    // Both replicas pass verify, and hold the same history.
    for login in [&ana, &bo] {
        desk.ok(login, &["verify"]);
    }
    assert_eq!(
        desk.ok(&ana, &["history", "--format", "json"]),
        desk.ok(&bo, &["history", "--format", "json"])
    );
    // Only its owner may read a replica: it is the desk's whole store.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(desk.replica_dir(&ana))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    // A replica deleted (its position file left behind) is rebuilt from the server.
    let listed = desk.ok(&ana, &["claim", "list", "--format", "json"]);
    for entry in std::fs::read_dir(desk.replica_dir(&ana)).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("-position") {
            std::fs::remove_file(path).unwrap();
        }
    }
    assert_eq!(
        desk.ok(&ana, &["claim", "list", "--format", "json"]),
        listed
    );
}

#[test]
fn acting_as_someone_else_is_refused() {
    let Some(desk) = SharedDesk::new(&["ana", "bo"]) else {
        return;
    };
    let ana = desk.login("ana");
    let bo = desk.login("bo");
    let message = desk.fails(
        &ana,
        &[
            "--as",
            &bo,
            "claim",
            "add",
            "A claim",
            "--claimant",
            "Someone",
        ],
        2,
    );
    assert_eq!(
        message,
        format!(
            "factdesk: on a shared store every change is by your database login, '{ana}': --as \
             cannot name '{bo}' (log in as them to act as them)"
        )
    );
    // Naming yourself is fine.
    desk.ok(
        &ana,
        &[
            "--as",
            &ana,
            "claim",
            "add",
            "A claim",
            "--claimant",
            "Someone",
        ],
    );
    // And from psql, an event in someone else's name is refused by the server itself.
    let forged = desk.forge(&ana, "e1", &bo, "claim.comment", "x");
    assert_ne!(forged.code, 0);
    assert!(
        forged.stderr.contains(&format!(
            "you are logged in as \"{ana}\": a change cannot be recorded in the name of \"{bo}\""
        )),
        "{}",
        forged.stderr
    );
}

#[test]
fn members_cannot_rewrite_history_even_from_psql() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    desk.ok(&ana, &["claim", "add", "A claim", "--claimant", "Someone"]);
    let before = desk.log();
    for sql in [
        "UPDATE events SET author = 'someone else'",
        "DELETE FROM events",
        "TRUNCATE events",
    ] {
        let out = desk.psql(&ana, &desk.database, sql);
        assert_ne!(out.code, 0, "{sql} succeeded");
        assert!(
            out.stderr.contains("permission denied"),
            "{sql}: {}",
            out.stderr
        );
    }
    // Not even the owner can, without first dropping the guards.
    for sql in [
        "UPDATE events SET author = 'x'",
        "DELETE FROM events",
        "TRUNCATE events",
    ] {
        let out = desk.psql(desk.admin(), &desk.database, sql);
        assert_ne!(out.code, 0, "{sql} succeeded");
        assert!(
            out.stderr.contains("factdesk events are append-only"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(desk.log(), before);
}

#[test]
fn nobody_reviews_their_own_proposal_not_even_from_psql() {
    let Some(desk) = SharedDesk::new(&["ana", "bo"]) else {
        return;
    };
    let (ana, bo) = (desk.login("ana"), desk.login("bo"));
    desk.ok(desk.admin(), &["config", "set", "review.required", "true"]);
    let claim = desk
        .ok(
            &ana,
            &[
                "claim",
                "add",
                "A claim",
                "--claimant",
                "Someone",
                "--quiet",
            ],
        )
        .trim()
        .to_string();
    desk.ok(
        &ana,
        &[
            "claim",
            "verdict",
            &claim,
            "refuted",
            "--note",
            "No record of it",
        ],
    );
    let message = desk.fails(&ana, &["review", "approve", &claim], 1);
    assert!(message.contains("proposed"), "{message}");
    // From psql, with a well-formed approval event, the server refuses it too.
    let approval = desk.forge(&ana, "e-approve", &ana, "review.approve", &claim);
    assert_ne!(approval.code, 0);
    assert!(
        approval
            .stderr
            .contains(&format!("{ana} proposed the verdict on claim {claim}")),
        "{}",
        approval.stderr
    );
    // Nor can a login that only looks like hers (a Latin alpha "ɑ", which Unicode's confusable
    // table folds and schema 2's short list did not), from psql either.
    let look_alike = ana.replacen('a', "\u{251}", 1);
    let granted = desk.run(desk.admin(), &["admin", "grant", &look_alike, "member"]);
    assert_eq!(granted.code, 0, "{}", granted.stderr);
    assert_eq!(
        granted.stderr,
        format!(
            "factdesk: note: the login '{look_alike}' looks like '{ana}' (a member): they count \
             as one person, so neither can review the other's verdicts\n"
        )
    );
    let approval = desk.forge(
        &look_alike,
        "e-look-alike",
        &look_alike,
        "review.approve",
        &claim,
    );
    assert_ne!(approval.code, 0);
    assert!(
        approval
            .stderr
            .contains(&format!("{ana} proposed the verdict on claim {claim}")),
        "{}",
        approval.stderr
    );
    let _ = desk.psql(
        desk.admin(),
        "postgres",
        &format!("DROP ROLE \"{look_alike}\""),
    );
    // Bo approves it: it stands, on both machines.
    desk.ok(&bo, &["review", "approve", &claim]);
    for login in [&ana, &bo] {
        let shown = desk.ok(login, &["claim", "show", &claim, "--format", "json"]);
        let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(shown["verdict"], "refuted", "{shown}");
    }
}

#[test]
fn the_server_compares_names_exactly_as_the_client_does() {
    let Some(desk) = SharedDesk::new(&[]) else {
        return;
    };
    // Look-alikes of every kind, and each character of the scripts a name is written in (up to
    // CJK, plus fullwidth forms and mathematical letters), alone and inside a name.
    let mut names: Vec<String> = [
        "ana",
        "Ana Maria",
        "  ana\t maria ",
        "\u{430}na",
        "\u{251}na",
        "\u{3b1}na",
        "\u{1d41a}\u{1d427}\u{1d41a}",
        "\u{ff41}\u{ff4e}\u{ff41}",
        "a\u{301}na",
        "ana\u{200b}",
        "\u{202e}ana",
        "ana\u{1b}[8m",
        "\u{1b}]8;;x\u{7}ana",
        "ΑΝΑΣ",
        "Jos\u{e9}",
        "b0",
        "rn",
        "山田 太郎",
        "O'Brien",
        "back\\slash",
    ]
    .map(String::from)
    .to_vec();
    let scripts = (0x20u32..0x3000)
        .chain(0xff00..0xfff0)
        .chain(0x1d400..0x1d800);
    names.extend(scripts.filter_map(char::from_u32).map(|c| format!("x{c}Y")));
    let url = desk.url_of(desk.admin(), &desk.database);
    let mut server = postgres::Client::connect(&url, postgres::NoTls).expect("connects");
    let keys: Vec<String> = server
        .query(
            "SELECT factdesk_person_key(name) FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n) \
             ORDER BY n",
            &[&names],
        )
        .expect("the server computes keys")
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(keys.len(), names.len());
    let differ: Vec<String> = names
        .iter()
        .zip(&keys)
        .filter_map(|(name, server)| {
            let client = factdesk::person::person_key(name);
            (client != *server).then(|| format!("{name:?}: client {client:?}, server {server:?}"))
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

#[test]
fn roles_decide_who_reads_and_who_writes() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    let bo = desk.login("bo");
    desk.ok(&ana, &["claim", "add", "A claim", "--claimant", "Someone"]);
    // Bo as a reader reads, and cannot write.
    assert_eq!(
        desk.ok(desk.admin(), &["admin", "grant", &bo, "reader"]),
        format!("{bo} is now a reader of {}\n", desk.url(desk.admin()))
    );
    assert!(desk.ok(&bo, &["claim", "list"]).contains("A claim"));
    let admin = desk.admin().to_string();
    let listed = desk.ok(desk.admin(), &["admin", "list"]);
    let (first, second) = if ana < admin {
        (&ana, &admin)
    } else {
        (&admin, &ana)
    };
    let role = |login: &String| if *login == admin { "admin" } else { "member" };
    let width = [ana.len(), admin.len(), bo.len(), "LOGIN".len()]
        .into_iter()
        .max()
        .unwrap();
    let mut rows = [
        (first.clone(), role(first)),
        (second.clone(), role(second)),
        (bo.clone(), "reader"),
    ];
    rows.sort();
    let expected: String = std::iter::once(format!("{:width$}  ROLE\n", "LOGIN"))
        .chain(rows.iter().map(|(l, r)| format!("{l:width$}  {r}\n")))
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(
        desk.fails(
            &bo,
            &["claim", "add", "Another", "--claimant", "Someone"],
            1
        ),
        format!(
            "factdesk: '{bo}' may read shared store {} but not change it: ask one of its admins \
             to run `factdesk admin grant {bo} member`",
            desk.url(&bo)
        )
    );
    // As a member he writes.
    desk.ok(desk.admin(), &["admin", "grant", &bo, "member"]);
    desk.ok(&bo, &["claim", "add", "Another", "--claimant", "Someone"]);
    // A member cannot grant roles.
    let out = desk.run(&ana, &["admin", "grant", &bo, "admin"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // A login that mixes scripts is noted; one with a control character is refused, and no
    // login is made.
    let mixed = format!("{bo}\u{430}");
    let granted = desk.run(desk.admin(), &["admin", "grant", &mixed, "reader"]);
    assert_eq!(granted.code, 0, "{}", granted.stderr);
    assert_eq!(
        granted.stderr,
        format!(
            "factdesk: note: the name '{mixed}' mixes scripts (Cyrillic, Latin); names that look \
             alike count as one person\n"
        )
    );
    desk.ok(desk.admin(), &["admin", "revoke", &mixed]);
    let _ = desk.psql(desk.admin(), "postgres", &format!("DROP ROLE \"{mixed}\""));
    assert_eq!(
        desk.fails(
            desk.admin(),
            &["admin", "grant", "eve\u{1b}[8m", "member"],
            1
        ),
        "factdesk: login: name 'eve\\u{1b}[8m' holds a control character"
    );
    assert_eq!(
        desk.psql_as_admin(
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'eve%'"
        ),
        "0"
    );
    // Revoked, he can do neither.
    assert_eq!(
        desk.ok(desk.admin(), &["admin", "revoke", &bo]),
        format!("{bo} no longer has a role on {}\n", desk.url(desk.admin()))
    );
    assert_eq!(
        desk.fails(&bo, &["claim", "list"], 3),
        format!(
            "factdesk: '{bo}' has no role on shared store {}: ask one of its admins to run \
             `factdesk admin grant {bo} reader` (or member)",
            desk.url(&bo)
        )
    );
    // A SQLite store has no roles.
    if crate::shared::on_postgres() {
        return;
    }
    let local = Desk::new();
    assert_eq!(
        local.fails(&["admin", "grant", "bo", "member"], 2),
        format!(
            "factdesk: '{}' is a SQLite store, which has no logins or roles: `admin` is for a \
             shared store on PostgreSQL (--db postgres://…)",
            local.db.display()
        )
    );
}

#[test]
fn many_writers_at_once_all_land_and_verify() {
    let people = ["ana", "bo", "carol", "dan"];
    let Some(desk) = SharedDesk::new(&people) else {
        return;
    };
    // FACTDESK_TEST_WRITES changes the count of writes per writer (the issue's figure, 500, by
    // default: each a process of its own, in a debug build, on CI's two cores).
    let writes: usize = std::env::var("FACTDESK_TEST_WRITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    // Eight writers, two per person: one person's two commands at once share a replica (its
    // lock, its sync), different people's meet at the server's log.
    let writers = 8;
    /// The kinds of write each writer cycles through, on the claims it added.
    const CYCLE: [&str; 4] = ["claim.add", "evidence.add", "claim.comment", "link.add"];
    let failures: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..writers)
            .map(|w| {
                let login = desk.login(people[w % people.len()]);
                let desk = &desk;
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    let mut claims: Vec<String> = Vec::new();
                    for i in 0..writes {
                        let text = format!("Claim {i} of writer {w}");
                        let source = format!("Source {}", i % 7);
                        let last = claims.last().cloned().unwrap_or_default();
                        let first = claims.first().cloned().unwrap_or_default();
                        let args: Vec<&str> = match CYCLE[i % CYCLE.len()] {
                            "claim.add" => {
                                vec!["claim", "add", &text, "--claimant", &source, "--quiet"]
                            }
                            "evidence.add" => vec![
                                "evidence", "add", &last, "--stance", "refutes", "--source",
                                &source,
                            ],
                            "claim.comment" => vec!["claim", "comment", &last, &text],
                            _ if first == last => {
                                vec!["claim", "comment", &last, "A second look"]
                            }
                            _ => vec!["link", "add", &last, &first, "--relation", "contradicts"],
                        };
                        let out = desk.run(&login, &args);
                        if out.code != 0 {
                            failures.push(format!("{args:?}: {}", out.stderr));
                        } else if args[1] == "add" && args[0] == "claim" {
                            claims.push(out.stdout.trim().to_string());
                        }
                        // And a read now and then, as a desk reads while others write.
                        if i % 10 == 9 {
                            let out = desk.run(&login, &["claim", "list", "--limit", "1"]);
                            if out.code != 0 {
                                failures.push(format!("claim list: {}", out.stderr));
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("writer thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} commands failed, the first: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    // Every write landed: one event of its kind each (the first link of a writer, with one
    // claim to link, is a second comment), and as many events again for new sources.
    let count = |kind: &str| {
        (0..writes)
            .filter(|i| CYCLE[i % CYCLE.len()] == kind)
            .count()
    };
    let expected = [
        ("claim.add", writers * count("claim.add")),
        ("evidence.add", writers * count("evidence.add")),
        (
            "claim.comment",
            writers * (count("claim.comment") + usize::from(writes > 3)),
        ),
        ("link.add", writers * count("link.add").saturating_sub(1)),
    ];
    for (action, expected) in expected {
        let landed = desk.psql_as_admin(
            &desk.database,
            &format!("SELECT count(*) FROM events WHERE action = '{action}'"),
        );
        assert_eq!(landed, expected.to_string(), "{action}");
    }
    let history = desk.ok(&desk.login("ana"), &["history", "--format", "json"]);
    for person in people {
        let login = desk.login(person);
        desk.ok(&login, &["verify"]);
        let listed = desk.ok(&login, &["claim", "list", "--format", "json", "--all"]);
        let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
        assert_eq!(listed.as_array().unwrap().len(), expected[0].1);
        assert_eq!(desk.ok(&login, &["history", "--format", "json"]), history);
    }
}

#[test]
fn a_writer_waits_out_a_long_change_and_says_so() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    desk.ok(&ana, &["claim", "add", "A first claim", "--quiet"]);
    // Someone's long change (as a large bundle import is) holds the log's lock for 12 s, more
    // than one attempt's wait of 10 s.
    let mut holder = desk
        .psql_command(
            desk.admin(),
            &desk.database,
            "BEGIN; SELECT pg_advisory_xact_lock(hashtext('factdesk.events')); \
             SELECT pg_sleep(12); COMMIT;",
        )
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("psql runs");
    let held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted";
    while desk.psql_as_admin(&desk.database, held).trim() == "0" {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = desk.run(
        &ana,
        &["claim", "add", "A claim that had to wait", "--quiet"],
    );
    assert!(holder.wait().expect("psql ends").success());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "factdesk: note: waiting for another change to {} to finish (a colleague's import?)\n",
            desk.url(&ana)
        )
    );
    assert_eq!(
        desk.ok(&ana, &["claim", "list", "--format", "json"])
            .matches("\"text\"")
            .count(),
        2
    );
}

#[test]
fn a_bundle_goes_from_sqlite_to_postgresql_and_back() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    // Work done in a SQLite store …
    let local = Desk::new();
    let allegation = local.claim(&[
        "Iran supplied Russia with ballistic missiles",
        "--claimant",
        "U.S. officials",
        "--quiet",
    ]);
    let denial = local.claim(&[
        "Iran has not provided weapons to either side",
        "--claimant",
        "Iranian Mission to the UN",
        "--stance",
        "denies",
        "--quiet",
    ]);
    local.ok(&[
        "link",
        "add",
        &denial,
        &allegation,
        "--relation",
        "contradicts",
    ]);
    local.ok(&[
        "claim",
        "verdict",
        &denial,
        "refuted",
        "--note",
        "Satellite imagery",
    ]);
    local.ok(&[
        "evidence",
        "add",
        &allegation,
        "--stance",
        "supports",
        "--source",
        "WSJ",
        "--quote",
        "Iran has sent ballistic missiles to Russia",
    ]);
    let bundle = local.db.with_file_name("local.jsonl");
    local.ok(&["export", "--events", "--output", bundle.to_str().unwrap()]);
    // … goes onto the shared store (an admin imports bundles) …
    let bundle = bundle.to_str().unwrap();
    let refused = desk.fails(&ana, &["import", bundle], 1);
    assert!(
        refused.contains("only the desk's admins may add events from a bundle"),
        "{refused}"
    );
    // (Ana writes meanwhile: the admin's replica is behind when the import begins.)
    desk.ok(desk.admin(), &["claim", "list"]);
    desk.ok(
        &ana,
        &[
            "claim",
            "add",
            "Drones were supplied too",
            "--claimant",
            "U.S. officials",
        ],
    );
    let imported = desk.ok(desk.admin(), &["import", bundle]);
    assert!(
        imported.starts_with("Added 8 of 8 events from "),
        "{imported}"
    );
    for login in [desk.admin(), ana.as_str()] {
        desk.ok(login, &["verify"]);
    }
    // … where members work on it …
    desk.ok(
        &ana,
        &[
            "claim",
            "comment",
            &allegation,
            "Two more outlets confirm it",
        ],
    );
    // … and back into a fresh SQLite store, which then matches the shared one.
    let shared_bundle = local.db.with_file_name("shared.jsonl");
    desk.ok(
        &ana,
        &[
            "export",
            "--events",
            "--output",
            shared_bundle.to_str().unwrap(),
        ],
    );
    let back = Desk::new();
    back.ok(&["import", shared_bundle.to_str().unwrap()]);
    back.ok(&["verify"]);
    desk.ok(&ana, &["verify"]);
    for report in [
        &["report", "disputed"][..],
        &["report", "summary"],
        &["evidence", "list", &allegation],
    ] {
        let mut args = report.to_vec();
        args.extend(["--format", "json"]);
        assert_eq!(back.ok(&args), desk.ok(&ana, &args), "{report:?}");
    }
    // The original store takes the shared one's work too, and all three hold the same events
    // (events of one moment may be listed in another order: each store lists them in the order
    // it learnt them).
    local.ok(&["import", shared_bundle.to_str().unwrap()]);
    let events = |history: String| {
        let mut events: Vec<serde_json::Value> = serde_json::from_str(&history).unwrap();
        events.sort_by_key(|e| e["id"].as_str().unwrap().to_string());
        events
    };
    let shared = events(desk.ok(&ana, &["history", "--format", "json", "--all"]));
    assert_eq!(
        events(local.ok(&["history", "--format", "json", "--all"])),
        shared
    );
    assert_eq!(
        events(back.ok(&["history", "--format", "json", "--all"])),
        shared
    );
}

#[test]
fn tls_is_used_as_sslmode_asks_and_verify_full_checks_the_certificate() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let (Ok(tls), Ok(ca)) = (
        std::env::var("FACTDESK_TEST_POSTGRES_TLS"),
        std::env::var("FACTDESK_TEST_POSTGRES_CA"),
    ) else {
        eprintln!(
            "skipping: no FACTDESK_TEST_POSTGRES_TLS (.ci/postgres starts a server with TLS)"
        );
        return;
    };
    let ana = desk.login("ana");
    desk.ok(&ana, &["claim", "add", "A claim", "--claimant", "Someone"]);
    let mut url = url::Url::parse(&tls).unwrap();
    url.set_username(&ana).unwrap();
    url.set_path(&format!("/{}", desk.database));
    let with = |query: &str| {
        let mut url = url.clone();
        url.set_query(Some(query));
        url.to_string()
    };
    let list = |db: &str| {
        crate::outcome(
            desk.cmd(&ana, &["--db", db, "claim", "list", "--format", "json"])
                .output()
                .unwrap(),
        )
    };
    // Encrypted (the server takes nothing else on TCP), the certificate taken as it comes.
    for query in ["sslmode=require", "sslmode=prefer"] {
        let out = list(&with(query));
        assert_eq!(out.code, 0, "{query}: {}", out.stderr);
        assert!(out.stdout.contains("A claim"), "{query}: {}", out.stdout);
    }
    // Checked against the authority that signed it.
    let out = list(&with(&format!("sslmode=verify-full&sslrootcert={ca}")));
    assert_eq!(out.code, 0, "verify-full: {}", out.stderr);
    // Checked against the system's authorities, which do not know it: refused.
    let out = list(&with("sslmode=verify-full"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot reach shared store"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.to_lowercase().contains("certificate"),
        "{}",
        out.stderr
    );
    // Without TLS the server does not let anyone in on TCP.
    let out = list(&with("sslmode=disable"));
    assert_eq!(out.code, 3, "{}", out.stderr);
    // And an unknown sslmode is a usage error, named.
    let out = list(&with("sslmode=sometimes"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("sslmode 'sometimes' is unknown"),
        "{}",
        out.stderr
    );
}

#[test]
fn verify_finds_a_log_the_servers_owner_rewrote() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    for text in ["First claim", "Second claim", "Third claim"] {
        desk.ok(&ana, &["claim", "add", text, "--claimant", "Someone"]);
    }
    // Every machine prints the same head: the server log's, the desk's checkpoint.
    let head = |out: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix("Head: "))
            .unwrap_or_else(|| panic!("no head: {out}"))
            .to_string()
    };
    let checkpoint = head(&desk.ok(&ana, &["verify"]));
    assert_eq!(head(&desk.ok(desk.admin(), &["verify"])), checkpoint);
    desk.ok(
        &ana,
        &["claim", "add", "Fourth claim", "--claimant", "Someone"],
    );
    let since = desk.ok(&ana, &["verify", "--checkpoint", &checkpoint]);
    assert!(
        since.contains("Since the checkpoint: 1 event appended\n"),
        "{since}"
    );
    assert!(since.contains(&format!(" {ana} claim.add ")), "{since}");
    let checkpoint = head(&since);
    // Whoever owns the database can lift the guards: verify still sees what they did.
    let first_claim = desk.psql_as_admin(
        &desk.database,
        "SELECT id || ' (#' || pk FROM events WHERE action = 'claim.add' ORDER BY pk LIMIT 1",
    );
    desk.psql_as_admin(
        &desk.database,
        "ALTER TABLE events DISABLE TRIGGER USER;
         UPDATE events SET author = 'someone else' WHERE action = 'claim.add' AND pk = (SELECT min(pk) FROM events WHERE action = 'claim.add');
         DELETE FROM events WHERE pk = (SELECT max(pk) FROM events);
         ALTER TABLE events ENABLE TRIGGER USER;",
    );
    let out = desk.run(&ana, &["verify"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "server log: event {first_claim}, claim.add) does not match its hash"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("is not in the server's log"),
        "{}",
        out.stdout
    );
    // The head kept before the last event was removed is no longer in the log.
    let out = desk.run(&ana, &["verify", "--checkpoint", &checkpoint]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!(
            "server log: the checkpoint {checkpoint} is not in the event log"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_shared_store_from_a_newer_factdesk_is_refused_and_left_alone() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    let key = |name: &str| {
        desk.psql_as_admin(
            &desk.database,
            &format!("SELECT factdesk_person_key('{name}')"),
        )
    };
    // Schema 3 folded each character once: U+2206 (increment, drawn as a capital delta) stayed
    // a small delta where a capital delta goes on, so `∆na` was not `Δna` (its row as schema 3
    // wrote it). `init` brings the server to schema 5 (through 4).
    desk.psql_as_admin(
        &desk.database,
        "DELETE FROM factdesk_schema WHERE version >= 4;
         UPDATE factdesk_person_fold SET folded = U&'\\+0003B4' WHERE ch = U&'\\+002206'",
    );
    assert_ne!(key("\u{2206}na"), key("\u{394}na"), "schema 3's fold");
    assert_eq!(
        desk.ok(desk.admin(), &["init"]),
        format!(
            "factdesk shared store {} is ready (schema version 5)\n",
            desk.url(desk.admin())
        )
    );
    assert_eq!(key("\u{2206}na"), key("\u{394}na"));
    // An older schema (2: before the fold table) is brought up to date by `init` (an admin's,
    // after upgrading factdesk).
    desk.psql_as_admin(
        &desk.database,
        &format!(
            "DELETE FROM factdesk_schema WHERE version >= 3; DROP TABLE factdesk_person_fold; {}",
            include_str!("../../schema/postgres/0002_person_key.sql")
        ),
    );
    assert_eq!(
        desk.psql_as_admin(&desk.database, "SELECT factdesk_person_key('\u{251}na')"),
        "\u{251}na",
        "schema 2 did not fold a Latin alpha"
    );
    assert_eq!(
        desk.ok(desk.admin(), &["init"]),
        format!(
            "factdesk shared store {} is ready (schema version 5)\n",
            desk.url(desk.admin())
        )
    );
    assert_eq!(
        desk.psql_as_admin(
            &desk.database,
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM factdesk_schema"
        ),
        "1,2,3,4,5"
    );
    assert_eq!(key("\u{2206}na"), key("\u{394}na"));
    assert_eq!(
        desk.psql_as_admin(&desk.database, "SELECT factdesk_person_key('\u{251}na')"),
        "ana"
    );
    desk.psql_as_admin(
        &desk.database,
        "INSERT INTO factdesk_schema (version) VALUES (99)",
    );
    let message = desk.fails(&ana, &["claim", "list"], 3);
    assert_eq!(
        message,
        format!(
            "factdesk: store '{}' was written by a newer factdesk (schema version 99; this \
             factdesk knows up to 5): upgrade factdesk to open it",
            desk.url(&ana)
        )
    );
    desk.fails(desk.admin(), &["init"], 3);
}

#[test]
fn a_password_comes_from_pgpassword_or_the_password_file_as_psql_finds_it() {
    let Some(desk) = SharedDesk::new(&[]) else {
        return;
    };
    let Ok(tls) = std::env::var("FACTDESK_TEST_POSTGRES_TLS") else {
        eprintln!(
            "skipping: no FACTDESK_TEST_POSTGRES_TLS (.ci/postgres starts a server with TLS)"
        );
        return;
    };
    // `.ci/postgres` asks this login (and only it) for its password over TCP.
    let login = "factdesk_pw";
    let _ = desk.psql(
        desk.admin(),
        "postgres",
        &format!("CREATE ROLE {login} LOGIN PASSWORD 'pw secret'"),
    );
    desk.ok(desk.admin(), &["admin", "grant", login, "member"]);
    let mut url = url::Url::parse(&tls).unwrap();
    url.set_username(login).unwrap();
    url.set_path(&format!("/{}", desk.database));
    let port = url.port().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let list = |env: &[(&str, &std::ffi::OsStr)]| {
        let mut cmd = desk.cmd(login, &["--db", url.as_str(), "claim", "list"]);
        cmd.env_remove("PGPASSWORD").env_remove("PGPASSFILE");
        for (name, value) in env {
            cmd.env(name, value);
        }
        crate::outcome(cmd.output().unwrap())
    };
    // No password anywhere: the server says so, in one line.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let out = list(&[("HOME", home.as_os_str())]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // PGPASSWORD.
    let out = list(&[("PGPASSWORD", "pw secret".as_ref())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // ~/.pgpass, its first matching line (the first here is for another database).
    let pgpass = home.join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "# desk\nlocalhost:{port}:otherdb:{login}:wrong\nlocalhost:{port}:*:{login}:pw secret\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = list(&[("HOME", home.as_os_str())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // … but not when others may read it, as libpq ignores it then.
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = list(&[("HOME", home.as_os_str())]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    // PGPASSFILE names another file.
    let elsewhere = dir.path().join("desk.pgpass");
    std::fs::write(&elsewhere, format!("*:*:*:{login}:pw secret\n")).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = list(&[
        ("HOME", home.as_os_str()),
        ("PGPASSFILE", elsewhere.as_os_str()),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A password in the URL is never shown.
    let mut with_password = url.clone();
    with_password.set_password(Some("wrong")).unwrap();
    let out = crate::outcome(
        desk.cmd(login, &["--db", with_password.as_str(), "claim", "list"])
            .env_remove("PGPASSWORD")
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(!out.stderr.contains("wrong"), "{}", out.stderr);
    assert!(out.stderr.contains(":***@"), "{}", out.stderr);
}

#[test]
fn an_event_no_factdesk_can_apply_is_set_aside_and_the_desk_goes_on() {
    let Some(desk) = SharedDesk::new(&["ana", "bo", "carol"]) else {
        return;
    };
    let (ana, bo, carol) = (desk.login("ana"), desk.login("bo"), desk.login("carol"));
    let claim = desk
        .ok(&ana, &["claim", "add", "A first claim", "--quiet"])
        .trim()
        .to_string();
    desk.ok(&bo, &["claim", "list"]);
    // From psql, as a member may append to the log.
    let insert = |id: &str, at: &str, record: &str, change: &str, hash: &str| {
        desk.psql(
            &ana,
            &desk.database,
            &format!(
                "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash, via)
                 VALUES ('{id}', '{at}', '{ana}', 'claim.comment', 'claim', '{record}',
                         '{change}', '{hash}', 'here')"
            ),
        )
    };
    // An event dated far ahead would date every change after it later still (a change made
    // after seeing another is dated after it): the server refuses it.
    let future = insert(
        &uuid::Uuid::new_v4().to_string(),
        "2999-01-01T00:00:00.000Z",
        &claim,
        r#"{"text":"x"}"#,
        &"a".repeat(64),
    );
    assert_ne!(future.code, 0);
    assert!(
        future
            .stderr
            .contains("more than five minutes past the server's clock and the log's latest event"),
        "{}",
        future.stderr
    );
    // Two events the server cannot judge but no replica may apply: one whose hash does not
    // match its content, one (correctly hashed) on a claim nobody created.
    let (altered, orphan, nobodys) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    let inserted = insert(
        &altered,
        crate::NOW,
        &claim,
        r#"{"text":"x"}"#,
        &"a".repeat(64),
    );
    assert_eq!(inserted.code, 0, "{}", inserted.stderr);
    let change = serde_json::json!({ "text": "On nothing" });
    let hash = factdesk::history::event_hash(&factdesk::history::EventContent {
        id: &orphan,
        at: crate::NOW,
        author: &ana,
        action: "claim.comment",
        record_kind: "claim",
        record_id: &nobodys,
        change: &change,
    });
    let inserted = insert(&orphan, crate::NOW, &nobodys, &change.to_string(), &hash);
    assert_eq!(inserted.code, 0, "{}", inserted.stderr);
    let pk = |id: &str| {
        desk.psql_as_admin(
            &desk.database,
            &format!("SELECT pk FROM events WHERE id = '{id}'"),
        )
    };
    let warnings = format!(
        "factdesk: warning: the shared log's event #{} ({altered}), written by {ana}, is set \
         aside: no factdesk applies it (event {altered} (claim.comment) was altered after it \
         was written: its hash does not match its content)\n\
         factdesk: warning: the shared log's event #{} ({orphan}), written by {ana}, is set \
         aside: no factdesk applies it (event {orphan} (claim.comment) refers to claim \
         {nobodys}, which neither the store nor the events hold)\n",
        pk(&altered),
        pk(&orphan),
    );
    // Every command goes on, and each machine says so once, when it meets them.
    let listed = desk.run(&bo, &["claim", "list", "--format", "json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.stderr, warnings);
    let added = desk.run(&ana, &["claim", "add", "A second claim", "--quiet"]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert_eq!(added.stderr, warnings);
    let again = desk.run(&bo, &["claim", "list", "--format", "json"]);
    assert_eq!((again.code, again.stderr.as_str()), (0, ""));
    assert_eq!(
        again.stdout.matches("\"text\"").count(),
        2,
        "{}",
        again.stdout
    );
    // A machine that starts from nothing sets the same events aside and holds the same store.
    let fresh = desk.run(&carol, &["history", "--format", "json"]);
    assert_eq!((fresh.code, fresh.stderr.as_str()), (0, warnings.as_str()));
    assert_eq!(fresh.stdout, desk.ok(&bo, &["history", "--format", "json"]));
    // An action factdesk does not know cannot enter the log (a newer factdesk that adds one
    // brings a newer schema, which this one refuses to open, rather than set its events aside).
    let unknown = desk.psql(
        &ana,
        &desk.database,
        &format!(
            "INSERT INTO events (id, at, author, action, record_kind, record_id, change, hash, via)
             VALUES ('{}', (SELECT max(at) FROM events), '{ana}', 'claim.frobnicate', 'claim',
                     '{claim}', '{{}}', repeat('a', 64), 'here')",
            uuid::Uuid::new_v4(),
        ),
    );
    assert_ne!(unknown.code, 0);
    assert!(
        unknown.stderr.contains("events_known_action"),
        "{}",
        unknown.stderr
    );
    // verify names them and who wrote them, and fails: the log holds what it should not.
    let verified = desk.run(&bo, &["verify"]);
    assert_eq!(verified.code, 1, "{}", verified.stderr);
    for id in [&altered, &orphan] {
        let line = format!(
            "server log: event {id} (#{}, claim.comment), written by {ana}, is set aside: no \
             factdesk applies it",
            pk(id)
        );
        assert_eq!(
            verified.stdout.matches(&line).count(),
            1,
            "{}",
            verified.stdout
        );
    }
}

#[test]
fn what_the_url_leaves_out_comes_from_the_pg_variables_as_psql_finds_it() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    desk.ok(&ana, &["claim", "add", "A claim", "--claimant", "Someone"]);
    let home = tempfile::tempdir().unwrap();
    // factdesk as ana with `--db postgres://` and these variables only (no ~/.postgresql).
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = desk.cmd(
            &ana,
            &["--db", "postgres://", "claim", "list", "--format", "json"],
        );
        cmd.env("HOME", home.path());
        for name in [
            "PGHOST",
            "PGPORT",
            "PGUSER",
            "PGDATABASE",
            "PGPASSWORD",
            "PGPASSFILE",
            "PGSSLMODE",
            "PGSSLROOTCERT",
        ] {
            cmd.env_remove(name);
        }
        cmd.envs(vars.iter().copied());
        crate::outcome(cmd.output().unwrap())
    };
    // The server's socket directory and port, from the test server's URL.
    let host = desk.server.host_str().unwrap().replace("%2F", "/");
    let port = desk.server.port().unwrap_or(5432).to_string();
    let database = desk.database.clone();
    let local = [
        ("PGHOST", host.as_str()),
        ("PGPORT", port.as_str()),
        ("PGUSER", ana.as_str()),
        ("PGDATABASE", database.as_str()),
    ];
    let out = run(&local);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("A claim"), "{}", out.stdout);
    // A port that is not one is named.
    let mut bad_port = local;
    bad_port[1].1 = "fifty";
    let out = run(&bad_port);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "factdesk: PGPORT 'fifty' is not a port number\n")
    );
    let (Ok(tls), Ok(ca)) = (
        std::env::var("FACTDESK_TEST_POSTGRES_TLS"),
        std::env::var("FACTDESK_TEST_POSTGRES_CA"),
    ) else {
        eprintln!("skipping TLS: no FACTDESK_TEST_POSTGRES_TLS");
        return;
    };
    let tls = url::Url::parse(&tls).unwrap();
    let (tls_host, tls_port) = (
        tls.host_str().unwrap().to_string(),
        tls.port().unwrap_or(5432).to_string(),
    );
    let over_tls = |mode: &str, root: Option<&str>| {
        let mut vars = vec![
            ("PGHOST", tls_host.as_str()),
            ("PGPORT", tls_port.as_str()),
            ("PGUSER", ana.as_str()),
            ("PGDATABASE", database.as_str()),
            ("PGSSLMODE", mode),
        ];
        vars.extend(root.map(|root| ("PGSSLROOTCERT", root)));
        run(&vars)
    };
    // PGSSLMODE asks for the certificate to be checked, against PGSSLROOTCERT.
    for mode in ["verify-full", "verify-ca"] {
        let out = over_tls(mode, Some(&ca));
        assert_eq!(out.code, 0, "{mode}: {}", out.stderr);
        assert!(out.stdout.contains("A claim"), "{mode}: {}", out.stdout);
    }
    // Without an authority that knows it, the system's do not: refused, in one line.
    let out = over_tls("verify-full", None);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.to_lowercase().contains("certificate"),
        "{}",
        out.stderr
    );
    // The server takes nothing but TLS on TCP: PGSSLMODE=disable is refused by it.
    let out = over_tls("disable", None);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let out = over_tls("sometimes", None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "factdesk: PGSSLMODE 'sometimes' is not an sslmode\n")
    );
}

#[test]
fn an_admin_who_is_not_the_servers_superuser_grants_and_revokes() {
    let Some(desk) = SharedDesk::new(&["ana", "bo"]) else {
        return;
    };
    let (ana, bo, carol) = (desk.login("ana"), desk.login("bo"), desk.login("carol"));
    // carol's login exists (the server's administrator made it); ana, made an admin by the
    // superuser, gives her roles and takes them away, and passes the admin role on to bo.
    desk.psql_as_admin("postgres", &format!("CREATE ROLE {carol} LOGIN"));
    assert_eq!(
        desk.ok(desk.admin(), &["admin", "grant", &ana, "admin"]),
        format!("{ana} is now an admin of {}\n", desk.url(desk.admin()))
    );
    desk.ok(&ana, &["admin", "grant", &carol, "member"]);
    desk.ok(&carol, &["claim", "add", "Carol's claim", "--quiet"]);
    desk.ok(&ana, &["admin", "grant", &bo, "admin"]);
    // bo revokes what ana granted, and what the superuser granted.
    desk.ok(&bo, &["admin", "revoke", &carol]);
    desk.fails(&carol, &["claim", "list"], 3);
    desk.ok(&bo, &["admin", "grant", &ana, "reader"]);
    let listed = desk.ok(&bo, &["admin", "list"]);
    let role_of = |login: &str| {
        listed
            .lines()
            .find(|line| line.split_whitespace().next() == Some(login))
            .and_then(|line| line.split_whitespace().last())
            .map(str::to_string)
    };
    assert_eq!(role_of(&ana).as_deref(), Some("reader"), "{listed}");
    assert_eq!(role_of(&bo).as_deref(), Some("admin"), "{listed}");
    assert_eq!(role_of(&carol), None, "{listed}");
    desk.fails(&ana, &["claim", "add", "Not any more", "--quiet"], 1);
    // A login an admin may not create is named, with what to ask for.
    let out = desk.run(&bo, &["admin", "grant", "nobody_made_this_login", "member"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let _ = desk.psql(
        desk.admin(),
        "postgres",
        &format!("DROP ROLE IF EXISTS {carol}"),
    );
}

#[test]
fn the_user_config_can_name_a_shared_store() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    desk.ok(&ana, &["claim", "add", "A claim", "--quiet"]);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("factdesk").join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    // The user named there is not who writes: the login is.
    std::fs::write(
        &config,
        format!("store = \"{}\"\nuser = \"someone else\"\n", desk.url(&ana)),
    )
    .unwrap();
    let bare = |args: &[&str]| {
        let mut cmd = desk.cmd(&ana, args);
        cmd.env_remove("FACTDESK_DB")
            .env("XDG_CONFIG_HOME", home.path());
        crate::outcome(cmd.output().unwrap())
    };
    let listed = bare(&["config", "list", "--format", "csv"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stdout.contains(&format!(
            "store,{},user config ({}),",
            desk.url(&ana),
            config.display()
        )),
        "{}",
        listed.stdout
    );
    let added = bare(&["claim", "add", "Another claim", "--quiet"]);
    assert_eq!((added.code, added.stderr.as_str()), (0, ""));
    let history = bare(&["history", "--format", "json"]);
    let history: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let authors: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, vec![ana.as_str(), ana.as_str()]);
}

#[test]
fn a_bundle_from_a_clock_ahead_does_not_stop_the_desk() {
    let Some(desk) = SharedDesk::new(&["ana"]) else {
        return;
    };
    let ana = desk.login("ana");
    desk.ok(&ana, &["claim", "add", "A claim", "--quiet"]);
    // A laptop whose clock runs a year ahead writes a claim; its bundle is imported, the admin
    // accepting its dates.
    let laptop = Desk::uninitialised_sqlite();
    let ahead = "2027-06-01T00:00:00.000Z";
    let mut init = laptop.std_cmd(&["init"]);
    init.env("FACTDESK_NOW", ahead);
    assert!(init.output().unwrap().status.success());
    let mut add = laptop.std_cmd(&["claim", "add", "Written a year ahead", "--quiet"]);
    add.env("FACTDESK_NOW", ahead);
    assert!(add.output().unwrap().status.success());
    let bundle = laptop.db.with_file_name("ahead.jsonl");
    let mut export = laptop.std_cmd(&["export", "--events", "--output", bundle.to_str().unwrap()]);
    export.env("FACTDESK_NOW", ahead);
    assert!(export.output().unwrap().status.success());
    desk.ok(
        desk.admin(),
        &["import", bundle.to_str().unwrap(), "--accept-future"],
    );
    // Changes go on, each dated after everything the desk has seen, as on any store.
    desk.ok(&ana, &["claim", "add", "Written today", "--quiet"]);
    let history: serde_json::Value =
        serde_json::from_str(&desk.ok(&ana, &["history", "--format", "json", "--limit", "1"]))
            .unwrap();
    let at = history[0]["at"].as_str().unwrap();
    assert!(at > ahead, "{history}");
    desk.ok(&ana, &["verify"]);
}
