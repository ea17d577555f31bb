//! The linker: which logged claims a new claim (or a piece of text) repeats or contradicts, and
//! the link to propose for each, with a reason a person can check.
//!
//! It works in two steps. The store retrieves candidates with its full-text index (SQLite FTS5,
//! BM25 over each claim's text and its evidence's notes), queried with the terms [`analyze`]
//! extracts — content words, plus the synonyms of the verbs and nouns news claims are made of
//! ("supplied" ≈ "provided" ≈ "sent", "Tehran" ≈ "Iran", a missile is a weapon). This module
//! then re-ranks them on what BM25 does not see — concept overlap weighted by how rare a concept
//! is among the candidates, shared word pairs, shared names and numbers — and proposes a
//! relation from polarity: a denial verb, a negation, or a `denies` stance on one side only
//! means `contradicts`. It is pure computation: no SQL, no I/O, no model to download.

mod lexicon;
mod polarity;
#[cfg(feature = "semantic")]
pub mod semantic;
pub mod thresholds;
pub mod vectors;

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::model::{Relation, Stance};

pub use lexicon::is_reporting_word;

/// What the linker knows of a piece of text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analyzed {
    /// Concepts the text mentions: stemmed content words and the classes they belong to.
    pub concepts: Vec<String>,
    /// Adjacent stemmed content words, for phrase overlap.
    pub pairs: HashSet<(String, String)>,
    /// Names and numbers (lower-cased): proper nouns, figures, dates.
    pub entities: HashSet<String>,
    /// Content words as written, by their concept, to explain a match.
    pub surface: HashMap<String, String>,
    /// The words to look the text up with in the full-text index.
    pub search_terms: BTreeSet<String>,
    /// How the text holds what it says: reversing cues, hedges, evidence words, quantities.
    pub reading: polarity::Reading,
    /// For each name in a several-word name ("Boris Johnson", "Supreme Court"), that whole name
    /// (its concepts joined by spaces).
    pub name_of: HashMap<String, String>,
}

/// A word's stem (Porter 2).
pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

fn stemmer() -> &'static rust_stemmers::Stemmer {
    use std::sync::OnceLock;
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

/// Words, as written, without links, handles and a tweet's trailing signature.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| {
        !(c.is_alphanumeric()
            || c == '\''
            || c == '’'
            || c == '.'
            || c == '@'
            || c == '/'
            || c == ':')
    })
    .filter(|w| !w.is_empty())
    .filter(|w| !w.contains("://") && !w.starts_with("pic.twitter") && !w.contains('/'))
    // A handle names who posted or is addressed: "@realDonaldTrump" counts as its words.
    .map(|w| w.trim_start_matches('@'))
    .flat_map(|w| w.split('.'))
    // A colon is kept above only to recognise links: "Einstein:" is "Einstein".
    .map(|w| w.trim_matches(|c: char| c == '\'' || c == '’' || c == ':'))
    .map(|w| {
        w.strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w)
    })
    .filter(|w| !w.is_empty())
    .flat_map(camel_case_parts)
    .collect()
}

/// A text as the sentence-embedding model reads it: what it says, without what only a post
/// carries — links (`https://t.co/…`, `pic.twitter.com/…`) are left out, a hashtag is its words
/// (`#AustralianFires` → `Australian Fires`) and a handle that starts a word its name
/// (`@IlhanMN` → `IlhanMN`). A post's signature ("— Name (@handle) date") stays: leaving out who
/// posted it lost on CheckThat! Train. A text that is nothing but links stays as it is.
///
/// What it returns decides the stored vectors: a change to it must raise
/// [`MEANING_TEXT_VERSION`], so that `linker index` computes every claim's vector again.
pub fn meaning_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['#', '@', '/']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        // A link glued to the word before it ("#IranUsapic.twitter.com/Tv…") ends the word.
        let word = word.find("pic.twitter.com/").map_or(word, |at| &word[..at]);
        if word.contains("://") || word.starts_with("www.") {
            continue;
        }
        let word = match word.strip_prefix('#') {
            Some(tag) => camel_case_parts(tag).join(" "),
            None => word.strip_prefix('@').unwrap_or(word).to_owned(),
        };
        if !word.is_empty() {
            words.push(word);
        }
    }
    if words.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(words.join(" "))
}

/// The version of what [`meaning_text`] gives the model, part of a model's identity in a store
/// (`linker::semantic`): vectors computed from a text prepared otherwise (version 0 is the text
/// as written, before `meaning_text`) are another model's, and `linker index` replaces them.
pub const MEANING_TEXT_VERSION: u32 = 1;

/// A hashtag's words: "StopTheSteal" is "Stop", "The", "Steal"; other words are themselves.
fn camel_case_parts(word: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    for pair in chars.windows(2) {
        let ((_, a), (at, b)) = (pair[0], pair[1]);
        if a.is_lowercase() && b.is_uppercase() {
            parts.push(&word[start..at]);
            start = at;
        }
    }
    parts.push(&word[start..]);
    parts
}

/// Analyzes a text for the linker.
pub fn analyze(text: &str) -> Analyzed {
    let text = lexicon::with_phrase_aliases(text);
    let words = words(&text);
    let headline = in_headline_case(&words);
    let mut out = Analyzed {
        reading: polarity::read(&text, &concepts_of),
        name_of: if headline {
            HashMap::new()
        } else {
            several_word_names(&text)
        },
        ..Analyzed::default()
    };
    let mut previous: Option<String> = None;
    for word in &words {
        let lower = word.to_lowercase();
        let lower = lower.replace('’', "'");
        // "WHO", "US": a name, though its lower case is a common word.
        let acronym = (word.len() >= 2 && word.chars().all(|c| c.is_ascii_uppercase()))
            .then(|| lexicon::acronym(&lower))
            .flatten();
        if let Some(name) = acronym {
            out.entities.insert(name.to_string());
            out.surface
                .entry(name.to_string())
                .or_insert_with(|| word.to_string());
            out.concepts.push(name.to_string());
            out.search_terms.insert(lower.clone());
            previous = Some(name.to_string());
            continue;
        }
        // Negations are content of no claim: how they turn it is `reading`'s.
        if lexicon::is_negation(&lower) {
            previous = None;
            continue;
        }
        if lexicon::is_stopword(&lower) || is_reporting_word(&lower) {
            previous = None;
            continue;
        }
        let is_number = lower.chars().all(|c| c.is_ascii_digit() || c == ',');
        let is_name = !headline && word.chars().next().is_some_and(char::is_uppercase);
        let canonical = lexicon::alias(&lower).unwrap_or(&lower).to_string();
        let stem = stemmer().stem(&canonical).into_owned();
        if is_number || is_name || lexicon::alias(&lower).is_some() {
            out.entities.insert(stem.clone());
        }
        out.search_terms.insert(lower.clone());
        for synonym in lexicon::expansions(&lower) {
            out.search_terms.insert(synonym.to_string());
        }
        out.surface
            .entry(stem.clone())
            .or_insert_with(|| word.to_string());
        out.concepts.push(stem.clone());
        for class in lexicon::classes(&lower) {
            out.surface
                .entry(format!("class:{class}"))
                .or_insert_with(|| word.to_string());
            out.concepts.push(format!("class:{class}"));
        }
        if let Some(prev) = previous.replace(stem.clone()) {
            out.pairs.insert((prev, stem));
        }
    }
    out
}

/// Whether a text is written in headline case ("Bernie Sanders Publicly Attacks Nominee Over
/// Religious Beliefs"): most of its longer words capitalised, so a capital says nothing of
/// whether a word is a name.
fn in_headline_case(words: &[&str]) -> bool {
    let long: Vec<&&str> = words
        .iter()
        .skip(1)
        .filter(|w| w.chars().count() > 3 && w.chars().all(char::is_alphabetic))
        .collect();
    let capitalised = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    long.len() >= 5 && 10 * capitalised >= 7 * long.len()
}

/// Several-word names in a text — runs of capitalised words, the first word of the text only
/// when the next is capitalised too, "The" left out — with each of their words' concepts
/// pointing at the whole name.
fn several_word_names(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut run: Vec<String> = Vec::new();
    let mut flush = |run: &mut Vec<String>| {
        if run.len() > 1 {
            let whole = run.join(" ");
            for word in run.iter() {
                out.entry(word.clone()).or_insert_with(|| whole.clone());
            }
        }
        run.clear();
    };
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let lower = word.to_lowercase();
        if capitalised && !lexicon::is_stopword(&lower) {
            if let Some(concept) = concepts_of(&lower).into_iter().next() {
                run.push(concept);
            }
        } else {
            flush(&mut run);
        }
        // A run ends at punctuation or a possessive ("Brazil's Supreme Court").
        if raw.ends_with(|c: char| !c.is_alphanumeric())
            || raw.ends_with("'s")
            || raw.ends_with("’s")
        {
            flush(&mut run);
        }
    }
    flush(&mut run);
    out
}

/// Whether a concept both texts hold names different things in them: each has it inside a
/// several-word name, and each name has a word the other lacks ("Boris Johnson" / "Boris
/// Becker"; but not "President Trump" / "President Donald Trump").
fn different_names(a: &Analyzed, b: &Analyzed, concept: &str) -> bool {
    let (Some(x), Some(y)) = (a.name_of.get(concept), b.name_of.get(concept)) else {
        return false;
    };
    let lacks = |p: &str, q: &str| p.split(' ').any(|w| !q.split(' ').any(|v| v == w));
    lacks(x, y) && lacks(y, x)
}

/// Whether a concept counts in ranking candidates: every word does, and the classes retrieval
/// was tuned with; the classes added for judging relations (news verbs like "declared" ≈
/// "characterised") only judge.
fn ranks_with(concept: &str) -> bool {
    concept
        .strip_prefix("class:")
        .is_none_or(|class| !lexicon::JUDGING_ONLY.contains(&class))
}

/// The concepts a lower-case word stands for: its stem (through its alias) and its classes;
/// none for a word that carries no content.
fn concepts_of(lower: &str) -> Vec<String> {
    if lexicon::is_stopword(lower) || is_reporting_word(lower) || lexicon::is_negation(lower) {
        return Vec::new();
    }
    let canonical = lexicon::alias(lower).unwrap_or(lower);
    let mut out = vec![stemmer().stem(canonical).into_owned()];
    out.extend(lexicon::classes(lower).map(|c| format!("class:{c}")));
    out
}

/// The words to look an analyzed text up with in the full-text index.
pub fn search_terms(analyzed: &Analyzed) -> Vec<String> {
    analyzed
        .search_terms
        .iter()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| t.replace('"', ""))
        .collect()
}

/// The FTS5 query for an analyzed text: any of its search terms, each quoted.
pub fn fts_query(analyzed: &Analyzed) -> Option<String> {
    let terms: Vec<String> = search_terms(analyzed)
        .into_iter()
        .map(|t| format!("\"{t}\""))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" OR "))
}

/// A claim the store retrieved for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The claim's id.
    pub id: String,
    /// The claim's text, exactly as logged.
    pub text: String,
    /// What else the claim is known by (its evidence's notes and quotes).
    pub context: Option<String>,
    /// The name of the source who made the claim, if known.
    pub claimant: Option<String>,
    /// How its claimant holds it.
    pub stance: Stance,
    /// When the claim was made (`YYYY-MM-DD`), if known.
    pub date: Option<String>,
    /// FTS5's BM25 (higher is better here: the store negates SQLite's rank); 0 for a claim
    /// only the model's vectors found.
    pub bm25: f64,
    /// The cosine of the query's and the claim's sentence vectors, when a model is set and both
    /// have one (see [`vectors`]).
    pub similarity: Option<f64>,
}

/// A proposed link from the query to a candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The id of the claim proposed for a link.
    pub id: String,
    /// That claim's text, exactly as logged.
    pub text: String,
    /// The name of the source who made it, if known.
    pub claimant: Option<String>,
    /// The relation proposed from the query to this claim (`related` when retrieval found it but
    /// nothing stronger holds).
    pub relation: Relation,
    /// 0 to 1: how likely the two make the same assertion (or its denial).
    pub score: f64,
    /// Why, in words a person can check: the words shared, the cue that turns one side around, the
    /// same news cycle.
    pub reason: String,
}

/// How much each signal counts. Tuned on the CheckThat! 2022 Train split (grid search; see
/// `docs/BENCHMARKS.md`): concept overlap and shared word pairs earn their keep on top of BM25;
/// shared names and numbers did not (they are still what `relate` asks two claims to share).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// The weight of the candidate's BM25, scaled so the best candidate's is 1.
    pub bm25: f64,
    /// The weight of concept overlap: the cosine of concept counts weighted by rarity among the
    /// candidates.
    pub concepts: f64,
    /// The weight of the share of the query's adjacent word pairs the candidate holds.
    pub pairs: f64,
    /// The weight of the share of the query's names and numbers the candidate holds.
    pub entities: f64,
    /// The weight of the cosine of the two claims' sentence vectors, counted only when the query
    /// has one (a model is set).
    pub semantic: f64,
}

/// The weights factdesk ranks and judges with, as tuned (see `Weights`).
pub const WEIGHTS: Weights = Weights {
    bm25: 1.0,
    concepts: 1.0,
    pairs: 0.5,
    entities: 0.0,
    semantic: SEMANTIC_WEIGHT,
};

/// The weight of the sentence vectors' cosine in ranking, tuned on CheckThat! Train with
/// all-MiniLM-L6-v2 (see `docs/BENCHMARKS.md`).
pub const SEMANTIC_WEIGHT: f64 = 2.0;

/// How much of two texts' concepts they share: a weighted Jaccard index, names counting double.
pub fn overlap(a: &Analyzed, b: &Analyzed) -> f64 {
    // A text has a few dozen concepts at most: going through them beats building maps of them,
    // and the sums are of ones and twos, exact in any order.
    let weight = |x: &Analyzed, c: &String| if x.entities.contains(c) { 2.0 } else { 1.0 };
    let mut shared = 0.0;
    let mut total = 0.0;
    for c in distinct(&a.concepts) {
        let wa = weight(a, c);
        total += wa;
        if b.concepts.contains(c) {
            shared += f64::min(wa, weight(b, c));
        }
    }
    total += distinct(&b.concepts).map(|c| weight(b, c)).sum::<f64>() - shared;
    if total == 0.0 { 0.0 } else { shared / total }
}

/// Each concept once, in the order first mentioned.
fn distinct(concepts: &[String]) -> impl Iterator<Item = &String> {
    concepts
        .iter()
        .enumerate()
        .filter(|(i, c)| !concepts[..*i].contains(c))
        .map(|(_, c)| c)
}

/// Concepts with their damped counts (1 + ln tf), each once, in the order first mentioned.
fn damped_counts<'a>(concepts: impl Iterator<Item = &'a String>) -> Vec<(&'a str, f64)> {
    let mut counts: Vec<(&str, f64)> = Vec::new();
    for c in concepts {
        match counts.iter_mut().find(|(seen, _)| *seen == c) {
            Some((_, n)) => *n += 1.0,
            None => counts.push((c, 1.0)),
        }
    }
    for (_, n) in &mut counts {
        *n = 1.0 + n.ln();
    }
    counts
}

/// Concept counts, damped (1 + ln tf) and weighted.
fn vector<'a>(
    concepts: impl Iterator<Item = &'a String>,
    weight: &dyn Fn(&str) -> f64,
) -> HashMap<&'a str, f64> {
    damped_counts(concepts)
        .into_iter()
        .map(|(c, tf)| (c, tf * weight(c)))
        .collect()
}

/// The cosine of a weighted vector (`norm` its length) and damped counts weighted by `weight`.
fn cosine(
    a: &HashMap<&str, f64>,
    norm: f64,
    counts: &[(String, f64)],
    weight: &dyn Fn(&str) -> f64,
) -> f64 {
    let mut dot = 0.0;
    let mut squares = 0.0;
    for (c, tf) in counts {
        let w = tf * weight(c);
        squares += w * w;
        if let Some(v) = a.get(c.as_str()) {
            dot += v * w;
        }
    }
    if dot == 0.0 {
        return 0.0;
    }
    dot / (norm * squares.sqrt())
}

/// Within this many days of each other, two dated claims are in the same news cycle: a denial
/// answers an allegation of the same days.
pub const NEWS_CYCLE_DAYS: i64 = 3;
/// What being in the same news cycle adds to a score.
pub const NEWS_CYCLE_BONUS: f64 = 0.25;

/// Days between two `YYYY-MM-DD` dates, when both are given and real.
fn days_apart(a: Option<&str>, b: Option<&str>) -> Option<i64> {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    Some((parse(a?)? - parse(b?)?).num_days().abs())
}

/// A candidate with its text and context analyzed, for a caller that ranks the same candidates
/// against many queries (`ingest` compares each statement with those before it).
#[derive(Debug, Clone)]
pub struct AnalyzedCandidate<'a> {
    /// The candidate as the store retrieved it.
    pub candidate: &'a Candidate,
    /// What the linker knows of its text.
    pub text: Analyzed,
    /// What the linker knows of its context (its evidence's notes and quotes).
    pub context: Analyzed,
    /// The concepts of text and context, each once, with their damped counts.
    counts: Vec<(String, f64)>,
    /// Its claimant's [`crate::person::person_key`], computed once for every query.
    claimant_key: Option<String>,
}

impl<'a> AnalyzedCandidate<'a> {
    /// Analyzes a candidate's text and context, once for every query it is ranked against.
    pub fn new(candidate: &'a Candidate) -> Self {
        let text = analyze(&candidate.text);
        let context = analyze(candidate.context.as_deref().unwrap_or_default());
        let counts = damped_counts(
            text.concepts
                .iter()
                .chain(&context.concepts)
                .filter(|c| ranks_with(c)),
        )
        .into_iter()
        .map(|(c, tf)| (c.to_string(), tf))
        .collect();
        AnalyzedCandidate {
            candidate,
            text,
            context,
            counts,
            claimant_key: candidate.claimant.as_deref().map(crate::person::person_key),
        }
    }
}

/// A claim as the linker compares it with others: what its text says, how its claimant holds
/// it, who that is, and when it was made (`YYYY-MM-DD`), if known.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// What the linker knows of the claim's text.
    pub text: &'a Analyzed,
    /// How its claimant holds it.
    pub stance: Stance,
    /// The name of the source who made it, if known.
    pub claimant: Option<&'a str>,
    /// When it was made (`YYYY-MM-DD`), if known: a candidate dated within `NEWS_CYCLE_DAYS` of it
    /// scores higher.
    pub date: Option<&'a str>,
}

/// The linker's verdict on one pair: the relation it proposes from the query to the other claim
/// (none when nothing relates them), how strong the match is, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// The relation proposed from the query to the other claim; `None` when nothing relates them.
    pub relation: Option<Relation>,
    /// 0 to 1, to two decimals: how strong the match is, as `rank` would score it.
    pub score: f64,
    /// Why, in words a person can check.
    pub reason: String,
}

/// Ranks candidates for a query and proposes a relation for each, best first; a candidate that
/// shares too little with the query for any relation is proposed as `related` (it is what
/// retrieval found, and a reader may still want it), scored as such.
pub fn rank(query: &Query, candidates: &[Candidate], weights: Weights) -> Vec<Proposal> {
    let analyzed: Vec<AnalyzedCandidate> = candidates.iter().map(AnalyzedCandidate::new).collect();
    ranked(query, &analyzed, weights, true)
}

/// The relation, score and reason the linker gives `target` among `candidates` (which hold
/// it): the same judgement and score [`rank`] would give it, kept even when nothing relates the
/// two (`relation` is then `None`).
pub fn judge(query: &Query, candidates: &[Candidate], target: &str) -> Option<Judgement> {
    let analyzed: Vec<AnalyzedCandidate> = candidates.iter().map(AnalyzedCandidate::new).collect();
    let at = candidates.iter().position(|c| c.id == target)?;
    let (relation, score, reason) = score_all(query, &analyzed, WEIGHTS).swap_remove(at);
    Some(Judgement {
        relation,
        score: (score * 100.0).round() / 100.0,
        reason,
    })
}

/// [`rank`] on candidates analyzed beforehand, leaving out the candidates nothing relates to the query: what is worth proposing
/// as a link (`link scan`, `ingest`), rather than what retrieval found (`link suggest`).
pub fn rank_related(
    query: &Query,
    analyzed: &[AnalyzedCandidate],
    weights: Weights,
) -> Vec<Proposal> {
    ranked(query, analyzed, weights, false)
}

fn ranked(
    query: &Query,
    analyzed: &[AnalyzedCandidate],
    weights: Weights,
    keep_unrelated: bool,
) -> Vec<Proposal> {
    let mut proposals: Vec<Proposal> = score_all(query, analyzed, weights)
        .into_iter()
        .zip(analyzed)
        .filter(|((relation, _, _), _)| keep_unrelated || relation.is_some())
        .map(|((relation, score, reason), a)| Proposal {
            id: a.candidate.id.clone(),
            text: a.candidate.text.clone(),
            claimant: a.candidate.claimant.clone(),
            // Retrieval found it: below the bar for a relation of its own it is still shown,
            // as the weakest match.
            relation: relation.unwrap_or(Relation::Related),
            score,
            reason,
        })
        .collect();
    // Sort on the exact score; show it to two decimals.
    proposals.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    for p in &mut proposals {
        p.score = (p.score * 100.0).round() / 100.0;
    }
    proposals
}

/// The relation, exact score and reason for each candidate, in the candidates' order.
fn score_all(
    query: &Query,
    analyzed: &[AnalyzedCandidate],
    weights: Weights,
) -> Vec<(Option<Relation>, f64, String)> {
    if analyzed.is_empty() {
        return Vec::new();
    }
    // How rare a concept is among the candidates: shared by all of them, it tells them apart
    // from nothing.
    let n = analyzed.len() as f64;
    let mut spread: HashMap<&str, f64> = HashMap::new();
    for candidate in analyzed {
        for (concept, _) in &candidate.counts {
            *spread.entry(concept).or_default() += 1.0;
        }
    }
    let weight =
        |concept: &str| (1.0 + n / (1.0 + spread.get(concept).copied().unwrap_or(0.0))).ln();
    let query_vector = vector(
        query.text.concepts.iter().filter(|c| ranks_with(c)),
        &weight,
    );
    let query_norm = query_vector.values().map(|v| v * v).sum::<f64>().sqrt();
    let query_key = query.claimant.map(crate::person::person_key);
    let best_bm25 = analyzed
        .iter()
        .map(|a| a.candidate.bm25)
        .fold(f64::MIN, f64::max)
        .max(f64::EPSILON);
    // With a model, every candidate is also scored by its vector's cosine (a candidate without
    // a vector, not indexed yet, counts none).
    let semantic = analyzed.iter().any(|a| a.candidate.similarity.is_some());
    let total = weights.bm25
        + weights.concepts
        + weights.pairs
        + weights.entities
        + if semantic { weights.semantic } else { 0.0 };
    analyzed
        .iter()
        .map(|a| {
            let (candidate, text, context) = (a.candidate, &a.text, &a.context);
            let concepts = cosine(&query_vector, query_norm, &a.counts, &weight);
            let shared_pairs = query
                .text
                .pairs
                .iter()
                .filter(|p| text.pairs.contains(*p) || context.pairs.contains(*p))
                .count() as f64;
            let pairs = shared_pairs / (1.0 + query.text.pairs.len() as f64);
            let shared_entities = query
                .text
                .entities
                .iter()
                .filter(|e| text.entities.contains(*e) || context.entities.contains(*e))
                .count() as f64;
            let entities = shared_entities / (1.0 + query.text.entities.len() as f64);
            let bm25 = (candidate.bm25 / best_bm25).clamp(0.0, 1.0);
            let similarity = candidate.similarity.unwrap_or(0.0).max(0.0);
            let mut score = (weights.bm25 * bm25
                + weights.concepts * concepts
                + weights.pairs * pairs
                + weights.entities * entities
                + if semantic {
                    weights.semantic * similarity
                } else {
                    0.0
                })
                / total;
            // The relation does not move the score: ranking by it (a `related` candidate
            // scored lower) cost MAP@5 on CheckThat! Train once relations got finer.
            let (relation, mut reason) = relate_with(
                query.text,
                query.stance,
                text,
                candidate.stance,
                PairFacts::of_keys(
                    candidate.similarity,
                    (query_key.as_deref(), a.claimant_key.as_deref()),
                ),
                &SIMILARITY,
            );
            if days_apart(query.date, candidate.date.as_deref())
                .is_some_and(|d| d <= NEWS_CYCLE_DAYS)
            {
                score = (score + NEWS_CYCLE_BONUS).min(1.0);
                reason.push_str(&format!(
                    "; same news cycle ({})",
                    candidate.date.as_deref().unwrap_or_default()
                ));
            }
            (relation, score, reason)
        })
        .collect()
}

/// Below this share of the shorter text's content found in the other, two claims are about
/// different matters: no relation.
pub const SAME_TOPIC: f64 = 0.25;
/// The share of the shorter text's content the other must hold for two claims taking opposite
/// sides to be about the same assertion (a denial rarely repeats all of the allegation).
pub const SAME_MATTER: f64 = 0.3;
/// The share of the shorter text's content the other must hold for different amounts in them
/// to be amounts of the same thing.
pub const SAME_AMOUNT: f64 = 0.6;
/// Overlap (see [`overlap`]) at or above which two claims on the same side are the same
/// assertion: `duplicates`.
pub const DUPLICATE_OVERLAP: f64 = 0.5;
/// Containment at or above which two claims on the same side, with no substitution between
/// them, are the same assertion.
pub const DUPLICATE_CONTAINMENT: f64 = 0.35;
/// Containment at or above which evidence (a finding, a recording) supports the other claim.
pub const SUPPORT_CONTAINMENT: f64 = 0.25;

/// The relation a query proposes to another claim, and why. In order:
/// 1. nothing, when they share too little of their content to be about the same matter;
/// 2. `related`, when either side only asks or hedges;
/// 3. `contradicts`, when they take opposite sides (a reversing cue that scopes over what they
///    share, a denial aimed at a claim, a `denies` stance — an odd number of these on one side)
///    about the same matter, or state different amounts of the same thing; a negation both hold
///    over the same words (a quoted "no empathy" reported in the other) is not a side;
/// 4. `supports`, when the query presents evidence (a finding, a recording, a test) for it;
/// 5. `duplicates`, when they make the same assertion on the same side, with nothing
///    substituted (drones for missiles, Denmark for Sweden, 2022 for 2023);
/// 6. `related` otherwise.
pub fn relate(
    query: &Analyzed,
    query_stance: Stance,
    other: &Analyzed,
    other_stance: Stance,
) -> (Option<Relation>, String) {
    relate_with(
        query,
        query_stance,
        other,
        other_stance,
        PairFacts::default(),
        &SIMILARITY,
    )
}

/// How the cosine of two claims' sentence vectors moves [`relate`]'s decisions. The values
/// are all-MiniLM-L6-v2's, tuned on the claim relations' development pairs by what each part
/// gains there and on CheckThat! Train tweets (see `docs/BENCHMARKS.md`). A cosine says little
/// about whether two claims on one topic make the same assertion (that model gives paraphrases
/// and mere topic matches about the same cosines), so it makes a pair `duplicates` only when
/// the words show nothing substituted between them (drones for missiles, 2022 for 2023).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimilarityThresholds {
    /// At or above it, two claims that share few words are still about the same matter (a
    /// paraphrase: "the Islamic Republic sent Moscow missiles" / "Iran supplied Russia …"), so
    /// opposite sides contradict.
    pub same_matter: f64,
    /// Below it, two claims that share words are about different matters (one name for two
    /// things, the same actors in another event): no relation.
    pub different_matters: f64,
    /// At or above it, two claims on the same side with nothing substituted between them make
    /// the same assertion however few words they share: a paraphrase, or a post that repeats a
    /// claim in its own words.
    pub same_assertion: f64,
}

/// The similarity thresholds factdesk judges with (see [`SimilarityThresholds`]).
pub const SIMILARITY: SimilarityThresholds = SimilarityThresholds {
    same_matter: 0.55,
    different_matters: 0.4,
    same_assertion: 0.6,
};

/// What is known of a pair of claims besides their texts and stances.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairFacts {
    /// The cosine of the two claims' sentence vectors, when a model gave them.
    pub similarity: Option<f64>,
    /// Both claims are one claimant's. A speaker's claims elaborate each other (the several
    /// sentences of one statement), so a negation in one reverses the other only when it
    /// negates the predicate the other asserts: "Iran had not provided weapons to either side
    /// of the conflict" says nothing against the same mission's "Iran's position on the
    /// conflict remains unchanged". Between two speakers a negation scoping over what they
    /// share is enough, since a rebuttal rarely repeats the allegation's verb.
    pub one_speaker: bool,
}

impl PairFacts {
    /// The facts of a pair from the cosine of its vectors and its two claimants (the same
    /// speaker when both are known and [`crate::person::same_person`]).
    pub fn new(similarity: Option<f64>, claimants: (Option<&str>, Option<&str>)) -> PairFacts {
        let key = |name: Option<&str>| name.map(crate::person::person_key);
        Self::of_keys(
            similarity,
            (key(claimants.0).as_deref(), key(claimants.1).as_deref()),
        )
    }

    /// [`PairFacts::new`] from the claimants' [`crate::person::person_key`]s, computed once
    /// per claim by a caller that compares each claim with many.
    fn of_keys(similarity: Option<f64>, keys: (Option<&str>, Option<&str>)) -> PairFacts {
        PairFacts {
            similarity,
            one_speaker: keys.0.zip(keys.1).is_some_and(|(a, b)| a == b),
        }
    }
}

/// [`relate`], told what else is known of the pair ([`PairFacts`]): with the cosine of the
/// two claims' sentence vectors, and the thresholds that say what a cosine means, below
/// `different_matters` the pair has no relation whatever words it shares; at `same_matter` or
/// more it is about the same matter whatever words it lacks (so opposite sides contradict).
/// The reason then ends with the cosine ("similarity 0.83").
pub fn relate_with(
    query: &Analyzed,
    query_stance: Stance,
    other: &Analyzed,
    other_stance: Stance,
    pair: PairFacts,
    thresholds: &SimilarityThresholds,
) -> (Option<Relation>, String) {
    let similarity = pair.similarity;
    let similar = |at_least: f64| similarity.is_some_and(|s| s >= at_least);
    let dissimilar = |below: f64| similarity.is_some_and(|s| s < below);
    let shared = shared_words(query, other);
    let shared_part = if shared.is_empty() {
        String::new()
    } else {
        format!("shared: {}", shared.join(", "))
    };
    let similarity_part = similarity.map_or(String::new(), |s| format!("similarity {s:.2}"));
    let with = |first: String| -> String {
        [first, shared_part.clone(), similarity_part.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let overlap = overlap(query, other);
    let containment = containment(query, other);
    if (containment < SAME_TOPIC && !similar(thresholds.same_matter))
        || dissimilar(thresholds.different_matters)
    {
        return (None, with("different matters".into()));
    }
    let hedge = match (query_stance, other_stance) {
        (Stance::Questions, _) | (_, Stance::Questions) => Some("one side only asks".to_string()),
        _ => query
            .reading
            .hedge
            .clone()
            .or_else(|| other.reading.hedge.clone())
            .map(|h| format!("one side only hedges ('{h}')")),
    };
    if let Some(hedge) = hedge {
        return (Some(Relation::Related), with(hedge));
    }
    let shared_concepts: HashSet<&String> = query
        .concepts
        .iter()
        .filter(|c| other.concepts.contains(c))
        .collect();
    let one_speaker = pair.one_speaker;
    let (mine, my_cues) = side(query, query_stance, &shared_concepts, None, one_speaker);
    let (theirs, their_cues) = side(other, other_stance, &shared_concepts, None, one_speaker);
    // Opposite sides, unless what reverses one is a negation the other holds too ("he had 'no
    // empathy'" / "I have no empathy"); that never makes two texts opposite that were not.
    let opposite = mine != theirs
        && side(
            query,
            query_stance,
            &shared_concepts,
            Some(other),
            one_speaker,
        )
        .0 != side(
            other,
            other_stance,
            &shared_concepts,
            Some(query),
            one_speaker,
        )
        .0;
    // Opposite sides of the same matter: what they share must be more than names — unless one
    // side denies outright (a denial verb or a falsity word: "denies any sexual contact with
    // Virginia Giuffre", "India rejected the allegations"), which needs no predicate of its own.
    let outright = |text: &Analyzed| {
        text.reading.cues.iter().any(|cue| {
            cue.scope.is_empty() && cue.sentence.iter().any(|c| shared_concepts.contains(c))
        })
    };
    let same_matter = (containment >= SAME_MATTER || similar(thresholds.same_matter))
        && (shared_concepts.iter().any(|c| !query.entities.contains(*c))
            || outright(query)
            || outright(other));
    if opposite && same_matter {
        let describe = |cues: &[String]| {
            if cues.is_empty() {
                "asserted".to_string()
            } else {
                cues.join(", ")
            }
        };
        let cue = format!(
            "negation: {} vs {}",
            describe(&my_cues),
            describe(&their_cues)
        );
        return (Some(Relation::Contradicts), with(cue));
    }
    // A text longer than the other (a tweet or a paragraph against a claim) asserts more than
    // one thing: its first verb says little about whether it repeats the claim, so a different
    // main verb does not count there.
    let (len_a, len_b) = (
        distinct(&query.concepts).count(),
        distinct(&other.concepts).count(),
    );
    let beside_the_verb = substitution_beside_the_verb(query, other);
    let substitution = if much_longer(len_a, len_b) || much_longer(len_b, len_a) {
        beside_the_verb.clone()
    } else {
        verb_substitution(query, other).or_else(|| beside_the_verb.clone())
    };
    if !opposite
        && beside_the_verb.is_none()
        && containment >= SAME_MATTER
        && let Some(opposed) = antonyms(query, other)
    {
        return (
            Some(Relation::Contradicts),
            with(format!("opposite facts: {opposed}")),
        );
    }
    if !opposite
        && substitution.is_none()
        && let Some(conflict) = quantity_conflict(query, other)
        && containment_of(query, other, true) >= SAME_AMOUNT
    {
        return (
            Some(Relation::Contradicts),
            with(format!("different amounts: {conflict}")),
        );
    }
    if !opposite
        && containment >= SUPPORT_CONTAINMENT
        && let Some(evidence) = &query.reading.evidence
        && other.reading.evidence.as_ref() != Some(evidence)
    {
        return (
            Some(Relation::Supports),
            with(format!("evidence ('{evidence}') for the same assertion")),
        );
    }
    let same_assertion = overlap >= DUPLICATE_OVERLAP
        || containment >= DUPLICATE_CONTAINMENT
        || similar(thresholds.same_assertion);
    if !opposite
        && same_assertion
        && let Some(what) = &substitution
    {
        return (
            Some(Relation::Related),
            with(format!("same topic, different assertion ({what})")),
        );
    }
    if !opposite && same_assertion {
        return (
            Some(Relation::Duplicates),
            with("same assertion, same side".into()),
        );
    }
    (
        Some(Relation::Related),
        with("same topic, different assertion".into()),
    )
}

/// The side a claim takes on the assertion two claims share: true when it reverses it — a
/// `denies` stance, or cues: a denial or a falsity word (which cover the whole text), a
/// negation whose scope holds a shared concept ("LK-99 is not a superconductor" does not deny a
/// finding about LK-99's resistance: the name is outside its scope), a contrast whose reversed part holds a
/// shared concept found nowhere else in the text. Several cues in one text reinforce each
/// other ("dismissed reports … as groundless"); a `denies` stance on a text that itself denies
/// turns it back. Given the `other` text, a negation cue counts only where none of the shared
/// words it scopes over is negated in the other too. Between `one_speaker`'s claims, a negation
/// that names the predicate it reverses counts only when that predicate is shared. Returns the
/// side and the cues that count.
fn side(
    text: &Analyzed,
    stance: Stance,
    shared: &HashSet<&String>,
    other: Option<&Analyzed>,
    one_speaker: bool,
) -> (bool, Vec<String>) {
    let content = |c: &String| shared.contains(c);
    // With the other text: a negation it holds over the same words is part of what both say,
    // not a side.
    let reversed_or_not_shared =
        |c: &String| !content(c) || other.is_none_or(|other| !other.reading.negated.contains(c));
    // In a text of several sentences (a tweet, a paragraph), a cue counts only in a sentence
    // that holds at least half of what the two texts share: "I really don't care" two
    // sentences away denies nothing of the claim.
    let names: Vec<&&String> = shared.iter().filter(|c| !c.starts_with("class:")).collect();
    let central = |sentence: &HashSet<String>| {
        text.reading.sentences < 2
            || 2 * names
                .iter()
                .filter(|c| sentence.contains(c.as_str()))
                .count()
                >= names.len()
    };
    let mut cues: Vec<String> = text
        .reading
        .cues
        .iter()
        .filter(|cue| central(&cue.sentence))
        .filter(|cue| {
            if cue.contrast {
                cue.scope
                    .iter()
                    .any(|c| shared.contains(c) && !cue.outside.contains(c))
            } else if cue.scope.is_empty() {
                cue.sentence.iter().any(content)
            } else {
                // One speaker's two claims: a negated predicate the other does not share is
                // not what the other asserts.
                cue.scope.iter().any(content)
                    && cue.scope.iter().all(reversed_or_not_shared)
                    && (!one_speaker
                        || cue.predicate.is_empty()
                        || cue.predicate.iter().any(content))
            }
        })
        .map(|cue| format!("'{}'", cue.words))
        .collect();
    let reversed = !cues.is_empty();
    if stance == Stance::Denies {
        cues.push("stance denies".into());
    }
    (reversed != (stance == Stance::Denies), cues)
}

/// How much of the shorter text's content the other holds: shared concept weight over the
/// smaller side's (names counting double, a class shared only through different words counting
/// once with them).
fn containment(a: &Analyzed, b: &Analyzed) -> f64 {
    containment_of(a, b, false)
}

/// [`containment`], leaving numbers out when `without_numbers` (to ask whether two texts state
/// amounts of the same thing).
fn containment_of(a: &Analyzed, b: &Analyzed, without_numbers: bool) -> f64 {
    let weight = |x: &Analyzed, c: &String| {
        if without_numbers && c.chars().any(|ch| ch.is_ascii_digit()) {
            0.0
        } else if c.starts_with("class:") {
            0.5
        } else if x.entities.contains(c) {
            2.0
        } else {
            1.0
        }
    };
    let total = |x: &Analyzed, y: &Analyzed| -> (f64, f64) {
        let mut shared = 0.0;
        let mut all = 0.0;
        for c in distinct(&x.concepts) {
            let w = weight(x, c);
            all += w;
            if y.concepts.contains(c) && !different_names(x, y, c) {
                shared += w;
            }
        }
        (shared, all)
    };
    let (shared_a, all_a) = total(a, b);
    let (shared_b, all_b) = total(b, a);
    let of_a = if all_a == 0.0 { 0.0 } else { shared_a / all_a };
    let of_b = if all_b == 0.0 { 0.0 } else { shared_b / all_b };
    of_a.max(of_b)
}

/// Whether a text of `a` concepts is much longer than one of `b`: it asserts more than one
/// thing.
fn much_longer(a: usize, b: usize) -> bool {
    4 * a >= 5 * b.max(1)
}

/// A different main verb in each claim (convicted / sentenced), shown as the two; with what
/// [`substitution_beside_the_verb`] finds, what one claim puts where the other puts something
/// else.
fn verb_substitution(a: &Analyzed, b: &Analyzed) -> Option<String> {
    match (&a.reading.main_verb, &b.reading.main_verb) {
        (Some((va, ca)), Some((vb, cb))) if !ca.iter().any(|c| cb.contains(c)) => {
            Some(format!("{va} / {vb}"))
        }
        _ => None,
    }
}

/// A different member of a category (drones / missiles), different years, or — with the same
/// main verb — a different name on each side (Denmark / Sweden closed).
fn substitution_beside_the_verb(a: &Analyzed, b: &Analyzed) -> Option<String> {
    if let Some(found) = category_or_year_substitution(a, b) {
        return Some(found);
    }
    let same_verb = matches!(
        (&a.reading.main_verb, &b.reading.main_verb),
        (Some((_, ca)), Some((_, cb))) if ca.iter().any(|c| cb.contains(c))
    );
    let unmatched = |x: &Analyzed, y: &Analyzed| -> Vec<String> {
        let mut names: Vec<String> = x
            .entities
            .iter()
            .filter(|e| !y.concepts.contains(*e))
            .filter(|e| !e.chars().any(|c| c.is_ascii_digit()))
            .filter(|e| !first_name_of_a_shared_name(x, y, e))
            .filter_map(|e| x.surface.get(e).cloned())
            .collect();
        names.sort();
        names
    };
    let (na, nb) = (unmatched(a, b), unmatched(b, a));
    if same_verb && !na.is_empty() && !nb.is_empty() {
        return Some(format!("{} / {}", na[0], nb[0]));
    }
    None
}

/// Whether `name` is a first word of a several-word name in `x` whose last word (a surname,
/// the head of the name) `y` holds: "Albert" in "Albert Einstein" against a text naming
/// "Einstein" is the same person, not another name in its place.
fn first_name_of_a_shared_name(x: &Analyzed, y: &Analyzed, name: &str) -> bool {
    x.name_of.get(name).is_some_and(|whole| {
        whole
            .rsplit(' ')
            .next()
            .is_some_and(|head| head != name && y.concepts.iter().any(|c| c == head))
    })
}

/// A different kind in a category (drones / missiles) or different years (2022 / 2023).
fn category_or_year_substitution(a: &Analyzed, b: &Analyzed) -> Option<String> {
    for class in lexicon::CATEGORIES {
        let key = format!("class:{class}");
        if a.concepts.contains(&key) && b.concepts.contains(&key) {
            let members = |x: &Analyzed| -> Vec<String> {
                x.surface
                    .iter()
                    .filter(|(c, _)| !c.starts_with("class:"))
                    .filter(|(_, w)| lexicon::classes(&w.to_lowercase()).any(|k| k == *class))
                    .filter(|(_, w)| !lexicon::is_generic(&w.to_lowercase()))
                    .map(|(c, _)| c.clone())
                    .collect()
            };
            let (mine, theirs) = (members(a), members(b));
            if !mine.is_empty() && !theirs.is_empty() && !mine.iter().any(|m| theirs.contains(m)) {
                let shown = |x: &Analyzed, m: &[String]| x.surface[&m[0]].clone();
                return Some(format!("{} / {}", shown(a, &mine), shown(b, &theirs)));
            }
        }
    }
    let years = |x: &Analyzed| -> Vec<i32> { x.reading.years.clone() };
    let (ya, yb) = (years(a), years(b));
    if !ya.is_empty() && !yb.is_empty() && !ya.iter().any(|y| yb.contains(y)) {
        return Some(format!("{} / {}", ya[0], yb[0]));
    }
    None
}

/// Words of an antonym pair, one in each text and neither text holding both sides
/// ("alive" / "killed"), shown as the two.
fn antonyms(a: &Analyzed, b: &Analyzed) -> Option<String> {
    // A word under a negation says the opposite ("not an accident"): it takes no side here.
    let words = |x: &Analyzed| -> Vec<String> {
        x.surface
            .iter()
            .filter(|(c, _)| !c.starts_with("class:"))
            .filter(|(c, _)| !x.reading.cues.iter().any(|cue| cue.scope.contains(*c)))
            .map(|(_, w)| w.to_lowercase())
            .collect()
    };
    let (wa, wb) = (words(a), words(b));
    // A word with a negating prefix against its base: "infertility" / "fertility".
    for (x, y) in [(&wa, b), (&wb, a)] {
        for word in x {
            // "im-" only before p ("impossible"; "immigrants" is not "not migrants").
            let base = ["non", "in", "un", "il", "ir", "imp", "dis"]
                .iter()
                .find_map(|p| word.strip_prefix(p).map(|rest| (p, rest)))
                .map(|(p, rest)| if *p == "imp" { &word[2..] } else { rest })
                .filter(|base| base.len() > 5);
            if let Some(base) = base
                && y.concepts.contains(&stem(base))
                && !y.concepts.contains(&stem(word))
            {
                return Some(format!("{word} / {base}"));
            }
        }
    }
    for (one, other) in lexicon::ANTONYMS {
        let has =
            |w: &[String], side: &[&str]| w.iter().find(|x| side.contains(&x.as_str())).cloned();
        for (first, second) in [(one, other), (other, one)] {
            if let (Some(x), Some(y)) = (has(&wa, first), has(&wb, second))
                && has(&wa, second).is_none()
                && has(&wb, first).is_none()
            {
                return Some(format!("{x} / {y}"));
            }
        }
    }
    None
}

/// Two amounts of the same thing that cannot both be right ("600 people" / "300 people"),
/// shown as the two; none when the texts count different things or agree on a figure.
fn quantity_conflict(a: &Analyzed, b: &Analyzed) -> Option<String> {
    let (qa, qb) = (&a.reading.quantities, &b.reading.quantities);
    let close = |x: f64, y: f64| (x - y).abs() <= 0.05 * x.abs().max(y.abs());
    for (va, ua) in qa {
        for (vb, ub) in qb {
            if ua == ub
                && !close(*va, *vb)
                && !qa
                    .iter()
                    .any(|(v, _)| qb.iter().any(|(w, _)| close(*v, *w)))
            {
                return Some(format!("{va} / {vb} {ua}"));
            }
        }
    }
    None
}

/// The words two texts share (as the other text writes them), names first, at most six.
fn shared_words(query: &Analyzed, other: &Analyzed) -> Vec<String> {
    let mut names = Vec::new();
    let mut words = Vec::new();
    let mut seen = HashSet::new();
    for concept in &other.concepts {
        // A text has a few dozen concepts: looking through them beats hashing them.
        if !query.concepts.contains(concept) || !seen.insert(concept) {
            continue;
        }
        let Some(word) = other.surface.get(concept) else {
            continue;
        };
        let shown = match concept.strip_prefix("class:") {
            // A class matched through different words: show both ("provided ≈ supplied").
            Some(_) => match query.surface.get(concept) {
                Some(mine) if mine.to_lowercase() != word.to_lowercase() => {
                    format!("{mine} ≈ {word}")
                }
                _ => continue,
            },
            None => word.clone(),
        };
        if other.entities.contains(concept) {
            names.push(shown);
        } else {
            words.push(shown);
        }
    }
    names.extend(words);
    names.truncate(6);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn propose(
        query: &str,
        query_stance: Stance,
        other: &str,
        other_stance: Stance,
    ) -> (Relation, String) {
        let candidate = Candidate {
            id: "c".into(),
            text: other.into(),
            context: None,
            claimant: None,
            stance: other_stance,
            date: None,
            bm25: 1.0,
            similarity: None,
        };
        let text = analyze(query);
        let query = Query {
            text: &text,
            stance: query_stance,
            claimant: None,
            date: None,
        };
        let judged = judge(&query, std::slice::from_ref(&candidate), &candidate.id).unwrap();
        (judged.relation.expect("related"), judged.reason)
    }

    const ALLEGATION: &str = "Iran supplied Russia with short-range ballistic missiles";

    #[test]
    fn a_negated_sentence_contradicts_the_allegation() {
        let (relation, reason) = propose(
            "Iran has not provided weapons to Russia for the war in Ukraine",
            Stance::Asserts,
            ALLEGATION,
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Contradicts);
        assert_eq!(
            reason,
            "negation: 'has not provided' vs asserted; shared: Iran, Russia, provided ≈ supplied, weapons ≈ missiles"
        );
    }

    #[test]
    fn a_denying_stance_with_the_same_words_contradicts() {
        let (relation, reason) = propose(ALLEGATION, Stance::Denies, ALLEGATION, Stance::Asserts);
        assert_eq!(relation, Relation::Contradicts);
        assert!(
            reason.starts_with("negation: stance denies vs asserted; shared: Iran, Russia"),
            "{reason}"
        );
    }

    #[test]
    fn denial_verbs_count_as_negation() {
        let (relation, _) = propose(
            "Tehran denied sending ballistic missiles to Moscow",
            Stance::Asserts,
            ALLEGATION,
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Contradicts);
        // Denying a denial is agreeing.
        let (relation, _) = propose(
            "Iran denied supplying missiles to Russia",
            Stance::Asserts,
            "Iran never sent missiles to Russia",
            Stance::Asserts,
        );
        assert_ne!(relation, Relation::Contradicts);
    }

    #[test]
    fn a_negation_both_texts_hold_is_not_a_side() {
        // The claim reports the words; the post quotes them as the speaker's own.
        let (relation, reason) = propose(
            "The senator said he had no sympathy for striking rail workers",
            Stance::Asserts,
            "\"I have no sympathy for the striking rail workers\" - the senator, on the radio",
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Duplicates, "{reason}");
        // A negation only one of them holds still reverses.
        let (relation, reason) = propose(
            "The senator said he had no sympathy for striking rail workers",
            Stance::Asserts,
            "The senator said he had sympathy for the striking rail workers",
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Contradicts, "{reason}");
    }

    #[test]
    fn a_paraphrase_on_the_same_side_duplicates() {
        let (relation, reason) = propose(
            "Tehran sent short-range ballistic missiles to Moscow, officials say",
            Stance::Asserts,
            ALLEGATION,
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Duplicates, "{reason}");
        assert!(
            reason.contains("Iran") && reason.contains("Russia"),
            "aliases count as the same name: {reason}"
        );
    }

    #[test]
    fn an_unrelated_topic_with_shared_words_is_only_related() {
        let (relation, reason) = propose(
            "Russia supplied wheat to Egypt under a new trade deal",
            Stance::Asserts,
            ALLEGATION,
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Related, "{reason}");
    }

    #[test]
    fn a_question_is_never_a_contradiction() {
        let (relation, _) = propose(
            "Did Iran not supply Russia with missiles?",
            Stance::Questions,
            ALLEGATION,
            Stance::Asserts,
        );
        assert_eq!(relation, Relation::Related);
    }

    /// The relation alone, or "none".
    fn relation(query: &str, query_stance: Stance, other: &str, other_stance: Stance) -> String {
        let text = analyze(query);
        let query = Query {
            text: &text,
            stance: query_stance,
            claimant: None,
            date: None,
        };
        let candidate = Candidate {
            id: "c".into(),
            text: other.into(),
            context: None,
            claimant: None,
            stance: other_stance,
            date: None,
            bm25: 0.0,
            similarity: None,
        };
        judge(&query, std::slice::from_ref(&candidate), "c")
            .unwrap()
            .relation
            .map_or("none".into(), |r| r.to_string())
    }

    #[test]
    fn a_denial_needs_no_shared_name_and_a_denying_stance_reverses_the_same_words() {
        let text = "The government has cleared the legacy asylum backlog";
        assert_eq!(
            relation(text, Stance::Denies, text, Stance::Asserts),
            "contradicts"
        );
        assert_eq!(
            relation(
                "The asylum backlog has not been cleared",
                Stance::Asserts,
                text,
                Stance::Asserts
            ),
            "contradicts"
        );
        assert_eq!(
            relation(
                "the vaccine trials were rigged, campaigners claimed",
                Stance::Asserts,
                "it is false that the vaccine trials were rigged",
                Stance::Asserts
            ),
            "contradicts"
        );
        // Two denials of the same allegation agree.
        assert_eq!(
            relation(
                text,
                Stance::Denies,
                "The backlog has not been cleared",
                Stance::Asserts
            ),
            "duplicates"
        );
    }

    #[test]
    fn negation_that_does_not_reverse_the_assertion_is_no_contradiction() {
        for (a, b) in [
            (
                "Tamamo-no-Mae legend stone split in Japan",
                "The legend stone of Tamamo split in two in Japan",
            ),
            (
                "Musk not only bought Twitter but also fired its chief executive",
                "Musk bought Twitter and fired its chief executive",
            ),
            (
                "The aim of the league is not to destroy national leagues but to save football",
                "The league's backers say it will save football",
            ),
            (
                "No prime minister has spent less time in office than Truss",
                "Truss is the shortest-serving prime minister",
            ),
        ] {
            let got = relation(a, Stance::Asserts, b, Stance::Asserts);
            assert_ne!(got, "contradicts", "{a} / {b}");
        }
        assert_eq!(
            relation(
                "Did Iran supply Russia with missiles?",
                Stance::Asserts,
                ALLEGATION,
                Stance::Asserts
            ),
            "related"
        );
        assert_eq!(
            relation(
                "Putin would not deny that North Korean soldiers were in Russia",
                Stance::Asserts,
                "North Korean troops are fighting in Russia",
                Stance::Asserts
            ),
            "related"
        );
    }

    /// One speaker's negation reverses only the predicate it negates: the speaker's claim
    /// that shares that predicate's objects (the war, the country) and asserts something else
    /// about them does not take the other side. The seed article's Mission says both.
    #[test]
    fn one_speakers_negation_reverses_its_predicate_not_every_word_after_it() {
        let between = |a: &str, b: &str, claimants: (Option<&str>, Option<&str>)| {
            relate_with(
                &analyze(a),
                Stance::Asserts,
                &analyze(b),
                Stance::Asserts,
                PairFacts::new(None, claimants),
                &SIMILARITY,
            )
            .0
            .map_or("none".to_string(), |r| r.to_string())
        };
        let mission = (
            Some("Iranian Mission to the United Nations"),
            Some("Iranian mission to the United Nations"),
        );
        let denial = "Iran had not provided weapons to either side of the conflict in Ukraine";
        for (other, expected) in [
            (
                "Iran's position vis-à-vis the Ukraine conflict remains unchanged",
                "related",
            ),
            (
                "Iran considers the provision of military assistance to the parties engaged in \
                 the conflict to be inhumane",
                "related",
            ),
            // The same predicate, in other words or the same, is still reversed.
            (
                "Iran supplied weapons to Russia for the war in Ukraine",
                "contradicts",
            ),
            (
                "Iran provided weapons to Russia in the Ukraine conflict",
                "contradicts",
            ),
        ] {
            assert_eq!(between(denial, other, mission), expected, "{other}");
            assert_eq!(between(other, denial, mission), expected, "{other}");
        }
        // What the Mission stops is the predicate of "cease": the supply, not the conflict.
        assert_eq!(
            between(
                "Iran calls upon other countries to cease the supply of weapons to the sides \
                 involved in the conflict",
                "Iran's position vis-à-vis the Ukraine conflict remains unchanged",
                mission
            ),
            "related"
        );
        // Two speakers: a rebuttal rarely repeats the allegation's verb ("never planned" /
        // "plotted"), so a negation over what they share still takes the other side.
        assert_eq!(
            between(
                "Bolsonaro never planned a coup and always acted within the constitution",
                "Jair Bolsonaro plotted a coup to stay in power after losing the 2022 election",
                (Some("Jair Bolsonaro"), Some("Federal Police"))
            ),
            "contradicts"
        );
        // A negated copula reverses its complement, whatever verb the other uses.
        assert_eq!(
            between(
                "The minister was not at the party in Downing Street",
                "The minister attended the party in Downing Street",
                (Some("The minister"), Some("the Minister"))
            ),
            "contradicts"
        );
    }

    #[test]
    fn a_different_assertion_about_the_same_actors_is_only_related() {
        assert_eq!(
            relation(
                "Iran supplied Russia with drones",
                Stance::Asserts,
                "Iran supplied Russia with missiles",
                Stance::Asserts
            ),
            "related"
        );
        assert_eq!(
            relation(
                "The WHO declared mpox a global health emergency in 2022",
                Stance::Asserts,
                "The WHO declared mpox a global health emergency in 2024",
                Stance::Asserts
            ),
            "related"
        );
        assert_eq!(
            relation(
                "Denmark closed its Nord Stream investigation",
                Stance::Asserts,
                "Sweden closed its Nord Stream investigation",
                Stance::Asserts
            ),
            "related"
        );
    }

    #[test]
    fn other_names_for_the_same_place_or_body_make_a_duplicate() {
        assert_eq!(
            relation(
                "The Islamic Republic sent Moscow ballistic missiles",
                Stance::Asserts,
                ALLEGATION,
                Stance::Asserts
            ),
            "duplicates"
        );
        assert_eq!(
            relation(
                "The World Health Organization declared a pandemic in March 2020",
                Stance::Asserts,
                "The WHO declared Covid-19 a pandemic in March 2020",
                Stance::Asserts
            ),
            "duplicates"
        );
    }

    #[test]
    fn incompatible_amounts_and_opposite_facts_contradict_and_different_matters_relate_not() {
        assert_eq!(
            relation(
                "Close to 600 people were killed in the strike on the theatre",
                Stance::Asserts,
                "About 300 people died in the strike on the theatre",
                Stance::Asserts
            ),
            "contradicts"
        );
        assert_eq!(
            relation(
                "The island's defenders are alive",
                Stance::Asserts,
                "The island's defenders were killed",
                Stance::Asserts
            ),
            "contradicts"
        );
        assert_eq!(
            relation(
                "Floods in Valencia killed more than 220 people after a storm in October",
                Stance::Asserts,
                "Valencia fans racially abused a Brazilian forward during a league match in May",
                Stance::Asserts
            ),
            "none"
        );
    }

    #[test]
    fn evidence_supports_the_broader_claim_in_its_direction_only() {
        let evidence =
            "Satellite images showed launchers at a Russian base holding Iranian missiles";
        assert_eq!(
            relation(evidence, Stance::Asserts, ALLEGATION, Stance::Asserts),
            "supports"
        );
        assert_ne!(
            relation(ALLEGATION, Stance::Asserts, evidence, Stance::Asserts),
            "supports"
        );
    }

    /// The relation alone, or "none", with the two claims' cosine.
    fn relation_at(query: &str, other: &str, other_stance: Stance, cosine: Option<f64>) -> String {
        let (a, b) = (analyze(query), analyze(other));
        relate_with(
            &a,
            Stance::Asserts,
            &b,
            other_stance,
            PairFacts::new(cosine, (None, None)),
            &SIMILARITY,
        )
        .0
        .map_or("none".into(), |r| r.to_string())
    }

    #[test]
    fn a_low_cosine_means_different_matters_whatever_the_words() {
        let (a, b) = (
            "The Met fined the prime minister over a party in Downing Street",
            "The Met recorded the hottest day in England, above 40C",
        );
        assert_ne!(relation_at(a, b, Stance::Asserts, None), "none");
        assert_eq!(relation_at(a, b, Stance::Asserts, Some(0.15)), "none");
        let (a, b) = (
            "Iran supplied Russia with missiles",
            "Iran supplied Russia with missiles last spring",
        );
        assert_eq!(relation_at(a, b, Stance::Asserts, Some(0.9)), "duplicates");
    }

    #[test]
    fn a_high_cosine_makes_a_paraphrase_a_duplicate_unless_something_is_substituted() {
        // One word in common: nothing on the words alone, the same assertion by the cosine.
        let (a, b) = (
            "The watchdog fined the bank over hidden trading losses last spring",
            "Regulators fined the lender for concealing its derivative exposure from investors",
        );
        assert_eq!(relation_at(a, b, Stance::Asserts, None), "none");
        assert_eq!(relation_at(a, b, Stance::Asserts, Some(0.5)), "none");
        assert_eq!(relation_at(a, b, Stance::Asserts, Some(0.7)), "duplicates");
        // The same actors in another year: still only related, however close the cosine.
        let (a, b) = (
            "The watchdog fined the bank over hidden trading losses in 2021",
            "Regulators fined the lender for concealing its derivative exposure in 2023",
        );
        assert_eq!(relation_at(a, b, Stance::Asserts, Some(0.8)), "related");
    }

    #[test]
    fn in_headline_case_a_capital_does_not_make_a_name() {
        let headline = analyze("Bernie Sanders Publicly Attacks Nominee Over Religious Beliefs");
        assert!(headline.entities.is_empty(), "{headline:?}");
        assert!(headline.name_of.is_empty(), "{headline:?}");
        let sentence = analyze("Bernie Sanders publicly attacked a nominee over religious beliefs");
        assert!(sentence.entities.contains("sander"), "{sentence:?}");
        // Read as names, "Publicly Attacks Nominee" would be names put in the place of the
        // claim's "Senator Bernie".
        assert_eq!(
            relation_at(
                "Sanders Publicly Attacks Nominee Over Religious Beliefs, Says Christianity Insults Muslims",
                "Senator Bernie Sanders publicly attacks a nominee over religious beliefs",
                Stance::Asserts,
                None
            ),
            "duplicates"
        );
    }

    #[test]
    fn a_first_name_is_the_same_person_as_the_surname_alone() {
        // "Albert" is not a name put in the place of Carl Sagan's: the same quotation.
        let (quote, attributed) = (
            "Einstein knew we are slowed down sound and light waves walking the cosmos, as Carl Sagan put it",
            "Albert Einstein knew we are slowed down sound and light waves walking the cosmos",
        );
        assert_eq!(
            relation_at(quote, attributed, Stance::Asserts, None),
            "duplicates"
        );
        // Another person in the place of the first is a substitution.
        assert_eq!(
            relation_at(
                "Albert Einstein knew we are slowed down sound and light waves walking the cosmos",
                "Niels Bohr knew we are slowed down sound and light waves walking the cosmos",
                Stance::Asserts,
                None
            ),
            "related"
        );
    }

    #[test]
    fn a_cosine_alone_never_makes_a_contradiction_and_the_reason_shows_it() {
        let (claim, denial) = (
            "Officials manipulated the waiting list statistics before the election",
            "The ministry rejected reports that hospital data were massaged",
        );
        // Nothing shared for the denial to hold: a cosine alone never makes a contradiction.
        assert_eq!(relation_at(claim, denial, Stance::Asserts, None), "none");
        assert_ne!(
            relation_at(claim, denial, Stance::Asserts, Some(0.7)),
            "contradicts"
        );
        let (a, b) = (analyze(claim), analyze(denial));
        let (_, reason) = relate_with(
            &a,
            Stance::Asserts,
            &b,
            Stance::Asserts,
            PairFacts::new(Some(0.7), (None, None)),
            &SIMILARITY,
        );
        assert!(reason.ends_with("; similarity 0.70"), "{reason}");
    }

    #[test]
    fn the_model_reads_a_post_without_its_links_hashtag_signs_or_handle_signs() {
        // These are the stored vectors' input: when one changes, so must MEANING_TEXT_VERSION.
        assert_eq!(
            MEANING_TEXT_VERSION, 1,
            "the version these answers belong to"
        );
        assert_eq!(
            meaning_text(
                "The US drone attack on #Soleimani caught on camera.#IranUsapic.twitter.com/Tv \
                 https://t.co/x — Olaudah (@RealOlaudah) January 6, 2020"
            ),
            "The US drone attack on Soleimani caught on camera.#IranUsa — Olaudah \
             (@RealOlaudah) January 6, 2020"
        );
        assert_eq!(
            meaning_text("#AustralianFires spread"),
            "Australian Fires spread"
        );
        assert_eq!(meaning_text("@IlhanMN said so"), "IlhanMN said so");
        // Nothing to leave out: the text itself, spacing and all.
        assert_eq!(
            meaning_text("Iran  supplied Russia"),
            "Iran  supplied Russia"
        );
        assert_eq!(meaning_text("https://t.co/x"), "https://t.co/x");
    }

    #[test]
    fn analysis_drops_reporting_verbs_and_links_and_finds_names() {
        let a = analyze(
            "Officials said Tehran sent 200 missiles pic.twitter.com/abc https://t.co/x — Reuters (@Reuters)",
        );
        assert!(
            !a.concepts
                .iter()
                .any(|c| c == "said" || c.starts_with("http")),
            "{a:?}"
        );
        assert!(
            a.entities.contains("iran") && a.entities.contains("200"),
            "{a:?}"
        );
        assert!(a.reading.cues.is_empty(), "{a:?}");
        // A colon after a word is punctuation, not part of it.
        let a = analyze("Einstein: we are waves");
        assert!(a.entities.contains("einstein"), "{a:?}");
        let cues = analyze("Iran didn't supply arms").reading.cues;
        assert_eq!(
            cues.iter().map(|c| c.words.as_str()).collect::<Vec<_>>(),
            ["iran didn't supply"]
        );
        let query = fts_query(&analyze("Iran supplied missiles")).unwrap();
        assert_eq!(query, "\"iran\" OR \"missiles\" OR \"supplied\"");
        assert_eq!(
            fts_query(&analyze("Tehran")).unwrap(),
            "\"iran\" OR \"tehran\""
        );
    }

    #[test]
    fn hashtags_and_handles_count_as_their_words() {
        let a = analyze("#StopTheSteal rally, tweeted @realDonaldTrump");
        for word in ["stop", "steal", "donald", "trump", "ralli"] {
            assert!(
                a.concepts.iter().any(|c| c == word),
                "{word} missing from {:?}",
                a.concepts
            );
        }
    }
}
