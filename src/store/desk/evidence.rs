//! Evidence: adding material for or against a claim (with its event) and listing it.

use super::sources::{ensure_optional_source, source_edit};
use super::{IdTable, Store, Tx, new_id, resolve_id, word};
use crate::error::{Error, Result};
use crate::history::{Edit, EvidenceAdded, EvidenceEdited, EvidenceMoved};
use crate::model::{
    Evidence, EvidenceStance, Logged, NewEvidence, Retraction, check_web_url, optional_text,
};

const EVIDENCE_SELECT: &str = "SELECT e.id, c.id, e.stance, s.name, e.url, e.quote, e.note,
        e.created_at, e.created_by, e.retracted_at, e.retracted_by, e.retraction_note
    FROM evidence e JOIN claims c ON c.pk = e.claim_pk LEFT JOIN sources s ON s.pk = e.source_pk";

fn evidence_from_row(row: &rusqlite::Row) -> rusqlite::Result<Evidence> {
    Ok(Evidence {
        id: row.get(0)?,
        claim_id: row.get(1)?,
        stance: word(row, 2)?,
        source: row.get(3)?,
        url: row.get(4)?,
        quote: row.get(5)?,
        note: row.get(6)?,
        created_at: row.get(7)?,
        created_by: row.get(8)?,
        retracted: Retraction::from_columns(row.get(9)?, row.get(10)?, row.get(11)?),
    })
}

/// Adds a piece of evidence to a claim (its `evidence.add`, after the `source.add` of a source
/// named for the first time). The one way evidence enters the store.
pub(in crate::store) fn insert_evidence(
    tx: &Tx,
    claim_id: &str,
    id: &str,
    evidence: &NewEvidence,
    logged: Option<&Logged>,
) -> Result<()> {
    let url = optional_text(evidence.url.clone());
    if let Some(url) = &url {
        check_web_url(url)?;
    }
    let source = evidence.source.as_deref().filter(|s| !s.trim().is_empty());
    ensure_optional_source(tx, source, logged)?;
    let change = EvidenceAdded {
        claim: claim_id.to_string(),
        stance: evidence.stance,
        source: source.map(|s| s.trim().to_string()),
        url,
        quote: optional_text(evidence.quote.clone()),
        note: optional_text(evidence.note.clone()),
        created_at: logged.map(|l| l.at.clone()),
        created_by: logged.map(|l| l.by.clone()),
    };
    tx.commit(id, change)?;
    Ok(())
}

/// What to change in a piece of evidence: `None` leaves a field as it is; for the optional
/// fields, `Some(None)` (or a blank value) clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceEdit {
    /// A new stance.
    pub stance: Option<EvidenceStance>,
    /// A new source (created on first mention), or none.
    pub source: Option<Option<String>>,
    /// A new URL, or none.
    pub url: Option<Option<String>>,
    /// New exact words, or none.
    pub quote: Option<Option<String>>,
    /// A new note, or none.
    pub note: Option<Option<String>>,
}

fn evidence_by_pk(conn: &rusqlite::Connection, pk: i64) -> Result<Evidence> {
    let sql = format!("{EVIDENCE_SELECT} WHERE e.pk = ?1");
    Ok(conn.query_row(&sql, [pk], evidence_from_row)?)
}

fn claim_pk_of(conn: &rusqlite::Connection, evidence_pk: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT claim_pk FROM evidence WHERE pk = ?1",
        [evidence_pk],
        |r| r.get(0),
    )?)
}

impl Store {
    /// Adds a piece of evidence to a claim (creating its source on first mention).
    pub fn add_evidence(&mut self, claim_prefix: &str, evidence: &NewEvidence) -> Result<Evidence> {
        let id = new_id();
        self.write(|tx| {
            let (claim_pk, claim_id) = resolve_id(tx, IdTable::Claim, claim_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, claim_pk, &claim_id)?;
            insert_evidence(tx, &claim_id, &id, evidence, None)
        })?;
        let sql = format!("{EVIDENCE_SELECT} WHERE e.id = ?1");
        Ok(self.conn().query_row(&sql, [id], evidence_from_row)?)
    }

    /// Changes a piece of evidence's fields (`Some(None)` clears an optional one). Returns the
    /// evidence and whether anything changed; an edit that changes nothing writes nothing.
    pub fn edit_evidence(
        &mut self,
        id_prefix: &str,
        edit: &EvidenceEdit,
    ) -> Result<(Evidence, bool)> {
        if let Some(Some(url)) = &edit.url {
            check_web_url(url)?;
        }
        let (id, changed) = self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Evidence, id_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Evidence, pk, &id)?;
            let old = evidence_by_pk(tx, pk)?;
            let claim_pk = claim_pk_of(tx, pk)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, claim_pk, &old.claim_id)?;
            // A blank new value clears the field, as when the evidence was added.
            let cleaned = |v: &Option<Option<String>>| v.clone().map(optional_text);
            let mut change = EvidenceEdited {
                claim: old.claim_id.clone(),
                stance: edit
                    .stance
                    .and_then(|s| Edit::between(Some(old.stance), Some(s))),
                url: cleaned(&edit.url).and_then(|new| Edit::between(old.url.clone(), new)),
                quote: cleaned(&edit.quote).and_then(|new| Edit::between(old.quote.clone(), new)),
                note: cleaned(&edit.note).and_then(|new| Edit::between(old.note.clone(), new)),
                source: None,
            };
            if let Some(new_name) = cleaned(&edit.source) {
                // The source as the evidence names it (an alias, not the survivor of a merge).
                let named: Option<String> = tx.query_row(
                    "SELECT s.name FROM evidence e
                       LEFT JOIN sources s ON s.pk = coalesce(e.source_named_pk, e.source_pk)
                      WHERE e.pk = ?1",
                    [pk],
                    |r| r.get(0),
                )?;
                change.source = source_edit(tx, named.as_deref(), new_name.as_deref())?;
            }
            if change.is_empty() {
                return Ok((id, false));
            }
            tx.commit(&id, change)?;
            Ok((id, true))
        })?;
        let sql = format!("{EVIDENCE_SELECT} WHERE e.id = ?1");
        Ok((
            self.conn().query_row(&sql, [id], evidence_from_row)?,
            changed,
        ))
    }

    /// Moves a piece of evidence to another claim (it was attached to the wrong one). Returns
    /// the evidence's id and the claims it moved from and to.
    pub fn move_evidence(
        &mut self,
        id_prefix: &str,
        claim_prefix: &str,
    ) -> Result<(String, String, String)> {
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Evidence, id_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Evidence, pk, &id)?;
            let old = evidence_by_pk(tx, pk)?;
            let (to_pk, to) = resolve_id(tx, IdTable::Claim, claim_prefix)?;
            if to == old.claim_id {
                return Err(Error::invalid(format!(
                    "evidence {} is already on claim {}: nothing to move",
                    &id[..8],
                    &to[..8]
                )));
            }
            super::retract::refuse_if_retracted(tx, IdTable::Claim, to_pk, &to)?;
            tx.commit(
                &id,
                EvidenceMoved {
                    from: old.claim_id.clone(),
                    to: to.clone(),
                },
            )?;
            Ok((id, old.claim_id, to))
        })
    }

    /// The evidence on one claim, in the order it was added.
    pub fn evidence_for(&self, claim_prefix: &str) -> Result<Vec<Evidence>> {
        let (claim_pk, _) = resolve_id(self.conn(), IdTable::Claim, claim_prefix)?;
        let sql = format!("{EVIDENCE_SELECT} WHERE e.claim_pk = ?1 ORDER BY e.created_at, e.pk");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([claim_pk], evidence_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceStance, NewClaim};

    #[test]
    fn evidence_keeps_its_source_and_blank_fields_are_left_empty() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let claim = store
            .add_claim(&NewClaim {
                text: "A".into(),
                ..NewClaim::default()
            })
            .unwrap();
        let added = store
            .add_evidence(
                &claim.id[..5],
                &NewEvidence {
                    stance: EvidenceStance::Context,
                    source: Some("Reuters".into()),
                    url: Some("  ".into()),
                    quote: None,
                    note: Some("background".into()),
                },
            )
            .unwrap();
        assert_eq!(added.claim_id, claim.id);
        assert_eq!(added.source.as_deref(), Some("Reuters"));
        assert_eq!(added.url, None);
        assert_eq!(store.evidence_for(&claim.id).unwrap(), vec![added]);
    }
}

#[cfg(test)]
mod search_tests {
    use super::*;
    use crate::model::{ClaimEdit, EvidenceStance, NewClaim};

    fn found(store: &Store, word: &str) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT c.id FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid WHERE claims_fts MATCH ?1")
            .unwrap();
        stmt.query_map([word], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_claim_is_found_by_its_words_and_its_evidence_and_edits_are_reindexed() {
        let mut store = Store::open_in_memory().unwrap();
        let claim = store
            .add_claim(&NewClaim {
                text: "Iran supplied missiles".into(),
                ..NewClaim::default()
            })
            .unwrap();
        let note = |n: &str| NewEvidence {
            stance: EvidenceStance::Context,
            source: None,
            url: None,
            quote: Some("Shahed drones".into()),
            note: Some(n.into()),
        };
        store
            .add_evidence(
                &claim.id,
                &note("Snopes: Did Tehran send ballistic weapons?"),
            )
            .unwrap();
        store
            .add_evidence(&claim.id, &note("Reuters background"))
            .unwrap();
        assert_eq!(found(&store, "missile"), vec![claim.id.clone()]);
        assert_eq!(found(&store, "tehran"), vec![claim.id.clone()]);
        assert_eq!(found(&store, "reuters AND shahed"), vec![claim.id.clone()]);
        store
            .edit_claim(
                &claim.id,
                &ClaimEdit {
                    text: Some("Iran sent drones".into()),
                    ..ClaimEdit::default()
                },
            )
            .unwrap();
        assert!(found(&store, "missile").is_empty());
        assert_eq!(found(&store, "sent AND tehran"), vec![claim.id.clone()]);
        let check: String = store.conn().query_row("INSERT INTO claims_fts (claims_fts, rank) VALUES ('integrity-check', 1) RETURNING 'ok'", [], |r| r.get(0)).unwrap_or_else(|e| e.to_string());
        assert_eq!(check, "ok", "the index matches the claims table");
    }
}
