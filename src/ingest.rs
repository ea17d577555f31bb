//! Reading an article for the claims in it: the attributed statements — sentences where a
//! speaker says, states, alleges, denies or accuses ("X said", "according to X", "a report cited
//! X alleging that …", "“…,” X said") — each as a candidate claim with its claimant, its stance
//! (a denial verb gives `denies`) and the sentence as the exact quote.
//!
//! Plain rules over plain text, written to be read and argued with; it proposes, a person
//! decides (`factdesk ingest --accept` logs what it found). No I/O and no store access here.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::model::Stance;

/// A statement found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// What the speaker asserts (or denies).
    pub text: String,
    pub claimant: String,
    pub stance: Stance,
    /// The sentence it was found in, exactly as the article has it.
    pub quote: String,
}

/// Splits text into sentences: after `.`, `!` or `?` (and a closing quote) followed by a space
/// and a capital or an opening quote — but not after an initial ("U.S.") or a title ("Mr.").
/// One pass over the text, looking at most one word back and two characters ahead of a stop.
pub fn sentences(text: &str) -> Vec<&str> {
    const TITLES: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gen", "Gov", "Lt", "Col", "vs", "No",
    ];
    let mut out = Vec::new();
    for paragraph in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        let mut start = 0;
        for (at, c) in paragraph.char_indices() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            let mut ahead = paragraph[at + c.len_utf8()..].char_indices().peekable();
            while ahead
                .next_if(|(_, c)| matches!(c, '"' | '”' | '’' | '\'' | ')'))
                .is_some()
            {}
            // Where the sentence stops: at the space after the stop and its closing quotes.
            let stop = ahead
                .peek()
                .map_or(paragraph.len(), |(i, _)| at + c.len_utf8() + i);
            let next_is_start = ahead.next().is_some_and(|(_, c)| c.is_whitespace())
                && ahead
                    .next()
                    .is_some_and(|(_, c)| c.is_uppercase() || matches!(c, '"' | '“' | '‘'));
            if !next_is_start {
                continue;
            }
            let word_before: String = paragraph[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let initial =
                word_before.chars().count() == 1 && word_before.chars().all(char::is_uppercase);
            if c == '.' && (initial || TITLES.contains(&word_before.as_str())) {
                continue;
            }
            out.push(paragraph[start..stop].trim());
            start = stop;
        }
        let rest = paragraph[start..].trim();
        if !rest.is_empty() {
            out.push(rest);
        }
    }
    out
}

/// Verbs that attribute an assertion, and the ones that attribute a denial.
const SAYING: &str = r"(?:said|says|stated|states|told|tells|claimed|claims|alleged|alleges|announced|insisted|insists|warned|maintained|maintains|argued|argues|added|wrote|reported)";
const DENYING: &str = r"(?:denied|denies|rejected|rejects|dismissed|dismisses|refuted|refutes)";

/// A speaker: a run of words before a reporting verb, starting at a determiner or a capital
/// letter — "the Iranian Mission to the United Nations", "U.S. and European officials".
const SPEAKER: &str = r"(?P<speaker>(?:[Tt]he |[Aa]n? )?(?:[A-Z][\w.’'-]*|officials|experts|analysts|sources|ministry|government|police|army|military|spokesperson|spokesman|spokeswoman)(?:[ ,]+(?:of|to|for|and|the|in|at|[A-Z][\w.’'-]*|European|officials|mission|spokesperson|spokesman|spokeswoman|ministry|minister|government|administration))*?)";

fn patterns() -> &'static [(Regex, Stance)] {
    static PATTERNS: OnceLock<Vec<(Regex, Stance)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let compile = |p: String| Regex::new(&p).expect("valid pattern");
        vec![
            // “…,” the Iranian Mission said.
            (compile(format!(r#"^[“"](?P<claim>[^”"]+?)[,.]?[”"],? {SPEAKER} {SAYING}\b"#)), Stance::Asserts),
            // … cited U.S. and European officials alleging that …
            (compile(format!(r"(?:cited|citing|quoted|quoting) {SPEAKER} (?:as )?(?:alleging|saying|claiming|stating) (?:that )?(?P<claim>[^;]+)")), Stance::Asserts),
            // X has previously accused Iran of providing …
            (compile(format!(r"{SPEAKER} (?:have |has |had )?(?:previously |also |repeatedly )?(?:accused|accuses) (?P<object>[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*) of (?P<claim>[^;]+)")), Stance::Asserts),
            // X has denied sending arms …
            (compile(format!(r"{SPEAKER} (?:has |have |had )?(?:flatly |strongly |previously )?{DENYING} (?:that )?(?P<claim>[^;]+)")), Stance::Denies),
            // X stated that …
            (compile(format!(r"{SPEAKER},? (?:has |have |had )?(?:also |previously |repeatedly )?{SAYING},? (?:that )?(?P<claim>[^;]+)")), Stance::Asserts),
            // According to X, …
            (compile(format!(r"^[Aa]ccording to {SPEAKER}, (?P<claim>[^;]+)")), Stance::Asserts),
        ]
    })
}

/// Trims a found clause to the assertion: no trailing period, no "after …"/"and called on …"
/// tail that reports something else.
fn clause(raw: &str) -> String {
    let mut text = raw
        .trim()
        .trim_end_matches(['.', '”', '"', ' '])
        .to_string();
    for tail in [
        " after a report",
        " after ",
        " and called on ",
        " and calls on ",
        ", which ",
        ", and the ",
        ", and ",
    ] {
        if let Some(at) = text.find(tail)
            && at > 20
        {
            text.truncate(at);
        }
    }
    text.trim().trim_end_matches(',').to_string()
}

/// Cleans a speaker's name: no leading "the"/"a", no "however".
fn speaker(raw: &str) -> Option<String> {
    let name = raw
        .trim()
        .trim_start_matches("however, ")
        .trim_end_matches(',')
        .trim();
    let name = ["The ", "the ", "A ", "a ", "An ", "an "]
        .iter()
        .fold(name, |n, article| n.strip_prefix(article).unwrap_or(n));
    let lower = name.to_lowercase();
    // Pronouns and the vaguest subjects say nothing about who speaks.
    if name.is_empty()
        || [
            "it",
            "he",
            "she",
            "they",
            "this",
            "that",
            "report",
            "statement",
            "in",
            "while",
        ]
        .contains(&lower.as_str())
    {
        return None;
    }
    Some(name.to_string())
}

/// The attributed statements of an article, in order, each once: a statement whose text was
/// found before, or whose claimant was found before in the same sentence, is left out.
pub fn statements(article: &str) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    // What was found so far, to tell a repeat in constant time however long the article is.
    let mut texts: HashSet<String> = HashSet::new();
    let mut speakers_in_sentence: HashSet<(&str, String)> = HashSet::new();
    for sentence in sentences(article) {
        for (pattern, stance) in patterns() {
            for found in pattern.captures_iter(sentence) {
                let Some(claimant) = found.name("speaker").and_then(|m| speaker(m.as_str())) else {
                    continue;
                };
                let Some(claim) = found.name("claim").map(|m| clause(m.as_str())) else {
                    continue;
                };
                let claim = match found.name("object") {
                    Some(object) => format!("{} {}", object.as_str(), claim),
                    None => claim,
                };
                if claim.split_whitespace().count() < 3 {
                    continue;
                }
                let statement = Statement {
                    text: claim,
                    claimant,
                    stance: *stance,
                    quote: sentence.to_string(),
                };
                let speaker_here = (sentence, statement.claimant.clone());
                if texts.contains(&statement.text) || speakers_in_sentence.contains(&speaker_here) {
                    continue;
                }
                texts.insert(statement.text.clone());
                speakers_in_sentence.insert(speaker_here);
                out.push(statement);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_but_not_at_initials_or_titles() {
        let text = "U.S. officials spoke. Mr. Smith said “no.” Then it rained! Did it?";
        assert_eq!(
            sentences(text),
            vec![
                "U.S. officials spoke.",
                "Mr. Smith said “no.”",
                "Then it rained!",
                "Did it?"
            ]
        );
    }

    #[test]
    fn each_kind_of_attribution_is_found() {
        let found = statements(
            "Iran has denied sending arms to Russia for use in the war after a report cited U.S. and European officials alleging that the Islamic Republic had provided Moscow with short-range ballistic missiles.\n\
             In a statement shared with Newsweek, however, the Iranian Mission to the United Nations stated that Iran had not provided weapons to either side of the conflict in Ukraine and called on other nations to cease doing so.\n\
             “Iran’s position vis-à-vis the Ukraine conflict remains unchanged,” the Iranian Mission said.\n\
             U.S. and European officials have previously accused Iran of providing Russia with vast quantities of drones.\n\
             According to the ministry, the ceasefire holds along the whole front.",
        );
        let got: Vec<(&str, &str, Stance)> = found
            .iter()
            .map(|s| (s.claimant.as_str(), s.text.as_str(), s.stance))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "U.S. and European officials",
                    "the Islamic Republic had provided Moscow with short-range ballistic missiles",
                    Stance::Asserts
                ),
                (
                    "Iran",
                    "sending arms to Russia for use in the war",
                    Stance::Denies
                ),
                (
                    "Iranian Mission to the United Nations",
                    "Iran had not provided weapons to either side of the conflict in Ukraine",
                    Stance::Asserts
                ),
                (
                    "Iranian Mission",
                    "Iran’s position vis-à-vis the Ukraine conflict remains unchanged",
                    Stance::Asserts
                ),
                (
                    "U.S. and European officials",
                    "Iran providing Russia with vast quantities of drones",
                    Stance::Asserts
                ),
                (
                    "ministry",
                    "the ceasefire holds along the whole front",
                    Stance::Asserts
                ),
            ]
        );
        assert!(found[0].quote.starts_with("Iran has denied sending arms"));
    }
}
