//! The store file as Datasette sees it: the real `datasette serve` on a loopback port, asked
//! through its JSON API whether it shows what the CLI shows — the disputed and unresolved lists
//! and every claim's status from the views, `claims_fts` found as the full-text index of claims,
//! and rows labelled by `title` (claims) and `name` (sources).
//!
//! Datasette is a Python tool (`pip install datasette`). When no `datasette` is on PATH the test
//! says so on stderr and passes; with `FACTDESK_REQUIRE_DATASETTE=1` it fails instead, so a CI
//! that installs Datasette cannot skip it by accident.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Desk, Seed};

/// How long Datasette may take to start answering.
const STARTUP: Duration = Duration::from_secs(30);

#[test]
fn datasette_shows_what_the_cli_shows() {
    crate::sqlite_only!("Datasette opens the store file");
    let Some(exe) = datasette() else { return };

    // The seed story, a long unresolved claim related to it, and a judged claim.
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    let long_text = "Russia launched a new wave of drone attacks on Ukrainian energy \
                     infrastructure overnight, and the Ukrainian air force said it intercepted most";
    assert!(long_text.chars().count() > 100, "the title must be a cut");
    let long = desk.claim(&[long_text]);
    desk.ok(&[
        "link",
        "add",
        &long,
        &seed.allegation,
        "--relation",
        "related",
    ]);
    let judged = desk.claim(&[
        "Iran's foreign minister visited Moscow in September",
        "--claimant",
        "Newsweek",
    ]);
    desk.ok(&[
        "claim",
        "verdict",
        &judged,
        "supported",
        "--note",
        "Both governments said so",
    ]);

    // What the CLI says.
    let cli_disputed = ids(&cli_json(&desk, &["report", "disputed", "--all"]));
    let cli_unresolved = ids(&cli_json(&desk, &["report", "unresolved", "--all"]));
    let cli_status = statuses(&cli_json(&desk, &["claim", "list", "--all"]));
    let mut both = vec![seed.allegation.clone(), seed.denial.clone()];
    both.sort();
    assert_eq!(cli_disputed, both);
    assert_eq!(cli_status[&long], "unresolved");
    assert_eq!(cli_status[&judged], "supported");

    let server = Datasette::start(&exe, &desk.db);
    let db = desk.db.file_stem().unwrap().to_str().unwrap().to_string();

    // The views give the same lists and statuses.
    let rows = |view: &str| server.get(&format!("/{db}/{view}.json?_shape=array&_size=max"));
    assert_eq!(ids(&rows("disputed_claims")), cli_disputed);
    assert_eq!(ids(&rows("unresolved_claims")), cli_unresolved);
    assert_eq!(statuses(&rows("claim_status")), cli_status);

    // claims_fts is found as the full-text index of claims (and hidden), and searching works.
    let database = server.get(&format!("/{db}.json"));
    let table = |name: &str| {
        database["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("Datasette lists no table {name}: {database}"))
    };
    assert_eq!(table("claims")["fts_table"], "claims_fts");
    assert_eq!(table("claims_fts")["hidden"], true);
    let found = server.get(&format!("/{db}/claims.json?_search=missiles&_shape=array"));
    assert_eq!(ids(&found), vec![seed.allegation.clone()]);

    // Claims are labelled by title (the text cut to 100 characters), sources by name: both as
    // the label column Datasette reports for each foreign key, and as the label it shows.
    // (`_extra` asks Datasette 1.0 for what 0.65 always includes.)
    let page = |table: &str| server.get(&format!("/{db}/{table}.json?_extra=expandable_columns"));
    assert_eq!(
        label_columns(&page("links")),
        ["from_pk: claims.title", "to_pk: claims.title"]
    );
    assert_eq!(
        label_columns(&page("claims")),
        [
            "claimant_named_pk: sources.name",
            "claimant_pk: sources.name",
            "reported_by_named_pk: sources.name",
            "reported_by_pk: sources.name"
        ]
    );
    let title: String = long_text.chars().take(100).collect();
    let labelled = server.get(&format!(
        "/{db}/links.json?_labels=on&_shape=array&_size=max"
    ));
    let related = labelled
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"] == "related")
        .expect("the related link");
    assert_eq!(related["from_pk"]["label"], title.as_str());
    let labelled = server.get(&format!(
        "/{db}/claims.json?_labels=on&_shape=array&id={}",
        seed.allegation
    ));
    assert_eq!(
        labelled[0]["claimant_pk"]["label"],
        "U.S. and European officials"
    );
}

/// The `datasette` on PATH, if there is one that runs.
#[allow(clippy::print_stderr)]
fn datasette() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("datasette"))
            .find(|exe| exe.is_file())
    });
    let problem = match &found {
        None => "datasette is not installed (pip install datasette)".to_string(),
        Some(exe) => match Command::new(exe).arg("--version").output() {
            Ok(out) if out.status.success() => return found,
            Ok(out) => format!(
                "{} --version failed: {}",
                exe.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => format!("{} does not run: {e}", exe.display()),
        },
    };
    if std::env::var_os("FACTDESK_REQUIRE_DATASETTE").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("FACTDESK_REQUIRE_DATASETTE is set but {problem}");
    }
    eprintln!("skipping: {problem}; .ci/run installs it");
    None
}

/// A running `datasette serve`, stopped when dropped — also when a check fails.
struct Datasette {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Datasette {
    /// Serves `db` on a free loopback port and waits until it answers.
    fn start(exe: &Path, db: &Path) -> Datasette {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = db.with_file_name("datasette.log");
        let out = File::create(&log).expect("log file");
        let child = Command::new(exe)
            .arg("serve")
            .arg(db)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("datasette starts");
        let mut server = Datasette { child, port, log };
        let started = Instant::now();
        loop {
            if let Ok((200, _)) = http_get(port, "/-/versions.json") {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("datasette exited ({status}):\n{}", server.log());
            }
            if started.elapsed() > STARTUP {
                panic!(
                    "datasette did not answer on port {port} within {STARTUP:?}:\n{}",
                    server.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// GETs a JSON page, which must answer 200.
    fn get(&self, path: &str) -> Value {
        let (status, body) =
            http_get(self.port, path).unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.log()));
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Datasette {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.0 GET on the loopback: the status code and the body.
fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let bad = || std::io::Error::other(format!("not an HTTP response: {response:?}"));
    let (head, body) = response.split_once("\r\n\r\n").ok_or_else(bad)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(bad)?;
    Ok((status, body.to_string()))
}

/// factdesk's JSON output for a command.
fn cli_json(desk: &Desk, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&desk.ok(&all)).expect("valid JSON")
}

/// The `id`s of an array of rows, sorted.
fn ids(rows: &Value) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .as_array()
        .unwrap_or_else(|| panic!("not rows: {rows}"))
        .iter()
        .map(|row| row["id"].as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    ids
}

/// Each row's `status` by its `id`.
fn statuses(rows: &Value) -> BTreeMap<String, String> {
    rows.as_array()
        .unwrap_or_else(|| panic!("not rows: {rows}"))
        .iter()
        .map(|row| {
            let id = row["id"].as_str().expect("an id").to_string();
            (id, row["status"].as_str().expect("a status").to_string())
        })
        .collect()
}

/// A table page's foreign keys, sorted, each as `column: other_table.label_column`.
fn label_columns(page: &Value) -> Vec<String> {
    let name = |v: &Value| {
        v.as_str()
            .unwrap_or_else(|| panic!("not a name: {v}"))
            .to_string()
    };
    let mut keys: Vec<String> = page["expandable_columns"]
        .as_array()
        .unwrap_or_else(|| panic!("no expandable_columns: {page}"))
        .iter()
        .map(|pair| {
            let key = &pair[0];
            let (column, other) = (name(&key["column"]), name(&key["other_table"]));
            format!("{column}: {other}.{}", name(&pair[1]))
        })
        .collect();
    keys.sort();
    keys
}
