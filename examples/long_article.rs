//! Writes a long generated article to standard output, for timing `factdesk ingest` on it: the
//! text the huge-input tests ingest (`tests/e2e/article.rs`, included here) — varied sentences,
//! three of every four a statement attributed to someone, in paragraphs of six, the same on
//! every run.
//!
//! ```sh
//! cargo run --release --example long_article -- 72000 > art5m.txt   # 5.1 MB, 54,000 statements
//! /usr/bin/time -v target/release/factdesk ingest art5m.txt --source Wire > /dev/null
//! ```
//!
//! See "Ingest: a 5 MB article" in `docs/BENCHMARKS.md`.

use std::io::Write;

#[path = "../tests/e2e/article.rs"]
mod article;
use article::article;

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
