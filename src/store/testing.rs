//! Shared by the store's tests: random work for property tests, and a fingerprint of
//! everything a person could read from a store.

use proptest::prelude::*;

use super::{ClaimFilter, ClaimOrder, Clock, Store};
use crate::error::Result;
use crate::model::*;

/// A store's event bundle.
pub fn bundle_of(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export_events(None, &mut out).unwrap();
    out
}

/// Imports a bundle.
pub fn import(store: &mut Store, bundle: &[u8]) -> Result<super::BundleSummary> {
    store.import_bundle(&mut &bundle[..], Default::default())
}

/// Everything a person could read from a store, as one string: equal fingerprints mean
/// identical claims, evidence, links, verdicts, reviews, settings and reports.
pub fn fingerprint(store: &Store) -> String {
    let all = ClaimFilter {
        order: ClaimOrder::OldestFirst,
        include_retracted: true,
        ..ClaimFilter::default()
    };
    let claims = store.claims(&all).unwrap();
    let mut out = serde_json::json!({
        "claims": claims,
        "disputed": store.disputed(None).unwrap(),
        "unresolved": store.unresolved(None).unwrap(),
        "queue": store.review_queue().unwrap(),
        "settings": store.settings().unwrap(),
        "sources": store.sources().unwrap(),
        "summary": store.summary(10, 12).unwrap(),
        "conflicts": store.conflicts().unwrap(),
    });
    for claim in &claims {
        out[&claim.id] = serde_json::json!({
            "evidence": store.evidence_for(&claim.id).unwrap(),
            "links": store.links_of(&claim.id).unwrap(),
            "comments": store.comments(&claim.id).unwrap(),
            "assignee": store.assignee(&claim.id).unwrap(),
        });
    }
    serde_json::to_string_pretty(&out).unwrap()
}

pub fn at(second: u32) -> Clock {
    Clock::Fixed(format!(
        "2024-09-07T{:02}:{:02}:{:02}.000Z",
        second / 3600,
        second / 60 % 60,
        second % 60
    ))
}

pub fn claim(text: &str, claimant: &str) -> NewClaim {
    NewClaim {
        text: text.into(),
        claimant: Some(claimant.into()),
        ..NewClaim::default()
    }
}

/// One step of the property test: a change made in store A or B, or an exchange.
#[derive(Debug, Clone)]
pub enum Step {
    Log {
        in_b: bool,
        text: u8,
        claimant: u8,
    },
    Evidence {
        in_b: bool,
        claim: u8,
        refutes: bool,
    },
    Link {
        in_b: bool,
        from: u8,
        to: u8,
        relation: u8,
    },
    Unlink {
        in_b: bool,
        claim: u8,
    },
    Edit {
        in_b: bool,
        claim: u8,
        text: u8,
    },
    Verdict {
        in_b: bool,
        claim: u8,
        verdict: u8,
    },
    Withdraw {
        in_b: bool,
        claim: u8,
    },
    Assign {
        in_b: bool,
        claim: u8,
        person: u8,
    },
    Retract {
        in_b: bool,
        claim: u8,
    },
    Restore {
        in_b: bool,
        claim: u8,
    },
    RetractEvidence {
        in_b: bool,
        claim: u8,
        restore: bool,
    },
    EditEvidence {
        in_b: bool,
        claim: u8,
        refutes: bool,
    },
    MoveEvidence {
        in_b: bool,
        claim: u8,
        to: u8,
    },
    Comment {
        in_b: bool,
        claim: u8,
    },
    Review {
        in_b: bool,
        on: bool,
    },
    Approve {
        in_b: bool,
        claim: u8,
    },
    EditSource {
        in_b: bool,
        source: u8,
        person: bool,
    },
    RenameSource {
        in_b: bool,
        source: u8,
        name: u8,
    },
    MergeSource {
        in_b: bool,
        from: u8,
        into: u8,
    },
    UnmergeSource {
        in_b: bool,
        source: u8,
    },
    Send {
        to_b: bool,
    },
}

pub fn step() -> impl Strategy<Value = Step> {
    let side = any::<bool>();
    prop_oneof![
        3 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, text, claimant)| Step::Log { in_b, text, claimant }),
        1 => (side, any::<u8>(), any::<bool>())
            .prop_map(|(in_b, claim, refutes)| Step::Evidence { in_b, claim, refutes }),
        2 => (side, any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(in_b, from, to, relation)| Step::Link { in_b, from, to, relation }),
        1 => (side, any::<u8>()).prop_map(|(in_b, claim)| Step::Unlink { in_b, claim }),
        2 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, claim, text)| Step::Edit { in_b, claim, text }),
        2 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, claim, verdict)| Step::Verdict { in_b, claim, verdict }),
        1 => (side, any::<u8>()).prop_map(|(in_b, claim)| Step::Withdraw { in_b, claim }),
        1 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, claim, person)| Step::Assign { in_b, claim, person }),
        1 => (side, any::<u8>()).prop_map(|(in_b, claim)| Step::Comment { in_b, claim }),
        1 => (side, any::<u8>()).prop_map(|(in_b, claim)| Step::Retract { in_b, claim }),
        1 => (side, any::<u8>()).prop_map(|(in_b, claim)| Step::Restore { in_b, claim }),
        1 => (side, any::<u8>(), any::<bool>())
            .prop_map(|(in_b, claim, restore)| Step::RetractEvidence { in_b, claim, restore }),
        1 => (side, any::<u8>(), any::<bool>())
            .prop_map(|(in_b, claim, refutes)| Step::EditEvidence { in_b, claim, refutes }),
        1 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, claim, to)| Step::MoveEvidence { in_b, claim, to }),
        1 => (side, any::<bool>()).prop_map(|(in_b, on)| Step::Review { in_b, on }),
        1 => (side, any::<u8>()).prop_map(|(in_b, claim)| Step::Approve { in_b, claim }),
        1 => (side, any::<u8>(), any::<bool>())
            .prop_map(|(in_b, source, person)| Step::EditSource { in_b, source, person }),
        1 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, source, name)| Step::RenameSource { in_b, source, name }),
        1 => (side, any::<u8>(), any::<u8>())
            .prop_map(|(in_b, from, into)| Step::MergeSource { in_b, from, into }),
        1 => (side, any::<u8>()).prop_map(|(in_b, source)| Step::UnmergeSource { in_b, source }),
        2 => side.prop_map(|to_b| Step::Send { to_b }),
    ]
}

const TEXTS: &[&str] = &[
    "Iran supplied Russia with ballistic missiles",
    "Iran has not provided weapons to either side",
    "Iran supplied drones resembling the Shahed line",
    "Iran wants to buy Su-35 jets",
];
const PEOPLE: &[&str] = &["ana", "bo", "cy"];

fn nth_claim(store: &Store, n: u8) -> Option<String> {
    let all = ClaimFilter {
        order: ClaimOrder::OldestFirst,
        ..ClaimFilter::default()
    };
    let claims = store.claims(&all).unwrap();
    (!claims.is_empty()).then(|| claims[n as usize % claims.len()].id.clone())
}

fn nth_source(store: &Store, n: u8) -> Option<String> {
    let sources = store.sources().unwrap();
    (!sources.is_empty()).then(|| sources[n as usize % sources.len()].name.clone())
}

/// Runs one step; refusals (a link that exists, a verdict to withdraw that is not there)
/// are part of the game and leave the store unchanged.
pub fn run(step: &Step, a: &mut Store, b: &mut Store, second: u32) {
    run_skewed(step, a, b, second, (0, 0));
}

/// [`run`], with each store's clock off by its own number of seconds (A's, B's).
pub fn run_skewed(step: &Step, a: &mut Store, b: &mut Store, second: u32, skew: (i64, i64)) {
    let acting_b = match step {
        Step::Send { to_b } => *to_b,
        Step::Log { in_b, .. }
        | Step::Evidence { in_b, .. }
        | Step::Link { in_b, .. }
        | Step::Unlink { in_b, .. }
        | Step::Edit { in_b, .. }
        | Step::Verdict { in_b, .. }
        | Step::Withdraw { in_b, .. }
        | Step::Assign { in_b, .. }
        | Step::Comment { in_b, .. }
        | Step::Retract { in_b, .. }
        | Step::Restore { in_b, .. }
        | Step::RetractEvidence { in_b, .. }
        | Step::EditEvidence { in_b, .. }
        | Step::MoveEvidence { in_b, .. }
        | Step::Review { in_b, .. }
        | Step::Approve { in_b, .. }
        | Step::EditSource { in_b, .. }
        | Step::RenameSource { in_b, .. }
        | Step::MergeSource { in_b, .. }
        | Step::UnmergeSource { in_b, .. } => *in_b,
    };
    let (store, other) = if acting_b {
        (&mut *b, &mut *a)
    } else {
        (&mut *a, &mut *b)
    };
    // The steps run an hour into the day, so a clock up to an hour slow stays on the same day.
    let offset = if acting_b { skew.1 } else { skew.0 };
    store.set_clock(at((3600 + i64::from(second) + offset) as u32));
    let pick = |store: &Store, n: u8| nth_claim(store, n);
    let _ = match step.clone() {
        Step::Send { .. } => import(store, &bundle_of(other)).map(drop),
        Step::Log { text, claimant, .. } => store
            .log_claim(&claim(
                TEXTS[text as usize % TEXTS.len()],
                PEOPLE[claimant as usize % PEOPLE.len()],
            ))
            .map(drop),
        Step::Evidence { claim, refutes, .. } => match pick(store, claim) {
            Some(id) => store
                .add_evidence(
                    &id,
                    &NewEvidence {
                        stance: if refutes {
                            EvidenceStance::Refutes
                        } else {
                            EvidenceStance::Supports
                        },
                        source: Some("Pentagon".into()),
                        url: None,
                        quote: None,
                        note: Some(format!("seen at {second}")),
                    },
                )
                .map(drop),
            None => Ok(()),
        },
        Step::Link {
            from, to, relation, ..
        } => match (pick(store, from), pick(store, to)) {
            (Some(f), Some(t)) => {
                let relation = [
                    Relation::Contradicts,
                    Relation::Supports,
                    Relation::Duplicates,
                ][relation as usize % 3];
                store.add_link(&f, &t, relation, None).map(drop)
            }
            _ => Ok(()),
        },
        Step::Unlink { claim, .. } => match pick(store, claim) {
            Some(id) => match store.links_of(&id).unwrap().first() {
                Some(link) => store.remove_link(&link.id.clone()).map(drop),
                None => Ok(()),
            },
            None => Ok(()),
        },
        Step::Edit { claim, text, .. } => match pick(store, claim) {
            Some(id) => store
                .edit_claim(
                    &id,
                    &ClaimEdit {
                        text: Some(format!("{} (v{text})", TEXTS[text as usize % TEXTS.len()])),
                        ..ClaimEdit::default()
                    },
                )
                .map(drop),
            None => Ok(()),
        },
        Step::Verdict { claim, verdict, .. } => match pick(store, claim) {
            Some(id) => {
                let verdict = [
                    VerdictKind::Supported,
                    VerdictKind::Refuted,
                    VerdictKind::Mixed,
                ][verdict as usize % 3];
                store.give_verdict(&id, verdict, "Because").map(drop)
            }
            None => Ok(()),
        },
        Step::Withdraw { claim, .. } => match pick(store, claim) {
            Some(id) => store.clear_verdict(&id, "Rethinking").map(drop),
            None => Ok(()),
        },
        Step::Assign { claim, person, .. } => match pick(store, claim) {
            Some(id) => store
                .assign_claim(&id, Some(PEOPLE[person as usize % PEOPLE.len()]))
                .map(drop),
            None => Ok(()),
        },
        Step::Comment { claim, .. } => match pick(store, claim) {
            Some(id) => store.comment_claim(&id, &format!("note {second}")),
            None => Ok(()),
        },
        Step::Retract { claim, .. } => match pick(store, claim) {
            Some(id) => store.retract_claim(&id, "junk").map(drop),
            None => Ok(()),
        },
        Step::Restore { claim, .. } => {
            let all = ClaimFilter {
                order: ClaimOrder::OldestFirst,
                include_retracted: true,
                ..ClaimFilter::default()
            };
            let retracted: Vec<String> = store
                .claims(&all)
                .unwrap()
                .into_iter()
                .filter(|c| c.retracted.is_some())
                .map(|c| c.id)
                .collect();
            match retracted.get(claim as usize % retracted.len().max(1)) {
                Some(id) => store.restore_claim(id, None).map(drop),
                None => Ok(()),
            }
        }
        Step::RetractEvidence { claim, restore, .. } => match pick(store, claim) {
            Some(id) => match store.evidence_for(&id).unwrap().first() {
                Some(e) if restore && e.retracted.is_some() => {
                    store.restore_evidence(&e.id.clone(), None).map(drop)
                }
                Some(e) => store
                    .retract_evidence(&e.id.clone(), "wrong claim")
                    .map(drop),
                None => Ok(()),
            },
            None => Ok(()),
        },
        Step::EditEvidence { claim, refutes, .. } => match pick(store, claim) {
            Some(id) => match store.evidence_for(&id).unwrap().first() {
                Some(e) => store
                    .edit_evidence(
                        &e.id.clone(),
                        &super::EvidenceEdit {
                            stance: Some(if refutes {
                                EvidenceStance::Refutes
                            } else {
                                EvidenceStance::Context
                            }),
                            note: Some(Some(format!("edited at {second}"))),
                            ..Default::default()
                        },
                    )
                    .map(drop),
                None => Ok(()),
            },
            None => Ok(()),
        },
        Step::MoveEvidence { claim, to, .. } => match (pick(store, claim), pick(store, to)) {
            (Some(id), Some(to)) => match store.evidence_for(&id).unwrap().first() {
                Some(e) => store.move_evidence(&e.id.clone(), &to).map(drop),
                None => Ok(()),
            },
            _ => Ok(()),
        },
        Step::EditSource { source, person, .. } => match nth_source(store, source) {
            Some(name) => store
                .edit_source(
                    &name,
                    &super::SourceEdit {
                        kind: Some(if person {
                            SourceKind::Person
                        } else {
                            SourceKind::Outlet
                        }),
                        note: Some(Some(format!("edited at {second}"))),
                        ..Default::default()
                    },
                )
                .map(drop),
            None => Ok(()),
        },
        Step::RenameSource { source, name, .. } => match nth_source(store, source) {
            // A name of the source's own (from its id), so no two sources ever want one name.
            Some(old) => {
                let id = store.source(&old).unwrap().id;
                store
                    .rename_source(&old, &format!("{} {}", &id[..8], name % 3))
                    .map(drop)
            }
            None => Ok(()),
        },
        Step::MergeSource { from, into, .. } => {
            match (nth_source(store, from), nth_source(store, into)) {
                (Some(from), Some(into)) => store.merge_sources(&[from], &into).map(drop),
                _ => Ok(()),
            }
        }
        Step::UnmergeSource { source, .. } => store
            .unmerge_source(PEOPLE[source as usize % PEOPLE.len()])
            .map(drop),
        Step::Review { on, .. } => store
            .set_setting("review.required", if on { "true" } else { "false" })
            .map(drop),
        Step::Approve { claim, .. } => match pick(store, claim) {
            Some(id) => {
                let me = store.author().to_string();
                store.set_author("cy");
                let approved = store.approve_verdict(&id, None).map(drop);
                store.set_author(me);
                approved
            }
            None => Ok(()),
        },
    };
}
