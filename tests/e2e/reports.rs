//! The reports people read: the summary, a claimant's record, the link graph (DOT, Mermaid),
//! and the self-contained HTML page — checked as text, and rendered in a real headless browser
//! when one is installed (`.ci/run` installs Debian's chromium; elsewhere the browser part is
//! skipped with a message).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Desk, Seed, short};

fn seeded() -> (Desk, Seed) {
    let desk = Desk::new();
    let seed = Seed::log(&desk);
    desk.ok(&[
        "evidence",
        "add",
        &seed.allegation,
        "--stance",
        "supports",
        "--source",
        "U.S. officials",
        "--note",
        "evidence shared with allies",
    ]);
    desk.ok(&[
        "claim",
        "add",
        "Iran has provided Russia with vast quantities of drones",
        "--claimant",
        "U.S. and European officials",
    ]);
    (desk, seed)
}

#[test]
fn the_summary_reads_at_a_glance() {
    let (desk, seed) = seeded();
    let (a, d) = (short(&seed.allegation), short(&seed.denial));
    assert_eq!(
        desk.ok(&["report", "summary"]),
        format!(
            "3 claims

Claims by status:
  STATUS        CLAIMS
  supported     0
  refuted       0
  mixed         0
  unverifiable  0
  disputed      2
  unresolved    1

Most contested (items for and against):
  ID        FOR  AGAINST  CLAIMANT                     CLAIM
  {a}  2    1        U.S. and European officials  Iran supplied Russia with short-range ballistic missiles
  {d}  1    1        Iranian Mission to the UN    Iran has not provided weapons to either side of the conflict in Ukraine

Claimants with the most disputed claims:
  CLAIMANT                     DISPUTED  CLAIMS
  Iranian Mission to the UN    1         1
  U.S. and European officials  1         2

Activity by week:
  WEEK      CLAIMS  EVIDENCE  LINKS  VERDICTS  CHANGES
  2024-W36  3       1         1      0         10
"
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&desk.ok(&["--format", "json", "report", "summary"])).unwrap();
    assert_eq!(json["by_status"]["disputed"], 2);
    assert_eq!(json["most_contested"][0]["items_against"], 1);
}

#[test]
fn a_claimants_record() {
    let (desk, seed) = seeded();
    let out = desk.ok(&["report", "claimant", "u.s. and european officials"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("U.S. and European officials (other): 2 claims — 1 disputed, 1 unresolved")
    );
    assert_eq!(lines.next(), Some(""));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("ID        STATUS      STANCE   CLAIM")
    );
    assert!(
        lines.next().unwrap().contains(
            "unresolved  asserts  Iran has provided Russia with vast quantities of drones"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with(&format!("{}  disputed", short(&seed.allegation)))
    );
    // Each claim's verdict, with why (issue 14).
    let a = short(&seed.allegation);
    desk.ok(&[
        "claim",
        "verdict",
        a,
        "unverifiable",
        "--note",
        "Evidence not released",
    ]);
    let out = desk.ok(&["report", "claimant", "U.S. and European officials"]);
    let row = out
        .lines()
        .find(|line| line.starts_with(a))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        row.starts_with(&format!(
            "{a}  unverifiable  asserts  Iran supplied Russia with short-range ballistic missiles  Evidence not released  2024-09-06"
        )),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&desk.ok(&[
        "--format",
        "json",
        "report",
        "claimant",
        "U.S. and European officials",
    ]))
    .unwrap();
    let claim = json["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == seed.allegation.as_str())
        .unwrap();
    assert_eq!(claim["verdict"], "unverifiable");
    assert_eq!(claim["verdict_rationale"], "Evidence not released");
    assert_eq!(
        desk.fails(&["report", "claimant", "Reuters"], 1),
        "factdesk: no source named or with id 'Reuters'"
    );
}

#[test]
fn the_graph_in_dot_and_mermaid() {
    let (desk, seed) = seeded();
    let (a, d) = (short(&seed.allegation), short(&seed.denial));
    assert_eq!(
        desk.ok(&["graph"]),
        format!(
            "digraph claims {{
  rankdir=LR;
  node [shape=box, style=\"rounded,filled\", fontcolor=white, fontname=\"Helvetica\"];
  \"{a}\" [label=\"{a} Iran supplied Russia with short-range ba…\\ndisputed\", fillcolor=\"#ef6c00\", tooltip=\"Iran supplied Russia with short-range ballistic missiles\"];
  \"{d}\" [label=\"{d} Iran has not provided weapons to either …\\ndisputed\", fillcolor=\"#ef6c00\", tooltip=\"Iran has not provided weapons to either side of the conflict in Ukraine\"];
  \"{d}\" -> \"{a}\" [label=\"contradicts\", color=\"#c62828\", fontcolor=\"#c62828\", style=dashed, dir=none];
}}
"
        )
    );
    let mermaid = desk.ok(&[
        "--format",
        "mermaid",
        "graph",
        &seed.allegation[..6],
        "--depth",
        "1",
    ]);
    assert!(mermaid.starts_with("graph LR\n"), "{mermaid}");
    assert!(
        mermaid.contains(&format!("  c{d} ---|contradicts| c{a}\n")),
        "{mermaid}"
    );
    assert_eq!(
        desk.fails(&["--format", "csv", "graph"], 2),
        "factdesk: graph cannot write --format csv (it offers: dot, mermaid, json, html)"
    );
}

/// A headless browser, if this machine has one.
fn browser() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
}

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("the browser runs")
}

#[test]
fn the_html_report_is_self_contained_escaped_and_renders_in_a_browser() {
    let (desk, seed) = seeded();
    let hostile = desk.claim(&[
        "<script>alert('x')</script> & \"quotes\"",
        "--claimant",
        "<b>Mallory</b>",
    ]);
    desk.ok(&[
        "link",
        "add",
        &hostile,
        &seed.allegation,
        "--relation",
        "contradicts",
    ]);
    let page = desk.db.with_file_name("disputed.html");
    assert_eq!(
        desk.ok(&[
            "report",
            "disputed",
            "--format",
            "html",
            "--output",
            page.to_str().unwrap()
        ]),
        ""
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Disputed claims</title>"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;")
    );
    assert!(html.contains("&lt;b&gt;Mallory&lt;/b&gt;"));
    assert!(
        !html.contains("<script"),
        "no script, and no user text unescaped"
    );
    for fetch in ["src=", "<link", "@import", "http://", "https://"] {
        let allowed = |at: usize| html[..at].ends_with("xmlns=\"");
        let found = html.match_indices(fetch).any(|(at, _)| !allowed(at));
        assert!(!found, "the page must fetch nothing: found {fetch}");
    }
    assert!(html.contains("<svg"), "the dispute graph is drawn inline");
    // A page is shared: it names the store's file, never where it lives on this machine.
    assert!(
        html.contains(&format!("From {} at ", desk.store_name())),
        "no store name on the page"
    );
    assert!(
        !html.contains(desk.db.parent().unwrap().to_str().unwrap()),
        "the page prints the store's absolute path"
    );
    assert_eq!(html.matches("class=\"card\"").count(), 3);

    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("FACTDESK_REQUIRE_BROWSER").is_none(),
            "FACTDESK_REQUIRE_BROWSER is set but no chromium is on PATH"
        );
        eprintln!(
            "skipping the browser check: no chromium on PATH (apt-get install chromium; .ci/run does)"
        );
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let dom = headless(&browser, profile.path(), &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("Iran supplied Russia with short-range ballistic missiles"),
        "{dom}"
    );
    assert!(
        dom.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "rendered as text: {dom}"
    );
    let shot = desk.db.with_file_name("disputed.png");
    let out = headless(
        &browser,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,1400",
            &url,
        ],
    );
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 20_000,
        "a near-empty screenshot ({} bytes)",
        png.len()
    );
    // Keep it where a person can look at it after the run.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("disputed-report.png");
    std::fs::copy(&shot, &keep).unwrap();
    eprintln!("screenshot of the HTML report: {}", keep.display());
}

/// Issue 11: Markdown output is rendered as a page, so raw HTML in a claim (an `<img>` with an
/// `onerror` handler), a link to `javascript:`, or a line break cannot act: each shows as text.
#[test]
fn markdown_output_shows_markup_in_claims_as_text() {
    let desk = Desk::new();
    let id = desk.claim(&[
        "<img src=x onerror=alert(1)> & [click](javascript:alert(2)) | `x` \\ end",
        "--claimant",
        "<b>Ministry</b>",
        "--tag",
        "a|b",
    ]);
    assert_eq!(
        desk.ok(&["--format", "markdown", "claim", "list"]),
        format!(
            "| ID | STATUS | CLAIMANT | STANCE | CLAIM | DATE | TAGS |\n\
             |---|---|---|---|---|---|---|\n\
             | {id} | unresolved | &lt;b&gt;Ministry&lt;/b&gt; | asserts | \
             &lt;img src=x onerror=alert(1)&gt; &amp; \\[click\\](javascript:alert(2)) \\| \\`x\\` \\\\ end \
             |  | a\\|b |\n"
        )
    );
}
