//! Retracting and restoring claims and evidence: the desk's way to take back a mistake (a junk
//! candidate logged by `ingest --accept`, evidence attached to the wrong claim) without losing
//! its history.
//!
//! A retraction is an event (`claim.retract`, `evidence.retract`) and so is a restoration; the
//! projection marks the record, and the schema's views leave retracted records out of every
//! status, listing and report. This module owns the rules: a reason is required, retracting
//! twice and restoring what stands are refused, and retracting a claim says what else is
//! affected (its evidence and links stay as they are). It must not write tables itself.

use rusqlite::OptionalExtension;

use super::{IdTable, Store, Tx, resolve_id};
use crate::error::{Error, Result};
use crate::history::{ClaimRestored, ClaimRetracted, EvidenceRestored, EvidenceRetracted};
use crate::model::Retraction;

/// What retracting a claim leaves as it was: its standing evidence and its live links, which
/// stay recorded but no longer count for anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetractedClaim {
    /// The claim's id.
    pub id: String,
    /// How many pieces of evidence on it still stand.
    pub evidence: u64,
    /// The ids of the claims its live links join it to.
    pub linked_claims: Vec<String>,
}

/// The reason given for a retraction, trimmed; a blank one is refused.
fn reason(note: &str) -> Result<String> {
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::usage(
            "say why with --note: a retraction keeps its reason in the history",
        ));
    }
    Ok(note.to_string())
}

/// An optional reason for a restoration, trimmed; blank means none.
fn optional_reason(note: Option<&str>) -> Option<String> {
    note.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// The retraction of a claim or piece of evidence, `None` while it stands.
fn retraction_of(tx: &Tx, record: IdTable, pk: i64) -> Result<Option<Retraction>> {
    let sql = format!(
        "SELECT retracted_at, retracted_by, retraction_note FROM {} WHERE pk = ?1",
        record.table()
    );
    let row = tx
        .prepare_cached(&sql)?
        .query_row([pk], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(at, by, note)| Retraction::from_columns(at, by, note)))
}

/// Who retracted a record, when and why, as messages say it.
fn retracted_by(r: &Retraction) -> String {
    format!("by {} at {}: {}", r.by, minute(&r.at), r.note)
}

/// The message refusing to retract a record again.
fn already(record: IdTable, id: &str, r: &Retraction) -> Error {
    Error::invalid(format!(
        "{} {} is already retracted ({}); nothing changed",
        record.noun(),
        short_id(id),
        retracted_by(r)
    ))
}

/// Refuses a change to a retracted claim or piece of evidence, naming how to restore it first.
pub(in crate::store) fn refuse_if_retracted(
    tx: &Tx,
    record: IdTable,
    pk: i64,
    id: &str,
) -> Result<()> {
    if let Some(r) = retraction_of(tx, record, pk)? {
        let (noun, short) = (record.noun(), short_id(id));
        return Err(Error::invalid(format!(
            "{noun} {short} is retracted ({}); restore it first with `factdesk {noun} restore \
             {short}`",
            retracted_by(&r)
        )));
    }
    Ok(())
}

impl Store {
    /// Retracts a claim: it leaves every listing, report, search and status, keeps its history,
    /// and can be restored. Its evidence and links stay as they are (the result says which).
    pub fn retract_claim(&mut self, id_prefix: &str, note: &str) -> Result<RetractedClaim> {
        let note = reason(note)?;
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            if let Some(r) = retraction_of(tx, IdTable::Claim, pk)? {
                return Err(already(IdTable::Claim, &id, &r));
            }
            let evidence: i64 = tx.query_row(
                "SELECT count(*) FROM evidence WHERE claim_pk = ?1 AND retracted_at IS NULL",
                [pk],
                |r| r.get(0),
            )?;
            let evidence = evidence.unsigned_abs();
            let mut linked = tx.prepare(
                "SELECT o.id FROM links l
                   JOIN claims o ON o.pk = CASE WHEN l.from_pk = ?1 THEN l.to_pk ELSE l.from_pk END
                  WHERE (l.from_pk = ?1 OR l.to_pk = ?1) AND l.removed_at IS NULL
                  ORDER BY o.created_at, o.id",
            )?;
            let linked_claims = linked
                .query_map([pk], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            drop(linked);
            tx.commit(&id, ClaimRetracted { note: note.clone() })?;
            Ok(RetractedClaim {
                id,
                evidence,
                linked_claims,
            })
        })
    }

    /// Restores a retracted claim as it was. Returns its id.
    pub fn restore_claim(&mut self, id_prefix: &str, note: Option<&str>) -> Result<String> {
        let note = optional_reason(note);
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            if retraction_of(tx, IdTable::Claim, pk)?.is_none() {
                return Err(Error::invalid(format!(
                    "claim {} is not retracted: nothing to restore",
                    short_id(&id)
                )));
            }
            tx.commit(&id, ClaimRestored { note })?;
            Ok(id)
        })
    }

    /// Retracts a piece of evidence: it no longer counts for or against its claim and leaves
    /// every listing; its history stays, and it can be restored. Returns its id and its claim's.
    pub fn retract_evidence(&mut self, id_prefix: &str, note: &str) -> Result<(String, String)> {
        let note = reason(note)?;
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Evidence, id_prefix)?;
            if let Some(r) = retraction_of(tx, IdTable::Evidence, pk)? {
                return Err(already(IdTable::Evidence, &id, &r));
            }
            let claim = claim_of_evidence(tx, pk)?;
            tx.commit(
                &id,
                EvidenceRetracted {
                    claim: claim.clone(),
                    note: note.clone(),
                },
            )?;
            Ok((id, claim))
        })
    }

    /// Restores retracted evidence as it was. Returns its id and its claim's.
    pub fn restore_evidence(
        &mut self,
        id_prefix: &str,
        note: Option<&str>,
    ) -> Result<(String, String)> {
        let note = optional_reason(note);
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Evidence, id_prefix)?;
            if retraction_of(tx, IdTable::Evidence, pk)?.is_none() {
                return Err(Error::invalid(format!(
                    "evidence {} is not retracted: nothing to restore",
                    short_id(&id)
                )));
            }
            let claim = claim_of_evidence(tx, pk)?;
            tx.commit(
                &id,
                EvidenceRestored {
                    claim: claim.clone(),
                    note,
                },
            )?;
            Ok((id, claim))
        })
    }
}

/// An id as messages show it: its first 8 characters.
fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// A stored UTC time to the minute, as messages show it (`2024-09-07 12:00 UTC`).
fn minute(at: &str) -> String {
    format!("{} UTC", at.get(..16).unwrap_or(at).replace('T', " "))
}

/// The id of the claim a piece of evidence is on.
fn claim_of_evidence(tx: &Tx, evidence_pk: i64) -> Result<String> {
    Ok(tx.query_row(
        "SELECT c.id FROM evidence e JOIN claims c ON c.pk = e.claim_pk WHERE e.pk = ?1",
        [evidence_pk],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        EvidenceStance, NewClaim, NewEvidence, Relation, SearchScope, Status, VerdictKind,
    };
    use crate::store::ClaimFilter;

    fn claim(store: &mut Store, text: &str, claimant: &str) -> String {
        store
            .log_claim(&NewClaim {
                text: text.into(),
                claimant: Some(claimant.into()),
                ..NewClaim::default()
            })
            .unwrap()
    }

    fn evidence(store: &mut Store, claim: &str, stance: EvidenceStance) -> String {
        store
            .add_evidence(
                claim,
                &NewEvidence {
                    stance,
                    source: None,
                    url: None,
                    quote: None,
                    note: Some("seen".into()),
                },
            )
            .unwrap()
            .id
    }

    fn listed(store: &Store, include_retracted: bool) -> Vec<String> {
        store
            .claims(&ClaimFilter {
                include_retracted,
                ..ClaimFilter::default()
            })
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    }

    #[test]
    fn a_retracted_claim_counts_for_nothing_and_comes_back_as_it_was() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let allegation = claim(&mut store, "Iran supplied missiles", "Officials");
        let junk = claim(&mut store, "Iran did not", "Mission");
        let link = store
            .add_link(&junk, &allegation, Relation::Contradicts, None)
            .unwrap();
        let on_junk = evidence(&mut store, &junk, EvidenceStance::Supports);
        assert_eq!(store.claim(&allegation).unwrap().status, Status::Disputed);

        let retracted = store
            .retract_claim(&junk[..8], "  junk candidate ")
            .unwrap();
        assert_eq!(
            retracted,
            RetractedClaim {
                id: junk.clone(),
                evidence: 1,
                linked_claims: vec![allegation.clone()],
            }
        );
        assert_eq!(store.claim(&allegation).unwrap().status, Status::Unresolved);
        assert_eq!(listed(&store, false), vec![allegation.clone()]);
        assert_eq!(listed(&store, true).len(), 2);
        let shown = store.claim(&junk).unwrap();
        let r = shown.retracted.expect("marked retracted");
        assert_eq!((r.by.as_str(), r.note.as_str()), ("ana", "junk candidate"));
        assert!(store.disputed(None).unwrap().is_empty());
        // Its evidence and link stay as they are.
        assert_eq!(store.evidence_for(&junk).unwrap()[0].id, on_junk);
        assert!(
            store
                .links_of(&allegation)
                .unwrap()
                .iter()
                .any(|l| l.id == link.id)
        );

        let again = store.retract_claim(&junk, "twice").unwrap_err().to_string();
        assert!(
            again.contains("is already retracted (by ana at "),
            "{again}"
        );
        assert!(
            again.ends_with(": junk candidate); nothing changed"),
            "{again}"
        );
        // Changes to it are refused until it is restored.
        for refused in [
            store
                .add_link(&allegation, &junk, Relation::Related, None)
                .unwrap_err(),
            store
                .give_verdict(&junk, VerdictKind::Refuted, "no")
                .unwrap_err(),
            store
                .add_evidence(
                    &junk,
                    &NewEvidence {
                        stance: EvidenceStance::Context,
                        source: None,
                        url: None,
                        quote: None,
                        note: Some("x".into()),
                    },
                )
                .unwrap_err(),
        ] {
            let refused = refused.to_string();
            assert!(
                refused.contains("is retracted") && refused.contains("factdesk claim restore"),
                "{refused}"
            );
        }

        assert_eq!(store.restore_claim(&junk, None).unwrap(), junk);
        assert_eq!(store.claim(&junk).unwrap().retracted, None);
        assert_eq!(store.claim(&allegation).unwrap().status, Status::Disputed);
        let standing = store.restore_claim(&junk, None).unwrap_err().to_string();
        assert!(
            standing.ends_with("is not retracted: nothing to restore"),
            "{standing}"
        );
        assert!(matches!(
            store.retract_claim(&junk, " "),
            Err(Error::Usage(_))
        ));
        let verified = store.verify().unwrap();
        assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    }

    #[test]
    fn retracted_evidence_leaves_its_claims_status_and_search() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let allegation = claim(&mut store, "Iran supplied missiles", "Officials");
        let refuting = store
            .add_evidence(
                &allegation,
                &NewEvidence {
                    stance: EvidenceStance::Refutes,
                    source: None,
                    url: None,
                    quote: None,
                    note: Some("Tehran denies the shipment".into()),
                },
            )
            .unwrap()
            .id;
        assert_eq!(store.claim(&allegation).unwrap().status, Status::Disputed);
        let found = |store: &Store| {
            store
                .search_text(&crate::store::SearchQuery {
                    query: "shipment".into(),
                    scopes: vec![SearchScope::Claims, SearchScope::Evidence],
                    status: None,
                    since: None,
                    limit: 10,
                    literal: false,
                })
                .unwrap()
                .len()
        };
        assert_eq!(found(&store), 1);

        let (id, on) = store
            .retract_evidence(&refuting[..8], "wrong claim")
            .unwrap();
        assert_eq!(
            (id.as_str(), on.as_str()),
            (refuting.as_str(), allegation.as_str())
        );
        assert_eq!(store.claim(&allegation).unwrap().status, Status::Unresolved);
        assert_eq!(found(&store), 0, "its words no longer find the claim");
        assert!(store.retract_evidence(&refuting, "again").is_err());
        let verified = store.verify().unwrap();
        assert!(verified.problems.is_empty(), "{:?}", verified.problems);

        store
            .restore_evidence(&refuting, Some("right claim after all"))
            .unwrap();
        assert_eq!(store.claim(&allegation).unwrap().status, Status::Disputed);
        assert_eq!(found(&store), 1);
        assert!(store.restore_evidence(&refuting, None).is_err());
        let verified = store.verify().unwrap();
        assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    }
}
