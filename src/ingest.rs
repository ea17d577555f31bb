//! Reading an article for the claims in it, by the rules of English news style: each attributed
//! statement becomes a candidate claim with its claimant, its stance (a denial verb gives
//! `denies`), the outlet that first reported it when the article names one, and the article's
//! words as the exact quote.
//!
//! What counts as attribution:
//! - a speaker and a reporting verb before the claim: "X said (that) …", "X said in a statement
//!   that …", "X told Newsweek that …" (the one told is not the claimant), "X denied …", "X
//!   accused Y of …", "a report cited X alleging that …";
//! - an apposition after the speaker's name: "Full Fact, the fact-checking charity, said …" (the
//!   claimant is the name, not the description);
//! - attribution after or inside the claim, set off by commas: "…, officials said.", "…, said
//!   the ministry.", "…, according to officials.", "Iran, officials said, …", and "According to
//!   X, …" at the start. An "according to" not set off so ("according to plan", "acted
//!   according to the treaty") is not attribution, nor is one naming a text ("the Constitution");
//! - direct quotes that open a sentence or follow "X said:": “…,” X said. / X said: “…”. Every
//!   sentence of a quotation is a statement of its speaker, however many sentences it spans; a
//!   quotation without attribution of its own belongs to the speaker of the quotation before it
//!   in the paragraph, or of the one left open at the end of the paragraph before (the news
//!   convention for a quote running on). A quote inside a sentence ("threatened “a severe
//!   response”") is part of that sentence, not a statement of its own.
//!
//! Second references are resolved to the first mention: a shorter name ending in the same head
//! noun ("the Iranian Mission", "the Mission") to the full one ("the Iranian Mission to the United
//! Nations"); the words of an apposition to the name they described ("the charity" after "Full
//! Fact, the fact-checking charity, said"); "he", "she", "they", "it" and "the statement" to the
//! speaker just before, within two paragraphs. A statement made through a report ("a report cited …", "according to a report in
//! X") is reported by the outlet the article names for that report — in the sentence, or in one
//! of the nearest sentences around it ("The report, which first appeared Friday in The Wall Street
//! Journal, …"). A candidate's text keeps its quotation marks balanced: it never ends with an
//! opening mark left open nor starts with a stray closing one.
//!
//! Plain rules over plain text, written to be read and argued with; it proposes, a person
//! decides (`factdesk ingest --accept` logs what it found). No I/O and no store access here.
//!
//! Time and memory are linear in the article's length, so a long report (`ingest` reads up to
//! [`MAX_ARTICLE_BYTES`](crate::input::MAX_ARTICLE_BYTES), 16 MiB) is read in seconds: each
//! sentence is read once by each rule, and what a rule's claim runs on to is taken without the
//! regex engine crossing it again (see `matches`); repeats are told by hash.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use regex::{Captures, Regex};
use serde::Serialize;

use crate::model::Stance;

/// A statement found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// What the speaker asserts (or denies).
    pub text: String,
    /// Who made the statement, as the article names them.
    pub claimant: String,
    /// `denies` when the attribution verb is a denial, else `asserts`.
    pub stance: Stance,
    /// The outlet that first reported the statement, when the article names one ("a report in
    /// The Wall Street Journal cited …"); when absent, whoever publishes the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<String>,
    /// The article's words it was found in, exactly: the sentence, or for a direct quote the
    /// whole quotation with the attribution in its sentences.
    pub quote: String,
    /// The article says the statement was made before it ("have previously accused", "last
    /// year"): it does not take the article's date.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub earlier: bool,
}

/// Words by which an article says a statement is older than the article.
const EARLIER: &[&str] = &[
    "previously",
    "earlier this year",
    "last year",
    "last month",
    "in the past",
    "have long",
    "has long",
    "for years",
];

/// Whether the article's words say a statement is older than the article.
fn said_earlier(quote: &str) -> bool {
    let lower = quote.to_lowercase();
    EARLIER.iter().any(|marker| lower.contains(marker))
}

/// Splits text into sentences: after `.`, `!` or `?` (and a closing quote) followed by a space
/// and a capital or an opening quote — but not after an initial ("U.S.") or a title ("Mr.").
/// One pass over the text, looking at most one word back and two characters ahead of a stop.
pub fn sentences(text: &str) -> Vec<&str> {
    paragraphs(text)
        .flat_map(|p| sentence_ranges(p).into_iter().map(move |r| &p[r]))
        .collect()
}

/// The article's paragraphs: its non-blank lines, trimmed.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(str::trim).filter(|p| !p.is_empty())
}

/// Where the sentences of one paragraph are, trimmed (see [`sentences`]).
fn sentence_ranges(paragraph: &str) -> Vec<Range<usize>> {
    const TITLES: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gen", "Gov", "Lt", "Col", "vs", "No",
    ];
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &paragraph[from..to];
        let start = from + (piece.len() - piece.trim_start().len());
        let end = to - (piece.len() - piece.trim_end().len());
        if start < end {
            out.push(start..end);
        }
    };
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
        push(start, stop);
        start = stop;
    }
    push(start, paragraph.len());
    out
}

// The words of attribution, as regular-expression pieces.

/// A determiner opening a speaker's description.
const DET: &str = r"(?:[Tt]he|[Aa]n?)";
/// A capitalised word: a name or part of one ("U.S.", "Iran’s", "Al-Monitor").
const PROPER: &str = r"[A-Z][\w.&’'-]*";
/// A name: capitalised words in a row ("The Wall Street Journal", "Full Fact").
const NAME: &str = r"[A-Z][\w.&’'-]*(?: [A-Z][\w.&’'-]*)*";
/// Lower-case words that describe a speaker ("senior", "foreign", "two").
const MODIFIER: &str = r"(?:senior|former|top|chief|deputy|acting|foreign|defen[cs]e|state|military|intelligence|security|health|government|administration|western|local|federal|regional|national|unnamed|anonymous|several|some|many|other|two|three|four|five|both|\d+)";
/// Lower-case nouns a speaker's description ends in ("officials", "the ministry").
const HEAD: &str = r"(?:officials?|spokes(?:person|man|woman|people)|ministers?|ministry|government|administration|police|army|military|mission|embass(?:y|ies)|agenc(?:y|ies)|forces?|services?|office|department|president|envoy|ambassador|diplomats?|analysts?|experts?|sources?|people|person|lawmakers?|legislators?|researchers?|scientists?|witnesses|residents|authorities|investigators|prosecutors|charity|group|company|campaigners?|activists?|critics|observers|commanders?|officers?|aides?|advis[eo]rs?|statement|report|documents)";
/// Small words inside a speaker's name ("the Mission to the United Nations").
const CONNECT: &str = r"(?:of|to|for|and|the)";

/// Verbs that attribute an assertion, the ones that attribute a denial, and "told".
const SAYING: &str = r"(?:said|says|stated|states|claimed|claims|alleged|alleges|announced|announces|insisted|insists|warned|warns|maintained|maintains|argued|argues|added|adds|wrote|writes|reported|reports|confirmed|confirms|acknowledged|acknowledges|asserted|asserts|noted|notes|explained|explains|contended|contends)";
const DENYING: &str =
    r"(?:denied|denies|rejected|rejects|dismissed|dismisses|refuted|refutes|disputed|disputes)";
const TELLING: &str = r"(?:told|tells)";
/// Who is told: an outlet, a body or the press — never the claimant.
const TOLD: &str = r"(?:(?:[Tt]he )?[A-Z][\w.&’'-]*(?: [A-Z][\w.&’'-]*)*|reporters|journalists|lawmakers|legislators|me|us|him|her|them|the (?:press|media|committee|court|parliament))";

/// A speaker: a name or a description ending in a name or a head noun — "the Iranian Mission to
/// the United Nations", "U.S. and European officials", "two people familiar with the matter" —
/// or a pronoun.
fn speaker_pattern(group: &str) -> String {
    format!(
        r"(?P<{group}>\b(?:{DET} )?(?:(?:{PROPER}|{MODIFIER}|{HEAD})(?: (?:{PROPER}|{MODIFIER}|{HEAD}|{CONNECT}))*? )?(?:{PROPER}|{HEAD})(?: familiar with the \w+)?|\b(?:he|she|they|it)\b)"
    )
}

/// What may stand between a speaker and the verb: "on Friday", "in a statement", "has", "also".
const BETWEEN: &str = r"(?:,? (?:on|in|late|earlier|later|last|this) [^,;:“”\x22]{1,40}?,?)?(?: (?:has|have|had|also|previously|repeatedly|again|reportedly|flatly|strongly|publicly|firmly|later|once|would|will|could))*";

/// What may stand between the verb and the claim: "that", "in a statement on Friday that", a
/// comma or a colon.
const THAT: &str = r"(?:,? (?:in|on|at|to|during|via|through|with|late|earlier|last|this|after|before)\b[^;:“”\x22]{0,80}? that\b|,? that\b|,|:)?\s*";

/// The outlet a report or document came through: "a report in The Wall Street Journal".
const VIA: &str = r"(?: (?:in|by|from|published by|seen by|obtained by|reviewed by) (?P<via>(?:[Tt]he )?[A-Z][\w.&’'-]*(?: [A-Z][\w.&’'-]*)*))?";

/// How the words a rule found make a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The claim follows the attribution.
    Plain,
    /// "X accused Y of …": Y and the claim.
    Accused,
    /// "…, X said, …": the words on both sides of the attribution.
    Around,
}

/// One attribution rule: the pattern, the stance it gives (a denial verb in a `verb` group
/// gives `denies` whatever it says here), and how its words make the statement.
struct Rule {
    pattern: Regex,
    stance: Stance,
    shape: Shape,
    /// The rule's claim runs on to the next semicolon or the end of the sentence: its pattern
    /// ends in `(?P<claim>[^;]+)`, of which it matches only the first character (see
    /// [`matches`]).
    claim_runs_on: bool,
}

/// What a rule's claim group matches to the end of the sentence or its next semicolon.
const CLAIM_RUNS_ON: &str = "(?P<claim>[^;]+)";

/// The matches of a rule in a sentence, as `captures_iter` would give them, each with its
/// claim. A rule whose claim runs on is matched up to the claim's first character and the claim
/// taken from there to the next semicolon: the same match (the claim's greedy `[^;]+` after its
/// first character cannot fail, so it never changes which speaker and verb are chosen), but
/// the regex engine's reverse search for where the match starts no longer crosses the claim. It
/// did, for every attributed sentence, building a new lazy-DFA state at nearly every byte:
/// that was most of `ingest`'s time (about 3 s per MB of article).
fn matches<'t>(rule: &Rule, text: &'t str) -> Vec<(Captures<'t>, &'t str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let Some(captures) = rule.pattern.captures_at(text, from) else {
            break;
        };
        let whole = captures.get(0).expect("a match");
        let Some(claim) = captures.name("claim").filter(|_| !whole.is_empty()) else {
            break;
        };
        let claim = if rule.claim_runs_on {
            claim.start()
                ..text[claim.start()..]
                    .find(';')
                    .map_or(text.len(), |at| claim.start() + at)
        } else {
            claim.range()
        };
        // A match is never empty (its claim has a character at least), so the next search
        // starts where this one ended, as `captures_iter`'s does.
        from = claim.end.max(whole.end());
        out.push((captures, &text[claim]));
    }
    out
}

fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let speaker = speaker_pattern("speaker");
        let rule = |p: String, stance, shape| {
            let claim_runs_on = p.ends_with(CLAIM_RUNS_ON);
            let p = match p.strip_suffix(CLAIM_RUNS_ON) {
                Some(head) => format!("{head}(?P<claim>[^;])"),
                None => p,
            };
            Rule {
                pattern: Regex::new(&p).expect("valid pattern"),
                stance,
                shape,
                claim_runs_on,
            }
        };
        use Shape::*;
        use Stance::Asserts;
        vec![
            // a report (in X) cited U.S. and European officials alleging that …
            rule(
                format!(
                    r"(?:\b(?P<outlet>{NAME}) )?(?:\b(?P<report>report)(?: (?:in|by|from) (?P<via>(?:[Tt]he )?{NAME}))?(?: \w+){{0,2}} )?\b(?:cited|citing|quoted|quoting) {speaker} (?:as )?(?:alleging|saying|claiming|stating|warning|suggesting) (?:that )?(?P<claim>[^;]+)"
                ),
                Asserts,
                Plain,
            ),
            // U.S. officials have previously accused Iran of providing …
            rule(
                format!(r"{speaker}{BETWEEN} (?:accused|accuses) (?P<object>{NAME}) of (?P<claim>[^;]+)"),
                Asserts,
                Accused,
            ),
            // Full Fact, the fact-checking charity, said …
            rule(
                format!(
                    r"(?:^|, )(?P<speaker>{NAME}), (?P<apposition>[a-z0-9][^,;“”\x22]{{0,100}}?),{BETWEEN} (?P<verb>{DENYING}|{TELLING} {TOLD}|{SAYING})\b{THAT}(?P<claim>[^;]+)"
                ),
                Asserts,
                Plain,
            ),
            // According to the ministry, …
            rule(
                format!(r"^(?:(?:But|And|However|Yet),? )?[Aa]ccording to {speaker}{VIA}, (?P<claim>[^;]+)"),
                Asserts,
                Plain,
            ),
            // Iran, according to officials, supplied …
            rule(
                format!(r"^(?P<before>[^;]{{2,}}?), according to {speaker}{VIA}, (?P<claim>[^;]+)"),
                Asserts,
                Around,
            ),
            // …, according to officials. / …, said the ministry.
            rule(
                format!(r"^(?P<claim>[^;]{{2,}}?), (?:according to|said|says) {speaker}{VIA}(?:, [^;]{{0,100}}?)?[.!?]?[”\x22]?$"),
                Asserts,
                Plain,
            ),
            // Iran, officials said, supplied …
            rule(
                format!(r"^(?P<before>[^;]{{2,}}?), {speaker}{BETWEEN} (?P<verb>{SAYING}), (?P<claim>[^;]+)"),
                Asserts,
                Around,
            ),
            // …, officials said (on Friday). / …, Peskov, the Kremlin's spokesman, said.
            rule(
                format!(r"^(?P<claim>[^;]{{2,}}?), {speaker}(?:, [a-z0-9][^,;]{{0,100}}?,)?{BETWEEN} (?P<verb>{SAYING})(?: (?:on|in|at|to|late|earlier|last|this|after|before|during)\b[^,;]{{0,60}})?[.!?]?[”\x22]?$"),
                Asserts,
                Plain,
            ),
            // Iran has denied sending arms …
            rule(
                format!(r"{speaker}{BETWEEN} (?P<verb>{DENYING}) (?:that )?(?P<claim>[^;]+)"),
                Asserts,
                Plain,
            ),
            // X stated that … / X told Newsweek that … / X said in a statement that …
            rule(
                format!(r"{speaker}{BETWEEN},? (?P<verb>{TELLING} {TOLD}|{SAYING})\b{THAT}(?P<claim>[^;]+)"),
                Asserts,
                Plain,
            ),
        ]
    })
}

/// Attribution in front of a direct quote: "X said: “", "The statement continued: “".
fn quote_lead() -> &'static Regex {
    static LEAD: OnceLock<Regex> = OnceLock::new();
    LEAD.get_or_init(|| {
        let speaker = speaker_pattern("speaker");
        Regex::new(&format!(
            r"{speaker}(?:, [a-z0-9][^,;]{{0,100}}?,)?{BETWEEN} (?:{SAYING}|{TELLING} {TOLD}|continued|went on)(?: [^,:;“”\x22]{{0,60}})?[:,]\s*$"
        ))
        .expect("valid pattern")
    })
}

/// Attribution after a direct quote: "” the Iranian Mission said", "” said Peskov".
fn quote_tails() -> &'static [Regex] {
    static TAILS: OnceLock<Vec<Regex>> = OnceLock::new();
    TAILS.get_or_init(|| {
        let speaker = speaker_pattern("speaker");
        vec![
            Regex::new(&format!(
                r"^,?\s*{speaker}(?:, [a-z0-9][^,;]{{0,100}}?,)?{BETWEEN} (?:{SAYING}|{TELLING} {TOLD}|{DENYING})\b"
            ))
            .expect("valid pattern"),
            Regex::new(&format!(r"^,?\s*(?:said|says|added|wrote) {speaker}"))
                .expect("valid pattern"),
        ]
    })
}

/// Where an article names the outlet of "the report": "The report, which first appeared Friday
/// in The Wall Street Journal", "a report by Reuters".
fn report_outlets() -> &'static [Regex] {
    static OUTLETS: OnceLock<Vec<Regex>> = OnceLock::new();
    OUTLETS.get_or_init(|| {
        vec![
            Regex::new(&format!(
                r"\b[Tt]he (?:\w+ )?report\b[^.;]*?\b(?:appeared|published|ran|carried|broke|surfaced|came out)\b[^.;]*?\b(?:in|by|on) (?P<outlet>(?:[Tt]he )?{NAME})"
            ))
            .expect("valid pattern"),
            Regex::new(&format!(
                r"\b(?:[Tt]he|[Aa]n?) (?:\w+ )?report (?:in|by|from) (?P<outlet>(?:[Tt]he )?{NAME})"
            ))
            .expect("valid pattern"),
        ]
    })
}

/// How far (in sentences) from a statement made through an unnamed report the article may name
/// that report's outlet.
const REPORT_OUTLET_WITHIN: usize = 5;

/// How far back (in paragraphs) "he", "she", "they", "it" and "the statement" look for their
/// speaker.
const ANAPHOR_WITHIN: usize = 2;

/// How many of the latest distinct claimants a second reference is matched against.
const NAMES_REMEMBERED: usize = 50;

/// Words that open a sentence or a clause without being part of the speaker's name.
const INTRODUCTORY: &[&str] = &[
    "but",
    "and",
    "however",
    "meanwhile",
    "separately",
    "still",
    "yet",
    "also",
    "then",
    "now",
    "later",
    "earlier",
    "on",
    "in",
    "at",
    "after",
    "before",
    "while",
    "when",
    "as",
    "since",
    "last",
    "this",
    "yesterday",
    "today",
    "tonight",
    "so",
    "thus",
    "instead",
    "moreover",
    "indeed",
    "furthermore",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "week",
    "month",
    "year",
];

/// Capitalised words that name a text or a rule, not somebody who speaks ("according to the
/// Constitution").
const NOT_SPEAKERS: &[&str] = &[
    "article",
    "section",
    "chapter",
    "constitution",
    "bible",
    "charter",
    "convention",
    "treaty",
    "act",
    "plan",
    "schedule",
];

/// Words a speaker's name cannot be, alone: they say nothing about who speaks.
const VAGUE: &[&str] = &["this", "that", "in", "while", "there", "which", "who"];

/// What a speaker's words name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Speaker {
    /// Somebody named or described.
    Named(String),
    /// "he", "she", "the statement": the speaker just before.
    Anaphor,
    /// "a report", "documents": the outlet that published them.
    Report,
}

fn lower(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn is_determiner(word: &str) -> bool {
    matches!(word, "the" | "The" | "a" | "A" | "an" | "An")
}

/// A name without the full stop of the sentence it ends ("Reuters." but "U.S.").
fn without_full_stop(name: &str) -> &str {
    let last = name.rsplit(' ').next().unwrap_or(name);
    match last.strip_suffix('.') {
        Some(word) if !word.contains('.') && word.chars().count() > 1 => &name[..name.len() - 1],
        _ => name,
    }
}

/// Reads a speaker's words: without the phrase that opens the sentence ("On Friday the
/// ministry" is "ministry"), without a leading determiner.
fn speaker(raw: &str) -> Option<Speaker> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let mut from = 0;
    // A determiner after a word that is not a connector opens the speaker's noun phrase.
    for i in 1..words.len() {
        if is_determiner(words[i])
            && !matches!(
                lower(words[i - 1]).as_str(),
                "of" | "to" | "for" | "and" | "the"
            )
        {
            from = i;
        }
    }
    while from < words.len()
        && (INTRODUCTORY.contains(&lower(words[from]).as_str())
            || words[from].chars().all(|c| c.is_ascii_digit()))
    {
        from += 1;
    }
    if words.get(from).is_some_and(|w| is_determiner(w)) {
        from += 1;
    }
    let words = &words[from.min(words.len())..];
    let name = words.join(" ");
    let name = without_full_stop(name.trim_end_matches(',').trim());
    let lowered = name.to_lowercase();
    if name.is_empty()
        || VAGUE.contains(&lowered.as_str())
        || words
            .iter()
            .any(|w| NOT_SPEAKERS.contains(&lower(w).as_str()))
    {
        return None;
    }
    match lowered.as_str() {
        "he" | "she" | "they" | "it" | "statement" | "letter" | "email" | "post" => {
            Some(Speaker::Anaphor)
        }
        "report" | "documents" => Some(Speaker::Report),
        _ => Some(Speaker::Named(name.to_string())),
    }
}

/// The first mention a second reference points back to: the latest earlier claimant whose name
/// up to its head noun (the word before "of", "to", "for", or its last word) ends with `name` —
/// "Iranian Mission" and "Mission" are "Iranian Mission to the United Nations", "Smith" is "John
/// Smith", but "United Nations" is not the Mission.
fn first_mention<'a>(earlier: &'a [String], name: &str) -> Option<&'a String> {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    earlier.iter().rev().take(NAMES_REMEMBERED).find(|full| {
        let full: Vec<String> = full.split_whitespace().map(str::to_lowercase).collect();
        let head = full
            .iter()
            .skip(1)
            .position(|w| matches!(w.as_str(), "of" | "to" | "for"))
            .map_or(full.len(), |at| at + 1);
        full.len() > words.len() && full[..head].ends_with(&words)
    })
}

/// Whom a description stands for: the latest speaker an apposition described in words that end
/// with `name` ("the charity" after "Full Fact, the fact-checking charity, said").
fn described_by(described: &[(String, String)], name: &str) -> Option<String> {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    described
        .iter()
        .rev()
        .find(|(description, _)| {
            let description: Vec<String> = description
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            description.ends_with(&words)
        })
        .map(|(_, who)| who.clone())
}

/// An opening or closing quotation mark ('’' is an apostrophe far more often than a quote, so
/// single quotes are left alone).
fn opening(c: char) -> bool {
    c == '“'
}

/// Makes the quotation marks of a candidate's text balance: a closing mark with no opening one
/// before it goes, an opening mark left at the very end goes, and one left open inside is
/// closed at the end (the quotation went on past the words taken).
fn balanced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 3);
    let mut curly_open = 0usize;
    let mut straight_open = false;
    for c in text.chars() {
        match c {
            '“' => curly_open += 1,
            '”' if curly_open == 0 => continue,
            '”' => curly_open -= 1,
            '"' => straight_open = !straight_open,
            _ => {}
        }
        out.push(c);
    }
    let trim = |s: &mut String| {
        while s.ends_with(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':')) {
            s.pop();
        }
    };
    trim(&mut out);
    let out = out.trim_start().to_string();
    let mut out = out;
    if curly_open > 0 && out.ends_with('“') {
        out.pop();
        curly_open -= 1;
        trim(&mut out);
    }
    if straight_open && out.ends_with('"') {
        out.pop();
        straight_open = false;
        trim(&mut out);
    }
    for _ in 0..curly_open {
        out.push('”');
    }
    if straight_open {
        out.push('"');
    }
    out
}

/// Time and manner that open a claim without being part of it: "on Friday", "in a statement".
fn leading_adverbial() -> &'static Regex {
    static LEADING: OnceLock<Regex> = OnceLock::new();
    LEADING.get_or_init(|| {
        Regex::new(r"^(?:(?:on|late|earlier|last|this) (?:\w+ ){0,2}?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|day|night|week|month|year|morning|evening)\b|in an? (?:\w+ ){0,3}?(?:statement|interview|post|letter|email|briefing)(?: (?:to|with) [^,]{1,40}?)?),? ")
            .expect("valid pattern")
    })
}

/// A claim without the word that ties it to what came before ("Thus, not only does Iran
/// abstain …" is "not only does Iran abstain …"): the quote keeps it.
fn without_connective(text: &str) -> &str {
    for word in [
        "Thus",
        "Therefore",
        "However",
        "Moreover",
        "Indeed",
        "Furthermore",
        "Meanwhile",
        "Still",
        "And",
        "But",
        "So",
    ] {
        if let Some(rest) = text.strip_prefix(word) {
            let rest = rest.strip_prefix(',').unwrap_or(rest);
            if let Some(rest) = rest.strip_prefix(' ')
                && rest.split_whitespace().count() >= 3
            {
                return rest;
            }
        }
    }
    text
}

/// Trims a found clause to the assertion: no trailing period, no "after …"/"and called on …"
/// tail that reports something else, no leading "that" or "on Friday", quotes balanced.
fn clause(raw: &str) -> String {
    let mut text = raw
        .trim()
        .trim_end_matches(['.', '”', '"', ' ', '…'])
        .to_string();
    // "… after a report cited …": what follows is the report, not the speaker's claim.
    for tail in [" after a report", " after reports"] {
        if let Some(at) = text.find(tail) {
            text.truncate(at);
        }
    }
    for tail in [
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
    let mut text = text.trim().trim_end_matches(',');
    if let Some(found) = leading_adverbial().find(text) {
        text = &text[found.end()..];
    }
    let text = text.strip_prefix("that ").unwrap_or(text);
    balanced(without_connective(text))
}

/// A statement as a rule or a quotation found it, before its speaker is resolved.
#[derive(Debug)]
struct Found {
    /// Where: the sentence's number in the article, and the byte in its paragraph.
    at: (usize, usize),
    paragraph: usize,
    text: String,
    speaker: String,
    stance: Stance,
    /// The outlet named with it ("a report in X …", "according to documents seen by X").
    via: Option<String>,
    /// Made through a report the sentence does not name the outlet of.
    through_report: bool,
    /// How an apposition described the speaker ("the fact-checking charity"): a later "the
    /// charity" is the same speaker.
    described_as: Option<String>,
    quote: String,
}

/// A sentence of the article: its paragraph and where it is in it.
struct Sentence {
    paragraph: usize,
    range: Range<usize>,
}

/// The attributed statements of an article, in order, each once: a statement whose text was
/// found before, or whose claimant was found before in the same sentence, is left out.
pub fn statements(article: &str) -> Vec<Statement> {
    let paragraphs: Vec<&str> = paragraphs(article).collect();
    let mut all: Vec<Sentence> = Vec::new();
    let mut first_sentence = Vec::with_capacity(paragraphs.len());
    for (p, text) in paragraphs.iter().enumerate() {
        first_sentence.push(all.len());
        all.extend(sentence_ranges(text).into_iter().map(|range| Sentence {
            paragraph: p,
            range,
        }));
    }
    let sentence_at = |p: usize, byte: usize| -> usize {
        let first = first_sentence[p];
        let count = all[first..].iter().take_while(|s| s.paragraph == p).count();
        first
            + all[first..first + count]
                .partition_point(|s| s.range.end <= byte)
                .min(count.saturating_sub(1))
    };

    // Direct quotes first: the sentences they take are not read again.
    let mut found = Vec::new();
    let mut quoted: HashSet<usize> = HashSet::new();
    let mut open_speaker: Option<String> = None;
    for (p, paragraph) in paragraphs.iter().enumerate() {
        open_speaker = quotations(
            paragraph,
            p,
            open_speaker.take(),
            &sentence_at,
            &all,
            &mut found,
            &mut quoted,
        );
    }

    // Where the article names the outlet of "the report".
    let mut outlets: Vec<(usize, String)> = Vec::new();
    for (i, sentence) in all.iter().enumerate() {
        let text = &paragraphs[sentence.paragraph][sentence.range.clone()];
        for pattern in report_outlets() {
            if let Some(outlet) = pattern.captures(text).and_then(|c| c.name("outlet")) {
                let outlet = outlet.as_str();
                let first = lower(
                    outlet
                        .split_whitespace()
                        .find(|w| !is_determiner(w))
                        .unwrap_or(""),
                );
                if !INTRODUCTORY.contains(&first.as_str()) {
                    outlets.push((i, without_full_stop(outlet).to_string()));
                    break;
                }
            }
        }
    }

    for (i, sentence) in all.iter().enumerate() {
        if quoted.contains(&i) {
            continue;
        }
        let text = &paragraphs[sentence.paragraph][sentence.range.clone()];
        for rule in rules() {
            for (captures, claim) in matches(rule, text) {
                if let Some(statement) = by_rule(rule, &captures, claim) {
                    found.push(Found {
                        at: (i, captures.get(0).map_or(0, |m| m.start())),
                        paragraph: sentence.paragraph,
                        quote: text.to_string(),
                        ..statement
                    });
                }
            }
        }
    }
    found.sort_by_key(|f| f.at);
    resolve(found, &outlets)
}

/// What one match of a rule found (its place and quote are filled in by the caller).
fn by_rule(rule: &Rule, captures: &Captures, claim: &str) -> Option<Found> {
    let speaker = captures.name("speaker")?.as_str().to_string();
    let mut text = clause(claim);
    match rule.shape {
        Shape::Plain => {}
        Shape::Accused => text = format!("{} {text}", captures.name("object")?.as_str()),
        Shape::Around => {
            let before = captures.name("before")?.as_str().trim();
            text = balanced(&format!("{before} {text}"));
        }
    }
    let stance = match captures.name("verb") {
        Some(verb) if is_denial(verb.as_str()) => Stance::Denies,
        _ => rule.stance,
    };
    let via = captures
        .name("via")
        .or_else(|| {
            captures
                .name("outlet")
                .filter(|_| captures.name("report").is_some())
        })
        .map(|m| {
            let outlet = without_full_stop(m.as_str());
            let outlet = ["A ", "An "]
                .iter()
                .find_map(|a| outlet.strip_prefix(a))
                .unwrap_or(outlet);
            outlet.to_string()
        })
        .filter(|outlet| !is_determiner(outlet));
    Some(Found {
        at: (0, 0),
        paragraph: 0,
        text,
        speaker,
        stance,
        through_report: via.is_none() && captures.name("report").is_some(),
        described_as: captures
            .name("apposition")
            .and_then(|m| {
                ["the ", "a ", "an "]
                    .iter()
                    .find_map(|d| m.as_str().strip_prefix(d))
            })
            .map(str::to_string),
        via,
        quote: String::new(),
    })
}

/// Whether a reporting verb is a denial.
fn is_denial(verb: &str) -> bool {
    ["deni", "reject", "dismiss", "refut", "disput"]
        .iter()
        .any(|stem| verb.starts_with(stem))
}

/// The direct quotations of one paragraph, as statements of their speakers; marks the sentences
/// they take in `quoted`. `carried` is the speaker of a quotation the paragraph before left
/// open; returns the speaker of one this paragraph leaves open.
fn quotations(
    paragraph: &str,
    p: usize,
    carried: Option<String>,
    sentence_at: &dyn Fn(usize, usize) -> usize,
    all: &[Sentence],
    found: &mut Vec<Found>,
    quoted: &mut HashSet<usize>,
) -> Option<String> {
    // Each quotation: where its opening mark is, and its closing mark unless left open.
    let mut spans: Vec<(usize, Option<usize>)> = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (at, c) in paragraph.char_indices() {
        match (open, c) {
            (None, '"') => open = Some((at, c)),
            (None, c) if opening(c) => open = Some((at, c)),
            (Some((start, '“')), '”') | (Some((start, '"')), '"') => {
                spans.push((start, Some(at)));
                open = None;
            }
            _ => {}
        }
    }
    if let Some((start, _)) = open {
        spans.push((start, None));
    }
    // A paragraph that opens with a quotation continues the one the paragraph before left open.
    let mut previous = carried.filter(|_| spans.first().is_some_and(|(start, _)| *start == 0));
    let mut left_open = None;
    for &(start, end) in &spans {
        let mark = paragraph[start..].chars().next().map_or(1, char::len_utf8);
        let first = sentence_at(p, start);
        let last = sentence_at(p, end.unwrap_or(paragraph.len()).max(1) - 1);
        let lead = paragraph[all[first].range.start..start].trim();
        let tail_end = all[last].range.end;
        let tail = end.map_or("", |e| &paragraph[(e + mark).min(tail_end)..tail_end]);
        let tail_empty = tail
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '!' | '?'))
            .is_empty();
        let from_lead = if lead.is_empty() {
            None
        } else {
            match quote_lead().captures(lead).and_then(|c| c.name("speaker")) {
                Some(speaker) => Some(speaker.as_str().to_string()),
                // A quote inside a sentence is part of the sentence.
                None => continue,
            }
        };
        let from_tail = quote_tails()
            .iter()
            .find_map(|t| t.captures(tail))
            .and_then(|c| c.name("speaker").map(|m| m.as_str().to_string()));
        if from_lead.is_none() && from_tail.is_none() && !tail_empty {
            // “Suicide drones” are cheap, …: a sentence that begins with a quote.
            continue;
        }
        let Some(speaker) = from_lead.or(from_tail).or_else(|| previous.clone()) else {
            continue;
        };
        let inner_start = start + mark;
        let inner = &paragraph[inner_start..end.unwrap_or(paragraph.len())];
        let quote = &paragraph[all[first].range.start..all[last].range.end];
        for range in sentence_ranges(inner) {
            let text = balanced(without_connective(inner[range.clone()].trim_end_matches(
                |c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '—' | '–'),
            )));
            let at = inner_start + range.start;
            found.push(Found {
                at: (sentence_at(p, at), at),
                paragraph: p,
                text,
                speaker: speaker.clone(),
                stance: Stance::Asserts,
                via: None,
                through_report: false,
                described_as: None,
                quote: quote.to_string(),
            });
        }
        quoted.extend(first..=last);
        if end.is_none() {
            left_open = Some(speaker.clone());
        }
        previous = Some(speaker);
    }
    left_open
}

/// Gives each statement its claimant (second references resolved to the first mention) and the
/// outlet that reported it; leaves out repeats and statements nobody can be named for.
fn resolve(found: Vec<Found>, outlets: &[(usize, String)]) -> Vec<Statement> {
    let nearest_outlet = |i: usize| {
        outlets
            .iter()
            .filter(|(j, _)| i.abs_diff(*j) <= REPORT_OUTLET_WITHIN)
            .min_by_key(|(j, _)| (i.abs_diff(*j), *j))
            .map(|(_, outlet)| outlet.clone())
    };
    let mut out: Vec<Statement> = Vec::new();
    // What was found so far, to tell a repeat in constant time however long the article is.
    let mut texts: HashSet<String> = HashSet::new();
    let mut speakers_in_sentence: HashSet<(usize, String)> = HashSet::new();
    // The latest distinct claimants, the latest last.
    let mut claimants: Vec<String> = Vec::new();
    let mut last: Option<(String, usize)> = None;
    // Descriptions given in appositions, and whom they describe.
    let mut described: Vec<(String, String)> = Vec::new();
    for f in found {
        let claimant = match speaker(&f.speaker) {
            None => continue,
            Some(Speaker::Anaphor) => match &last {
                Some((name, p)) if f.paragraph - p <= ANAPHOR_WITHIN => name.clone(),
                _ => continue,
            },
            Some(Speaker::Report) => match f.via.clone().or_else(|| nearest_outlet(f.at.0)) {
                Some(outlet) => outlet,
                None => continue,
            },
            Some(Speaker::Named(name)) => first_mention(&claimants, &name)
                .cloned()
                .or_else(|| described_by(&described, &name))
                .unwrap_or(name),
        };
        let reported_by = f
            .via
            .clone()
            .or_else(|| f.through_report.then(|| nearest_outlet(f.at.0)).flatten());
        let mut text = f.text;
        // "Iran denied sending arms": what Iran denies is Iran sending arms.
        if f.stance == Stance::Denies
            && text
                .split_whitespace()
                .next()
                .is_some_and(|w| w.ends_with("ing") && w.starts_with(char::is_lowercase))
        {
            text = format!("{claimant} {text}");
        }
        if text.split_whitespace().count() < 3 {
            continue;
        }
        let here = (f.at.0, claimant.to_lowercase());
        if texts.contains(&text) || speakers_in_sentence.contains(&here) {
            continue;
        }
        texts.insert(text.clone());
        speakers_in_sentence.insert(here);
        if let Some(at) = claimants.iter().position(|c| *c == claimant) {
            claimants.remove(at);
        } else if claimants.len() == NAMES_REMEMBERED {
            claimants.remove(0);
        }
        claimants.push(claimant.clone());
        if let Some(description) = f.described_as {
            if described.len() == NAMES_REMEMBERED {
                described.remove(0);
            }
            described.push((description, claimant.clone()));
        }
        last = Some((claimant.clone(), f.paragraph));
        out.push(Statement {
            text,
            claimant,
            stance: f.stance,
            reported_by,
            earlier: said_earlier(&f.quote),
            quote: f.quote,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_the_article_dates_before_itself_is_marked_earlier() {
        assert!(said_earlier(
            "U.S. and European officials have previously accused Iran of providing drones."
        ));
        assert!(said_earlier(
            "Last year the ministry said the figure was 200."
        ));
        assert!(!said_earlier(
            "Officials said on Friday that Iran sent missiles."
        ));
    }

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

    /// The statements of a text as (claimant, stance, text).
    fn found(text: &str) -> Vec<(String, Stance, String)> {
        statements(text)
            .into_iter()
            .map(|s| (s.claimant, s.stance, s.text))
            .collect()
    }

    fn says(claimant: &str, text: &str) -> (String, Stance, String) {
        (claimant.into(), Stance::Asserts, text.into())
    }

    fn denies(claimant: &str, text: &str) -> (String, Stance, String) {
        (claimant.into(), Stance::Denies, text.into())
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
                    "Iran",
                    "Iran sending arms to Russia for use in the war",
                    Stance::Denies
                ),
                (
                    "U.S. and European officials",
                    "the Islamic Republic had provided Moscow with short-range ballistic missiles",
                    Stance::Asserts
                ),
                (
                    "Iranian Mission to the United Nations",
                    "Iran had not provided weapons to either side of the conflict in Ukraine",
                    Stance::Asserts
                ),
                (
                    "Iranian Mission to the United Nations",
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
        assert_eq!(found[0].reported_by, None);
    }

    #[test]
    fn attribution_after_the_claim_set_off_by_a_comma() {
        assert_eq!(
            found("Iran supplied Russia with missiles, according to officials."),
            vec![says("officials", "Iran supplied Russia with missiles")]
        );
        assert_eq!(
            found("Russia fired 40 missiles overnight, Ukrainian officials said on Sunday."),
            vec![says(
                "Ukrainian officials",
                "Russia fired 40 missiles overnight"
            )]
        );
        assert_eq!(
            found("The talks collapsed on Friday, said a spokesman for the ministry."),
            vec![says(
                "spokesman for the ministry",
                "The talks collapsed on Friday"
            )]
        );
        assert_eq!(
            found("The drones were assembled in Iran, according to documents seen by Reuters."),
            vec![says("Reuters", "The drones were assembled in Iran")]
        );
        assert_eq!(
            statements("The drones were assembled in Iran, according to a report in The Times.")[0]
                .reported_by
                .as_deref(),
            Some("The Times")
        );
    }

    #[test]
    fn attribution_inside_the_claim_set_off_by_commas() {
        assert_eq!(
            found("Iran, according to the officials, sent the missiles by sea."),
            vec![says("officials", "Iran sent the missiles by sea")]
        );
        assert_eq!(
            found("The shipment, two diplomats said, left Iran in August."),
            vec![says("two diplomats", "The shipment left Iran in August")]
        );
        assert_eq!(
            found("According to Western intelligence agencies, the convoy crossed at night."),
            vec![says(
                "Western intelligence agencies",
                "the convoy crossed at night"
            )]
        );
    }

    #[test]
    fn according_to_that_is_not_attribution_is_left_alone() {
        for text in [
            "Troops withdrew according to plan.",
            "The ministry acted according to Article 5 of the treaty.",
            "Aid was shared according to need in every district.",
            "Voting proceeds, according to the Constitution.",
            "Prices rose, according to the season.",
            "The Islamic Revolutionary Guard Corps launches missiles during an exercise.",
        ] {
            assert_eq!(found(text), vec![], "{text}");
        }
        // The attribution of the sentence is elsewhere.
        assert_eq!(
            found("The troops moved according to the plan, officials said."),
            vec![says("officials", "The troops moved according to the plan")]
        );
    }

    #[test]
    fn an_apposition_describes_the_speaker_it_follows() {
        assert_eq!(
            found("Full Fact, the fact-checking charity, said the figure was wrong."),
            vec![says("Full Fact", "the figure was wrong")]
        );
        assert_eq!(
            found(
                "Dmitry Peskov, the Kremlin’s spokesman, told reporters that Moscow had received no missiles."
            ),
            vec![says("Dmitry Peskov", "Moscow had received no missiles")]
        );
        assert_eq!(
            found("John Smith, 45, said he had seen the convoy pass."),
            vec![says("John Smith", "he had seen the convoy pass")]
        );
        assert_eq!(
            found(
                "Amnesty International, which monitors the conflict, denied that its staff had left."
            ),
            vec![denies("Amnesty International", "its staff had left")]
        );
        assert_eq!(
            found("In a statement, Full Fact, the charity, said the chart was misleading."),
            vec![says("Full Fact", "the chart was misleading")]
        );
        assert_eq!(found("Tehran, the capital, was quiet on Friday."), vec![]);
        // Described once, the speaker is known by the description afterwards.
        assert_eq!(
            found(
                "Full Fact, the fact-checking charity, said the figure was wrong.\n“The records show no such cargo,” the charity said."
            ),
            vec![
                says("Full Fact", "the figure was wrong"),
                says("Full Fact", "The records show no such cargo"),
            ]
        );
    }

    #[test]
    fn who_is_told_is_not_the_claimant() {
        assert_eq!(
            found("A senior official told Newsweek that the shipment had been delayed."),
            vec![says("senior official", "the shipment had been delayed")]
        );
        assert_eq!(
            found(
                "Iran’s foreign minister told reporters on Friday that no weapons had been sent."
            ),
            vec![says("Iran’s foreign minister", "no weapons had been sent")]
        );
        assert_eq!(
            found("The ministry told The Guardian in a statement that the report was false."),
            vec![says("ministry", "the report was false")]
        );
        assert_eq!(found("She was told by officials to leave."), vec![]);
    }

    #[test]
    fn a_quotation_of_several_sentences_belongs_to_its_speaker() {
        // Named after it.
        assert_eq!(
            found("“We sent no missiles. We never will,” the ministry said."),
            vec![
                says("ministry", "We sent no missiles"),
                says("ministry", "We never will"),
            ]
        );
        // Named before it.
        assert_eq!(
            found("The ministry said: “We sent no missiles. The report is false.”"),
            vec![
                says("ministry", "We sent no missiles"),
                says("ministry", "The report is false"),
            ]
        );
        // A quotation of its own that follows one in the paragraph.
        assert_eq!(
            found("“The first part is true,” said Smith. “The second part is also true.”"),
            vec![
                says("Smith", "The first part is true"),
                says("Smith", "The second part is also true"),
            ]
        );
        // Left open at the end of a paragraph, continued in the next.
        assert_eq!(
            found("Peskov said: “We have no such weapons.\n“Nor have we asked anyone for them.”"),
            vec![
                says("Peskov", "We have no such weapons"),
                says("Peskov", "Nor have we asked anyone for them"),
            ]
        );
        let quote = &statements("“We sent no missiles. We never will,” the ministry said.")[1];
        assert_eq!(
            quote.quote,
            "“We sent no missiles. We never will,” the ministry said."
        );
    }

    #[test]
    fn a_quote_inside_a_sentence_or_without_a_speaker_is_no_statement() {
        for text in [
            "Biden threatened Tehran with “a severe response” if it sent missiles.",
            "“Suicide drones” are cheap to make and hard to stop.",
            "“No comment.”",
            "Officials heard the phrase “a severe response” twice.",
        ] {
            assert_eq!(found(text), vec![], "{text}");
        }
    }

    #[test]
    fn second_references_and_pronouns_name_the_first_speaker() {
        assert_eq!(
            found(
                "The Iranian Mission to the United Nations said Iran had sent nothing.\n“Our position is unchanged,” the Mission said."
            ),
            vec![
                says(
                    "Iranian Mission to the United Nations",
                    "Iran had sent nothing"
                ),
                says(
                    "Iranian Mission to the United Nations",
                    "Our position is unchanged"
                ),
            ]
        );
        assert_eq!(
            found(
                "The ministry said the report was false. “We have sent nothing to Russia,” it added."
            ),
            vec![
                says("ministry", "the report was false"),
                says("ministry", "We have sent nothing to Russia"),
            ]
        );
        // Another name ending elsewhere is somebody else; a pronoun with nobody before is nobody.
        assert_eq!(
            found(
                "The Iranian Mission to the United Nations said Iran had sent nothing. The United Nations said it would investigate the matter."
            ),
            vec![
                says(
                    "Iranian Mission to the United Nations",
                    "Iran had sent nothing"
                ),
                says("United Nations", "it would investigate the matter"),
            ]
        );
        assert_eq!(found("“We sent nothing at all,” he said."), vec![]);
    }

    #[test]
    fn a_report_is_reported_by_the_outlet_the_article_names_for_it() {
        let found = statements(
            "Iran denied it after a report cited officials saying that Iran had sent drones.\n\
             The report, which first appeared Tuesday in The Times, drew on intelligence.",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].claimant, "officials");
        assert_eq!(found[0].reported_by.as_deref(), Some("The Times"));
        let named = statements(
            "A Reuters report cited diplomats as saying the convoy had crossed the border.",
        );
        assert_eq!(named[0].claimant, "diplomats");
        assert_eq!(named[0].reported_by.as_deref(), Some("Reuters"));
        // Unnamed, or named only by a date, the report leaves the reporter to the article.
        for text in [
            "A report cited officials saying that Iran had sent drones.",
            "A report cited officials saying that Iran had sent drones. The report, which appeared in March, was denied.",
        ] {
            assert_eq!(statements(text)[0].reported_by, None, "{text}");
        }
    }

    #[test]
    fn quotation_marks_in_a_text_balance() {
        assert_eq!(
            found("Iran said the report was “baseless.”"),
            vec![says("Iran", "the report was “baseless”")]
        );
        assert_eq!(
            found(
                "Officials said the transfer was “a grave escalation, and the allies will respond.”"
            ),
            vec![says("Officials", "the transfer was “a grave escalation”")]
        );
        assert_eq!(balanced("” stray start"), "stray start");
        assert_eq!(balanced("ends open “"), "ends open");
        assert_eq!(balanced("a \"plain quote"), "a \"plain quote\"");
        assert_eq!(balanced("all “well” here"), "all “well” here");
    }

    #[test]
    fn a_denied_action_names_who_denies_it() {
        assert_eq!(
            found("Moscow has flatly denied receiving any missiles from Iran."),
            vec![denies("Moscow", "Moscow receiving any missiles from Iran")]
        );
        assert_eq!(
            found("The Kremlin on Friday rejected claims that it had bought drones."),
            vec![denies("Kremlin", "claims that it had bought drones")]
        );
    }
}
