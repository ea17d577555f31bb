//! Fitting the shell: completion scripts for every shell and the manual page, generated from the
//! command-line definitions. Tools this machine may lack (zsh, fish, man) are used when present.

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
        ".SH SUBCOMMANDS",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "no {section}");
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
