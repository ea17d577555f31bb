//! How a claim holds what it says: whether it reverses it (a negation that scopes over the
//! assertion, a denial verb aimed at a claim, a word that calls a claim false), only asks or
//! hedges it, or offers evidence for something broader; and the quantities it states. Pure
//! reading of one text's words: it knows nothing of the claim it will be compared with (that is
//! [`super::relate`]'s job) and holds no lexicon of topics.
//!
//! The rules are about English news style, not about particular claims:
//! - "no" or "not" inside a name, a hyphenated term or an idiom ("Tamamo-no-Mae", "no-fly zone",
//!   "No 10", "Not My King", "no doubt") negates nothing;
//! - "not only … but also" adds, it does not reverse; "no one has … less … than" is a superlative;
//! - "not X but Y", "Y, not X", "Y rather than X" reverse only X: the words in scope are kept, so
//!   the comparison can ask whether the shared assertion is X or Y;
//! - "would not deny", "could not rule out", "too early to rule out" and questions hedge: they
//!   neither assert nor deny;
//! - "reject" and "dismiss" deny only when aimed at a claim ("rejected claims that …", "dismissed
//!   reports", "rejected any role"), not at a call or a plan ("rejected calls for a no-fly zone");
//! - a refusal or an inability ("would not sell", "could not verify") denies no fact; nor does a
//!   negation about the writer or the reader ("I didn't know", "you don't have to") or a command
//!   ("Don't forget …", "Please don't share …"), nor one in a clause giving a reason, a time or
//!   a condition ("… because the council wasn't doing it"); "lie on the floor" is the verb, not
//!   a falsehood; "not fake" and "not a lie" cancel out; "abstain from", "cease" and
//!   "stop" negate what follows; a negated "exist" or "happen" takes the whole text;
//! - a negation's scope ends with its clause (punctuation, "but", "before", "because", …); every
//!   cue remembers its sentence, so that in a tweet or a paragraph only the sentences about what
//!   two texts share can reverse it. A tweet's signature ("— Name (@handle) date") is not read;
//! - a negation remembers the predicate it reverses (`Cue::predicate`: "had not *provided*",
//!   "cease the *supply*"), so that one speaker's other claims are reversed only when they assert
//!   that predicate;
//! - every negation, reversing or not, leaves the words it negates (`Reading::negated`), so that
//!   the comparison can tell a negation both texts hold ("he had 'no empathy'" / "I have no
//!   empathy") from a side one of them takes.

use std::collections::HashSet;

/// A word (or phrase) that reverses what a text asserts, with the concepts it scopes over.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// The words as written ("has not provided", "denied", "a lie").
    pub words: String,
    /// Stemmed content words the reversal covers; empty when it covers the whole text (a
    /// denial verb, "… are false").
    pub scope: HashSet<String>,
    /// A contrast ("not X but Y", "Y, not X", "Y rather than X"): only X is reversed, so the
    /// cue counts only when what two claims share is in X.
    pub contrast: bool,
    /// Concepts of the text outside the scope, for telling whether a shared concept is only in
    /// X.
    pub outside: HashSet<String>,
    /// The concepts of the predicate a negation reverses — the verb it negates ("had not
    /// *provided*", "never *sent*") or the act a negative verb stops ("cease the *supply*") —
    /// when one is found; empty for a negated copula ("was not at the party") or a noun ("no
    /// evidence"), whose whole scope is reversed. Such a cue reverses only a text that shares
    /// the predicate: "Iran had not provided weapons to either side of the conflict" says
    /// nothing against "Iran's position on the conflict remains unchanged".
    pub predicate: HashSet<String>,
    /// Concepts of the sentence the cue is in: a cue that covers the whole text counts only
    /// when its sentence is about what the two texts share (a tweet's "fake news" in another
    /// sentence denies nothing of the claim).
    pub sentence: HashSet<String>,
    /// The token the cue starts at.
    at: usize,
}

/// What [`read`] finds in a text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// Cues that reverse the assertion (or the part of it they scope over).
    pub cues: Vec<Cue>,
    /// A question or a hedge: the text neither asserts nor denies.
    pub hedge: Option<String>,
    /// Words that present the text as evidence (a finding, a recording, a test).
    pub evidence: Option<String>,
    /// Quantities the text states: (value, the word that says what is counted).
    pub quantities: Vec<(f64, String)>,
    /// Years the text mentions.
    pub years: Vec<i32>,
    /// Concepts any negation in the text is followed by in its clause, whether or not it
    /// reverses the text's assertion ("I have no empathy", "Do not fear the enemy", "no
    /// longer"): a negation both texts hold is part of what they share, not a side.
    pub negated: HashSet<String>,
    /// How many sentences the text has.
    pub sentences: usize,
    /// The first word that reads as the text's main verb ("convicted", "won", "supplied"), as
    /// its concepts, if one is found: two texts whose main verbs differ assert different things.
    pub main_verb: Option<(String, Vec<String>)>,
}

/// Past tenses that do not end in "-ed", and verbs news claims are made of.
const IRREGULAR_VERBS: &[&str] = &[
    "won", "sent", "took", "made", "went", "became", "began", "sank", "shot", "fell", "left",
    "gave", "sold", "got", "hit", "led", "ran", "met", "paid", "found", "held", "kept", "lost",
    "struck", "brought", "bought", "fled", "fought", "beat", "knew", "grew", "rose", "stole",
    "wrote", "caused", "causes", "wants", "owns", "contain", "contains", "has", "is", "was",
    "were", "are",
];

/// Words that only help another verb.
const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "is", "was", "were", "are", "be", "been", "being", "did", "does", "do",
    "will", "would", "could", "can", "may", "might", "should", "must",
];

/// Words that reverse what follows them in their clause.
const NOT_WORDS: &[&str] = &[
    "not", "no", "never", "none", "nor", "neither", "nobody", "nothing", "cannot",
];

/// Verbs that deny whatever they are aimed at.
const DENIAL_VERBS: &[&str] = &[
    "deny", "denies", "denied", "denying", "denial", "denials", "refute", "refutes", "refuted",
    "rebut", "rebuts", "rebutted", "disputes", "disputed",
];

/// Verbs that deny only when aimed at a claim ([`CLAIM_NOUNS`], "that", "any").
const AIMED_DENIAL_VERBS: &[&str] = &[
    "reject",
    "rejects",
    "rejected",
    "rejecting",
    "dismiss",
    "dismisses",
    "dismissed",
    "dismissing",
];

/// What a denial verb can be aimed at for it to deny a claim.
const CLAIM_NOUNS: &[&str] = &[
    "claim",
    "claims",
    "allegation",
    "allegations",
    "accusation",
    "accusations",
    "report",
    "reports",
    "assessment",
    "assessments",
    "suggestion",
    "suggestions",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "charge",
    "charges",
    "assertion",
    "assertions",
    "any",
    "all",
    "responsibility",
    "involvement",
    "role",
    "findings",
    "story",
    "stories",
];

/// Words that call a claim false (or say there is nothing to it).
const FALSITY_WORDS: &[&str] = &[
    "false",
    "untrue",
    "lie",
    "lies",
    "baseless",
    "groundless",
    "unfounded",
    "fake",
    "hoax",
    "debunked",
    "fiction",
    "fabricated",
    "fabrication",
    "staged",
    "nonsense",
    "myth",
    "impossible",
    "unlikely",
    "misinformation",
    "disinformation",
];

/// Idioms where a negation word negates nothing.
const IDIOMS: &[&[&str]] = &[
    &["no", "doubt"],
    &["no", "wonder"],
    &["no", "less", "than"],
    &["no", "more", "than"],
    &["no", "fewer", "than"],
    &["not", "least"],
    &["not", "only"],
    &["nothing", "but"],
    &["none", "other", "than"],
    &["no", "sooner"],
    &["not", "unlike"],
];

/// Phrases that hedge: the text neither asserts nor denies.
const HEDGES: &[&[&str]] = &[
    &["not", "deny"],
    &["not", "denied"],
    &["n't", "deny"],
    &["rule", "out"],
    &["ruled", "out"],
    &["too", "early"],
    &["not", "confirm"],
    &["neither", "confirm"],
    &["whether"],
];

/// Words that present a text as evidence for something broader.
const EVIDENCE_WORDS: &[&str] = &[
    "showed",
    "shows",
    "show",
    "shown",
    "found",
    "finds",
    "traced",
    "recorded",
    "records",
    "recordings",
    "testified",
    "verified",
    "confirmed",
    "images",
    "video",
    "footage",
    "photos",
    "data",
    "tests",
    "audit",
    "documents",
    "indicted",
    "captured",
    "reported",
];

/// Verbs that mean not doing what follows them.
const NEGATIVE_VERBS: &[&str] = &[
    "abstain",
    "abstains",
    "abstained",
    "refrain",
    "refrains",
    "refrained",
    "cease",
    "ceased",
    "ceases",
    "stop",
    "stopped",
    "stops",
    "halt",
    "halted",
    "halts",
];

/// Verbs that, negated, deny the whole text ("the money does not exist").
const EXISTENCE: &[&str] = &[
    "exist", "exists", "existed", "happen", "happened", "happens", "occur", "occurred", "real",
    "true",
];

/// A token of a text: its words lower-cased, compounds kept whole, punctuation on its own.
#[derive(Debug, Clone)]
struct Token {
    lower: String,
    capitalised: bool,
    /// Written in capitals ("NOT"): emphasis, not a name.
    shouted: bool,
    /// Part of a hyphenated compound ("no-fly").
    compound: bool,
    /// Punctuation that ends a clause (`,` `;` `:` `.` `?` `!` `—`).
    boundary: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        let w = word.trim_matches(|c: char| c == '\'' || c == '’' || c == '-');
        if !w.is_empty() {
            let compound = w.contains('-');
            for part in w.split('-').filter(|p| !p.is_empty()) {
                out.push(Token {
                    lower: part.to_lowercase().replace('’', "'"),
                    capitalised: part.chars().next().is_some_and(char::is_uppercase),
                    shouted: part.chars().count() > 1
                        && part.chars().all(|c| !c.is_lowercase())
                        && part.chars().any(char::is_uppercase),
                    compound,
                    boundary: false,
                });
            }
        }
        word.clear();
    };
    for c in text.chars() {
        // A full stop after a digit may be a decimal point ("99.3%"); see below.
        let decimal = c == '.' && word.chars().last().is_some_and(|l| l.is_ascii_digit());
        if c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '%' | '£' | '$' | '€') || decimal
        {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            if matches!(c, ',' | ';' | ':' | '.' | '?' | '!' | '—' | '(' | ')') {
                out.push(Token {
                    lower: c.to_string(),
                    capitalised: false,
                    shouted: false,
                    compound: false,
                    boundary: true,
                });
            }
        }
    }
    flush(&mut word, &mut out);
    // A number's trailing full stop ("in 2019.") is the sentence's.
    for t in &mut out {
        if t.lower.ends_with('.') && t.lower.len() > 1 {
            t.lower.pop();
        }
    }
    out
}

fn starts_with(tokens: &[Token], at: usize, phrase: &[&str]) -> bool {
    phrase
        .iter()
        .enumerate()
        .all(|(k, w)| tokens.get(at + k).is_some_and(|t| t.lower == *w))
}

/// Whether a negation word at `i` is a real one: not part of a name, a compound or an idiom.
fn negates(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    let first_of_sentence = i == 0 || tokens[i - 1].boundary && tokens[i - 1].lower != ",";
    // In a name: capitalised mid-sentence, or followed by capitalised words ("Not My King").
    let next_capitalised = tokens.get(i + 1).is_some_and(|n| n.capitalised)
        && tokens
            .get(i + 2)
            .is_none_or(|n| n.capitalised || n.boundary);
    if t.compound || (t.capitalised && !t.shouted && (!first_of_sentence || next_capitalised)) {
        return false;
    }
    // "I didn't know", "you don't have to", "we never": about the writer or the reader, not
    // the claim; "Don't forget", "Do not open": a command, which denies nothing.
    let before = i.checked_sub(1).map(|b| tokens[b].lower.as_str());
    let before2 = i.checked_sub(2).map(|b| tokens[b].lower.as_str());
    let personal = |w: Option<&str>| matches!(w, Some("i" | "you" | "we" | "y'all" | "ya"));
    if personal(before)
        || (matches!(before, Some("do" | "did" | "have" | "am" | "are")) && personal(before2))
    {
        return false;
    }
    let imperative = (first_of_sentence && matches!(t.lower.as_str(), "don't" | "dont"))
        || (t.lower == "not"
            && i >= 1
            && tokens[i - 1].lower == "do"
            && (i == 1 || tokens[i - 2].boundary && tokens[i - 2].lower != ","))
        || before == Some("please")
        || (before == Some("do") && before2 == Some("please"));
    if imperative {
        return false;
    }
    if tokens
        .get(i + 1)
        .is_some_and(|n| n.lower.chars().all(|c| c.is_ascii_digit()))
    {
        return false; // "No 10"
    }
    if IDIOMS.iter().any(|idiom| starts_with(tokens, i, idiom)) {
        return false;
    }
    // "… because cities aren't taking responsibility", "when it did not rain": a negation in a
    // clause that gives a reason, a time or a condition does not reverse the main assertion.
    let clause_start = tokens[..i]
        .iter()
        .rposition(|t| t.boundary || CLAUSE_STARTS.contains(&t.lower.as_str()));
    if clause_start.is_some_and(|at| SUBORDINATORS.contains(&tokens[at].lower.as_str())) {
        return false;
    }
    // "No one has spent less time … than": a superlative, said the other way round.
    let clause_end = clause_end(tokens, i);
    let clause = &tokens[i + 1..clause_end];
    let comparative = clause.iter().any(|w| {
        matches!(
            w.lower.as_str(),
            "less" | "more" | "fewer" | "longer" | "shorter"
        ) || (w.lower.ends_with("er") && w.lower.len() > 4 && w.lower.starts_with("bigg"))
    });
    if matches!(t.lower.as_str(), "no" | "nobody" | "none" | "nothing")
        && comparative
        && clause.iter().any(|w| w.lower == "than")
    {
        return false;
    }
    true
}

/// Words that begin a new clause.
const CLAUSE_STARTS: &[&str] = &[
    "but", "before", "after", "when", "while", "although", "though", "since", "until", "whereas",
    "if", "because", "unless",
];

/// Words that begin a clause subordinate to the main assertion: a reason, a time, a
/// condition or a concession.
const SUBORDINATORS: &[&str] = &[
    "because", "since", "when", "while", "although", "though", "whereas", "if", "unless",
];

/// Where the clause holding token `i` ends (the next boundary, a word that begins another
/// clause, or the end).
fn clause_end(tokens: &[Token], i: usize) -> usize {
    tokens[i + 1..]
        .iter()
        .position(|t| (t.boundary && t.lower != "(") || CLAUSE_STARTS.contains(&t.lower.as_str()))
        .map(|p| i + 1 + p)
        .unwrap_or(tokens.len())
}

/// Reads a text: its reversing cues with their scopes, hedges, evidence words and quantities.
/// `concept` maps a lower-case word to the concepts the linker compares (its stem, its classes),
/// none for a word that carries no content.
pub fn read(text: &str, concept: &dyn Fn(&str) -> Vec<String>) -> Reading {
    let tokens = tokens(without_signature(text));
    let mut reading = Reading::default();
    let concepts = |range: &mut dyn Iterator<Item = &Token>| -> HashSet<String> {
        range
            .filter(|t| !t.boundary)
            .flat_map(|t| concept(&t.lower))
            .collect()
    };
    let sentence_end = |t: &Token| t.boundary && matches!(t.lower.as_str(), "." | "?" | "!" | ";");
    let cue = |words: String, from: usize, to: usize, contrast: bool| -> Cue {
        let from = from.min(to);
        let start = tokens[..from]
            .iter()
            .rposition(sentence_end)
            .map_or(0, |p| p + 1);
        let end = tokens[to..]
            .iter()
            .position(sentence_end)
            .map_or(tokens.len(), |p| to + p);
        Cue {
            words,
            scope: concepts(&mut tokens[from..to].iter()),
            predicate: HashSet::new(),
            contrast,
            outside: concepts(&mut tokens[..from].iter().chain(&tokens[to..])),
            sentence: concepts(&mut tokens[start..end].iter()),
            at: from.saturating_sub(1),
        }
    };
    if text.trim_end().ends_with('?') {
        reading.hedge = Some("a question".into());
    }
    let mut skip_until = 0;
    for i in 0..tokens.len() {
        let t = &tokens[i];
        if reading.hedge.is_none()
            && let Some(hedge) = HEDGES.iter().find(|h| starts_with(&tokens, i, h))
        {
            // "could not rule out", "would not deny": the negation belongs to the hedge.
            let before = if i > 0 && tokens[i - 1].lower == "not" {
                "not "
            } else {
                ""
            };
            if hedge.len() > 1 || hedge[0] == "whether" {
                reading.hedge = Some(format!("{before}{}", hedge.join(" ")));
                skip_until = i + hedge.len();
                continue;
            }
        }
        if i < skip_until || t.boundary {
            continue;
        }
        if reading.evidence.is_none() && EVIDENCE_WORDS.contains(&t.lower.as_str()) {
            reading.evidence = Some(t.lower.clone());
        }
        let word = t.lower.as_str();
        let is_not = NOT_WORDS.contains(&word) || (word.ends_with("n't") && word.len() > 3);
        if is_not || NEGATIVE_VERBS.contains(&word) {
            let end = clause_end(&tokens, i);
            reading
                .negated
                .extend(concepts(&mut tokens[i + 1..end].iter()));
        }
        // A hedge's own negation ("would not deny") is not a cue.
        if is_not && HEDGES.iter().any(|h| starts_with(&tokens, i + 1, h)) {
            continue;
        }
        // "would not sell", "will not attend": a refusal or intent, not a denial of a fact;
        // "could not verify", "cannot confirm": an inability, not a denial either.
        let refusal = i > 0
            && matches!(
                tokens[i - 1].lower.as_str(),
                "would" | "will" | "could" | "can"
            )
            || matches!(word, "won't" | "wouldn't" | "couldn't" | "can't" | "cannot");
        if is_not && !refusal && negates(&tokens, i) {
            if starts_with(&tokens, i, &["not", "only"]) {
                continue;
            }
            let end = clause_end(&tokens, i);
            let shown_from = i.saturating_sub(1);
            let shown = tokens[shown_from..(i + 2).min(tokens.len())]
                .iter()
                .filter(|t| !t.boundary)
                .map(|t| t.lower.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            // "not X but Y", "Y, not X": a contrast; otherwise ("no evidence that X", "has not
            // provided X") the negation reverses the assertion.
            let contrast = tokens.get(end).is_some_and(|t| t.lower == "but")
                || (i > 0 && tokens[i - 1].lower == ",");
            // "X does not exist", "it never happened": the negation takes the whole text.
            let whole = tokens[i + 1..end]
                .iter()
                .any(|t| EXISTENCE.contains(&t.lower.as_str()));
            if whole && !contrast {
                reading.cues.push(cue(shown, i, i, false));
            } else {
                let mut negation = cue(shown, i + 1, end, contrast);
                if let Some(verb) = negated_verb(&tokens, i, end) {
                    negation.predicate = concept(verb).into_iter().collect();
                }
                reading.cues.push(negation);
            }
            continue;
        }
        if word == "rather" && tokens.get(i + 1).is_some_and(|n| n.lower == "than") {
            let end = clause_end(&tokens, i + 1);
            reading
                .cues
                .push(cue("rather than".into(), i + 2, end, true));
            continue;
        }
        if word == "instead" && tokens.get(i + 1).is_some_and(|n| n.lower == "of") {
            let end = clause_end(&tokens, i + 1);
            reading
                .cues
                .push(cue("instead of".into(), i + 2, end, true));
            continue;
        }
        // "abstain from X", "cease X", "refrain from X": verbs that mean not doing what follows.
        if NEGATIVE_VERBS.contains(&word) {
            let end = clause_end(&tokens, i);
            let mut stop = cue(word.to_string(), i + 1, end, false);
            // What it stops: the first word with content ("cease the supply of weapons").
            stop.predicate = tokens[i + 1..end]
                .iter()
                .map(|t| concept(&t.lower))
                .find(|c| !c.is_empty())
                .unwrap_or_default()
                .into_iter()
                .collect();
            reading.cues.push(stop);
            continue;
        }
        if matches!(word, "fell" | "falls" | "fall" | "falling")
            && tokens.get(i + 1).is_some_and(|n| n.lower == "short")
        {
            let end = clause_end(&tokens, i + 1);
            reading
                .cues
                .push(cue(format!("{word} short"), i + 2, end, false));
            continue;
        }
        let aimed = || {
            tokens.get(i + 1).is_some_and(|t| t.lower == "that")
                || tokens[i + 1..(i + 5).min(tokens.len())]
                    .iter()
                    .take_while(|t| !t.boundary)
                    .any(|t| CLAIM_NOUNS.contains(&t.lower.as_str()))
        };
        if DENIAL_VERBS.contains(&word) || (AIMED_DENIAL_VERBS.contains(&word) && aimed()) {
            reading.cues.push(cue(word.to_string(), i, i, false));
            continue;
        }
        // "forced to lie on a pile of coats": the verb, not a falsehood.
        let lying_down = matches!(word, "lie" | "lies")
            && (i > 0 && tokens[i - 1].lower == "to"
                || tokens.get(i + 1).is_some_and(|n| {
                    matches!(
                        n.lower.as_str(),
                        "on" | "in" | "down" | "low" | "still" | "awake"
                    )
                }));
        if FALSITY_WORDS.contains(&word) && !lying_down {
            // "not fake", "not a lie", "not unlikely": the two cancel out.
            let negated = (i.saturating_sub(2)..i).any(|b| {
                NOT_WORDS.contains(&tokens[b].lower.as_str()) || tokens[b].lower.ends_with("n't")
            });
            if negated {
                reading.cues.retain(|c| c.at + 3 < i);
                continue;
            }
            reading.cues.push(cue(word.to_string(), i, i, false));
            continue;
        }
        if let Some(quantity) = quantity(&tokens, i) {
            reading.quantities.push(quantity);
        }
        if let Ok(year) = word.parse::<i32>()
            && (1900..=2100).contains(&year)
        {
            reading.years.push(year);
        }
    }
    reading.main_verb = main_verb(&tokens, concept);
    reading.sentences = 1 + tokens
        .iter()
        .enumerate()
        .filter(|(k, t)| sentence_end(t) && *k + 1 < tokens.len())
        .count();
    reading
}

/// The verb a negation word at `i` negates, within its clause (which ends at `end`): the first
/// word after any auxiliaries and adverbs, when it is a past tense or participle ("had not
/// *provided*", "has not been *found*", "never *sent*"), a present participle ("is not
/// *sending*"), or a bare verb after "do" ("did not *send*", "doesn't *cause*"). None when the
/// negation is of a copula's complement ("was not at the party") or of a noun ("no evidence").
fn negated_verb(tokens: &[Token], i: usize, end: usize) -> Option<&str> {
    let word = tokens[i].lower.as_str();
    let mut do_support = matches!(
        word,
        "don't" | "doesn't" | "didn't" | "dont" | "doesnt" | "didnt"
    ) || (i > 0
        && matches!(tokens[i - 1].lower.as_str(), "do" | "does" | "did"));
    for t in &tokens[i + 1..end] {
        let w = t.lower.as_str();
        if ADVERBS_BEFORE_A_VERB.contains(&w) {
            continue;
        }
        if AUXILIARIES.contains(&w) {
            do_support |= matches!(w, "do" | "does" | "did");
            continue;
        }
        // (Copulas are auxiliaries, skipped above: what follows one is its complement.)
        let verb_like = (w.ends_with("ed") && w.len() > 4)
            || (w.ends_with("ing") && w.len() > 5)
            || IRREGULAR_VERBS.contains(&w)
            || do_support;
        return verb_like.then_some(w);
    }
    None
}

/// Adverbs that may stand between a negation and the verb it negates.
const ADVERBS_BEFORE_A_VERB: &[&str] = &[
    "yet",
    "ever",
    "even",
    "actually",
    "really",
    "directly",
    "knowingly",
    "officially",
    "once",
    "always",
    "also",
    "personally",
    "intentionally",
    "deliberately",
];

/// The first verb-like word after the first word: a past tense ("-ed" or irregular) or a verb
/// news claims are made of, skipping auxiliaries unless nothing follows them; reporting verbs
/// and adjectives before a noun are not main verbs. Copulas ("was", "is") count as themselves.
fn main_verb(
    tokens: &[Token],
    concept: &dyn Fn(&str) -> Vec<String>,
) -> Option<(String, Vec<String>)> {
    let mut copula = None;
    for (i, t) in tokens.iter().enumerate().skip(1) {
        if t.boundary || t.capitalised || t.compound {
            continue;
        }
        let w = t.lower.as_str();
        if AUXILIARIES.contains(&w) {
            if copula.is_none() && matches!(w, "is" | "was" | "were" | "are") {
                copula = Some(i);
            }
            continue;
        }
        let verb_like = (w.ends_with("ed") && w.len() > 4) || IRREGULAR_VERBS.contains(&w);
        if !verb_like {
            continue;
        }
        let concepts = concept(w);
        if concepts.is_empty() {
            continue; // a reporting verb ("said") or a word with no content
        }
        return Some((w.to_string(), concepts));
    }
    copula.map(|i| (tokens[i].lower.clone(), vec!["be".to_string()]))
}

/// The text without a tweet's trailing signature ("— Name (@handle) July 4, 2019"), whose
/// display name may hold any word ("STRANGER THAN FICTION NEWS").
fn without_signature(text: &str) -> &str {
    match text.rfind(" — ") {
        Some(at) if text[at..].contains("(@") => &text[..at],
        _ => text,
    }
}

/// A number at token `i` with the word that says what it counts ("600 people", "99.3%",
/// "8 minutes"); years and ordinals are not quantities.
fn quantity(tokens: &[Token], i: usize) -> Option<(f64, String)> {
    let word = tokens[i].lower.as_str();
    let digits: String = word
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if digits.is_empty()
        || !word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || "£$€".contains(c))
    {
        return None;
    }
    let value: f64 = digits.trim_end_matches('.').parse().ok()?;
    if word.ends_with('%') {
        return Some((value, "%".into()));
    }
    if (1900.0..=2100.0).contains(&value) && !word.contains('.') {
        return None; // a year
    }
    let unit = tokens[i + 1..]
        .iter()
        .take(3)
        .take_while(|t| !t.boundary)
        .find(|t| {
            !matches!(
                t.lower.as_str(),
                "million" | "billion" | "bn" | "m" | "a" | "of" | "per"
            )
        })
        .map(|t| t.lower.trim_end_matches('s').to_string())?;
    Some((value, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(word: &str) -> Vec<String> {
        (word.len() > 2 && !matches!(word, "the" | "and" | "was" | "has" | "had"))
            .then(|| word.to_string())
            .into_iter()
            .collect()
    }

    fn cues(text: &str) -> Vec<String> {
        read(text, &plain)
            .cues
            .into_iter()
            .map(|c| c.words)
            .collect()
    }

    #[test]
    fn negations_inside_names_terms_and_idioms_negate_nothing() {
        for text in [
            "Tamamo-no-Mae legend stone split in Japan",
            "NATO rejected calls for a no-fly zone over Ukraine",
            "All guidance was followed completely in No 10",
            "Not My King protesters gathered near Trafalgar Square",
            "MPs voted against a no-deal Brexit",
            "There is no doubt that Iran supplied the drones",
            "Musk not only bought Twitter but also fired its chief executive",
            "No British premier has spent less time in office than Truss",
        ] {
            assert_eq!(cues(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn real_negations_and_denials_are_cues_with_their_scope() {
        let reading = read("Iran has not provided weapons to Russia", &plain);
        assert_eq!(reading.cues.len(), 1);
        assert_eq!(reading.cues[0].words, "has not provided");
        assert!(
            reading.cues[0].scope.contains("provided") && reading.cues[0].scope.contains("russia")
        );
        assert!(!reading.cues[0].scope.contains("iran"));
        for text in [
            "Moscow categorically denied that Russian troops killed civilians in Bucha",
            "Claims that the Kremlin ordered Prigozhin's death are an absolute lie",
            "Pyongyang dismissed reports that it had sent troops to Russia",
            "India rejected the allegations as absurd",
            "Pyongyang rejected any role in the death at Kuala Lumpur airport",
            "There is no evidence that NGOs set the Amazon fires",
            "Bankman-Fried says he never intended to defraud anyone",
            "Iran didn't supply arms",
            "The BJP fell short of a majority",
            "Epstein's injuries point to homicide rather than suicide",
        ] {
            assert_eq!(cues(text).len(), 1, "{text}: {:?}", cues(text));
        }
    }

    #[test]
    fn the_writer_the_reader_a_command_a_signature_and_a_denied_falsity_deny_nothing() {
        for text in [
            "I didn't know the Army could do that",
            "You don't have to believe the teachers",
            "Don't forget he was in the black book",
            "Do not open a perfume bottle in a hot car",
            "Crowds filled the streets. This is not fake news — Jane Doe (@jane) June 4, 2019",
            "Ilhan Omar married her brother — STRANGER THAN FICTION (@stranger) February 1, 2019",
        ] {
            assert_eq!(cues(text), Vec::<String>::new(), "{text}");
        }
        // Capitals are emphasis, not a name.
        assert_eq!(cues("Kamala Harris is NOT eligible").len(), 1);
    }

    #[test]
    fn a_request_a_reason_a_condition_and_lying_down_deny_nothing() {
        for text in [
            "Please don't share the photo of the flooded station",
            "Please do not call the number in the message",
            "The charity paved the road because the council wasn't doing it",
            "The bridge closed when the engineers could not find the fault",
            "Patients were forced to lie on the floor of the ward",
            "The dog lies down in the middle of the road",
        ] {
            assert_eq!(cues(text), Vec::<String>::new(), "{text}");
        }
        // The main clause still reverses, and a lie is still a falsehood.
        assert_eq!(
            cues("The council wasn't doing it, because of the cuts").len(),
            1
        );
        assert_eq!(cues("The story about the ward is a lie").len(), 1);
    }

    #[test]
    fn every_negation_leaves_what_it_negates_even_when_it_reverses_nothing() {
        let reading = read("I have no empathy for the younger generation", &plain);
        assert!(reading.cues.is_empty(), "{:?}", reading.cues);
        assert!(reading.negated.contains("empathy"), "{:?}", reading.negated);
        assert!(!reading.negated.contains("i"));
    }

    #[test]
    fn a_negation_knows_the_predicate_it_negates() {
        let predicate = |text: &str| -> Vec<String> {
            let reading = read(text, &plain);
            let mut words: Vec<String> = reading.cues[0].predicate.iter().cloned().collect();
            words.sort();
            words
        };
        for (text, verb) in [
            ("Iran had not provided weapons to either side", "provided"),
            ("The body has not yet been found", "found"),
            ("Tehran never sent missiles", "sent"),
            ("Russia did not interfere in the election", "interfere"),
            ("Vaccines don't cause autism", "cause"),
            ("Iran is not sending arms to Russia", "sending"),
            ("Countries must cease the supply of weapons", "supply"),
        ] {
            assert_eq!(predicate(text), vec![verb.to_string()], "{text}");
        }
        // A negated copula or a noun reverses its whole scope: there is no predicate to match.
        for text in [
            "The minister was not at the party",
            "There is no evidence of fraud",
        ] {
            assert!(predicate(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_clause_ends_where_another_begins() {
        let reading = read("She didn't want the flag before she stomped on it", &plain);
        assert!(
            !reading.cues[0].scope.contains("stomped"),
            "{:?}",
            reading.cues
        );
    }

    #[test]
    fn a_contrast_reverses_only_the_part_it_scopes_over() {
        let reading = read(
            "The goal of the sanctions is not to punish ordinary Russians but to weaken the war machine",
            &plain,
        );
        let scope = &reading.cues[0].scope;
        assert!(
            scope.contains("punish") && !scope.contains("weaken"),
            "{scope:?}"
        );
        let reading = read(
            "A larvicide, not the Zika virus, caused the rise in microcephaly",
            &plain,
        );
        assert!(
            reading.cues[0].scope.contains("zika") && !reading.cues[0].scope.contains("caused")
        );
    }

    #[test]
    fn questions_and_hedges_neither_assert_nor_deny() {
        for text in [
            "Did Russia blow up its own Nord Stream pipelines?",
            "Putin would not deny that North Korean soldiers were in Russia",
            "It is too early to rule out that the virus escaped from a laboratory",
            "Officials could not rule out sabotage",
        ] {
            let reading = read(text, &plain);
            assert!(reading.hedge.is_some(), "{text}");
            assert!(reading.cues.is_empty(), "{text}: {:?}", reading.cues);
        }
    }

    #[test]
    fn quantities_carry_what_they_count() {
        let reading = read(
            "Close to 600 people were killed; turnout was 38%, in 2019",
            &plain,
        );
        assert_eq!(
            reading.quantities,
            vec![(600.0, "people".to_string()), (38.0, "%".to_string())]
        );
        assert_eq!(reading.years, vec![2019]);
    }
}
