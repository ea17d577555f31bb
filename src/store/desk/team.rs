//! Team work on one store: desk settings, review before a verdict stands, who is assigned to a
//! claim, and comments. Each operation decides its change and commits it ([`Tx::commit`]).
//! The rule that a verdict needs a second person lives here, decided inside the write
//! transaction; nothing here prints or parses.

use rusqlite::{OptionalExtension, params};

use super::{IdTable, Store, Tx, resolve_id, word};
use crate::error::{Error, Result};
use crate::history::{
    self, ClaimAssigned, ClaimCommented, ReviewApproved, ReviewRejected, SettingSet,
    VerdictProposed,
};
use crate::model::{
    Comment, ProposedVerdict, Setting, VerdictKind, VerdictOutcome, validate_rationale,
};
use crate::person::{check_person_name, person_key, same_person};

/// The settings a store knows: key, default value, meaning. `config set` refuses other keys.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        REVIEW_REQUIRED,
        "false",
        "true: a verdict stands only once a different person approves it",
    ),
    (
        LINKER_MODEL,
        "",
        "the sentence-embedding model directory the linker uses (empty: none)",
    ),
];

/// The setting that turns on review before a verdict stands.
pub const REVIEW_REQUIRED: &str = "review.required";

/// The setting that names the linker's sentence-embedding model: a directory on the machines
/// that use the store (checked to hold a model by `config set`, not here: a colleague's bundle
/// may name a directory of theirs). Empty means none.
pub const LINKER_MODEL: &str = "linker.model";

/// Refuses a setting this factdesk does not know, naming the known ones.
pub(crate) fn check_setting_key(key: &str) -> Result<()> {
    if !SETTINGS.iter().any(|(k, _, _)| *k == key) {
        let known: Vec<&str> = SETTINGS.iter().map(|(k, _, _)| *k).collect();
        return Err(Error::invalid(format!(
            "unknown setting '{key}' (known: {})",
            known.join(", ")
        )));
    }
    Ok(())
}

/// A setting's value as stored (`true` or `false`), from any of the ways a person writes it.
pub(crate) fn clean_setting(key: &str, value: &str) -> Result<String> {
    check_setting_key(key)?;
    if key == LINKER_MODEL {
        let path = value.trim();
        if path.chars().any(char::is_control) {
            return Err(Error::invalid(format!(
                "setting '{key}' is a directory path on one line, without control characters"
            )));
        }
        return Ok(path.to_string());
    }
    match value.trim().to_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok("true".into()),
        "false" | "no" | "off" | "0" => Ok("false".into()),
        _ => Err(Error::invalid(format!(
            "setting '{key}' is true or false, not '{value}'"
        ))),
    }
}

pub(in crate::store) fn setting(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(in crate::store) fn proposal(
    tx: &Tx,
    claim_pk: i64,
) -> Result<Option<history::ProposedVerdict>> {
    Ok(tx
        .prepare_cached(
            "SELECT verdict, rationale, proposed_at, proposed_by FROM proposed_verdicts
             WHERE claim_pk = ?1",
        )?
        .query_row([claim_pk], |r| {
            Ok(history::ProposedVerdict {
                verdict: word(r, 0)?,
                rationale: r.get(1)?,
                proposed_at: r.get(2)?,
                proposed_by: r.get(3)?,
            })
        })
        .optional()?)
}

/// The proposed verdict of a claim, for its reviewer: refused when there is none, or when the
/// reviewer (this transaction's author) proposed it — a different person must `action` it.
fn proposal_for_review(
    tx: &Tx,
    claim_pk: i64,
    claim_id: &str,
    action: &str,
) -> Result<history::ProposedVerdict> {
    let proposal = proposal(tx, claim_pk)?.ok_or_else(|| {
        Error::invalid(format!(
            "claim {} has no verdict waiting for review",
            &claim_id[..8]
        ))
    })?;
    if same_person(&proposal.proposed_by, tx.author) {
        let hint = match action {
            "approve" => "",
            _ => " (propose a new one with `claim verdict` to replace it)",
        };
        // A look-alike spelling is told which name it matched.
        let spelt = if proposal.proposed_by.trim() == tx.author.trim() {
            String::new()
        } else {
            format!(" as '{}'", crate::person::shown_name(&proposal.proposed_by))
        };
        return Err(Error::invalid(format!(
            "you ({}) proposed this verdict{spelt}: a different person must {action} it{hint}",
            crate::person::shown_name(tx.author)
        )));
    }
    Ok(proposal)
}

/// The rows of the review queue, as [`proposed_from_row`] reads them.
const REVIEW_QUEUE_SELECT: &str = "SELECT id, text, verdict, rationale, proposed_by, proposed_at, proposed_from FROM review_queue";

fn proposed_from_row(r: &rusqlite::Row) -> rusqlite::Result<ProposedVerdict> {
    Ok(ProposedVerdict {
        claim_id: r.get(0)?,
        text: r.get(1)?,
        verdict: word(r, 2)?,
        rationale: r.get(3)?,
        proposed_by: r.get(4)?,
        proposed_at: r.get(5)?,
        proposed_from: r.get(6)?,
    })
}

/// The stored spellings of one person: those of the names `distinct` selects (one text column,
/// each name once) that are the same person as `name` ([`person_key`]). A filter by person
/// (`--assignee`, `--author`) matches these, so `bo` finds what `Bo` and `bо` did.
pub(crate) fn spellings_of(
    conn: &rusqlite::Connection,
    distinct: &str,
    name: &str,
) -> Result<Vec<String>> {
    let wanted = person_key(name);
    let mut stmt = conn.prepare_cached(distinct)?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut same = Vec::new();
    for stored in names {
        let stored = stored?;
        if person_key(&stored) == wanted {
            same.push(stored);
        }
    }
    Ok(same)
}

/// `?, ?, …`: one placeholder for each of `n` values of an `IN` list.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl Store {
    /// Sets a desk setting; returns whether it changed (setting the same value writes nothing).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<bool> {
        let key = key.trim();
        let value = clean_setting(key, value)?;
        self.write(|tx| {
            let old = setting(tx, key)?;
            if old.as_deref() == Some(value.as_str()) {
                return Ok(false);
            }
            tx.commit(
                key,
                SettingSet {
                    value: value.clone(),
                    old,
                },
            )?;
            Ok(true)
        })
    }

    /// Every setting that has been set, by key.
    pub fn settings(&self) -> Result<Vec<Setting>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT key, value, set_at, set_by FROM settings ORDER BY key")?;
        let rows = stmt.query_map([], |r| {
            Ok(Setting {
                key: r.get(0)?,
                value: r.get(1)?,
                set_at: r.get(2)?,
                set_by: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The linker's model directory as the store's settings name it (`linker.model`), if set
    /// and not empty.
    pub fn linker_model_setting(&self) -> Result<Option<String>> {
        Ok(setting(self.conn(), LINKER_MODEL)?.filter(|v| !v.is_empty()))
    }

    /// Whether a verdict needs a second person before it stands.
    pub fn review_required(&self) -> Result<bool> {
        Ok(setting(self.conn(), REVIEW_REQUIRED)?.as_deref() == Some("true"))
    }

    /// Gives a claim a verdict: it stands at once, or — when the store requires review — it is
    /// proposed and waits for a different person's approval.
    pub fn give_verdict(
        &mut self,
        id_prefix: &str,
        verdict: VerdictKind,
        rationale: &str,
    ) -> Result<VerdictOutcome> {
        validate_rationale(rationale)?;
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, pk, &id)?;
            // Decided holding the write lock: nobody can turn review on in between.
            if setting(tx, REVIEW_REQUIRED)?.as_deref() != Some("true") {
                super::claims::put_verdict(tx, pk, &id, verdict, rationale, None)?;
                return Ok(VerdictOutcome::Stands);
            }
            let change = VerdictProposed {
                verdict,
                rationale: rationale.trim().to_string(),
                old: proposal(tx, pk)?,
            };
            tx.commit(&id, change)?;
            Ok(VerdictOutcome::Proposed)
        })
    }

    /// Approves a claim's proposed verdict, which then stands; the proposer may not approve
    /// their own.
    pub fn approve_verdict(&mut self, id_prefix: &str, note: Option<&str>) -> Result<VerdictKind> {
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, pk, &id)?;
            let proposal = proposal_for_review(tx, pk, &id, "approve")?;
            let verdict = proposal.verdict;
            let change = ReviewApproved {
                verdict,
                rationale: proposal.rationale,
                proposed_at: proposal.proposed_at,
                proposed_by: proposal.proposed_by,
                note: note
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            };
            tx.commit(&id, change)?;
            Ok(verdict)
        })
    }

    /// Sends a proposed verdict back to its proposer, saying why; the claim keeps the verdict
    /// (or none) it had.
    pub fn reject_verdict(&mut self, id_prefix: &str, why: &str) -> Result<()> {
        if why.trim().is_empty() {
            return Err(Error::invalid(
                "sending a verdict back needs a reason: give --note with it",
            ));
        }
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            let proposal = proposal_for_review(tx, pk, &id, "review")?;
            let change = ReviewRejected {
                verdict: proposal.verdict,
                rationale: proposal.rationale,
                proposed_by: proposal.proposed_by,
                note: why.trim().to_string(),
            };
            tx.commit(&id, change)?;
            Ok(())
        })
    }

    /// Proposed verdicts waiting for a reviewer, oldest first (the `review_queue` view, which
    /// sqlite3 and Datasette users read too).
    pub fn review_queue(&self) -> Result<Vec<ProposedVerdict>> {
        let sql = format!("{REVIEW_QUEUE_SELECT} ORDER BY proposed_at, id");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], proposed_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The proposed verdict of one claim, if one waits for review.
    pub fn proposed_verdict(&self, id_prefix: &str) -> Result<Option<ProposedVerdict>> {
        let (_, id) = resolve_id(self.conn(), IdTable::Claim, id_prefix)?;
        let sql = format!("{REVIEW_QUEUE_SELECT} WHERE id = ?1");
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], proposed_from_row)
            .optional()?)
    }

    /// Assigns a claim to someone (`None` unassigns it); returns whether anything changed.
    pub fn assign_claim(&mut self, id_prefix: &str, assignee: Option<&str>) -> Result<bool> {
        let assignee = assignee.map(str::trim);
        if let Some(name) = assignee {
            check_person_name(name).map_err(|e| Error::invalid(format!("assignee {e}")))?;
        }
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            let old: Option<String> = tx
                .prepare_cached("SELECT assignee FROM assignments WHERE claim_pk = ?1")?
                .query_row([pk], |r| r.get(0))
                .optional()?;
            if assignee.is_none() && old.is_none() {
                return Err(Error::invalid(format!(
                    "claim {} is not assigned",
                    &id[..8]
                )));
            }
            if old.as_deref() == assignee {
                return Ok(false);
            }
            let change = ClaimAssigned {
                assignee: assignee.map(str::to_string),
                old,
            };
            tx.commit(&id, change)?;
            Ok(true)
        })
    }

    /// Who is assigned to a claim.
    pub fn assignee(&self, id_prefix: &str) -> Result<Option<String>> {
        let (pk, _) = resolve_id(self.conn(), IdTable::Claim, id_prefix)?;
        Ok(self
            .conn()
            .prepare_cached("SELECT assignee FROM assignments WHERE claim_pk = ?1")?
            .query_row([pk], |r| r.get(0))
            .optional()?)
    }

    /// Adds a comment to a claim (a comment is its event).
    pub fn comment_claim(&mut self, id_prefix: &str, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid("comment is empty"));
        }
        self.write(|tx| {
            let (_, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            tx.commit(
                &id,
                ClaimCommented {
                    text: text.to_string(),
                },
            )?;
            Ok(())
        })
    }

    /// A claim's comments, oldest first.
    pub fn comments(&self, id_prefix: &str) -> Result<Vec<Comment>> {
        let (_, id) = resolve_id(self.conn(), IdTable::Claim, id_prefix)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, author, json_extract(change, '$.text') FROM events
              WHERE record_id = ?1 AND action = 'claim.comment' ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![id], |r| {
            Ok(Comment {
                at: r.get(0)?,
                author: r.get(1)?,
                text: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewClaim;

    fn desk() -> (Store, String) {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let id = store
            .log_claim(&NewClaim {
                text: "Iran supplied Russia with ballistic missiles".into(),
                claimant: Some("U.S. and European officials".into()),
                ..NewClaim::default()
            })
            .unwrap();
        (store, id)
    }

    #[test]
    fn without_review_a_verdict_stands_at_once() {
        let (mut store, id) = desk();
        let outcome = store
            .give_verdict(&id, VerdictKind::Supported, "Officials confirmed it")
            .unwrap();
        assert_eq!(outcome, VerdictOutcome::Stands);
        assert_eq!(
            store.claim(&id).unwrap().verdict,
            Some(VerdictKind::Supported)
        );
    }

    #[test]
    fn with_review_a_verdict_waits_for_a_different_person() {
        let (mut store, id) = desk();
        assert!(store.set_setting("review.required", "yes").unwrap());
        assert!(!store.set_setting("review.required", "true").unwrap());
        let outcome = store
            .give_verdict(&id, VerdictKind::Refuted, "No shipment was ever seen")
            .unwrap();
        assert_eq!(outcome, VerdictOutcome::Proposed);
        assert_eq!(store.claim(&id).unwrap().verdict, None);
        let queue = store.review_queue().unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].proposed_by, "ana");

        let err = store.approve_verdict(&id, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "you (ana) proposed this verdict: a different person must approve it"
        );
        let mut store = store.with_author("Bo");
        store
            .reject_verdict(&id, "Cite the shipping records")
            .unwrap();
        assert!(store.review_queue().unwrap().is_empty());
        assert_eq!(store.claim(&id).unwrap().verdict, None);

        let mut store = store.with_author("ana");
        store
            .give_verdict(&id, VerdictKind::Refuted, "Shipping records show none")
            .unwrap();
        let mut store = store.with_author("bo");
        assert_eq!(
            store.approve_verdict(&id, Some("checked")).unwrap(),
            VerdictKind::Refuted
        );
        let claim = store.claim(&id).unwrap();
        assert_eq!(claim.verdict, Some(VerdictKind::Refuted));
        assert_eq!(
            claim.verdict_rationale.as_deref(),
            Some("Shipping records show none")
        );
        let err = store.approve_verdict(&id, None).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("has no verdict waiting for review"),
            "{err}"
        );
        assert!(store.verify().unwrap().problems.is_empty());
    }

    /// Issue 11: a look-alike of the proposer's name (another script's letters, an invisible
    /// character, fullwidth forms, an accent) is the proposer.
    #[test]
    fn a_look_alike_of_the_proposer_cannot_review() {
        let (mut store, id) = desk();
        store.set_setting(REVIEW_REQUIRED, "true").unwrap();
        store
            .give_verdict(&id, VerdictKind::Refuted, "No shipment was ever seen")
            .unwrap();
        for look_alike in [
            "\u{430}na",
            "ana\u{200b}",
            "\u{ff41}\u{ff4e}\u{ff41}",
            "a\u{301}na",
            "\u{202e}ana",
        ] {
            store.set_author(look_alike);
            let err = store.approve_verdict(&id, None).unwrap_err().to_string();
            assert!(
                err.ends_with("proposed this verdict as 'ana': a different person must approve it"),
                "{look_alike:?}: {err}"
            );
            let err = store.reject_verdict(&id, "no").unwrap_err().to_string();
            assert!(err.contains("a different person must review it"), "{err}");
        }
        store.set_author("anna");
        store.approve_verdict(&id, None).unwrap();
    }

    /// Filters by person find every spelling of the person, and only theirs.
    #[test]
    fn filters_by_person_match_every_spelling() {
        let (mut store, id) = desk();
        // Bo, written with a Cyrillic о.
        store.assign_claim(&id, Some("B\u{43e}")).unwrap();
        for name in ["bo", "BO", "b\u{43e} "] {
            let filter = crate::store::ClaimFilter {
                assignee: Some(name.into()),
                ..Default::default()
            };
            assert_eq!(store.claims(&filter).unwrap().len(), 1, "{name:?}");
        }
        let filter = crate::store::ClaimFilter {
            assignee: Some("bob".into()),
            ..Default::default()
        };
        assert!(store.claims(&filter).unwrap().is_empty());
        store.set_author("\u{430}na");
        store
            .comment_claim(&id, "Same person, other spelling")
            .unwrap();
        let by = |name: &str| {
            let filter = crate::store::HistoryFilter {
                author: Some(name.into()),
                ..Default::default()
            };
            store.history(&filter).unwrap().len()
        };
        // Ana logged the source, the claim and the assignment; then commented as "аna".
        assert_eq!((by("ANA"), by("\u{ff41}na"), by("anna")), (4, 4, 0));
    }

    #[test]
    fn an_author_with_nothing_visible_changes_nothing() {
        let (store, id) = desk();
        let mut store = store.with_author("\u{200b}");
        assert_eq!(
            store
                .comment_claim(&id, "Who am I?")
                .unwrap_err()
                .to_string(),
            "author: name '\\u{200b}' is empty once invisible characters are left out"
        );
        assert_eq!(store.comments(&id).unwrap().len(), 0);
        assert_eq!(
            store
                .assign_claim(&id, Some("bo\n"))
                .unwrap_err()
                .to_string(),
            "author: name '\\u{200b}' is empty once invisible characters are left out"
        );
        let mut store = store.with_author("ana");
        assert_eq!(
            store
                .assign_claim(&id, Some("b\u{1b}o"))
                .unwrap_err()
                .to_string(),
            "assignee name 'b\\u{1b}o' holds a control character"
        );
    }

    #[test]
    fn unknown_settings_and_values_are_refused() {
        let (mut store, _) = desk();
        let err = store.set_setting("review.requird", "true").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown setting 'review.requird' (known: review.required, linker.model)"
        );
        let err = store.set_setting("review.required", "maybe").unwrap_err();
        assert_eq!(
            err.to_string(),
            "setting 'review.required' is true or false, not 'maybe'"
        );
        // The model's directory is a path on one line; whether it holds a model is the
        // command's check (a colleague's bundle may name a directory of theirs).
        assert!(store.set_setting(LINKER_MODEL, " /models/minilm ").unwrap());
        assert_eq!(
            store.linker_model_setting().unwrap().as_deref(),
            Some("/models/minilm")
        );
        let err = store
            .set_setting(LINKER_MODEL, "/models\nminilm")
            .unwrap_err();
        assert!(err.to_string().contains("on one line"), "{err}");
        assert!(store.set_setting(LINKER_MODEL, "").unwrap());
        assert_eq!(store.linker_model_setting().unwrap(), None);
    }

    #[test]
    fn assignments_and_comments_are_kept_and_filterable() {
        let (mut store, id) = desk();
        assert!(store.assign_claim(&id, Some("Bo")).unwrap());
        assert!(!store.assign_claim(&id, Some("Bo")).unwrap());
        let filter = crate::store::ClaimFilter {
            assignee: Some("bo".into()),
            ..Default::default()
        };
        assert_eq!(store.claims(&filter).unwrap().len(), 1);
        store
            .comment_claim(&id, "Ask the Pentagon for the intercept date")
            .unwrap();
        let comments = store.comments(&id).unwrap();
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].text, "Ask the Pentagon for the intercept date");
        assert!(store.assign_claim(&id, None).unwrap());
        assert!(store.claims(&filter).unwrap().is_empty());
        assert_eq!(
            store.assign_claim(&id, None).unwrap_err().to_string(),
            format!("claim {} is not assigned", &id[..8])
        );
        assert!(store.verify().unwrap().problems.is_empty());
    }
}
