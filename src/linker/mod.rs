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
    /// The words that make the text a denial or a negation, if any ("has not", "denied").
    pub negation: Option<String>,
    /// Content words as written, by their concept, to explain a match.
    pub surface: HashMap<String, String>,
    /// The words to look the text up with in the full-text index.
    pub search_terms: BTreeSet<String>,
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
    .map(|w| w.trim_matches(|c: char| c == '\'' || c == '’'))
    .map(|w| {
        w.strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w)
    })
    .filter(|w| !w.is_empty())
    .flat_map(camel_case_parts)
    .collect()
}

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
    let mut out = Analyzed::default();
    let text = lexicon::with_phrase_aliases(text);
    let words = words(&text);
    let mut previous: Option<String> = None;
    for (i, word) in words.iter().enumerate() {
        let lower = word.to_lowercase();
        let lower = lower.replace('’', "'");
        if lexicon::is_negation(&lower) {
            let cue = &lower;
            if out.negation.is_none() {
                // Show the cue with the word it negates ("has not provided").
                let before = if i > 0 {
                    format!("{} ", words[i - 1])
                } else {
                    String::new()
                };
                let after = words
                    .get(i + 1)
                    .map(|w| format!(" {w}"))
                    .unwrap_or_default();
                out.negation = Some(format!("{before}{cue}{after}").trim().to_lowercase());
            }
            previous = None;
            continue;
        }
        if lexicon::is_stopword(&lower) || is_reporting_word(&lower) {
            previous = None;
            continue;
        }
        let is_number = lower.chars().all(|c| c.is_ascii_digit() || c == ',');
        let is_name = word.chars().next().is_some_and(char::is_uppercase);
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
    pub id: String,
    pub text: String,
    /// What else the claim is known by (its evidence's notes and quotes).
    pub context: Option<String>,
    pub claimant: Option<String>,
    pub stance: Stance,
    /// When the claim was made (`YYYY-MM-DD`), if known.
    pub date: Option<String>,
    /// FTS5's BM25 (higher is better here: the store negates SQLite's rank).
    pub bm25: f64,
}

/// The side a claim takes on what it says: true when it denies or negates it.
fn negated(analyzed: &Analyzed, stance: Stance) -> bool {
    analyzed.negation.is_some() != (stance == Stance::Denies)
}

/// A proposed link from the query to a candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub id: String,
    pub text: String,
    pub claimant: Option<String>,
    pub relation: Relation,
    /// 0 to 1: how likely the two make the same assertion (or its denial).
    pub score: f64,
    pub reason: String,
}

/// How much each signal counts. Tuned on the CheckThat! 2022 Train split (grid search; see
/// `docs/BENCHMARKS.md`): concept overlap and shared word pairs earn their keep on top of BM25;
/// shared names and numbers did not (they are still what `relate` asks two claims to share).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub bm25: f64,
    pub concepts: f64,
    pub pairs: f64,
    pub entities: f64,
}

pub const WEIGHTS: Weights = Weights {
    bm25: 1.0,
    concepts: 1.0,
    pairs: 0.5,
    entities: 0.0,
};

/// Overlap (see [`overlap`]) at or above which a same-side pair is proposed as `duplicates`.
pub const DUPLICATE_OVERLAP: f64 = 0.5;
/// Overlap at or above which a same-side pair sharing a name is proposed as `supports`.
pub const SUPPORT_OVERLAP: f64 = 0.3;
/// Overlap at or above which an opposite-side pair sharing a name is proposed as
/// `contradicts`: a denial rarely repeats the allegation's words ("has not provided weapons"
/// answers "supplied … ballistic missiles"), so the bar is lower.
pub const CONTRADICTION_OVERLAP: f64 = 0.15;

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

/// Ranks candidates for a query and proposes a relation for each, best first.
/// What a candidate that only shares a topic (`related`) keeps of its score.
pub const RELATED_FACTOR: f64 = 0.9;

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
    pub candidate: &'a Candidate,
    pub text: Analyzed,
    pub context: Analyzed,
    /// The concepts of text and context, each once, with their damped counts.
    counts: Vec<(String, f64)>,
}

impl<'a> AnalyzedCandidate<'a> {
    pub fn new(candidate: &'a Candidate) -> Self {
        let text = analyze(&candidate.text);
        let context = analyze(candidate.context.as_deref().unwrap_or_default());
        let counts = damped_counts(text.concepts.iter().chain(&context.concepts))
            .into_iter()
            .map(|(c, tf)| (c.to_string(), tf))
            .collect();
        AnalyzedCandidate {
            candidate,
            text,
            context,
            counts,
        }
    }
}

/// A claim as the linker compares it with others: what its text says, how its claimant holds
/// it, who that is, and when it was made (`YYYY-MM-DD`), if known.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub text: &'a Analyzed,
    pub stance: Stance,
    pub claimant: Option<&'a str>,
    pub date: Option<&'a str>,
}

/// The linker's verdict on one pair: the relation it proposes from the query to the other claim
/// (none when nothing relates them), how strong the match is, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    pub relation: Option<Relation>,
    pub score: f64,
    pub reason: String,
}

/// Ranks candidates for a query and proposes a relation for each, best first; candidates that
/// nothing relates to the query are left out.
pub fn rank(query: &Query, candidates: &[Candidate], weights: Weights) -> Vec<Proposal> {
    let analyzed: Vec<AnalyzedCandidate> = candidates.iter().map(AnalyzedCandidate::new).collect();
    rank_analyzed(query, &analyzed, weights)
}

/// The relation, score and reason the linker gives one pair: `candidate` judged alone against
/// the query, with its BM25 taken as the best.
pub fn judge(query: &Query, candidate: &Candidate) -> Judgement {
    let analyzed = [AnalyzedCandidate::new(candidate)];
    let (relation, score, reason) = score_all(query, &analyzed, WEIGHTS)
        .pop()
        .expect("one candidate, one judgement");
    Judgement {
        relation,
        score: (score * 100.0).round() / 100.0,
        reason,
    }
}

/// [`rank`], on candidates analyzed beforehand.
pub fn rank_analyzed(
    query: &Query,
    analyzed: &[AnalyzedCandidate],
    weights: Weights,
) -> Vec<Proposal> {
    let mut proposals: Vec<Proposal> = score_all(query, analyzed, weights)
        .into_iter()
        .zip(analyzed)
        .filter_map(|((relation, score, reason), a)| {
            Some(Proposal {
                id: a.candidate.id.clone(),
                text: a.candidate.text.clone(),
                claimant: a.candidate.claimant.clone(),
                relation: relation?,
                score,
                reason,
            })
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
    let query_vector = vector(query.text.concepts.iter(), &weight);
    let query_norm = query_vector.values().map(|v| v * v).sum::<f64>().sqrt();
    let best_bm25 = analyzed
        .iter()
        .map(|a| a.candidate.bm25)
        .fold(f64::MIN, f64::max)
        .max(f64::EPSILON);
    let total = weights.bm25 + weights.concepts + weights.pairs + weights.entities;
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
            let mut score = (weights.bm25 * bm25
                + weights.concepts * concepts
                + weights.pairs * pairs
                + weights.entities * entities)
                / total;
            let (relation, mut reason) = relate(query.text, query.stance, text, candidate.stance);
            if relation == Some(Relation::Related) {
                // Sharing a topic but no assertion is the weakest kind of match.
                score *= RELATED_FACTOR;
            }
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

/// The relation a query proposes to another claim, and why: from the sides they take (a
/// negation, a denial verb or a `denies` stance on one side only is a contradiction) and how much
/// of the same assertion they share.
pub fn relate(
    query: &Analyzed,
    query_stance: Stance,
    other: &Analyzed,
    other_stance: Stance,
) -> (Option<Relation>, String) {
    let shared = shared_words(query, other);
    let shared_part = if shared.is_empty() {
        String::new()
    } else {
        format!("shared: {}", shared.join(", "))
    };
    let with = |first: String| -> String {
        [first, shared_part.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let shared_name = query.entities.iter().any(|e| other.entities.contains(e));
    let overlap = overlap(query, other);
    if query_stance == Stance::Questions || other_stance == Stance::Questions {
        return (Some(Relation::Related), with("one side only asks".into()));
    }
    let (mine, theirs) = (negated(query, query_stance), negated(other, other_stance));
    if mine != theirs && shared_name && overlap >= CONTRADICTION_OVERLAP {
        let describe = |a: &Analyzed, stance: Stance| match (&a.negation, stance) {
            (Some(cue), Stance::Denies) => format!("'{cue}', denied"),
            (Some(cue), _) => format!("'{cue}'"),
            (None, Stance::Denies) => "stance denies".to_string(),
            (None, _) => "asserted".to_string(),
        };
        let cue = format!(
            "negation: {} vs {}",
            describe(query, query_stance),
            describe(other, other_stance)
        );
        return (Some(Relation::Contradicts), with(cue));
    }
    if mine == theirs && overlap >= DUPLICATE_OVERLAP {
        return (
            Some(Relation::Duplicates),
            with("same assertion, same side".into()),
        );
    }
    if mine == theirs && shared_name && overlap >= SUPPORT_OVERLAP {
        return (
            Some(Relation::Supports),
            with("overlapping assertion, same side".into()),
        );
    }
    (
        Some(Relation::Related),
        with("same topic, different assertion".into()),
    )
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
        };
        let text = analyze(query);
        let query = Query {
            text: &text,
            stance: query_stance,
            claimant: None,
            date: None,
        };
        let judged = judge(&query, &candidate);
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
        assert_eq!(a.negation, None);
        assert_eq!(
            analyze("Iran didn't supply arms").negation.as_deref(),
            Some("iran didn't supply")
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
