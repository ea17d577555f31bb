//! Bulk import: writing a stream of parsed records into the store in one transaction.
//!
//! The records come from any reader (`crate::bulk` parses JSONL, CSV and ClaimReview); this
//! module only decides, for each record, whether the store already has it (by id when the record
//! has one, else by claimant and exact text) and writes what is new through the same insert
//! functions the commands use — so every imported row has its event, and every event names the
//! file. Either the whole import commits or nothing does; with `skip_invalid`, a bad record is
//! rolled back to its savepoint and listed instead. Links are resolved at the end, so they may
//! point forward in the file.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

pub use crate::input::{Located, RecordError};

use super::claims::{insert_claim, put_verdict};
use super::evidence::insert_evidence;
use super::links::{NewLinkRow, insert_link};
use super::sources::find_counted_source_pk;
use super::team::{REVIEW_REQUIRED, proposal, setting};
use super::{Store, Tx, new_id};
use crate::error::{Error, Result};
use crate::history::VerdictProposed;
use crate::model::{ClaimRecord, LinkRecord, validate_claim_text, validate_rationale};

/// How to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The name recorded in every event (the file name, or "-" for standard input).
    pub origin: String,
    /// Do everything, report it, then roll back.
    pub dry_run: bool,
    /// Import the good records and list the bad ones, instead of importing nothing.
    pub skip_invalid: bool,
    /// Let the file's verdicts stand even where the desk requires review (ClaimReview verdicts,
    /// published and reviewed elsewhere). Otherwise, with `review.required` on, each verdict
    /// in the file is proposed, as `claim verdict` would propose it.
    pub trust_verdicts: bool,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Records read, bad ones included.
    pub records: u64,
    /// Claims logged.
    pub claims_added: u64,
    /// Records whose claim the store already held (matched by id, else by claimant and exact text),
    /// left as they were.
    pub claims_already_present: u64,
    /// Pieces of evidence added.
    pub evidence_added: u64,
    /// Verdicts given.
    pub verdicts_set: u64,
    /// Verdicts proposed for review instead (the store requires review).
    pub verdicts_proposed: u64,
    /// Links made.
    pub links_added: u64,
    /// Links the store already held (the same id, or the same live link), not made again.
    pub links_already_present: u64,
    /// The bad records left out under `skip_invalid`, each with where it is and why.
    pub skipped: Vec<RecordError>,
    /// True when nothing was written: the counts say what the import would do.
    pub dry_run: bool,
}

/// A link waiting for the end of the import, when every claim of the file is in.
struct PendingLink {
    location: String,
    from: (i64, String),
    link: LinkRecord,
}

impl Store {
    /// Imports records in one transaction. Without `skip_invalid` the first bad record aborts
    /// the import (nothing is written) with an error naming its location.
    pub fn import<I>(&mut self, records: I, options: &ImportOptions) -> Result<ImportSummary>
    where
        I: Iterator<Item = std::result::Result<Located<ClaimRecord>, RecordError>>,
    {
        let origin = options.origin.clone();
        // A large import inserts random UUIDs into several indexes: with SQLite's default 2 MB
        // page cache most of those pages would be evicted and re-read. Memory stays bounded.
        self.conn()
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let result = self.write_from(Some(&origin), !options.dry_run, |tx| {
            let mut summary = ImportSummary {
                dry_run: options.dry_run,
                ..ImportSummary::default()
            };
            let mut pending = Vec::new();
            // Decided holding the write lock, as for `claim verdict`.
            let review =
                !options.trust_verdicts && setting(tx, REVIEW_REQUIRED)?.as_deref() == Some("true");

            for item in records {
                summary.records += 1;
                let outcome = item.and_then(|record| {
                    guarded(tx, options.skip_invalid, || {
                        import_record(tx, &record, review, &mut summary, &mut pending)
                    })
                    .map_err(|e| as_record_error(&record.location, e))
                });
                if let Err(bad) = outcome {
                    reject(bad, options.skip_invalid, &mut summary)?;
                }
            }
            for link in pending {
                let location = link.location.clone();
                let outcome = guarded(tx, options.skip_invalid, || {
                    import_link(tx, &link, &mut summary)
                })
                .map_err(|e| as_record_error(&location, e));
                if let Err(bad) = outcome {
                    reject(bad, options.skip_invalid, &mut summary)?;
                }
            }

            Ok(summary)
        });
        self.conn().pragma_update(None, "cache_size", -2000)?;
        result
    }
}

/// The page cache during an import, in KiB (as a negative `cache_size`).
pub(in crate::store) const IMPORT_CACHE_KIB: i64 = -128 * 1024;

/// Lists a bad record (with `skip_invalid`) or turns it into the error that aborts the import.
fn reject(bad: RecordError, skip_invalid: bool, summary: &mut ImportSummary) -> Result<()> {
    if bad.fatal || !skip_invalid {
        return Err(Error::invalid(format!("{}: {}", bad.location, bad.reason)));
    }
    summary.skipped.push(bad);
    Ok(())
}

/// A data error in a record becomes a record error; a store error stays fatal.
fn as_record_error(location: &str, error: Error) -> RecordError {
    match error {
        Error::Usage(reason) => RecordError::new(location, reason),
        e if e.is_invalid_input() => RecordError::new(location, e.to_string()),
        other => RecordError {
            location: location.to_string(),
            reason: other.to_string(),
            fatal: true,
        },
    }
}

/// Runs one record's writes; with `skip_invalid`, inside a savepoint, so a record that fails
/// halfway leaves nothing behind.
fn guarded<T>(tx: &Tx, savepoint: bool, op: impl FnOnce() -> Result<T>) -> Result<T> {
    if !savepoint {
        return op();
    }
    tx.execute_batch("SAVEPOINT import_record")?;
    match op() {
        Ok(value) => {
            tx.execute_batch("RELEASE import_record")?;
            Ok(value)
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO import_record; RELEASE import_record")?;
            Err(e)
        }
    }
}

/// The key of a claim the store already has for this record, if any.
fn existing_claim(tx: &Tx, record: &ClaimRecord) -> Result<Option<i64>> {
    if let Some(id) = &record.id {
        return Ok(tx
            .prepare_cached("SELECT pk FROM claims WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?);
    }
    let claimant = match &record.claim.claimant {
        Some(name) => match find_counted_source_pk(tx, name)? {
            Some(pk) => Some(pk),
            // A claimant the store has never heard of has made no claim in it.
            None => return Ok(None),
        },
        None => None,
    };
    // `claims_match` finds the claimant's claims that begin alike; the text decides. (With
    // `IS ?1`, SQLite would use the index's first column only.)
    let sql = match claimant {
        Some(_) => {
            "SELECT pk FROM claims
              WHERE claimant_pk = ?1 AND substr(text, 1, 32) = substr(?2, 1, 32) AND text = ?2
              LIMIT 1"
        }
        None => {
            "SELECT pk FROM claims
              WHERE claimant_pk IS ?1 AND substr(text, 1, 32) = substr(?2, 1, 32) AND text = ?2
              LIMIT 1"
        }
    };
    Ok(tx
        .prepare_cached(sql)?
        .query_row(params![claimant, record.claim.text], |r| r.get(0))
        .optional()?)
}

fn exists(tx: &Tx, sql: &str, id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Imports one record; with `review`, its verdict is proposed rather than given.
fn import_record(
    tx: &Tx,
    located: &Located<ClaimRecord>,
    review: bool,
    summary: &mut ImportSummary,
    pending: &mut Vec<PendingLink>,
) -> Result<()> {
    let record = &located.value;
    validate_claim_text(&record.claim.text)?;
    if let Some(verdict) = &record.verdict {
        validate_rationale(&verdict.rationale)?;
    }
    if existing_claim(tx, record)?.is_some() {
        summary.claims_already_present += 1;
        return Ok(());
    }
    let id = record.id.clone().unwrap_or_else(new_id);
    insert_claim(tx, &id, &record.claim, record.logged.as_ref())?;
    let pk: i64 = tx
        .prepare_cached("SELECT pk FROM claims WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    summary.claims_added += 1;
    for evidence in &record.evidence {
        let evidence_id = evidence.id.clone().unwrap_or_else(new_id);
        if exists(tx, "SELECT 1 FROM evidence WHERE id = ?1", &evidence_id)? {
            return Err(Error::invalid(format!(
                "evidence id {evidence_id} is already used by another claim"
            )));
        }
        insert_evidence(
            tx,
            &id,
            &evidence_id,
            &evidence.evidence,
            evidence.logged.as_ref(),
        )?;
        summary.evidence_added += 1;
    }
    if let Some(verdict) = &record.verdict
        && review
    {
        let change = VerdictProposed {
            verdict: verdict.verdict,
            rationale: verdict.rationale.trim().to_string(),
            old: proposal(tx, pk)?,
        };
        tx.commit(&id, change)?;
        summary.verdicts_proposed += 1;
    } else if let Some(verdict) = &record.verdict {
        put_verdict(
            tx,
            pk,
            &id,
            verdict.verdict,
            &verdict.rationale,
            verdict.logged.as_ref(),
        )?;
        summary.verdicts_set += 1;
    }
    for link in &record.links {
        pending.push(PendingLink {
            location: located.location.clone(),
            from: (pk, id.clone()),
            link: link.clone(),
        });
    }
    Ok(())
}

fn import_link(tx: &Tx, pending: &PendingLink, summary: &mut ImportSummary) -> Result<()> {
    let link = &pending.link;
    if let Some(id) = &link.id
        && exists(tx, "SELECT 1 FROM links WHERE id = ?1", id)?
    {
        summary.links_already_present += 1;
        return Ok(());
    }
    let to: Option<(i64, String)> = tx
        .prepare_cached("SELECT pk, id FROM claims WHERE id = ?1")?
        .query_row([&link.to], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((to_pk, to_id)) = to else {
        return Err(Error::invalid(format!(
            "link to {}: no claim with that id in the file or the store",
            link.to
        )));
    };
    let (from_pk, from_id) = (&pending.from.0, &pending.from.1);
    let same_live_link = tx
        .prepare_cached(
            "SELECT 1 FROM links WHERE removed_at IS NULL AND relation = ?1
               AND ((from_pk = ?2 AND to_pk = ?3) OR (?4 AND from_pk = ?3 AND to_pk = ?2))",
        )?
        .query_row(
            params![
                link.relation.as_str(),
                from_pk,
                to_pk,
                link.relation.is_symmetric()
            ],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if same_live_link {
        summary.links_already_present += 1;
        return Ok(());
    }
    let id = link.id.clone().unwrap_or_else(new_id);
    let row = NewLinkRow {
        from: (*from_pk, from_id),
        to: (to_pk, &to_id),
        relation: link.relation,
        note: link.note.as_deref(),
        id: &id,
        logged: link.logged.as_ref(),
        linker: None,
    };
    insert_link(tx, &row)?;
    summary.links_added += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        EvidenceRecord, EvidenceStance, NewClaim, NewEvidence, Relation, VerdictKind, VerdictRecord,
    };

    fn record(
        line: u64,
        id: Option<&str>,
        text: &str,
    ) -> std::result::Result<Located<ClaimRecord>, RecordError> {
        Ok(Located {
            location: format!("line {line}"),
            value: ClaimRecord {
                id: id.map(Into::into),
                claim: NewClaim {
                    text: text.into(),
                    claimant: Some("Officials".into()),
                    ..NewClaim::default()
                },
                ..ClaimRecord::default()
            },
        })
    }

    fn options(skip_invalid: bool) -> ImportOptions {
        ImportOptions {
            origin: "claims.jsonl".into(),
            dry_run: false,
            skip_invalid,
            trust_verdicts: false,
        }
    }

    const A: &str = "aaaaaaaa-0000-4000-8000-000000000001";
    const B: &str = "bbbbbbbb-0000-4000-8000-000000000002";

    #[test]
    fn links_may_point_forward_and_reimporting_adds_nothing() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let records = || {
            let mut first = record(1, Some(A), "Iran supplied missiles");
            if let Ok(r) = &mut first {
                r.value.links.push(LinkRecord {
                    id: None,
                    relation: Relation::Contradicts,
                    to: B.into(),
                    note: None,
                    logged: None,
                });
                r.value.evidence.push(EvidenceRecord {
                    id: None,
                    evidence: NewEvidence {
                        stance: EvidenceStance::Supports,
                        source: Some("U.S. officials".into()),
                        url: None,
                        quote: None,
                        note: Some("shared with allies".into()),
                    },
                    logged: None,
                });
                r.value.verdict = Some(VerdictRecord {
                    verdict: VerdictKind::Unverifiable,
                    rationale: "No public evidence".into(),
                    logged: None,
                });
            }
            vec![
                first,
                record(2, Some(B), "Iran sent no weapons"),
                record(3, None, "Without an id"),
            ]
        };
        let summary = store
            .import(records().into_iter(), &options(false))
            .unwrap();
        assert_eq!(
            (
                summary.claims_added,
                summary.evidence_added,
                summary.verdicts_set,
                summary.links_added
            ),
            (3, 1, 1, 1)
        );
        assert_eq!(
            store.claim(B).unwrap().status,
            crate::model::Status::Disputed
        );
        let events = store.history(&Default::default()).unwrap();
        assert!(
            events
                .iter()
                .all(|e| e.payload()["import"] == "claims.jsonl"),
            "{events:?}"
        );

        let again = store
            .import(records().into_iter(), &options(false))
            .unwrap();
        assert_eq!((again.claims_added, again.claims_already_present), (0, 3));
        assert_eq!(
            store.history(&Default::default()).unwrap().len(),
            events.len()
        );
    }

    #[test]
    fn a_bad_record_aborts_everything_unless_skipped() {
        let mut store = Store::open_in_memory().unwrap();
        let records = || {
            vec![
                record(1, None, "Good"),
                record(2, None, "   "),
                Err(RecordError::new("line 3", "unknown stance 'x'")),
                record(4, None, "Also good"),
            ]
        };
        let err = store
            .import(records().into_iter(), &options(false))
            .unwrap_err();
        assert_eq!(err.to_string(), "line 2: claim text is empty");
        assert!(store.claims(&Default::default()).unwrap().is_empty());
        let summary = store.import(records().into_iter(), &options(true)).unwrap();
        assert_eq!(summary.claims_added, 2);
        assert_eq!(
            summary.skipped,
            vec![
                RecordError::new("line 2", "claim text is empty"),
                RecordError::new("line 3", "unknown stance 'x'")
            ]
        );
    }

    #[test]
    fn a_dry_run_reports_and_writes_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let summary = store
            .import(
                vec![record(1, None, "Good")].into_iter(),
                &ImportOptions {
                    dry_run: true,
                    ..options(false)
                },
            )
            .unwrap();
        assert_eq!(summary.claims_added, 1);
        assert!(summary.dry_run);
        assert!(store.claims(&Default::default()).unwrap().is_empty());
        assert!(store.history(&Default::default()).unwrap().is_empty());
    }

    #[test]
    fn a_link_to_an_unknown_claim_is_a_bad_record() {
        let mut store = Store::open_in_memory().unwrap();
        let mut first = record(7, None, "Dangling");
        if let Ok(r) = &mut first {
            r.value.links.push(LinkRecord {
                id: None,
                relation: Relation::Related,
                to: B.into(),
                note: None,
                logged: None,
            });
        }
        let err = store
            .import(vec![first].into_iter(), &options(false))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("line 7: link to {B}: no claim with that id in the file or the store")
        );
    }

    /// Issue 14: with review required, an imported verdict is proposed like any other and
    /// waits in the queue naming its file; only `trust_verdicts` (ClaimReview) lets it stand.
    #[test]
    fn an_imported_verdict_is_proposed_where_the_desk_requires_review() {
        let with_verdict = || {
            let mut first = record(1, Some(A), "Iran supplied missiles");
            if let Ok(r) = &mut first {
                r.value.verdict = Some(VerdictRecord {
                    verdict: VerdictKind::Refuted,
                    rationale: "Satellite images".into(),
                    logged: None,
                });
            }
            vec![first].into_iter()
        };
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        store.set_setting("review.required", "true").unwrap();
        let summary = store.import(with_verdict(), &options(false)).unwrap();
        assert_eq!((summary.verdicts_set, summary.verdicts_proposed), (0, 1));
        let claim = store.claim(A).unwrap();
        assert_eq!(claim.verdict, None);
        assert_eq!(claim.proposed_verdict, Some(VerdictKind::Refuted));
        let queue = store.review_queue().unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].proposed_by, "ana");
        assert_eq!(queue[0].proposed_from.as_deref(), Some("claims.jsonl"));
        store.set_author("ana");
        assert!(
            store.approve_verdict(A, None).is_err(),
            "the importer may not approve their own file's verdict"
        );

        let mut trusted = Store::open_in_memory().unwrap().with_author("ana");
        trusted.set_setting("review.required", "true").unwrap();
        let options = ImportOptions {
            trust_verdicts: true,
            ..options(false)
        };
        let summary = trusted.import(with_verdict(), &options).unwrap();
        assert_eq!((summary.verdicts_set, summary.verdicts_proposed), (1, 0));
        assert_eq!(
            trusted.claim(A).unwrap().verdict,
            Some(VerdictKind::Refuted)
        );
    }
}
