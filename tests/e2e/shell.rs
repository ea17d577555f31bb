//! Fitting the shell: completion scripts for every shell and the manual page, generated from the
//! command-line definitions, and every printing command ending quietly when its reader goes away.
//! Tools this machine may lack (zsh, fish, man) are used when present.

use crate::Desk;

fn has(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn completion_scripts_are_generated_for_every_shell_and_bash_accepts_its_own() {
    let desk = Desk::uninitialised();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = desk.ok(&["completions", shell]);
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        assert!(script.contains("factdesk"), "{shell}");
        // Subcommands added this session are offered too.
        assert!(
            script.contains("review") && script.contains("verify"),
            "{shell}"
        );
    }
    let bash = desk.db.with_file_name("factdesk.bash");
    std::fs::write(&bash, desk.ok(&["completions", "bash"])).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&bash)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    for (shell, check) in [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])] {
        if !has(shell) {
            eprintln!("{shell} is not installed: its completion script was not syntax-checked");
            continue;
        }
        let path = desk.db.with_file_name(format!("factdesk.{shell}"));
        std::fs::write(&path, desk.ok(&["completions", shell])).unwrap();
        let out = std::process::Command::new(check[0])
            .arg(check[1])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(desk.run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn the_manual_page_renders_with_the_seed_story_as_examples() {
    let desk = Desk::uninitialised();
    let page = desk.ok(&["man"]);
    assert!(page.contains(".TH factdesk 1"), "{page}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    // One page documents every command and its flags, and refers to no other pages.
    assert!(!page.contains("factdesk\\-claim(1)"), "{page}");
    assert!(
        page.contains("factdesk \\- a fact\\-check workbench"),
        "the NAME line repeats the name"
    );
    fn leaves(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = format!("{path} {}", sub.get_name());
            if sub.has_subcommands() {
                leaves(sub, &path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut commands = Vec::new();
    leaves(&factdesk::cli::command(), "factdesk", &mut commands);
    assert!(commands.len() > 30, "{commands:?}");
    for command in &commands {
        assert!(
            page.contains(&format!(".SS \"{}\"", command)),
            "{command} is not documented"
        );
    }
    for flag in [
        "\\-\\-relation",
        "\\-\\-min\\-score",
        "\\-\\-checkpoint",
        "\\-\\-literal",
    ] {
        assert!(
            page.contains(&format!("\\fB\\-\\-{}", &flag[4..])),
            "{flag}"
        );
    }
    assert!(
        page.contains("factdesk link add $D $A \\-\\-relation contradicts"),
        "{page}"
    );
    if !has("groff") {
        eprintln!("groff is not installed: the manual page was not rendered");
        return;
    }
    let source = desk.db.with_file_name("factdesk.1");
    std::fs::write(&source, &page).unwrap();
    let rendered = std::process::Command::new("groff")
        // -k runs preconv (the page is UTF-8: the description has an em dash); -P-cbou asks for
        // plain text, without overstruck bold.
        .args(["-k", "-man", "-Tutf8", "-ww", "-P-cbou"])
        .arg(&source)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(rendered.status.success());
    assert!(
        rendered.stderr.is_empty(),
        "groff warned: {}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert!(
        text.contains("EXAMPLES") && text.contains("review approve"),
        "{text}"
    );
    // The store was never touched.
    assert!(!desk.db.exists());
}

#[test]
fn search_finds_claims_evidence_comments_and_sources_with_marked_matches() {
    let desk = Desk::new();
    let seed = crate::Seed::log(&desk);
    let (a, d) = (crate::short(&seed.allegation), crate::short(&seed.denial));
    desk.ok(&[
        "evidence",
        "add",
        a,
        "--stance",
        "supports",
        "--note",
        "Missile debris photographed in Kharkiv",
    ]);
    desk.ok(&[
        "claim",
        "comment",
        d,
        "Which missile types does the denial cover?",
    ]);
    // Piped, so the matched words are marked with brackets, not bold.
    assert_eq!(
        desk.ok(&["search", "missile*"]),
        format!(
            "IN        CLAIM     STATUS    MATCH\n\
             claim     {a}  disputed  Iran supplied Russia with short-range ballistic [missiles]\n\
             evidence  {a}  disputed  [Missile] debris photographed in Kharkiv\n\
             comment   {d}  disputed  Which [missile] types does the denial cover?\n"
        )
    );
    assert_eq!(
        desk.ok(&["search", "newsweek OR journal", "--in", "sources"]),
        "IN      CLAIM  STATUS  MATCH\n\
         source  -      -       [Newsweek]\n\
         source  -      -       The Wall Street [Journal]\n"
    );
    // Nothing found: said on stdout, and exit 1 as grep does, with nothing on stderr.
    let nothing = desk.run(&["search", "missile*", "--status", "unresolved"]);
    assert_eq!(
        (
            nothing.code,
            nothing.stdout.as_str(),
            nothing.stderr.as_str()
        ),
        (1, "Nothing matches.\n", "")
    );
    // A claim's own quote is searched too; editing it re-indexes it.
    assert_eq!(
        desk.ok(&["search", "inhumane", "--in", "claims"]),
        format!(
            "IN     CLAIM     STATUS    MATCH\n\
             claim  {d}  disputed  Iran considers the provision of military assistance to the parties ... to be [inhumane].\n"
        )
    );
    desk.ok(&[
        "claim",
        "edit",
        d,
        "--quote",
        "Iran abstains from such actions",
    ]);
    assert_eq!(
        desk.run(&["search", "inhumane"]).stdout,
        "Nothing matches.\n"
    );
    assert!(
        desk.ok(&["search", "abstains"])
            .contains("Iran [abstains] from such actions")
    );
    let json: serde_json::Value =
        serde_json::from_str(&desk.ok(&["search", "\"ballistic missiles\"", "--format", "json"]))
            .unwrap();
    // JSON keeps the text exact, and says which words matched in `parts`.
    assert_eq!(
        json[0]["fragment"],
        "Iran supplied Russia with short-range ballistic missiles"
    );
    assert_eq!(
        json[0]["parts"],
        serde_json::json!([
            {"text": "Iran supplied Russia with short-range ", "hit": false},
            {"text": "ballistic missiles", "hit": true},
        ])
    );
    assert_eq!(json[0]["claim_id"], seed.allegation.as_str());
    assert_eq!(
        desk.fails(&["search", "\"unterminated"], 1),
        "factdesk: malformed search '\"unterminated': unterminated string (put words with \
         punctuation in double quotes, or use --literal to search for the words as typed)"
    );
    // Words with punctuation, found as typed.
    desk.claim(&["Sunak's plan cut 4,537 jobs", "--quiet"]);
    assert_eq!(
        desk.ok(&["search", "--literal", "Sunak's 4,537"]),
        desk.ok(&["search", "\"Sunak's\" \"4,537\""])
    );
    assert!(
        desk.ok(&["search", "--literal", "Sunak's 4,537"])
            .contains("[Sunak's] plan cut [4,537]"),
        "{}",
        desk.ok(&["search", "--literal", "Sunak's 4,537"])
    );
    assert_eq!(
        desk.fails(&["search", "x", "--in", "tweets"], 1),
        "factdesk: cannot search in 'tweets' (search in claims, evidence, sources or comments)"
    );
}

/// Runs factdesk on `desk` under a pseudo-terminal (util-linux `script`), with `env` set;
/// `None` when `script` is not installed.
fn on_terminal(desk: &Desk, env: &[(&str, &str)], args: &[&str]) -> Option<String> {
    if !has("script") {
        eprintln!("script is not installed: the pseudo-terminal checks were skipped");
        return None;
    }
    let command = std::iter::once(
        assert_cmd::cargo::cargo_bin!("factdesk")
            .display()
            .to_string(),
    )
    .chain(args.iter().map(|a| format!("'{a}'")))
    .collect::<Vec<_>>()
    .join(" ");
    let mut script = desk.with_env_as(std::process::Command::new("script"), "ana", &[]);
    script
        .args(["-qec", &command, "/dev/null"])
        .env("FACTDESK_NOW", crate::NOW)
        .env("TERM", "xterm-256color")
        .env("PAGER", "cat")
        .env("TZ", "UTC")
        .env_remove("NO_COLOR");
    for (key, value) in env {
        script.env(key, value);
    }
    let output = script.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        String::from_utf8(output.stdout)
            .unwrap()
            .replace("\r\n", "\n"),
    )
}

#[test]
fn statuses_are_coloured_on_a_terminal_and_never_when_piped_or_asked_not_to() {
    let desk = Desk::new();
    crate::Seed::log(&desk);
    let yellow = "\x1b[38;5;11mdisputed";
    // Piped: no escapes, unless asked for; never in JSON or CSV.
    assert!(!desk.ok(&["claim", "list"]).contains('\x1b'));
    assert!(
        desk.ok(&["claim", "list", "--color", "always"])
            .contains(yellow)
    );
    assert!(
        !desk
            .ok(&["claim", "list", "--color", "always", "--format", "csv"])
            .contains('\x1b')
    );
    assert!(
        !desk
            .ok(&["claim", "list", "--color", "always", "--format", "json"])
            .contains('\x1b')
    );
    let Some(coloured) = on_terminal(&desk, &[], &["claim", "list"]) else {
        return;
    };
    assert!(coloured.contains(yellow), "{coloured:?}");
    for env in [[("NO_COLOR", "1")], [("TERM", "dumb")]] {
        let plain = on_terminal(&desk, &env, &["claim", "list"]).unwrap();
        assert!(!plain.contains('\x1b'), "{env:?}: {plain:?}");
        assert!(plain.contains("disputed"), "{plain:?}");
    }
    let never = on_terminal(&desk, &[], &["claim", "list", "--color", "never"]).unwrap();
    assert!(!never.contains('\x1b'), "{never:?}");
    // Search marks matches in bold on a terminal, with brackets when piped.
    let bold = on_terminal(&desk, &[], &["search", "missiles"]).unwrap();
    assert!(bold.contains("\x1b[1mmissiles\x1b[0m"), "{bold:?}");
    assert!(desk.ok(&["search", "missiles"]).contains("[missiles]"));
}

#[test]
fn output_on_a_terminal_goes_through_the_pager_unless_piped_or_told_not_to() {
    let desk = Desk::new();
    crate::Seed::log(&desk);
    let pager = [("PAGER", "sed 's/^/paged: /'")];
    let Some(paged) = on_terminal(&desk, &pager, &["claim", "list"]) else {
        return;
    };
    assert!(paged.lines().all(|l| l.starts_with("paged: ")), "{paged:?}");
    assert_eq!(paged.lines().count(), 3, "{paged:?}");
    let direct = on_terminal(&desk, &pager, &["claim", "list", "--no-pager"]).unwrap();
    assert!(!direct.contains("paged: "), "{direct:?}");
    let piped = desk
        .cmd(&["claim", "list"])
        .env("PAGER", "sed 's/^/paged: /'")
        .output()
        .unwrap();
    assert!(!String::from_utf8(piped.stdout).unwrap().contains("paged: "));
}

#[test]
fn tables_show_local_time_while_json_keeps_utc_and_long_texts_wrap_to_the_terminal() {
    let desk = Desk::new();
    let seed = crate::Seed::log(&desk);
    let a = crate::short(&seed.allegation);
    let history = desk
        .cmd(&["history", a, "--limit", "1"])
        .env("TZ", "IST-5:30")
        .output()
        .unwrap();
    let table = String::from_utf8(history.stdout).unwrap();
    assert!(table.contains("\n2024-09-07 17:30  ana"), "{table}");
    let json = desk
        .cmd(&["history", a, "--limit", "1", "--format", "json"])
        .env("TZ", "IST-5:30")
        .output()
        .unwrap();
    // UTC in JSON: the fixed clock's 12:00, a few milliseconds on (one per command: the
    // hybrid clock orders each change after the one before).
    let json = String::from_utf8(json.stdout).unwrap();
    assert!(json.contains("\"at\": \"2024-09-07T12:00:00.00"), "{json}");
    // On a 60-column terminal the claim texts wrap; piped, nothing is wrapped.
    if !has("script") {
        eprintln!("script is not installed: the terminal-width check was skipped");
        return;
    }
    let command = format!(
        "stty cols 60; {} --no-pager claim list",
        assert_cmd::cargo::cargo_bin!("factdesk").display()
    );
    let out = desk
        .with_env_as(std::process::Command::new("script"), "ana", &[])
        .args(["-qec", &command, "/dev/null"])
        .env_remove("TZ")
        .env_remove("FACTDESK_NOW")
        .env("TERM", "dumb")
        .output()
        .unwrap();
    let narrow = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
    assert!(narrow.lines().count() > 3, "{narrow}");
    assert!(
        desk.ok(&["claim", "list"])
            .lines()
            .any(|l| l.chars().count() > 60)
    );
}

#[test]
fn completions_offer_the_words_each_option_takes() {
    let desk = Desk::new();
    let bash = desk.ok(&["completions", "bash"]);
    for words in [
        "asserts denies questions neutral",
        "supports refutes context",
        "contradicts supports duplicates related",
        "supported refuted mixed unverifiable",
        "outlet government official organization person anonymous other",
        "table json csv markdown html jsonl claimreview dot mermaid",
    ] {
        assert!(bash.contains(words), "bash completion lacks {words:?}");
    }
    let fish = desk.ok(&["completions", "fish"]);
    assert!(
        fish.contains("-l stance") && fish.contains("-a \"asserts\\t''"),
        "fish completion lacks the stances"
    );
    // Offering the words does not take their checking from factdesk: same message, same code.
    assert_eq!(
        desk.fails(&["claim", "add", "X", "--stance", "claims"], 1),
        "factdesk: unknown stance 'claims' (expected one of: asserts, denies, questions, neutral)"
    );
}

/// Runs a command with its output going into a pipe whose reader is gone: closed before the
/// command starts, or after the first bytes (as `| head -c 64` does). Either way it must end as
/// if it had printed everything: exit 0, nothing on standard error.
fn assert_quiet_into_a_closed_pipe(desk: &Desk, args: &[&str]) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = desk
        .std_cmd(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ),
        (Some(0), "".into()),
        "factdesk {args:?} into a pipe closed before it started"
    );

    let mut child = desk
        .std_cmd(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ),
        (Some(0), "".into()),
        "factdesk {args:?} into a pipe closed after 64 bytes"
    );
}

#[test]
fn the_shell_asking_factdesk_completes_claim_ids_and_source_names_from_the_store() {
    let desk = Desk::new();
    let seed = crate::Seed::log(&desk);
    let complete = |line: &[&str]| {
        let out = desk
            .cmd(&[])
            .env("COMPLETE", "fish")
            .args(["--", "factdesk"])
            .args(line)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let ids = complete(&["claim", "show", &seed.allegation[..2]]);
    assert!(
        ids.contains(&format!(
            "{}\tIran supplied Russia with short-range ballistic missiles",
            &seed.allegation[..8]
        )),
        "{ids}"
    );
    assert!(!ids.contains(&seed.denial[..8]) || seed.denial[..2] == seed.allegation[..2]);
    let names = complete(&["claim", "add", "x", "--claimant", "Iran"]);
    assert_eq!(names, "Iranian Mission to the UN\n");
    // The script a shell sources to ask.
    let script = desk.cmd(&[]).env("COMPLETE", "bash").output().unwrap();
    assert!(
        String::from_utf8(script.stdout)
            .unwrap()
            .contains("_clap_complete_factdesk")
    );
}

#[test]
fn every_printing_command_ends_quietly_when_its_reader_goes_away() {
    let desk = Desk::new();
    // Enough claims, with their history, that each listing is far longer than a pipe holds.
    let claims: String = (0..1500)
        .map(|i| {
            format!(
                "{{\"text\": \"Claim number {i}, long enough to fill a pipe quickly\", \"claimant\": \"Source {}\"}}\n",
                i % 7
            )
        })
        .collect();
    let path = desk.db.with_file_name("many.jsonl");
    std::fs::write(&path, claims).unwrap();
    desk.ok(&["import", path.to_str().unwrap()]);
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        assert_quiet_into_a_closed_pipe(&desk, &["completions", shell]);
    }
    for args in [
        &["man"][..],
        &["export", "--format", "jsonl"],
        &["export", "--events"],
        &["history", "--limit", "5000"],
        &["claim", "list", "--all"],
        &["--format", "json", "claim", "list", "--all"],
    ] {
        assert_quiet_into_a_closed_pipe(&desk, args);
    }
}

#[test]
fn dynamic_completion_ends_quietly_when_its_reader_goes_away() {
    let desk = Desk::new();
    desk.claim(&["Iran supplied Russia with missiles"]);
    let run = |env: &[(&str, &str)], args: &[&str]| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = desk.std_cmd(args);
        cmd.envs(env.iter().copied());
        let output = cmd
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // The script a shell sources (`COMPLETE=bash factdesk | true`), and the shell's call back
    // asking for the claim ids, each into a pipe whose reader is gone.
    for shell in ["bash", "zsh", "fish"] {
        assert_eq!(
            run(&[("COMPLETE", shell)], &[]),
            (Some(0), String::new()),
            "COMPLETE={shell} factdesk"
        );
    }
    assert_eq!(
        run(
            &[("COMPLETE", "bash"), ("_CLAP_COMPLETE_INDEX", "3")],
            &["--", "factdesk", "claim", "show", ""]
        ),
        (Some(0), String::new()),
        "completing a claim id"
    );
}
