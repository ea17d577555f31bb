//! The plain data of factdesk: the words a desk uses (stances, relations, verdicts, statuses),
//! the records as the rest of the program sees them, and the validation of user input.
//!
//! Everything here is serde-friendly and knows nothing of SQLite, clap or output formats: the
//! store turns rows into these types, reports turn these types into text. Validation that does
//! not need the store (empty text, malformed dates, unknown words) lives here so every entry
//! point — CLI, library, later importers — applies the same rules.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::Error;

/// Defines a closed set of lowercase words (a stance, a relation, …) with parsing that names the
/// allowed values in its error, `Display`, and serde (de)serialisation as the word itself,
/// exactly as stored (deserialising accepts only the stored, lowercase word).
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order the desk reads them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value's word (what shell completion offers).
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            /// The word stored in the database and shown to people.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                let wanted = s.trim().to_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        Error::invalid(format!(
                            "unknown {} '{}' (expected one of: {})",
                            $what,
                            s,
                            allowed.join(", ")
                        ))
                    })
            }
        }
    };
}

word_enum!(
    /// A claimant's stance toward the text of their claim.
    Stance, "stance", {
        /// The claimant says the text is true.
        Asserts => "asserts",
        /// The claimant says the text is false (the text is what they deny).
        Denies => "denies",
        /// The claimant asks or doubts whether the text is true, taking no side.
        Questions => "questions",
        /// The claimant states or relays the text without taking a side on it.
        Neutral => "neutral",
    }
);

word_enum!(
    /// How a piece of evidence bears on its claim.
    EvidenceStance, "evidence stance", {
        /// It bears the claim out: an item for it.
        Supports => "supports",
        /// It goes against the claim: an item against it.
        Refutes => "refutes",
        /// It informs the claim without taking a side: it counts neither way.
        Context => "context",
    }
);

word_enum!(
    /// The typed relation of a link between two claims.
    Relation, "relation", {
        /// The two claims cannot both hold (both ways): each is an item against the other.
        Contradicts => "contradicts",
        /// The first claim backs the second (from → to): an item for the second only.
        Supports => "supports",
        /// The two claims make the same assertion (both ways): each is an item for the other.
        Duplicates => "duplicates",
        /// The two claims bear on the same matter, nothing more (both ways): it counts neither way.
        Related => "related",
    }
);

word_enum!(
    /// A fact-checker's conclusion on a claim.
    VerdictKind, "verdict", {
        /// The claim holds: the evidence bears it out.
        Supported => "supported",
        /// The claim is false: the evidence goes against it.
        Refuted => "refuted",
        /// Partly true and partly false, or true but misleading.
        Mixed => "mixed",
        /// The claim cannot be checked with the evidence available.
        Unverifiable => "unverifiable",
    }
);

word_enum!(
    /// What kind of speaker or publisher a source is.
    SourceKind, "source kind", {
        /// A news organisation that publishes reports (a paper, broadcaster, agency or site).
        Outlet => "outlet",
        /// A government, or one of its ministries, missions or agencies, speaking as such.
        Government => "government",
        /// An official speaking for an institution.
        Official => "official",
        /// A body that is neither a government nor an outlet: a company, NGO, party, institute.
        Organization => "organization",
        /// A person speaking for themselves.
        Person => "person",
        /// A source the reporting does not name.
        Anonymous => "anonymous",
        /// Anything else; every source first named in a claim or evidence, rather than registered.
        Other => "other",
    }
);

word_enum!(
    /// A claim's derived status: its verdict, else disputed or unresolved (see DESIGN.md).
    Status, "status", {
        /// The verdict `supported` stands on the claim.
        Supported => "supported",
        /// The verdict `refuted` stands on the claim.
        Refuted => "refuted",
        /// The verdict `mixed` stands on the claim.
        Mixed => "mixed",
        /// The verdict `unverifiable` stands on the claim.
        Unverifiable => "unverifiable",
        /// No verdict, and at least one item stands for the claim and one against it.
        Disputed => "disputed",
        /// No verdict, and not disputed: nothing stands for it, or nothing against it.
        Unresolved => "unresolved",
    }
);

word_enum!(
    /// Which side of a claim an item stands on.
    Side, "side", {
        /// The item stands for the claim.
        For => "for",
        /// The item stands against the claim.
        Against => "against",
    }
);

word_enum!(
    /// What kind of record an item for or against a claim is.
    ItemKind, "item kind", {
        /// The claim's own claimant, asserting or denying it.
        Claimant => "claimant",
        /// A piece of evidence that supports or refutes the claim.
        Evidence => "evidence",
        /// Another claim, through a `contradicts`, `supports` or `duplicates` link.
        Claim => "claim",
    }
);

word_enum!(
    /// The kinds of record the event log can touch.
    RecordKind, "record kind", {
        /// A source: who says or publishes something.
        Source => "source",
        /// A claim, with its edits, verdicts, proposals, reviews, assignments and comments.
        Claim => "claim",
        /// A piece of evidence on a claim.
        Evidence => "evidence",
        /// A link between two claims, and its removal.
        Link => "link",
        /// The store itself: its desk settings (the record id is the setting's key).
        Store => "store",
    }
);

impl Relation {
    /// Whether the relation holds in both directions (`a contradicts b` is `b contradicts a`).
    pub fn is_symmetric(self) -> bool {
        !matches!(self, Relation::Supports)
    }
}

/// A source as stored: who says or publishes something.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The source's id: a lowercase hyphenated UUID (v5) of its matching key, so the same source
    /// has the same id in every store.
    pub id: String,
    /// The source's name as first given, trimmed; sources are matched on it case-insensitively.
    pub name: String,
    /// What kind of source it is (`other` when it was first named in a claim or evidence).
    pub kind: SourceKind,
    /// The source's web address (http or https); `None` when the desk recorded none.
    pub url: Option<String>,
    /// What the desk noted about the source; `None` when nothing.
    pub note: Option<String>,
    /// How many claims this source made (as claimant).
    pub claims_made: i64,
    /// How many claims this source reported.
    pub claims_reported: i64,
    /// How many evidence items cite this source.
    pub evidence_items: i64,
    /// When the source was first logged, UTC, `YYYY-MM-DDTHH:MM:SS.sssZ` (an imported file's own
    /// time when it gave one).
    pub created_at: String,
    /// Who first logged the source (as an imported file says, when it does).
    pub created_by: String,
    /// Its other names, sorted: sources merged into it and names it had before a rename.
    pub aliases: Vec<String>,
}

/// A claim as the desk sees it, with its derived status and its verdict, if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The claim's id: a lowercase hyphenated UUID (tables show its first 8 characters).
    pub id: String,
    /// The assertion, exactly as logged: never trimmed or normalised.
    pub text: String,
    /// The name of the source who made the claim; `None` when nobody is named.
    pub claimant: Option<String>,
    /// The name of the source who reported it (the outlet); `None` when not named.
    pub reported_by: Option<String>,
    /// How the claimant holds the text: asserts, denies, questions or neutral.
    pub stance: Stance,
    /// The derived status: the verdict if there is one, else disputed or unresolved. Never stored.
    pub status: Status,
    /// The verdict that stands on the claim; `None` without one (a proposal awaiting review is not
    /// one).
    pub verdict: Option<VerdictKind>,
    /// Why the verdict was given; `None` when there is no verdict.
    pub verdict_rationale: Option<String>,
    /// A verdict proposed for the claim and waiting for review (not in the JSON when there is
    /// none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_verdict: Option<VerdictKind>,
    /// Where the claim appeared (an http or https address); `None` when not recorded.
    pub url: Option<String>,
    /// The claimant's exact words; `None` when not recorded.
    pub quote: Option<String>,
    /// When the claim was made (not logged), `YYYY-MM-DD`; `None` when not known.
    pub date: Option<String>,
    /// The claim's tags, trimmed, in sorted order.
    pub tags: Vec<String>,
    /// When the claim was first logged, UTC, `YYYY-MM-DDTHH:MM:SS.sssZ` (an imported file's own
    /// time when it gave one).
    pub created_at: String,
    /// Who first logged the claim (as an imported file says, when it does).
    pub created_by: String,
    /// Who retracted the claim, when and why; not in the JSON while it stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Retraction>,
}

/// A record's retraction: it counts for nothing and leaves every listing (`--include-retracted`
/// shows it), but its history stays, and it can be restored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retraction {
    /// When it was retracted: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub at: String,
    /// Who retracted it.
    pub by: String,
    /// Why.
    pub note: String,
}

impl Retraction {
    /// The retraction held by three nullable columns (`retracted_at`, `retracted_by`,
    /// `retraction_note`): `None` when the record stands.
    pub fn from_columns(
        at: Option<String>,
        by: Option<String>,
        note: Option<String>,
    ) -> Option<Retraction> {
        Some(Retraction {
            at: at?,
            by: by.unwrap_or_default(),
            note: note.unwrap_or_default(),
        })
    }
}

/// One item standing for or against a claim, as the status rule counts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideItem {
    /// Which side of the claim the item stands on (not in the JSON: the list it is in says it).
    #[serde(skip)]
    pub side: Side,
    /// What the item is: the claimant, a piece of evidence, or another claim through a link.
    pub kind: ItemKind,
    /// The evidence or claim id; for a claimant, the source's id.
    pub id: String,
    /// What to show for it: the claimant's name; the evidence's source and note (else its quote,
    /// else its URL); or the other claim's text.
    pub text: String,
    /// For the claimant, how they hold this claim; for another claim, how its claimant holds
    /// it. Not in the JSON for evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance: Option<Stance>,
    /// For another claim, the name of who made it, when known. Not in the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// For another claim, its verdict, when it has one: a `contradicts` link to a `refuted` claim
    /// stands *for* this one. Not in the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictKind>,
}

/// A claim with the items for and against it: what explains its status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedClaim {
    /// The claim itself (its fields sit at the top level of the JSON).
    #[serde(flatten)]
    pub claim: Claim,
    /// The items standing for the claim (`for` in the JSON).
    #[serde(rename = "for")]
    pub for_items: Vec<SideItem>,
    /// The items standing against the claim (`against` in the JSON).
    #[serde(rename = "against")]
    pub against_items: Vec<SideItem>,
}

impl ExplainedClaim {
    /// Splits a claim's side items into the two lists.
    pub fn new(claim: Claim, items: Vec<SideItem>) -> Self {
        let (for_items, against_items) = items.into_iter().partition(|i| i.side == Side::For);
        ExplainedClaim {
            claim,
            for_items,
            against_items,
        }
    }
}

/// A piece of evidence bearing on one claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The evidence's id: a lowercase hyphenated UUID.
    pub id: String,
    /// The id of the claim it bears on.
    pub claim_id: String,
    /// How it bears on the claim: supports, refutes or context.
    pub stance: EvidenceStance,
    /// The name of the source providing it; `None` when none is named.
    pub source: Option<String>,
    /// Where the evidence can be found (http or https); `None` when not recorded.
    pub url: Option<String>,
    /// The exact words relied on; `None` when not recorded.
    pub quote: Option<String>,
    /// What the evidence shows, in the desk's words; `None` when not given.
    pub note: Option<String>,
    /// When the evidence was first logged, UTC, `YYYY-MM-DDTHH:MM:SS.sssZ` (an imported file's own
    /// time when it gave one).
    pub created_at: String,
    /// Who first logged it (as an imported file says, when it does).
    pub created_by: String,
    /// Who retracted it, when and why; not in the JSON while it stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Retraction>,
}

/// A typed relation between two claims, with both claims' texts for display.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// The link's id: a lowercase hyphenated UUID.
    pub id: String,
    /// The id of the claim the link starts from (for `supports`, the supporting claim).
    pub from_id: String,
    /// That claim's text, exactly as logged.
    pub from_text: String,
    /// How the claims relate: both ways, except `supports`, which reads from → to.
    pub relation: Relation,
    /// The id of the claim the link points to.
    pub to_id: String,
    /// That claim's text, exactly as logged.
    pub to_text: String,
    /// Why the desk linked them; `None` when no note was given.
    pub note: Option<String>,
    /// When the link was made, UTC, `YYYY-MM-DDTHH:MM:SS.sssZ` (an imported file's own time when it
    /// gave one).
    pub created_at: String,
    /// Who made it (as an imported file says, when it does).
    pub created_by: String,
}

/// A desk setting kept in the store (`factdesk config set`), with who set it last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// The setting's name (`review.required`).
    pub key: String,
    /// Its value, as text (`true`).
    pub value: String,
    /// When it was last set: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub set_at: String,
    /// Who last set it.
    pub set_by: String,
}

/// A verdict waiting for a second person's review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedVerdict {
    /// The id of the claim the verdict is proposed for.
    pub claim_id: String,
    /// That claim's text, exactly as logged.
    pub text: String,
    /// The verdict proposed.
    pub verdict: VerdictKind,
    /// Why the proposer gives it.
    pub rationale: String,
    /// Who proposed it (they cannot review it themselves).
    pub proposed_by: String,
    /// When it was proposed: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub proposed_at: String,
    /// The file it was imported from; `None` when it was given at the command line.
    pub proposed_from: Option<String>,
}

/// A remark on a claim by someone on the desk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// When the comment was made: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub at: String,
    /// Who made it.
    pub author: String,
    /// The comment, exactly as written.
    pub text: String,
}

/// Two changes to the same field made without either seeing the other (in two stores that
/// later exchanged work): which one stands by the canonical order, and which it overwrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The kind of record both changes touched: a claim, or the store for a setting.
    pub record_kind: RecordKind,
    /// That record's id (a setting's key for a desk setting).
    pub record_id: String,
    /// The field both changed: a claim field (text, claimant, …), verdict, proposed verdict,
    /// assignee, or a setting's value.
    pub field: String,
    /// The value that stands (`None`: the field was cleared).
    pub kept: Option<String>,
    /// Who made the change that stands.
    pub kept_by: String,
    /// When it was made: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub kept_at: String,
    /// The value it overwrote, which its author had not seen.
    pub overwritten: Option<String>,
    /// Who made the change that was overwritten.
    pub overwritten_by: String,
    /// When it was made: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub overwritten_at: String,
    /// Who changed the field afterwards knowing both, settling it (`None`: still open).
    pub settled_by: Option<String>,
}

/// One change between two moments, as `factdesk diff` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimChange {
    /// The id of the claim that changed.
    pub claim_id: String,
    /// The claim's text at the later moment.
    pub text: String,
    /// What changed: `added`, `status`, `verdict`, `retracted` or `restored`.
    pub change: String,
    /// The status or verdict before (`None`: the claim did not exist, or had no verdict); for
    /// `restored`, the retraction's reason.
    pub before: Option<String>,
    /// The status or verdict after (`None`: the verdict was withdrawn); for `retracted`, the
    /// retraction's reason.
    pub after: Option<String>,
    /// Who made the changes that moved it, in the order they made them.
    pub by: Vec<String>,
    /// When the last of those changes was made.
    pub at: String,
}

/// Where a search looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchScope {
    /// Claim texts (and quotes, through the claim's words).
    Claims,
    /// Evidence notes and quotes.
    Evidence,
    /// Source names.
    Sources,
    /// Comments on claims.
    Comments,
}

impl std::str::FromStr for SearchScope {
    type Err = Error;
    fn from_str(value: &str) -> Result<Self, Error> {
        match value.trim().to_lowercase().as_str() {
            "claims" | "claim" => Ok(SearchScope::Claims),
            "evidence" => Ok(SearchScope::Evidence),
            "sources" | "source" => Ok(SearchScope::Sources),
            "comments" | "comment" => Ok(SearchScope::Comments),
            other => Err(Error::invalid(format!(
                "cannot search in '{other}' (search in claims, evidence, sources or comments)"
            ))),
        }
    }
}

/// One search result: where it matched, the fragment that matched (exactly as stored), the same
/// fragment in parts telling the matched words from the rest, and the claim it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The kind of record that matched.
    pub scope: SearchScope,
    /// The matching record: a claim, source or comment event id.
    pub id: String,
    /// The stored words around the match, exactly (nothing marks the matched words: see `parts`).
    pub fragment: String,
    /// The same fragment split into matched words and the text between them.
    pub parts: Vec<FragmentPart>,
    /// The claim the hit belongs to (the claim itself, the one the evidence bears on, the one
    /// commented on); `None` for a source.
    pub claim_id: Option<String>,
    /// That claim's text; `None` for a source.
    pub claim_text: Option<String>,
    /// That claim's status; `None` for a source.
    pub status: Option<Status>,
}

/// A piece of a search hit's fragment: matched words (`hit`), or the text between them. Kept
/// apart, not marked inside the text, so that no text can pass itself off as a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FragmentPart {
    /// A piece of the fragment, exactly as stored.
    pub text: String,
    /// Whether the piece is matched words (shown bold on a terminal, else in `[…]`).
    pub hit: bool,
}

impl FragmentPart {
    /// Splits `marked` — text whose matches lie between `start` and `end`, markers the caller
    /// made so that they cannot occur in the text — into its parts.
    pub fn split(marked: &str, start: &str, end: &str) -> Vec<FragmentPart> {
        let mut parts = Vec::new();
        let mut push = |text: &str, hit: bool| {
            if !text.is_empty() {
                parts.push(FragmentPart {
                    text: text.to_string(),
                    hit,
                });
            }
        };
        let mut pieces = marked.split(start);
        push(pieces.next().unwrap_or_default(), false);
        for piece in pieces {
            let (hit, rest) = piece.split_once(end).unwrap_or((piece, ""));
            push(hit, true);
            push(rest, false);
        }
        parts
    }

    /// The parts' text, without marks.
    pub fn joined(parts: &[FragmentPart]) -> String {
        parts.iter().map(|p| p.text.as_str()).collect()
    }
}

/// What happened to a verdict given with `claim verdict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictOutcome {
    /// It is the claim's verdict now.
    Stands,
    /// The store requires review: it waits for a different person to approve it.
    Proposed,
}

/// Claims and the live links between them: the link graph around a claim, or around the
/// disputed claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LinkGraph {
    /// The claims in the graph (its nodes), with their statuses.
    pub claims: Vec<Claim>,
    /// The live links between those claims (its edges).
    pub links: Vec<Link>,
    /// True when the graph was cut at its size limit.
    pub truncated: bool,
}

/// A claim with how many items stand for and against it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContestedClaim {
    /// The claim (its fields sit at the top level of the JSON).
    #[serde(flatten)]
    pub claim: Claim,
    /// How many items stand for it, as the status rule counts them.
    pub items_for: i64,
    /// How many items stand against it.
    pub items_against: i64,
}

/// A claimant and how their claims stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimantTally {
    /// The claimant's source name.
    pub claimant: String,
    /// How many claims they made in all.
    pub claims: i64,
    /// How many of those are disputed.
    pub disputed: i64,
}

/// What happened in one week (ISO week, `2024-W36`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekActivity {
    /// The ISO week, `YYYY-Www` (`2024-W36`), of the events' UTC times.
    pub week: String,
    /// Claims logged that week.
    pub claims_added: i64,
    /// Pieces of evidence added that week.
    pub evidence_added: i64,
    /// Links made that week.
    pub links_added: i64,
    /// Verdicts given that week (`verdict.set`).
    pub verdicts_given: i64,
    /// Every change recorded that week, those above included.
    pub changes: i64,
}

/// The desk at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// How many claims the store holds.
    pub claims: i64,
    /// Every status, with how many claims have it (zeros included).
    pub by_status: Vec<(Status, i64)>,
    /// The disputed claims with the most items against them (then for), most first.
    pub most_contested: Vec<ContestedClaim>,
    /// The claimants with the most disputed claims, most first.
    pub claimants_most_disputed: Vec<ClaimantTally>,
    /// Each of the latest weeks that saw any change, oldest first.
    pub activity_by_week: Vec<WeekActivity>,
}

/// One claimant's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimantRecord {
    /// The claimant, as a source.
    pub source: Source,
    /// Every status, with how many of their claims have it (zeros included).
    pub by_status: Vec<(Status, i64)>,
    /// Their claims, newest first (as many as were asked for).
    pub claims: Vec<Claim>,
}

/// What a user gives to log a new claim.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewClaim {
    /// The assertion as the claimant made it, kept exactly as given; it must not be blank.
    pub text: String,
    /// Who made the claim: a source name, created on first mention.
    pub claimant: Option<String>,
    /// Who reported it (an outlet): a source name, created on first mention.
    pub reported_by: Option<String>,
    /// The claimant's stance; `None` means `asserts`.
    pub stance: Option<Stance>,
    /// Where the claim appeared: an http or https address.
    pub url: Option<String>,
    /// The claimant's exact words.
    pub quote: Option<String>,
    /// When the claim was made, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Tags to file the claim under.
    pub tags: Vec<String>,
}

/// A change to an existing claim. `None` leaves a field as it is; for the optional fields,
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimEdit {
    /// The new text (`None`: unchanged; the text cannot be cleared).
    pub text: Option<String>,
    /// The new claimant's name, or `Some(None)` to name nobody.
    pub claimant: Option<Option<String>>,
    /// The new reporter's name, or `Some(None)` to name nobody.
    pub reported_by: Option<Option<String>>,
    /// The new stance (`None`: unchanged).
    pub stance: Option<Stance>,
    /// The new URL, or `Some(None)` to remove it.
    pub url: Option<Option<String>>,
    /// The new exact quote, or `Some(None)` to remove it.
    pub quote: Option<Option<String>>,
    /// The new date (`YYYY-MM-DD`), or `Some(None)` to remove it.
    pub date: Option<Option<String>>,
    /// Tags to add to the claim.
    pub add_tags: Vec<String>,
    /// Tags to take off the claim.
    pub remove_tags: Vec<String>,
}

impl ClaimEdit {
    /// True when the edit would change nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == ClaimEdit::default()
    }
}

/// What a user gives to add a piece of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    /// How the evidence bears on its claim: supports, refutes or context.
    pub stance: EvidenceStance,
    /// Who provides the evidence: a source name, created on first mention.
    pub source: Option<String>,
    /// Where the evidence can be found: an http or https address.
    pub url: Option<String>,
    /// The exact words relied on.
    pub quote: Option<String>,
    /// What the evidence shows, in the desk's words.
    pub note: Option<String>,
}

/// What a user gives to register a source.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSource {
    /// The source's name, as it should be shown (trimmed when stored).
    pub name: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// The source's web address: http or https.
    pub url: Option<String>,
    /// Anything the desk should know about the source.
    pub note: Option<String>,
}

/// When and by whom a record was first logged, as an imported file says (an export keeps it, so
/// a round trip reproduces the same records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub at: String,
    /// Who logged it, as the file names them.
    pub by: String,
}

/// One claim of a bulk file, with everything that hangs off it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimRecord {
    /// The claim's id, kept when given so a re-import matches the same record.
    pub id: Option<String>,
    /// The claim's own fields.
    pub claim: NewClaim,
    /// When and by whom the file says the claim was first logged; `None`: now, by whoever imports
    /// it.
    pub logged: Option<Logged>,
    /// The evidence on the claim.
    pub evidence: Vec<EvidenceRecord>,
    /// The claim's verdict, when the file gives one.
    pub verdict: Option<VerdictRecord>,
    /// Links from this claim to others.
    pub links: Vec<LinkRecord>,
}

/// A piece of evidence in a bulk file.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRecord {
    /// The evidence's id, kept when given, so a round trip keeps it.
    pub id: Option<String>,
    /// The evidence's own fields.
    pub evidence: NewEvidence,
    /// When and by whom the file says the evidence was first logged; `None`: now, by whoever
    /// imports it.
    pub logged: Option<Logged>,
}

/// A verdict in a bulk file.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictRecord {
    /// The verdict the file gives the claim.
    pub verdict: VerdictKind,
    /// Why it was given; it must not be blank.
    pub rationale: String,
    /// When and by whom the file says it was given (`given_at`/`given_by`); `None`: now, by whoever
    /// imports it.
    pub logged: Option<Logged>,
}

/// A link from the record's claim to another claim (in the same file or already in the store).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRecord {
    /// The link's id, kept when given, so re-importing the file finds the link already present.
    pub id: Option<String>,
    /// How the record's claim relates to the other (from this claim to `to`).
    pub relation: Relation,
    /// The other claim's full id.
    pub to: String,
    /// Why the claims are linked.
    pub note: Option<String>,
    /// When and by whom the file says the link was made; `None`: now, by whoever imports it.
    pub logged: Option<Logged>,
}

/// Checks a full record id (a UUID in any case) and returns it in the stored form.
pub fn parse_record_id(value: &str) -> Result<String, Error> {
    uuid::Uuid::try_parse(value.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            Error::invalid(format!(
                "'{value}' is not a full id (a UUID like 8b5229d0-48e7-4713-a6a8-0e0817f64a6f)"
            ))
        })
}

/// Checks a stored time (`created_at`, `given_at`): an RFC 3339 time, returned in UTC with
/// milliseconds so it sorts as text.
pub fn parse_time(value: &str) -> Result<String, Error> {
    let at = chrono::DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        Error::invalid(format!(
            "malformed time '{value}' (expected an RFC 3339 time like 2024-09-07T12:00:00Z)"
        ))
    })?;
    stored_instant(value, at.with_timezone(&chrono::Utc))
}

/// Which end of a day a bare date stands for in a time bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEdge {
    /// Its first instant (`--since 2024-09-07` includes the whole day).
    Start,
    /// Its last instant (`--as-of 2024-09-07` is the store at the end of that day).
    End,
}

/// Reads a moment given on the command line, as stored (UTC with milliseconds, so it compares
/// with stored times as text):
///
/// - a date (`2024-09-07`), or a time with or without seconds (`2024-09-07T12:00`,
///   `2024-09-07 14:00:05`), read in the user's time zone (`TZ`, else the system's), as tables
///   show times — unless it carries `Z` or an offset (`2024-09-07T12:00Z`, `…+02:00`);
/// - `now`, `today`, `yesterday`, a weekday (`monday`, `last monday`: the latest such day, today
///   included), or `N minutes|hours|days|weeks ago` (`an hour ago`), as git reads them.
///
/// A day stands for its first instant or its last, as `edge` says.
///
/// Relative times count from the system clock here; a store counts them from its own clock
/// (`Store::instant`), which `FACTDESK_NOW` may fix.
pub fn parse_instant(value: &str, edge: DayEdge) -> Result<String, Error> {
    parse_instant_at(value, edge, chrono::Utc::now(), &chrono::Local)
}

/// [`parse_instant`] at `now`, in the time zone `zone`.
pub fn parse_instant_at<Z: chrono::TimeZone>(
    value: &str,
    edge: DayEdge,
    now: chrono::DateTime<chrono::Utc>,
    zone: &Z,
) -> Result<String, Error> {
    use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
    let value = value.trim();
    let stored = |at: chrono::DateTime<Utc>| stored_instant(value, at);
    // A wall-clock time in `zone` (the earlier of two when the clocks went back; the first
    // valid minute when they went forward).
    let local = |naive: NaiveDateTime| -> Result<String, Error> {
        let at = zone
            .from_local_datetime(&naive)
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&(naive + Duration::hours(1)))
                    .earliest()
            })
            .ok_or_else(|| Error::invalid(format!("time '{value}' does not exist here")))?;
        stored(at.with_timezone(&Utc))
    };
    let day = |date: NaiveDate| -> Result<String, Error> {
        let time = match edge {
            DayEdge::Start => date.and_hms_milli_opt(0, 0, 0, 0),
            DayEdge::End => date.and_hms_milli_opt(23, 59, 59, 999),
        };
        local(time.expect("a valid time of day"))
    };
    if value.len() == 10 && value.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        let date = parse_date(value)?;
        return day(NaiveDate::parse_from_str(&date, "%Y-%m-%d").expect("checked"));
    }
    let normal = value.replacen(' ', "T", 1);
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&normal) {
        return stored(at.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(at) = chrono::DateTime::parse_from_str(&normal, format) {
            return stored(at.with_timezone(&Utc));
        }
    }
    if let Some(utc) = normal.strip_suffix('Z') {
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(at) = NaiveDateTime::parse_from_str(utc, format) {
                return stored(at.and_utc());
            }
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(&normal, format) {
            return local(at);
        }
    }
    if let Some(relative) = relative_moment(value, now, zone) {
        return match relative {
            Relative::Instant(at) => stored(at),
            Relative::Day(date) => day(date),
        };
    }
    Err(Error::invalid(format!(
        "malformed time '{value}' (expected a date like 2024-09-07, a time like \
         2024-09-07T12:00Z, or yesterday, monday, 2 hours ago)"
    )))
}

/// A moment named relative to now.
enum Relative {
    Instant(chrono::DateTime<chrono::Utc>),
    Day(chrono::NaiveDate),
}

/// Reads `now`, `today`, `yesterday`, a weekday (`monday`, `last mon`) or `N units ago`.
fn relative_moment<Z: chrono::TimeZone>(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
    zone: &Z,
) -> Option<Relative> {
    use chrono::{Datelike, Duration};
    let lower = value.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let today = now.with_timezone(zone).date_naive();
    match words.as_slice() {
        ["now"] => return Some(Relative::Instant(now)),
        ["today"] => return Some(Relative::Day(today)),
        ["yesterday"] => return Some(Relative::Day(today - Duration::days(1))),
        [count, unit, "ago"] => {
            let count: i64 = match *count {
                "a" | "an" => 1,
                n => n.parse().ok().filter(|n| (0..=1_000_000).contains(n))?,
            };
            let unit = unit.strip_suffix('s').unwrap_or(unit);
            let span = match unit {
                "second" | "sec" => Duration::seconds(count),
                "minute" | "min" => Duration::minutes(count),
                "hour" => Duration::hours(count),
                "day" => Duration::days(count),
                "week" => Duration::weeks(count),
                _ => return None,
            };
            return Some(Relative::Instant(now - span));
        }
        _ => {}
    }
    let name = match words.as_slice() {
        [name] | ["last", name] => *name,
        _ => return None,
    };
    let weekday: chrono::Weekday = name.parse().ok()?;
    let back = (today.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
    Some(Relative::Day(today - Duration::days(i64::from(back))))
}

/// A time in the stored form, refusing years outside 0000–9999: every stored time has four
/// year digits, which is what makes comparing stored times as text compare them as times.
fn stored_instant(value: &str, at: chrono::DateTime<chrono::Utc>) -> Result<String, Error> {
    use chrono::Datelike;
    if !(0..=9999).contains(&at.year()) {
        return Err(Error::invalid(format!(
            "time '{value}' is out of range (years 0000 to 9999)"
        )));
    }
    Ok(at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

/// Refuses empty or whitespace-only claim text; the text itself is kept exactly as given.
pub fn validate_claim_text(text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid("claim text is empty"));
    }
    Ok(())
}

/// Refuses an empty or whitespace-only verdict rationale.
pub fn validate_rationale(note: &str) -> Result<(), Error> {
    if note.trim().is_empty() {
        return Err(Error::invalid(
            "a verdict needs a rationale: give --note with the reasons",
        ));
    }
    Ok(())
}

/// Checks a calendar date written `YYYY-MM-DD` and returns it unchanged.
pub fn parse_date(value: &str) -> Result<String, Error> {
    let bad = || {
        Error::invalid(format!(
            "malformed date '{value}' (expected a real date written YYYY-MM-DD)"
        ))
    };
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(bad());
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
    Ok(value.to_string())
}

/// The trimmed display form of a source name, refusing an empty one.
pub fn clean_source_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("source name is empty"));
    }
    Ok(name.to_string())
}

/// The key sources are matched by: trimmed and lower-cased, so "Newsweek" and " newsweek " are
/// one source.
pub fn source_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// What is wrong with a web address (a claim's, a piece of evidence's or a source's URL, a
/// publisher's): `None` for an absolute `http` or `https` URL with a host, on one line. Others
/// — `javascript:`, `data:`, `file:`, a bare `www.…` — would be followed as links by whoever
/// shows them (an HTML page, Datasette, a search engine reading ClaimReview), so the store keeps
/// only web addresses. The reason reads after the quoted value (`'x' is not a full address …`).
pub fn web_url_problem(value: &str) -> Option<String> {
    if value.chars().any(char::is_control) {
        return Some("holds a control character".into());
    }
    match url::Url::parse(value.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => None,
        Ok(_) => Some("is not an http or https address".into()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            Some("is not a full address: start it with https://".into())
        }
        Err(e) => Some(format!("is not a valid address ({e})")),
    }
}

/// Refuses a web address that is not `http` or `https` (see [`web_url_problem`]); the address
/// is kept exactly as given.
pub fn check_web_url(value: &str) -> Result<(), Error> {
    match web_url_problem(value) {
        None => Ok(()),
        Some(problem) => Err(Error::invalid(format!(
            "URL '{}' {problem}",
            shown_value(value)
        ))),
    }
}

/// A value as quoted in a message: control characters spelled out (`\n`), so the message is
/// one line, and cut at 80 characters.
pub fn shown_value(value: &str) -> String {
    let mut shown: String = value
        .chars()
        .take(80)
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if value.chars().nth(80).is_some() {
        shown.push('…');
    }
    shown
}

/// A tag as stored: trimmed, refusing an empty one.
pub fn clean_tag(tag: &str) -> Result<String, Error> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(Error::invalid("tag is empty"));
    }
    Ok(tag.to_string())
}

/// Turns an optional flag value into a stored value: an empty string means "no value".
pub fn optional_text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_addresses_are_web_urls() {
        for fine in [
            "https://www.wsj.com/world/iran-missiles-russia",
            "http://example.org",
            "HTTPS://Example.org/a?b=1&c=<2>#d",
            " https://example.org ",
            "https://例え.jp/パス",
        ] {
            assert!(check_web_url(fine).is_ok(), "{fine}");
        }
        for (bad, why) in [
            ("javascript:alert(1)", "is not an http or https address"),
            (
                "JavaScript:alert(document.cookie)",
                "is not an http or https address",
            ),
            (
                "data:text/html,<script>x()</script>",
                "is not an http or https address",
            ),
            ("file:///etc/passwd", "is not an http or https address"),
            ("vbscript:msgbox", "is not an http or https address"),
            ("ftp://example.org", "is not an http or https address"),
            (
                "www.wsj.com/x",
                "is not a full address: start it with https://",
            ),
            ("https://", "is not a valid address (empty host)"),
            ("java\tscript:alert(1)", "holds a control character"),
            ("https://ok.example/\n<b>", "holds a control character"),
        ] {
            assert_eq!(
                check_web_url(bad).unwrap_err().to_string(),
                format!("URL '{}' {why}", shown_value(bad)),
            );
        }
        assert_eq!(
            check_web_url("java\tscript:x").unwrap_err().to_string(),
            "URL 'java\\tscript:x' holds a control character"
        );
    }

    #[test]
    fn times_outside_four_digit_years_are_refused_so_text_order_stays_time_order() {
        for value in ["+10000-01-01T00:00:00Z", "0000-01-01T00:30:00+01:00"] {
            assert_eq!(
                parse_instant(value, DayEdge::Start)
                    .unwrap_err()
                    .to_string(),
                format!("time '{value}' is out of range (years 0000 to 9999)")
            );
        }
        assert_eq!(
            parse_time("+10000-01-01T00:00:00Z")
                .unwrap_err()
                .to_string(),
            "malformed time '+10000-01-01T00:00:00Z' (expected an RFC 3339 time like 2024-09-07T12:00:00Z)"
        );
        assert_eq!(
            parse_instant("9999-12-31T23:59:59.999Z", DayEdge::End).unwrap(),
            "9999-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn words_parse_case_insensitively_and_name_the_choices_when_unknown() {
        assert_eq!("Denies".parse::<Stance>().unwrap(), Stance::Denies);
        assert_eq!(
            " refutes ".parse::<EvidenceStance>().unwrap(),
            EvidenceStance::Refutes
        );
        let err = "maybe".parse::<Stance>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown stance 'maybe' (expected one of: asserts, denies, questions, neutral)"
        );
        let err = "debunked".parse::<VerdictKind>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown verdict 'debunked' (expected one of: supported, refuted, mixed, unverifiable)"
        );
    }

    #[test]
    fn only_supports_is_directed() {
        assert!(Relation::Contradicts.is_symmetric());
        assert!(Relation::Duplicates.is_symmetric());
        assert!(Relation::Related.is_symmetric());
        assert!(!Relation::Supports.is_symmetric());
    }

    #[test]
    fn dates_must_be_real_and_zero_padded() {
        assert_eq!(parse_date("2024-09-06").unwrap(), "2024-09-06");
        for bad in [
            "2024-9-6",
            "2024-02-30",
            "06/09/2024",
            "2024-09-06T00:00",
            "",
            "yesterday",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn blank_text_and_rationale_are_refused_but_text_is_kept_verbatim() {
        assert!(validate_claim_text(" \n\t").is_err());
        assert!(validate_claim_text("  Iran said \"no\"\n").is_ok());
        assert!(validate_rationale("   ").is_err());
    }

    #[test]
    fn source_names_are_matched_trimmed_and_case_insensitively() {
        assert_eq!(
            source_key("  The Wall Street Journal "),
            source_key("the wall street journal")
        );
        assert_eq!(source_key("ÉLYSÉE"), source_key("élysée"));
        assert_eq!(clean_source_name("  Newsweek ").unwrap(), "Newsweek");
        assert!(clean_source_name("  ").is_err());
    }

    /// Saturday 2024-09-07, 12:00 UTC.
    fn saturday_noon() -> chrono::DateTime<chrono::Utc> {
        "2024-09-07T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn instants_are_read_in_the_forms_people_type() {
        let utc =
            |v: &str| parse_instant_at(v, DayEdge::Start, saturday_noon(), &chrono::Utc).unwrap();
        assert_eq!(utc("2024-09-07T12:00Z"), "2024-09-07T12:00:00.000Z");
        assert_eq!(utc("2024-09-07T12:00"), "2024-09-07T12:00:00.000Z");
        assert_eq!(utc("2024-09-07 14:00:05+02:00"), "2024-09-07T12:00:05.000Z");
        assert_eq!(utc("2024-09-07T12:00:00.25Z"), "2024-09-07T12:00:00.250Z");
        assert_eq!(utc("2024-09-07T14:00+02:00"), "2024-09-07T12:00:00.000Z");
        assert_eq!(utc("2024-09-07"), "2024-09-07T00:00:00.000Z");
        assert_eq!(
            parse_instant_at("2024-09-07", DayEdge::End, saturday_noon(), &chrono::Utc).unwrap(),
            "2024-09-07T23:59:59.999Z"
        );
        assert_eq!(
            parse_instant("Tuesday week", DayEdge::Start)
                .unwrap_err()
                .to_string(),
            "malformed time 'Tuesday week' (expected a date like 2024-09-07, a time like \
             2024-09-07T12:00Z, or yesterday, monday, 2 hours ago)"
        );
    }

    #[test]
    fn times_without_an_offset_are_read_in_the_users_time_zone() {
        let berlin = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
        let at = |v: &str, edge| parse_instant_at(v, edge, saturday_noon(), &berlin).unwrap();
        assert_eq!(
            at("2024-09-07T14:00", DayEdge::Start),
            "2024-09-07T12:00:00.000Z"
        );
        assert_eq!(at("2024-09-07", DayEdge::Start), "2024-09-06T22:00:00.000Z");
        assert_eq!(at("2024-09-07", DayEdge::End), "2024-09-07T21:59:59.999Z");
        // An explicit Z or offset is taken as written.
        assert_eq!(
            at("2024-09-07T14:00Z", DayEdge::Start),
            "2024-09-07T14:00:00.000Z"
        );
        assert_eq!(
            at("2024-09-07T14:00+00:00", DayEdge::Start),
            "2024-09-07T14:00:00.000Z"
        );
    }

    #[test]
    fn relative_times_are_read_as_git_reads_them() {
        let berlin = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
        let at = |v: &str, edge| parse_instant_at(v, edge, saturday_noon(), &berlin).unwrap();
        assert_eq!(at("now", DayEdge::Start), "2024-09-07T12:00:00.000Z");
        assert_eq!(
            at("2 hours ago", DayEdge::Start),
            "2024-09-07T10:00:00.000Z"
        );
        assert_eq!(
            at("an hour ago", DayEdge::Start),
            "2024-09-07T11:00:00.000Z"
        );
        assert_eq!(at("3 days ago", DayEdge::Start), "2024-09-04T12:00:00.000Z");
        assert_eq!(at("1 week ago", DayEdge::End), "2024-08-31T12:00:00.000Z");
        assert_eq!(at("today", DayEdge::Start), "2024-09-06T22:00:00.000Z");
        assert_eq!(at("Yesterday", DayEdge::Start), "2024-09-05T22:00:00.000Z");
        assert_eq!(at("yesterday", DayEdge::End), "2024-09-06T21:59:59.999Z");
        // The latest such day, today included: 2024-09-07 is a Saturday.
        assert_eq!(at("monday", DayEdge::Start), "2024-09-01T22:00:00.000Z");
        assert_eq!(at("last mon", DayEdge::Start), "2024-09-01T22:00:00.000Z");
        assert_eq!(at("saturday", DayEdge::Start), "2024-09-06T22:00:00.000Z");
        for bad in ["someday", "2 fortnights ago", "-3 days ago", "last"] {
            assert!(
                parse_instant_at(bad, DayEdge::Start, saturday_noon(), &berlin).is_err(),
                "{bad}"
            );
        }
    }
}
