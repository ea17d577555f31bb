//! Hostile text: claim texts, names, quotes, tags, notes and comments holding terminal escapes,
//! bidi overrides and invisible characters are stored exactly, kept exact in JSON, and shown
//! escaped — never interpreted — in every human-readable output, coloured or not.

use crate::Desk;

/// Every class of character that must not reach a terminal as it is: a clear-screen, a
/// window-title OSC, an OSC 8 hyperlink, a carriage return, fake search markers, DEL, a C1
/// control, a right-to-left override, an isolate, zero-width characters and a line separator.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]8;;https://evil.example\u{1b}\\link\
                       \u{1b}]8;;\u{1b}\\\r\u{2}fake\u{3}\u{7f}\u{9b}31m\u{202e}gnp.exe\u{2066}\
                       \u{200b}\u{feff}\u{2028}";

/// Whether `out` holds anything a terminal would interpret, other than colour codes when
/// `colour` is allowed.
fn interpretable(out: &str, colour: bool) -> Option<String> {
    let mut rest = out;
    while let Some(c) = rest.chars().next() {
        if colour && c == '\u{1b}' {
            let body = &rest[2.min(rest.len())..];
            let digits = body
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count();
            if rest.starts_with("\u{1b}[") && body.as_bytes().get(digits) == Some(&b'm') {
                rest = &body[digits + 1..];
                continue;
            }
        }
        let hidden = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'
                | '\u{feff}' | '\u{2028}');
        if hidden {
            let at = out.len() - rest.len();
            return Some(format!("{c:?} at byte {at} of {out:?}"));
        }
        rest = &rest[c.len_utf8()..];
    }
    None
}

fn hostile_desk() -> (Desk, String) {
    let desk = Desk::new();
    let text = format!("Missile shipment {HOSTILE} reached Russia");
    let name = format!("Officials {HOSTILE}");
    let id = desk.claim(&[
        &text,
        "--claimant",
        &name,
        "--reported-by",
        &format!("Paper {HOSTILE}"),
        "--quote",
        &format!("quote {HOSTILE}"),
        "--tag",
        &format!("tag{HOSTILE}"),
    ]);
    desk.ok(&[
        "evidence",
        "add",
        &id,
        "--stance",
        "refutes",
        "--source",
        &format!("Source {HOSTILE}"),
        "--note",
        &format!("note {HOSTILE}"),
    ]);
    desk.ok(&["claim", "comment", &id, &format!("comment {HOSTILE}")]);
    // A name may not hold control characters (refused at every door), but it may hold
    // invisible and bidi characters, which are shown escaped like any other text.
    desk.ok(&[
        "--as",
        "bo \u{202e}gnp.exe\u{2066}\u{200b}\u{feff}",
        "claim",
        "verdict",
        &id,
        "refuted",
        "--note",
        &format!("verdict {HOSTILE}"),
    ]);
    (desk, id)
}

#[test]
fn hostile_text_is_shown_escaped_everywhere_people_read_and_kept_exact_in_json() {
    let (desk, id) = hostile_desk();
    let commands: Vec<Vec<&str>> = vec![
        vec!["claim", "list"],
        vec!["claim", "show", &id],
        vec!["history"],
        vec!["report", "disputed", "--all"],
        vec!["report", "claimant", "Officials"],
        vec!["report", "summary"],
        vec!["search", "missile"],
        vec!["search", "note"],
        vec!["source", "list"],
        vec!["evidence", "list", &id],
        vec![
            "link",
            "suggest",
            "--text",
            "Missile shipment reached Russia",
        ],
    ];
    for command in &commands {
        for colour in ["never", "always"] {
            for format in ["table", "markdown"] {
                let mut args = vec!["--color", colour, "--format", format];
                args.extend(command);
                let out = desk.run(&args);
                for stream in [&out.stdout, &out.stderr] {
                    if let Some(found) = interpretable(stream, colour == "always") {
                        panic!("factdesk {args:?} printed {found}");
                    }
                }
            }
        }
    }
    // The escapes are shown, git-style, in place of what they would have done.
    let shown = desk.ok(&["claim", "show", &id]);
    assert!(
        shown.contains(
            "Missile shipment \\e[2J\\e]0;pwned\\u{7}\\e]8;;https://evil.example\\e\\link\\e]8;;\
             \\e\\\\r\\u{2}fake\\u{3}\\u{7f}\\u{9b}31m\\u{202e}gnp.exe\\u{2066}\\u{200b}\\u{feff}\
             \\u{2028} reached Russia"
        ),
        "{shown}"
    );
    // Stored exactly, and JSON says exactly what was stored.
    let json: serde_json::Value =
        serde_json::from_str(&desk.ok(&["claim", "show", &id, "--format", "json"])).unwrap();
    assert_eq!(
        json["text"],
        format!("Missile shipment {HOSTILE} reached Russia")
    );
    let hits: serde_json::Value =
        serde_json::from_str(&desk.ok(&["search", "missile", "--format", "json"])).unwrap();
    // The fragment is the stored text (cut to the words around the match), with no marks.
    assert!(
        hits[0]["fragment"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Missile shipment {HOSTILE} reached")),
        "{}",
        hits[0]["fragment"]
    );
    let matched: Vec<&serde_json::Value> = hits[0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| &p["text"])
        .collect();
    assert_eq!(matched, vec!["Missile"]);
}

#[test]
fn the_dot_and_mermaid_graphs_show_hostile_text_escaped_and_stay_valid() {
    let (desk, id) = hostile_desk();
    let other = desk.claim(&[&format!("Second {HOSTILE} claim"), "--claimant", "X"]);
    desk.ok(&["link", "add", &id, &other, "--relation", "contradicts"]);
    for args in [
        vec!["graph", id.as_str()],
        vec!["graph"],
        vec!["graph", id.as_str(), "--format", "mermaid"],
        vec!["graph", "--format", "mermaid"],
    ] {
        let out = desk.run(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        if let Some(found) = interpretable(&out.stdout, false) {
            panic!("factdesk {args:?} printed {found}");
        }
    }
    // DOT: the escapes are shown as text ("\e" in the label, written "\\e" in the quoted
    // string), and every line holds whole quoted strings.
    let dot = desk.ok(&["graph", &id]);
    assert!(
        dot.contains("Missile shipment \\\\e[2J\\\\e]0;pwned\\\\u{7}"),
        "{dot}"
    );
    for line in dot.lines() {
        let unescaped_quotes = line
            .replace("\\\\", "")
            .replace("\\\"", "")
            .matches('"')
            .count();
        assert_eq!(unescaped_quotes % 2, 0, "{line}");
    }
    let mermaid = desk.ok(&["graph", &id, "--format", "mermaid"]);
    assert!(mermaid.contains("Missile shipment \\e[2J"), "{mermaid}");
    assert!(mermaid.contains("Second \\e[2J"), "{mermaid}");
}

#[test]
fn other_peoples_claims_in_the_linkers_notes_and_echoed_input_in_errors_are_escaped() {
    let (desk, _) = hostile_desk();
    // `claim add` prints the related claims of others on stderr.
    let out = desk.run(&[
        "claim",
        "add",
        "Missile shipment reached Russia in September",
    ]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains("Missile shipment \\e[2J"),
        "{}",
        out.stderr
    );
    assert_eq!(interpretable(&out.stderr, false), None);
    // An error quoting what was typed stays on one line, escapes shown.
    let message = desk.fails(&["claim", "show", &format!("zz{HOSTILE}\nsecond line")], 1);
    assert_eq!(interpretable(&message, false), None);
    assert!(message.contains("\\e[2J"), "{message}");
    assert!(message.contains("\\nsecond line"), "{message}");
    let message = desk.fails(&["--as", &format!("bo {HOSTILE}"), "claim", "list"], 2);
    assert_eq!(interpretable(&message, false), None);
    assert!(message.contains("holds a control character"), "{message}");
}

#[test]
fn on_a_real_terminal_only_factdesks_own_colour_codes_get_through() {
    let (desk, id) = hostile_desk();
    let mut coloured = false;
    for args in [
        format!("claim show {id}"),
        "claim list".to_string(),
        "history".to_string(),
        "search missile".to_string(),
        "claim add 'Missile shipment reached Russia in October'".to_string(),
    ] {
        let Some(shown) = crate::on_a_terminal(&desk, &args, 200) else {
            return;
        };
        if let Some(found) = interpretable(&shown, true) {
            panic!("factdesk {args} printed {found}");
        }
        assert!(shown.contains("\\e[2J"), "factdesk {args}: {shown}");
        coloured |= shown.contains("\u{1b}[");
    }
    assert!(coloured, "nothing was coloured: not a terminal?");
}

#[test]
fn an_error_quoting_a_huge_value_stays_one_readable_line() {
    let desk = Desk::new();
    let huge = "x".repeat(100_000);
    let message = desk.fails(&["claim", "show", &huge], 1);
    assert!(
        message.chars().count() < 700,
        "{} characters",
        message.len()
    );
    assert!(message.starts_with("factdesk: "), "{message}");
    assert!(message.contains("characters left out"), "{message}");
}
