//! The small English lexicon the linker reads claims with: words that carry no assertion
//! (stopwords, reporting verbs), words that turn one around (negations, denial verbs), names
//! that stand for the same place, and classes of words news claims use interchangeably. Kept
//! short and explicit on purpose: every entry is a judgement someone can read and argue with.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Words that say nothing about what is asserted.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "like",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "s",
    "t",
    "re",
    "ve",
    "ll",
    "d",
    "m",
    "rt",
    "amp",
    "via",
    "one",
    "new",
    "get",
    "got",
    "now",
    "today",
    "yesterday",
    "just",
    "still",
    "yet",
    "much",
    "many",
];

/// Verbs and phrases that attribute a claim rather than make it ("officials say …").
const REPORTING: &[&str] = &[
    "say",
    "says",
    "said",
    "saying",
    "claim",
    "claims",
    "claimed",
    "claiming",
    "state",
    "states",
    "stated",
    "allege",
    "alleges",
    "alleged",
    "allegedly",
    "alleging",
    "report",
    "reports",
    "reported",
    "reportedly",
    "according",
    "announce",
    "announced",
    "announces",
    "assert",
    "asserts",
    "asserted",
    "tell",
    "told",
    "tells",
    "write",
    "wrote",
    "writes",
    "tweet",
    "tweeted",
    "tweets",
    "post",
    "posted",
    "posts",
    "share",
    "shared",
    "shares",
    "show",
    "shows",
    "showed",
    "shown",
];

/// Words that talk about a claim or how hard it is held, not about what it asserts: "rejected
/// the allegations as absurd" says nothing of what the allegations were.
const META: &[&str] = &[
    "allegation",
    "allegations",
    "accusation",
    "accusations",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "suggestion",
    "suggestions",
    "assertion",
    "assertions",
    "absurd",
    "politically",
    "motivated",
    "categorically",
    "emphatically",
    "strongly",
    "completely",
    "absolutely",
    "absolute",
    "utterly",
    "pure",
    "role",
    "involvement",
];

/// Antonyms: words on one side of a pair state what words on the other side rule out.
pub const ANTONYMS: &[(&[&str], &[&str])] = &[
    (
        &["alive", "survived", "survive", "survives", "living"],
        &["killed", "dead", "died", "dies", "death"],
    ),
    (
        &["lawful", "legal", "constitutional", "legitimate"],
        &[
            "unlawful",
            "illegal",
            "violated",
            "unconstitutional",
            "illegitimate",
        ],
    ),
    (
        &["safe", "safety"],
        &["dangerous", "endangers", "unsafe", "harmful"],
    ),
    (
        &["followed", "obeyed", "complied"],
        &["broken", "broke", "breached", "flouted"],
    ),
    (
        &["accident", "accidental"],
        &["deliberate", "intentional", "deliberately"],
    ),
    (&["guilty", "convicted"], &["innocent", "acquitted"]),
    (
        &["increased", "rose", "rise", "surged"],
        &["decreased", "fell", "fall", "dropped"],
    ),
];

/// Words that deny or negate what follows (or what they describe).
const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "none",
    "nor",
    "neither",
    "nobody",
    "nothing",
    "cannot",
    "deny",
    "denies",
    "denied",
    "denying",
    "reject",
    "rejects",
    "rejected",
    "rejecting",
    "refute",
    "refutes",
    "refuted",
    "dismiss",
    "dismisses",
    "dismissed",
    "false",
    "untrue",
    "baseless",
    "unfounded",
    "fake",
    "hoax",
    "debunked",
];

/// Names that stand for the same place or body.
const ALIASES: &[(&str, &str)] = &[
    ("tehran", "iran"),
    ("iranian", "iran"),
    ("iranians", "iran"),
    ("moscow", "russia"),
    ("kremlin", "russia"),
    ("russian", "russia"),
    ("russians", "russia"),
    ("kyiv", "ukraine"),
    ("kiev", "ukraine"),
    ("ukrainian", "ukraine"),
    ("ukrainians", "ukraine"),
    ("beijing", "china"),
    ("chinese", "china"),
    ("pyongyang", "korea"),
    ("israeli", "israel"),
    ("jerusalem", "israel"),
    ("gazan", "gaza"),
    ("american", "america"),
    ("americans", "america"),
    ("britain", "uk"),
    ("british", "uk"),
    ("london", "uk"),
    ("washington", "america"),
    ("seoul", "korea"),
    ("korean", "korea"),
    ("riyadh", "saudi"),
    ("delhi", "india"),
    ("indian", "india"),
    ("ottawa", "canada"),
    ("canadian", "canada"),
    ("brasília", "brazil"),
    ("brasilia", "brazil"),
    ("brazilian", "brazil"),
    ("tokyo", "japan"),
    ("japanese", "japan"),
    ("berlin", "germany"),
    ("german", "germany"),
    ("paris", "france"),
    ("french", "france"),
    ("dutch", "netherlands"),
    ("turkish", "turkey"),
    ("ankara", "turkey"),
    ("syrian", "syria"),
    ("damascus", "syria"),
    ("swiss", "switzerland"),
    ("eritrean", "eritrea"),
    ("ethiopian", "ethiopia"),
    ("laboratory", "lab"),
    ("laboratories", "lab"),
    ("coronavirus", "covid"),
];

/// Names written in capitals that a lower-case word would hide ("US" is not "us").
const ACRONYMS: &[(&str, &str)] = &[("us", "america"), ("who", "who")];

/// The name an all-capitals word stands for ("US" → "america"), when it is one.
pub fn acronym(lower: &str) -> Option<&'static str> {
    ACRONYMS
        .iter()
        .find(|(a, _)| *a == lower)
        .map(|(_, name)| *name)
}

/// Several-word names that stand for one ("the Islamic Republic" is Iran).
const PHRASE_ALIASES: &[(&str, &str)] = &[
    ("islamic republic", "Iran"),
    ("united states", "America"),
    ("united kingdom", "UK"),
    ("white house", "America"),
    ("north korea", "Korea"),
    ("south korea", "Korea"),
    ("european union", "EU"),
    ("world health organization", "WHO"),
    ("world health organisation", "WHO"),
    ("u.s.", "America"),
];

/// The text with several-word names replaced by the one they stand for.
pub fn with_phrase_aliases(text: &str) -> std::borrow::Cow<'_, str> {
    let lower = text.to_lowercase();
    if !PHRASE_ALIASES
        .iter()
        .any(|(phrase, _)| lower.contains(phrase))
        || lower.len() != text.len()
    {
        return text.into();
    }
    let mut out = text.to_string();
    for (phrase, name) in PHRASE_ALIASES {
        while let Some(at) = out.to_lowercase().find(phrase) {
            out.replace_range(at..at + phrase.len(), name);
        }
    }
    out.into()
}

/// Classes of words used interchangeably in claims: (class, members).
const CLASSES: &[(&str, &[&str])] = &[
    (
        "supply",
        &[
            "supply",
            "supplies",
            "supplied",
            "supplying",
            "provide",
            "provides",
            "provided",
            "providing",
            "send",
            "sends",
            "sent",
            "sending",
            "deliver",
            "delivers",
            "delivered",
            "delivering",
            "transfer",
            "transfers",
            "transferred",
            "transferring",
            "give",
            "gives",
            "gave",
            "given",
            "giving",
            "ship",
            "ships",
            "shipped",
            "shipping",
            "sell",
            "sells",
            "sold",
            "selling",
            "export",
            "exports",
            "exported",
            "deploy",
            "deployed",
            "deploys",
            "dispatched",
        ],
    ),
    (
        "weapon",
        &[
            "weapon",
            "weapons",
            "arms",
            "missile",
            "missiles",
            "munition",
            "munitions",
            "drone",
            "drones",
            "rocket",
            "rockets",
            "ammunition",
            "armament",
            "armaments",
            "artillery",
        ],
    ),
    (
        "death",
        &[
            "die", "dies", "died", "dead", "death", "deaths", "kill", "kills", "killed", "killing",
        ],
    ),
    (
        "vaccine",
        &[
            "vaccine",
            "vaccines",
            "vaccinated",
            "vaccination",
            "vaccinations",
            "jab",
            "jabs",
        ],
    ),
    (
        "declare",
        &[
            "declare",
            "declared",
            "declares",
            "characterised",
            "characterized",
            "named",
            "designated",
            "proclaimed",
        ],
    ),
    (
        "choose",
        &[
            "vote", "voted", "votes", "opted", "chose", "chosen", "elected", "backed",
        ],
    ),
    (
        "collapse",
        &[
            "collapse",
            "collapsed",
            "failed",
            "crashed",
            "fell",
            "sank",
            "downed",
        ],
    ),
    (
        "troops",
        &[
            "troops", "troop", "soldiers", "soldier", "forces", "military", "army", "fighters",
        ],
    ),
    (
        "leave",
        &[
            "leave",
            "leaves",
            "left",
            "leaving",
            "exit",
            "exited",
            "quit",
            "quits",
            "withdraw",
            "withdrew",
            "withdrawn",
            "withdrawal",
        ],
    ),
    (
        "win",
        &[
            "win",
            "wins",
            "won",
            "winning",
            "beat",
            "beats",
            "defeated",
            "defeat",
            "victory",
            "landslide",
        ],
    ),
    (
        "admit",
        &[
            "admit",
            "admits",
            "admitted",
            "acknowledge",
            "acknowledged",
            "acknowledges",
            "confess",
            "confessed",
            "confesses",
        ],
    ),
    (
        "fraud",
        &[
            "fraud",
            "frauds",
            "defraud",
            "defrauded",
            "fraudulent",
            "cheat",
            "cheated",
            "cheating",
            "rigged",
            "rigging",
        ],
    ),
    (
        "ban",
        &[
            "ban",
            "bans",
            "banned",
            "banning",
            "prohibit",
            "prohibits",
            "prohibited",
            "outlaw",
            "outlawed",
            "suspend",
            "suspended",
            "halted",
            "barred",
        ],
    ),
    (
        "arrest",
        &[
            "arrest",
            "arrests",
            "arrested",
            "detain",
            "detained",
            "jail",
            "jailed",
            "imprisoned",
        ],
    ),
    (
        "pay",
        &[
            "pay", "pays", "paid", "fund", "funds", "funded", "funding", "finance", "financed",
            "donate", "donated",
        ],
    ),
];

/// Classes used to judge the relation between two claims but not to rank candidates: they were
/// added after retrieval was tuned on CheckThat! Train, and there they only add noise.
pub const JUDGING_ONLY: &[&str] = &[
    "declare", "choose", "collapse", "troops", "leave", "win", "admit", "fraud",
];

/// Classes whose members are different things of one kind, not words for the same thing: a
/// claim about drones is not a claim about missiles, though both are weapons.
pub const CATEGORIES: &[&str] = &["weapon"];

/// Members of a category that name the whole kind ("weapons"), and so stand for any member.
const GENERIC: &[&str] = &[
    "weapon",
    "weapons",
    "arms",
    "armament",
    "armaments",
    "munitions",
];

/// Whether a word names a whole category rather than one kind in it.
pub fn is_generic(word: &str) -> bool {
    GENERIC.contains(&word)
}

/// The lists as sets, built once: every word of every text is looked up in them.
struct Index {
    stopwords: HashSet<&'static str>,
    reporting: HashSet<&'static str>,
    negations: HashSet<&'static str>,
    /// Each word's first alias.
    aliases: HashMap<&'static str, &'static str>,
    /// Each word's classes, in the order of [`CLASSES`].
    classes: HashMap<&'static str, Vec<&'static str>>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut aliases = HashMap::new();
        for (word, name) in ALIASES {
            aliases.entry(*word).or_insert(*name);
        }
        let mut classes: HashMap<&str, Vec<&str>> = HashMap::new();
        for (class, members) in CLASSES {
            for member in members.iter().collect::<HashSet<_>>() {
                classes.entry(*member).or_default().push(*class);
            }
        }
        Index {
            stopwords: STOPWORDS.iter().copied().collect(),
            reporting: REPORTING.iter().copied().collect(),
            negations: NEGATIONS.iter().copied().collect(),
            aliases,
            classes,
        }
    })
}

pub fn is_stopword(word: &str) -> bool {
    index().stopwords.contains(word) || META.contains(&word)
}

/// Whether a word only attributes a claim ("said", "according").
pub fn is_reporting_word(word: &str) -> bool {
    index().reporting.contains(word)
}

/// Whether a (lower-case) word denies or negates: a negation, a denial verb, or a contraction
/// ending in "n't".
pub fn is_negation(word: &str) -> bool {
    index().negations.contains(word) || (word.ends_with("n't") && word.len() > 3)
}

/// The name a word stands for ("tehran" → "iran").
pub fn alias(word: &str) -> Option<&'static str> {
    index().aliases.get(word).copied()
}

/// The classes a word belongs to.
pub fn classes(word: &str) -> impl Iterator<Item = &'static str> {
    index().classes.get(word).into_iter().flatten().copied()
}

/// Other words to search for when a text uses this one: the name it stands for. (Searching for
/// a class's other members too — "supplied" for "sent" — made retrieval on the CheckThat!
/// benchmark markedly worse: common verbs like "given" and "sent" match everything. Classes are
/// used in re-ranking instead, where they only ever add to a candidate already found.)
pub fn expansions(word: &str) -> impl Iterator<Item = &'static str> {
    alias(word).into_iter()
}
