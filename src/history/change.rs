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
    pub name: String,
    pub kind: SourceKind,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
}

/// `claim.add`: a claim logged (its id is the event's record id); sources are named, and exist
/// by then (their own `source.add` comes first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimAdded {
    pub text: String,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub claimant: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub reported_by: Option<String>,
    pub stance: Stance,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
}

/// One edited field: the value before and after (`None`: empty), both always written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit<T> {
    pub old: Option<T>,
    pub new: Option<T>,
}

/// `claim.edit`: the fields that changed, each with its old and new value, and the tags added
/// and removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimEdited {
    #[serde(default, skip_serializing_if = "skip_none")]
    pub text: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub stance: Option<Edit<Stance>>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub date: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub claimant: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub reported_by: Option<Edit<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_added: Vec<String>,
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
    pub stance: EvidenceStance,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub quote: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
}

/// How sure the linker was of a link it proposed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkerProposal {
    pub score: f64,
    pub reason: String,
}

/// `link.add`: two claims linked (the link's id is the event's record id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkAdded {
    /// The first claim's id.
    pub from: String,
    pub relation: Relation,
    /// The second claim's id.
    pub to: String,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub created_by: Option<String>,
    /// Present when the link was the linker's proposal, accepted.
    #[serde(default, skip_serializing_if = "skip_none")]
    pub linker: Option<LinkerProposal>,
}

/// `link.remove`: a live link removed; it repeats what the link joined, for the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRemoved {
    pub from: String,
    pub relation: Relation,
    pub to: String,
}

/// A verdict as it stood: what, why, when and by whom it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenVerdict {
    pub verdict: VerdictKind,
    pub rationale: String,
    pub given_at: String,
    pub given_by: String,
}

/// A verdict as proposed for review: what, why, when and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedVerdict {
    pub verdict: VerdictKind,
    pub rationale: String,
    pub proposed_at: String,
    pub proposed_by: String,
}

/// `verdict.set`: a verdict given to the claim (the event's record), replacing `old`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictSet {
    pub verdict: VerdictKind,
    pub rationale: String,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub old: Option<GivenVerdict>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub given_at: Option<String>,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub given_by: Option<String>,
}

/// `verdict.clear`: the claim's verdict withdrawn, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCleared {
    pub old: GivenVerdict,
    pub note: String,
}

/// `verdict.propose`: a verdict proposed for review, replacing the proposal `old` (if any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictProposed {
    pub verdict: VerdictKind,
    pub rationale: String,
    pub old: Option<ProposedVerdict>,
}

/// `review.approve`: a proposed verdict approved by a second person; it carries the verdict it
/// approved, so it stands even where the proposal was since replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewApproved {
    pub verdict: VerdictKind,
    pub rationale: String,
    pub proposed_at: String,
    pub proposed_by: String,
    #[serde(default, skip_serializing_if = "skip_none")]
    pub note: Option<String>,
}

/// `review.reject`: a proposed verdict sent back to its proposer, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRejected {
    pub verdict: VerdictKind,
    pub rationale: String,
    pub proposed_by: String,
    pub note: String,
}

/// `claim.assign`: the claim assigned to someone (`None`: unassigned), replacing `old`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimAssigned {
    pub assignee: Option<String>,
    pub old: Option<String>,
}

/// `claim.comment`: a comment on the claim (the event is the comment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimCommented {
    pub text: String,
}

/// `config.set`: a desk setting (the event's record id is its key) set, replacing `old`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingSet {
    pub value: String,
    pub old: Option<String>,
}

/// Where an event falls in the canonical order before its time: every record's creation comes
/// before whatever refers to it, whatever the clocks say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Sources, which claims and evidence name.
    Sources,
    /// Claims, which evidence and links refer to.
    Claims,
    /// Evidence and links.
    Attachments,
    /// Every later change: edits, verdicts, reviews, assignments, comments, settings, removals.
    Changes,
}

impl Phase {
    /// The phase's number in the SQL form of the canonical order (`CANONICAL_ORDER`).
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// Declares every action once: its variant, payload, action name, record kind and phase.
/// Everything that lists actions (parsing, names, the SQL order, the checks' dispatch) is
/// derived from this list.
macro_rules! changes {
    ($($variant:ident => $name:literal, $kind:ident, $phase:ident;)+) => {
        /// The name of an action, as the event log stores it (`claim.add`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant),+ }

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
        pub enum Change { $($variant($variant)),+ }

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
