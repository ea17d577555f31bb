//! The long generated article the huge-input tests ingest, shared with
//! `examples/long_article.rs` (which writes it out for timing `factdesk ingest` by hand), so a
//! timing and a test are of the same text.

/// A text of `sentences` varied sentences, three of every four a statement attributed to
/// someone ("Iran denied that NATO had sent 4711 drones to Ukraine in week 12."), in paragraphs
/// of six; the same on every run.
pub fn article(sentences: usize) -> String {
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
