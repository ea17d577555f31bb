//! The changes an event can record: one [`Change`] variant per action, each with the fields its
//! event's `change` member holds, and what the variant knows about itself — its action name,
//! the kind of record it touches, its replay [`Phase`] and the claims it affects.
//!
//! This is the vocabulary, not the rules: a change here is already decided (ids resolved, the
//! desk's rules applied, old values read). It must not touch the store or validate values against
//! what a person may type (`store::event_check` does that for events from outside, with the
//! command line's own checks). Adding an action means adding a variant to the `changes!` list
//! below, then following the compiler: the projection and the history views must say what it
//! does.
//!
//! The JSON of every payload is the wire format, unchanged from the first release: the field
//! names, which fields are left out when empty (`Option` with `skip_serializing_if`) and which
//! are always written, as `null` when empty (`Option` without it), and the order of the fields
//! (the stored text keeps it; the hash sorts keys, so the order never changes a hash).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{EvidenceStance, RecordKind, Relation, SourceKind, Stance, VerdictKind};

/// Whether an optional member is left out of the payload (absent, never `null`). The
/// `created_at`/`created_by` and `given_at`/`given_by` members are such: an imported file's own
/// record of when and by whom, absent for records logged here (the event's time and author say it).
fn skip_none<T>(value: &Option<T>) -> bool {
    value.is_none()
}

/// `source.add`: a source registered, by name (its id is the event's record id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceAdded {
    /// The source's name, as first given (trimmed).
    pub name: String,
    /// What kind of source it is (`other` when it was first named in a claim or evidence).
    pub kind: SourceKind,
    /// The source's web address; absent when none was given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<String>,
    /// What the desk noted about the source; absent when nothing.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
    /// When an imported file says the record that first named the source was logged; absent for
    /// sources registered here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    /// Who an imported file says logged that record; absent for sources registered here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
}

/// `claim.add`: a claim logged (its id is the event's record id); sources are named, and exist
/// by then (their own `source.add` comes first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimAdded {
    /// The claim's text, exactly as logged.
    pub text: String,
    /// The claimant's source name; absent when nobody is named.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub claimant: Option<String>,
    /// The reporting source's name; absent when none is named.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub reported_by: Option<String>,
    /// The claimant's stance toward the text.
    pub stance: Stance,
    /// Where the claim appeared (http or https); absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<String>,
    /// The claimant's exact words; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<String>,
    /// When the claim was made, `YYYY-MM-DD`; absent when not known.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub date: Option<String>,
    /// The claim's tags; absent when it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// When an imported file says the claim was first logged; absent for claims logged here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    /// Who an imported file says first logged the claim; absent for claims logged here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
}

/// One edited field: the value before and after (`None`: empty), both always written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit<T> {
    /// The value before the edit; `null` when the field was empty.
    pub old: Option<T>,
    /// The value after the edit; `null` when the edit cleared the field.
    pub new: Option<T>,
}

impl<T: PartialEq> Edit<T> {
    /// The edit from `old` to `new`, or `None` when they are the same (nothing to record).
    pub fn between(old: Option<T>, new: Option<T>) -> Option<Edit<T>> {
        (old != new).then_some(Edit { old, new })
    }
}

impl<T: std::fmt::Display> Edit<T> {
    /// The edit with both values as text (a stance as its word).
    pub fn as_text(&self) -> Edit<String> {
        Edit {
            old: self.old.as_ref().map(ToString::to_string),
            new: self.new.as_ref().map(ToString::to_string),
        }
    }
}

/// `claim.edit`: the fields that changed, each with its old and new value, and the tags added
/// and removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimEdited {
    /// The claim's text, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub text: Option<Edit<String>>,
    /// The claimant's stance, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub stance: Option<Edit<Stance>>,
    /// Where the claim appeared, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<Edit<String>>,
    /// The claimant's exact words, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<Edit<String>>,
    /// When the claim was made (`YYYY-MM-DD`), before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub date: Option<Edit<String>>,
    /// The claimant's source name, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub claimant: Option<Edit<String>>,
    /// The reporting source's name, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub reported_by: Option<Edit<String>>,
    /// The tags the edit added; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_added: Vec<String>,
    /// The tags the edit removed; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_removed: Vec<String>,
}

impl ClaimEdited {
    /// Whether the edit changes nothing (such an edit is not recorded).
    pub fn is_empty(&self) -> bool {
        *self == ClaimEdited::default()
    }

    /// Whether the edit changes a column the full-text index holds (the text or the quote).
    pub fn touches_indexed_text(&self) -> bool {
        self.text.is_some() || self.quote.is_some()
    }
}

/// `evidence.add`: a piece of evidence on a claim (its id is the event's record id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceAdded {
    /// The claim's id.
    pub claim: String,
    /// How the evidence bears on the claim: supports, refutes or context.
    pub stance: EvidenceStance,
    /// The name of the source providing it; absent when none is named.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub source: Option<String>,
    /// Where the evidence can be found; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<String>,
    /// The exact words relied on; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<String>,
    /// What the evidence shows; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
    /// When an imported file says the evidence was first logged; absent for evidence logged here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    /// Who an imported file says first logged the evidence; absent for evidence logged here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
}

/// How sure the linker was of a link it proposed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkerProposal {
    /// The linker's score for the pair, 0 to 1, as it was shown when accepted.
    pub score: f64,
    /// The linker's reason for the relation, as it was shown.
    pub reason: String,
}

/// `link.add`: two claims linked (the link's id is the event's record id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkAdded {
    /// The first claim's id.
    pub from: String,
    /// How the first claim relates to the second: both ways, except `supports` (from → to).
    pub relation: Relation,
    /// The second claim's id.
    pub to: String,
    /// Why the desk linked them; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
    /// When an imported file says the link was made; absent for links made here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    /// Who an imported file says made the link; absent for links made here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
    /// Present when the link was the linker's proposal, accepted.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub linker: Option<LinkerProposal>,
}

/// `link.remove`: a live link removed; it repeats what the link joined, for the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRemoved {
    /// The id of the claim the link started from.
    pub from: String,
    /// The relation the link held.
    pub relation: Relation,
    /// The id of the claim the link pointed to.
    pub to: String,
}

/// A verdict as it stood: what, why, when and by whom it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenVerdict {
    /// The verdict that stood.
    pub verdict: VerdictKind,
    /// Why it was given.
    pub rationale: String,
    /// When it was given (UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`); for an approved proposal, when it was
    /// proposed.
    pub given_at: String,
    /// Who gave it; for an approved proposal, its proposer.
    pub given_by: String,
}

/// A verdict as proposed for review: what, why, when and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedVerdict {
    /// The verdict proposed.
    pub verdict: VerdictKind,
    /// Why the proposer gives it.
    pub rationale: String,
    /// When it was proposed: UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    pub proposed_at: String,
    /// Who proposed it.
    pub proposed_by: String,
}

/// `verdict.set`: a verdict given to the claim (the event's record), replacing `old`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictSet {
    /// The verdict given.
    pub verdict: VerdictKind,
    /// Why it was given (every verdict has a rationale).
    pub rationale: String,
    /// The verdict it replaced, if the claim had one; absent otherwise.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub old: Option<GivenVerdict>,
    /// When an imported file says the verdict was given; absent for verdicts given here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub given_at: Option<String>,
    /// Who an imported file says gave the verdict; absent for verdicts given here.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub given_by: Option<String>,
}

/// `verdict.clear`: the claim's verdict withdrawn, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCleared {
    /// The verdict withdrawn, as it stood.
    pub old: GivenVerdict,
    /// Why it was withdrawn.
    pub note: String,
}

/// `verdict.propose`: a verdict proposed for review, replacing the proposal `old` (if any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictProposed {
    /// The verdict proposed.
    pub verdict: VerdictKind,
    /// Why the proposer gives it.
    pub rationale: String,
    /// The proposal it replaced, if one was waiting; `null` otherwise.
    pub old: Option<ProposedVerdict>,
}

/// `review.approve`: a proposed verdict approved by a second person; it carries the verdict it
/// approved, so it stands even where the proposal was since replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewApproved {
    /// The verdict approved, as it was proposed; it becomes the claim's verdict.
    pub verdict: VerdictKind,
    /// The proposal's rationale, which becomes the verdict's.
    pub rationale: String,
    /// When the approved proposal was made; the verdict counts as given then.
    pub proposed_at: String,
    /// Who proposed it; the verdict counts as theirs, and the reviewer is someone else.
    pub proposed_by: String,
    /// The reviewer's remark; absent when none was given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
}

/// `review.reject`: a proposed verdict sent back to its proposer, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRejected {
    /// The verdict the rejected proposal offered.
    pub verdict: VerdictKind,
    /// The rejected proposal's rationale.
    pub rationale: String,
    /// Who proposed it (the reviewer is someone else).
    pub proposed_by: String,
    /// Why the reviewer sent it back.
    pub note: String,
}

/// `claim.assign`: the claim assigned to someone (`None`: unassigned), replacing `old`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimAssigned {
    /// Who the claim is assigned to now; `null` when it was unassigned.
    pub assignee: Option<String>,
    /// Who it was assigned to before; `null` when nobody was.
    pub old: Option<String>,
}

/// `claim.comment`: a comment on the claim (the event is the comment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimCommented {
    /// The comment, exactly as written.
    pub text: String,
}

/// `config.set`: a desk setting (the event's record id is its key) set, replacing `old`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingSet {
    /// The setting's new value, as text (`true`).
    pub value: String,
    /// The value it replaced; `null` when the setting had not been set in this store.
    pub old: Option<String>,
}

/// `evidence.edit`: the fields of a piece of evidence that changed, each with its old and new
/// value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidenceEdited {
    /// The id of the claim the evidence is on.
    pub claim: String,
    /// How it bears on the claim, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub stance: Option<Edit<EvidenceStance>>,
    /// The providing source's name, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub source: Option<Edit<String>>,
    /// Where it can be found, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<Edit<String>>,
    /// The exact words relied on, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<Edit<String>>,
    /// What it shows, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<Edit<String>>,
}

impl EvidenceEdited {
    /// Whether the edit changes nothing (such an edit is not recorded).
    pub fn is_empty(&self) -> bool {
        self.stance.is_none()
            && self.source.is_none()
            && self.url.is_none()
            && self.quote.is_none()
            && self.note.is_none()
    }
}

/// `evidence.move`: a piece of evidence moved from the claim it was attached to (by mistake) to
/// another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceMoved {
    /// The id of the claim it was on.
    pub from: String,
    /// The id of the claim it is on now.
    pub to: String,
}

/// `claim.retract`: the claim taken out of the desk's listings, reports, search and statuses (a
/// mistake, a junk candidate); its history and `claim show` keep it, marked, and it can be
/// restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRetracted {
    /// Why it was retracted.
    pub note: String,
}

/// `claim.restore`: a retracted claim put back as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRestored {
    /// Why it was restored; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
}

/// `evidence.retract`: a piece of evidence taken out of its claim's status and every listing
/// (attached to the wrong claim, say); its history keeps it, and it can be restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRetracted {
    /// The id of the claim the evidence is on.
    pub claim: String,
    /// Why it was retracted.
    pub note: String,
}

/// `evidence.restore`: retracted evidence put back as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRestored {
    /// The id of the claim the evidence is on.
    pub claim: String,
    /// Why it was restored; absent when not given.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
}

/// `source.edit`: a source's kind, web address or note changed, each with its old and new value
/// (its name changes by `source.rename`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceEdited {
    /// What kind of source it is, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub kind: Option<Edit<SourceKind>>,
    /// Its web address, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<Edit<String>>,
    /// What the desk noted about it, before and after; absent when unchanged.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<Edit<String>>,
}

impl SourceEdited {
    /// Whether the edit changes nothing (such an edit is not recorded).
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.url.is_none() && self.note.is_none()
    }
}

/// `source.rename`: a source renamed (a typo corrected); it keeps its id, and its old name
/// still finds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRenamed {
    /// The name it had.
    pub old: String,
    /// The name it has now.
    pub new: String,
}

/// `source.merge`: the source (the event's record) merged into another — the same person or
/// outlet logged under another name. Its name becomes an alias of the other, and what named it
/// counts for the other, until a `source.unmerge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceMerged {
    /// The id of the source it was merged into.
    pub into: String,
    /// That source's name at the time, for people reading the history.
    pub into_name: String,
}

/// `source.unmerge`: a merged source (the event's record) made a source of its own again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceUnmerged {
    /// The id of the source it had been merged into.
    pub from: String,
    /// That source's name at the time.
    pub from_name: String,
}

/// Where an event falls in the canonical order before its time: every record's creation comes
/// before whatever refers to it, whatever the clocks say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Sources, which claims and evidence name.
    Sources,
    /// Renamed sources: a claim or evidence may name a source by the name a rename gave it,
    /// so renames come before every claim (and after the sources they rename).
    SourceNames,
    /// Claims, which evidence and links refer to.
    Claims,
    /// Evidence and links.
    Attachments,
    /// Every later change: edits, verdicts, reviews, assignments, comments, settings, removals.
    Changes,
}

/// Declares every action once: its variant, payload, action name, record kind and phase.
/// Everything that lists actions (parsing, names, the SQL order, the checks' dispatch) is
/// derived from this list.
macro_rules! changes {
    ($($variant:ident => $name:literal, $kind:ident, $phase:ident;)+) => {
        /// The name of an action, as the event log stores it (`claim.add`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $(#[doc = concat!("The action stored as `", $name, "`; its payload is `", stringify!($variant), "`.")] $variant),+ }

        impl Action {
            /// Every action, in the order of their declaration.
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// The stored name (`claim.add`).
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }

            /// The action stored as `name`, if this factdesk knows it.
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)+ _ => None }
            }

            /// The kind of record events of this action touch.
            pub fn record_kind(self) -> RecordKind {
                match self { $(Action::$variant => RecordKind::$kind),+ }
            }

            /// Where events of this action fall in the canonical order.
            pub fn phase(self) -> Phase {
                match self { $(Action::$variant => Phase::$phase),+ }
            }
        }

        /// What one event changed, typed: one variant per action.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Change { $(#[doc = concat!("The change recorded by `", $name, "` events.")] $variant($variant)),+ }

        impl Change {
            /// The action this change is recorded as.
            pub fn action(&self) -> Action {
                match self { $(Change::$variant(_) => Action::$variant),+ }
            }

            /// The change's JSON, as the event's `change` member holds it.
            pub fn to_payload(&self) -> Value {
                let value = match self {
                    $(Change::$variant(change) => serde_json::to_value(change)),+
                };
                value.expect("a change's fields are all representable in JSON")
            }

            /// Reads the change an event of `action` holds in `payload`. Members this factdesk
            /// does not know (a newer one may add some) are ignored here and kept in the stored
            /// payload, which the hash covers.
            pub fn from_payload(action: Action, payload: &Value) -> Result<Change, String> {
                Ok(match action {
                    $(Action::$variant => Change::$variant(
                        <$variant>::deserialize(payload).map_err(|e| e.to_string())?,
                    )),+
                })
            }
        }

        $(impl From<$variant> for Change {
            fn from(change: $variant) -> Change {
                Change::$variant(change)
            }
        })+
    };
}

changes! {
    SourceAdded => "source.add", Source, Sources;
    ClaimAdded => "claim.add", Claim, Claims;
    EvidenceAdded => "evidence.add", Evidence, Attachments;
    LinkAdded => "link.add", Link, Attachments;
    ClaimEdited => "claim.edit", Claim, Changes;
    ClaimAssigned => "claim.assign", Claim, Changes;
    ClaimCommented => "claim.comment", Claim, Changes;
    VerdictSet => "verdict.set", Claim, Changes;
    VerdictCleared => "verdict.clear", Claim, Changes;
    VerdictProposed => "verdict.propose", Claim, Changes;
    ReviewApproved => "review.approve", Claim, Changes;
    ReviewRejected => "review.reject", Claim, Changes;
    LinkRemoved => "link.remove", Link, Changes;
    SettingSet => "config.set", Store, Changes;
    ClaimRetracted => "claim.retract", Claim, Changes;
    ClaimRestored => "claim.restore", Claim, Changes;
    EvidenceRetracted => "evidence.retract", Evidence, Changes;
    EvidenceRestored => "evidence.restore", Evidence, Changes;
    EvidenceEdited => "evidence.edit", Evidence, Changes;
    EvidenceMoved => "evidence.move", Evidence, Changes;
    SourceEdited => "source.edit", Source, Changes;
    SourceRenamed => "source.rename", Source, SourceNames;
    SourceMerged => "source.merge", Source, Changes;
    SourceUnmerged => "source.unmerge", Source, Changes;
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Change {
    /// The ids of the claims this change affects besides its own record: the claim evidence is
    /// on, the two claims of a link. (A claim's own changes affect the claim that is their record.)
    pub fn claims_referred_to(&self) -> Vec<&str> {
        match self {
            Change::EvidenceAdded(e) => vec![e.claim.as_str()],
            Change::EvidenceRetracted(e) => vec![e.claim.as_str()],
            Change::EvidenceRestored(e) => vec![e.claim.as_str()],
            Change::EvidenceEdited(e) => vec![e.claim.as_str()],
            Change::EvidenceMoved(m) => vec![m.from.as_str(), m.to.as_str()],
            Change::LinkAdded(l) => vec![l.from.as_str(), l.to.as_str()],
            Change::LinkRemoved(l) => vec![l.from.as_str(), l.to.as_str()],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_action_name_parses_back_and_names_are_unique() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.as_str()), Some(*action));
        }
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(Action::from_name("claim.delete"), None);
    }

    #[test]
    fn payloads_keep_the_wire_format_nulls_absences_and_field_order() {
        // Always-written fields are null when empty; optional ones are left out.
        let assign = Change::ClaimAssigned(ClaimAssigned {
            assignee: Some("bo".into()),
            old: None,
        });
        assert_eq!(
            assign.to_payload().to_string(),
            r#"{"assignee":"bo","old":null}"#
        );
        let edit = Change::ClaimEdited(ClaimEdited {
            text: Some(Edit {
                old: Some("A".into()),
                new: Some("B".into()),
            }),
            url: Some(Edit {
                old: None,
                new: Some("https://example.org".into()),
            }),
            tags_added: vec!["x".into()],
            ..ClaimEdited::default()
        });
        assert_eq!(
            edit.to_payload().to_string(),
            r#"{"text":{"old":"A","new":"B"},"url":{"old":null,"new":"https://example.org"},"tags_added":["x"]}"#
        );
        let link = json!({"from": "a", "relation": "contradicts", "to": "b",
                          "linker": {"score": 0.75, "reason": "same topic"}, "newer": 1});
        let change = Change::from_payload(Action::LinkAdded, &link).unwrap();
        let Change::LinkAdded(added) = &change else {
            panic!("not a link")
        };
        assert_eq!(added.relation, Relation::Contradicts);
        assert_eq!(added.linker.as_ref().unwrap().score, 0.75);
    }

    #[test]
    fn a_payload_that_does_not_fit_its_action_is_refused_with_the_reason() {
        let err =
            Change::from_payload(Action::VerdictSet, &json!({"verdict": "maybe"})).unwrap_err();
        assert!(err.contains("unknown variant `maybe`"), "{err}");
        let err =
            Change::from_payload(Action::ClaimAdded, &json!({"stance": "asserts"})).unwrap_err();
        assert!(err.contains("missing field `text`"), "{err}");
    }
}
