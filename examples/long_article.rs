//! Writes a long generated article to standard output, for timing `factdesk ingest` on it: the
//! same text as the `article()` of `tests/e2e/bounded.rs` (varied sentences, three of every four
//! a statement attributed to someone, in paragraphs of six; the same on every run).
//!
//! ```sh
//! cargo run --release --example long_article -- 72000 > art5m.txt   # 5.1 MB, 54,000 statements
//! /usr/bin/time -v target/release/factdesk ingest art5m.txt --source Wire > /dev/null
//! ```
//!
//! See "Ingest: a 5 MB article" in `docs/BENCHMARKS.md`.

use std::io::Write;

fn main() -> std::io::Result<()> {
    let sentences: usize = match std::env::args().nth(1).map(|n| n.parse()) {
        Some(Ok(n)) => n,
        _ => {
            writeln!(
                std::io::stderr(),
                "usage: long_article SENTENCES  (72000 makes 5.1 MB)"
            )?;
            std::process::exit(2);
        }
    };
    std::io::stdout()
        .lock()
        .write_all(article(sentences).as_bytes())
}

fn article(sentences: usize) -> String {
    const WHO: &[&str] = &[
        "Iran",
        "Russia",
        "Ukraine",
        "The ministry",
        "U.S. officials",
        "Sen. Smith",
        "The Pentagon",
        "Analysts",
        "Mr. Jones",
        "The Kremlin",
        "NATO",
        "The Iranian Mission",
    ];
    const SAYS: &[&str] = &[
        "said", "denied", "stated", "claimed", "warned", "insisted", "reported",
    ];
    const WHAT: &[&str] = &[
        "missiles",
        "drones",
        "weapons",
        "troops",
        "fuel",
        "grain",
        "money",
        "artillery shells",
        "tanks",
    ];
    const ASIDES: &[&str] = &[
        "The weather was cold that week.",
        "Markets fell on Tuesday.",
        "Nobody answered the phone.",
    ];
    let mut seed: u64 = 0x2024_0906;
    let mut pick = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut text = String::new();
    for i in 1..=sentences {
        if i % 4 == 0 {
            text.push_str(ASIDES[pick(ASIDES.len())]);
        } else {
            text.push_str(&format!(
                "{} {} that {} had sent {} {} to {} in week {i}.",
                WHO[pick(WHO.len())],
                SAYS[pick(SAYS.len())],
                WHO[pick(WHO.len())],
                2 + pick(99_998),
                WHAT[pick(WHAT.len())],
                WHO[pick(WHO.len())],
            ));
        }
        text.push_str(if i % 6 == 0 { "\n\n" } else { " " });
    }
    text
}
