//! The claims' sentence embeddings (`claim_embeddings`, schema 7): a cache the linker's semantic
//! layer reads, derived from each claim's text by the model set with [`Store::set_embedder`].
//!
//! It owns writing the vectors — in the transaction that logs or rewrites a claim's text when a
//! model is set, and in batches for the claims without one ([`Store::index_embeddings`],
//! `factdesk linker index`) — and reading them back for the linker. It must not record events or
//! touch the projected tables: the vectors are not part of the record. No event writes them, a
//! bundle does not carry them, a replay does not rebuild them, and `verify` does not compare
//! them (they depend on a model file on one machine, not on the history); an edit of a claim's
//! text drops its vectors by a trigger of the schema, and a missing vector only means the linker
//! compares that claim by its words.

use std::collections::{HashMap, HashSet};

use rusqlite::{TransactionBehavior, params};

use super::{Store, Tx};
use crate::error::{Error, Result};
use crate::history::Change;
use crate::linker::vectors::{self, Embed};

/// How many claims `linker index` embeds and commits at a time: a kill loses at most one batch.
pub const EMBED_BATCH: usize = 256;

/// What [`Store::index_embeddings`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndexSummary {
    /// The model's identity.
    pub model: String,
    /// The claims embedded by this run.
    pub embedded: usize,
    /// The claims that had a vector of this model already.
    pub already: usize,
    /// The vectors an earlier factdesk computed with this model from texts prepared otherwise,
    /// which this run replaced and removed (another model's vectors are kept).
    pub removed: usize,
}

/// Whether a change sets a claim's text (a new claim, or an edit of its text).
pub(super) fn sets_text(change: &Change) -> bool {
    match change {
        Change::ClaimAdded(_) => true,
        Change::ClaimEdited(edit) => edit.text.is_some(),
        _ => false,
    }
}

/// Embeds the claims whose text the transaction set ([`Tx::commit`] notes them) and stores their
/// vectors, in the transaction.
pub(super) fn embed_texts_set(tx: &Tx) -> Result<()> {
    let Some(embedder) = tx.embedder else {
        return Ok(());
    };
    let ids = std::mem::take(&mut *tx.texts_set.borrow_mut());
    if ids.is_empty() {
        return Ok(());
    }
    let mut seen = HashSet::new();
    let mut claims = Vec::with_capacity(ids.len());
    let mut read = tx.prepare_cached("SELECT pk, text FROM claims WHERE id = ?1")?;
    for id in ids.iter().filter(|id| seen.insert(id.as_str())) {
        claims.push(read.query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?);
    }
    for batch in claims.chunks(EMBED_BATCH) {
        store_vectors(tx, embedder, batch)?;
    }
    Ok(())
}

/// Embeds a batch of claims (key and text) and stores their vectors.
fn store_vectors(
    conn: &rusqlite::Connection,
    embedder: &dyn Embed,
    batch: &[(i64, String)],
) -> Result<()> {
    let texts: Vec<&str> = batch.iter().map(|(_, t)| t.as_str()).collect();
    let vectors = embedder.embed(&texts)?;
    if vectors.len() != batch.len() {
        return Err(Error::invalid(format!(
            "the embedding model returned {} vectors for {} texts",
            vectors.len(),
            batch.len()
        )));
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO claim_embeddings (claim_pk, model, dims, vector)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for ((pk, _), vector) in batch.iter().zip(&vectors) {
        if vector.is_empty() {
            return Err(Error::invalid(
                "the embedding model returned an empty vector",
            ));
        }
        insert.execute(params![
            pk,
            embedder.model_id(),
            vector.len() as i64,
            vectors::to_bytes(vector)
        ])?;
    }
    Ok(())
}

impl Store {
    /// Sets the model claims are embedded with (`None`: none). From then on every claim logged
    /// or whose text is edited through this store gets its vector in the same transaction, and
    /// the linker compares claims by their vectors too.
    pub fn set_embedder(&mut self, embedder: Option<Box<dyn Embed>>) {
        self.embedder = embedder;
    }

    /// The model set with [`Store::set_embedder`], if any.
    pub fn embedder(&self) -> Option<&dyn Embed> {
        self.embedder.as_deref()
    }

    /// How many claims the store holds, and how many of them have no vector of the set model
    /// (all of them when no model is set).
    pub fn embedding_counts(&self) -> Result<(usize, usize)> {
        let total: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))?;
        let Some(embedder) = self.embedder() else {
            return Ok((total as usize, total as usize));
        };
        let have: i64 = self.conn().query_row(
            "SELECT count(*) FROM claim_embeddings WHERE model = ?1",
            [embedder.model_id()],
            |r| r.get(0),
        )?;
        Ok((total as usize, (total - have).max(0) as usize))
    }

    /// Embeds every claim that has no vector of the set model, [`EMBED_BATCH`] at a time, each
    /// batch committed on its own: a run cut short keeps the batches it finished, and the next
    /// run embeds only what is left. A run that finishes then removes the vectors an earlier
    /// factdesk computed with this model ([`Embed::superseded_ids`]); another model's stay. A run
    /// with nothing to do writes nothing. `progress` is told
    /// how many of the claims to embed are done, and how many there are.
    pub fn index_embeddings(
        &mut self,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<IndexSummary> {
        if let Some(at) = &self.as_of {
            return Err(Error::usage(format!(
                "the store as of {at} is for reading: index the store as it is now"
            )));
        }
        let embedder = self.embedder.as_deref().ok_or_else(|| {
            Error::invalid(
                "no embedding model is set: set one with `factdesk config set linker.model DIR`",
            )
        })?;
        let model = embedder.model_id().to_string();
        let (total, missing) = self.embedding_counts()?;
        progress(0, missing);
        let mut embedded = 0;
        let mut after = 0i64;
        loop {
            let batch: Vec<(i64, String)> = self
                .conn
                .prepare_cached(
                    "SELECT c.pk, c.text FROM claims c
                      WHERE c.pk > ?1 AND NOT EXISTS (
                            SELECT 1 FROM claim_embeddings e
                             WHERE e.claim_pk = c.pk AND e.model = ?2)
                      ORDER BY c.pk LIMIT ?3",
                )?
                .query_map(params![after, model, EMBED_BATCH as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let Some((last, _)) = batch.last() else {
                break;
            };
            after = *last;
            // The batch is embedded before the write lock is taken: others wait only for the
            // rows to be written. A claim whose text changed meanwhile lost its vector by the
            // schema's trigger before this one is written, so a batch whose texts are no
            // longer the claims' is written for the claims still as read.
            let vectors =
                embedder.embed(&batch.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>())?;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut current = tx.prepare_cached("SELECT text FROM claims WHERE pk = ?1")?;
                let mut insert = tx.prepare_cached(
                    "INSERT OR REPLACE INTO claim_embeddings (claim_pk, model, dims, vector)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                for ((pk, text), vector) in batch.iter().zip(&vectors) {
                    let now: Option<String> = current
                        .query_row([pk], |r| r.get(0))
                        .map(Some)
                        .or_else(|e| match e {
                            rusqlite::Error::QueryReturnedNoRows => Ok(None),
                            e => Err(e),
                        })?;
                    if now.as_deref() != Some(text.as_str()) || vector.is_empty() {
                        continue;
                    }
                    insert.execute(params![
                        pk,
                        model,
                        vector.len() as i64,
                        vectors::to_bytes(vector)
                    ])?;
                }
            }
            tx.commit()?;
            embedded += batch.len();
            progress(embedded.min(missing), missing);
        }
        // Every claim now has a vector of this model: those an earlier factdesk computed with
        // it are dead weight (1.5 KB a claim for a 384-dimension model). Another model's stay,
        // for a desk that goes back to it.
        let mut removed = 0;
        for superseded in embedder.superseded_ids() {
            removed += self.conn.execute(
                "DELETE FROM claim_embeddings WHERE model = ?1",
                [superseded],
            )?;
        }
        Ok(IndexSummary {
            model,
            embedded,
            already: total - missing,
            removed,
        })
    }

    /// The vectors of the set model for these claims (by key); claims without one are left out,
    /// and so is everything when no model is set.
    pub(crate) fn vectors_of(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<f32>>> {
        let mut out = HashMap::new();
        let Some(embedder) = self.embedder() else {
            return Ok(out);
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT vector FROM claim_embeddings WHERE claim_pk = ?1 AND model = ?2",
        )?;
        for key in keys {
            let found: Option<Vec<u8>> = stmt
                .query_row(params![key, embedder.model_id()], |r| r.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
            if let Some(vector) = found.as_deref().and_then(vectors::from_bytes) {
                out.insert(*key, vector);
            }
        }
        Ok(out)
    }

    /// The `k` claims whose vectors are nearest `query` (cosine), best first, leaving out
    /// `exclude`: a scan of every vector of the set model (none when no model is set).
    pub(crate) fn nearest(
        &self,
        query: &[f32],
        k: usize,
        exclude: &HashSet<i64>,
    ) -> Result<Vec<(i64, f32)>> {
        let Some(embedder) = self.embedder() else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT claim_pk, vector FROM claim_embeddings WHERE model = ?1")?;
        let mut rows = stmt.query([embedder.model_id()])?;
        // The best k so far, worst first once full.
        let mut best: Vec<(i64, f32)> = Vec::with_capacity(k + 1);
        let mut floor = f32::MIN;
        while let Some(row) = rows.next()? {
            let pk: i64 = row.get(0)?;
            if exclude.contains(&pk) {
                continue;
            }
            let rusqlite::types::ValueRef::Blob(bytes) = row.get_ref(1)? else {
                continue;
            };
            let score = dot_bytes(query, bytes);
            if best.len() == k && score <= floor {
                continue;
            }
            best.push((pk, score));
            if best.len() > k {
                best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                best.truncate(k);
                floor = best.last().map_or(f32::MIN, |b| b.1);
            }
        }
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best.truncate(k);
        Ok(best)
    }
}

/// The cosine of a vector and a stored one, read in place (the model's vectors have unit
/// length, so it is their dot product; a stored vector of another length scores 0).
fn dot_bytes(query: &[f32], bytes: &[u8]) -> f32 {
    if bytes.len() != 4 * query.len() {
        return 0.0;
    }
    query
        .iter()
        .zip(bytes.chunks_exact(4))
        .map(|(q, b)| q * f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .sum()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{NewClaim, Stance};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A stand-in model: a text's vector counts its letters a–z (normalised), so texts with the
    /// same letters are near. It counts the texts it embeds, and fails on a text holding "FAIL".
    pub(crate) struct Letters {
        pub embedded: Arc<AtomicUsize>,
    }

    impl Embed for Letters {
        fn model_id(&self) -> &str {
            "letters"
        }
        fn superseded_ids(&self) -> &[String] {
            static EARLIER: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
            EARLIER.get_or_init(|| vec!["letters, as written".to_string()])
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
            self.embedded.fetch_add(texts.len(), Ordering::Relaxed);
            texts
                .iter()
                .map(|t| {
                    if t.contains("FAIL") {
                        return Err(Error::invalid("the embedding model failed: FAIL"));
                    }
                    let mut v = vec![0f32; 26];
                    for c in t.to_lowercase().chars() {
                        if c.is_ascii_lowercase() {
                            v[(c as u8 - b'a') as usize] += 1.0;
                        }
                    }
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                    Ok(v.into_iter().map(|x| x / norm).collect())
                })
                .collect()
        }
    }

    fn store_with_letters() -> (Store, Arc<AtomicUsize>) {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let embedded = Arc::new(AtomicUsize::new(0));
        store.set_embedder(Some(Box::new(Letters {
            embedded: embedded.clone(),
        })));
        (store, embedded)
    }

    fn log(store: &mut Store, text: &str) -> String {
        store
            .log_claim(&NewClaim {
                text: text.into(),
                stance: Some(Stance::Asserts),
                ..NewClaim::default()
            })
            .unwrap()
    }

    fn rows(store: &Store) -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM claim_embeddings", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_claim_is_logged_with_its_vector_and_a_failing_model_logs_nothing() {
        let (mut store, embedded) = store_with_letters();
        let id = log(&mut store, "Iran supplied Russia with missiles");
        assert_eq!(embedded.load(Ordering::Relaxed), 1);
        assert_eq!(rows(&store), 1);
        let pk: i64 = store
            .conn()
            .query_row("SELECT pk FROM claims WHERE id = ?1", [&id], |r| r.get(0))
            .unwrap();
        let v = &store.vectors_of(&[pk]).unwrap()[&pk];
        assert_eq!(v.len(), 26);
        assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);

        let events = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
                .unwrap()
        };
        let before = events(&store);
        let err = store
            .log_claim(&NewClaim {
                text: "FAIL this".into(),
                stance: Some(Stance::Asserts),
                ..NewClaim::default()
            })
            .unwrap_err();
        assert!(err.to_string().contains("embedding model failed"), "{err}");
        assert_eq!(events(&store), before, "the claim was not logged");
        assert_eq!(rows(&store), 1);
    }

    #[test]
    fn an_edited_text_gets_a_new_vector_and_the_history_is_the_same_with_or_without_one() {
        let (mut store, _) = store_with_letters();
        let id = log(&mut store, "aaaa");
        let pk: i64 = store
            .conn()
            .query_row("SELECT pk FROM claims WHERE id = ?1", [&id], |r| r.get(0))
            .unwrap();
        let before = store.vectors_of(&[pk]).unwrap()[&pk].clone();
        store
            .edit_claim(
                &id,
                &crate::model::ClaimEdit {
                    text: Some("bbbb".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        let after = store.vectors_of(&[pk]).unwrap()[&pk].clone();
        assert_ne!(before, after);
        assert_eq!(after[1], 1.0);
        // The vectors are outside the record: verify finds the store whole.
        let verification = store.verify().unwrap();
        assert!(verification.problems.is_empty(), "{verification:?}");
    }

    #[test]
    fn index_embeds_what_is_missing_in_batches_and_a_second_run_does_nothing() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        for n in 0..(EMBED_BATCH + 10) {
            log(&mut store, &format!("claim number {n}"));
        }
        assert_eq!(rows(&store), 0);
        let err = store.index_embeddings(&mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("linker.model"), "{err}");

        let embedded = Arc::new(AtomicUsize::new(0));
        store.set_embedder(Some(Box::new(Letters {
            embedded: embedded.clone(),
        })));
        // One claim had its vector already.
        log(&mut store, "one more");
        let mut told = Vec::new();
        let summary = store
            .index_embeddings(&mut |done, total| told.push((done, total)))
            .unwrap();
        assert_eq!(
            summary,
            IndexSummary {
                model: "letters".into(),
                embedded: EMBED_BATCH + 10,
                already: 1,
                removed: 0
            }
        );
        assert_eq!(
            told,
            [
                (0, EMBED_BATCH + 10),
                (EMBED_BATCH, EMBED_BATCH + 10),
                (EMBED_BATCH + 10, EMBED_BATCH + 10)
            ]
        );
        assert_eq!(rows(&store), EMBED_BATCH as i64 + 11);
        let again = store.index_embeddings(&mut |_, _| {}).unwrap();
        assert_eq!((again.embedded, again.already), (0, EMBED_BATCH + 11));
        assert_eq!(store.embedding_counts().unwrap(), (EMBED_BATCH + 11, 0));
    }

    #[test]
    fn index_replaces_an_earlier_factdesks_vectors_and_keeps_another_models() {
        let (mut store, embedded) = store_with_letters();
        for text in ["aaab", "zzzz", "abab"] {
            log(&mut store, text);
        }
        // What an earlier factdesk left: the same claims under the model's earlier identity,
        // which no query compares; and another model's vectors, which stay.
        store
            .conn()
            .execute_batch(
                "UPDATE claim_embeddings SET model = 'letters, as written';
                 INSERT INTO claim_embeddings (claim_pk, model, dims, vector)
                 SELECT claim_pk, 'another model', dims, vector FROM claim_embeddings;",
            )
            .unwrap();
        assert_eq!(store.embedding_counts().unwrap(), (3, 3));
        embedded.store(0, Ordering::Relaxed);
        let summary = store.index_embeddings(&mut |_, _| {}).unwrap();
        assert_eq!(
            summary,
            IndexSummary {
                model: "letters".into(),
                embedded: 3,
                already: 0,
                removed: 3
            }
        );
        assert_eq!(embedded.load(Ordering::Relaxed), 3);
        let models: Vec<(String, i64)> = store
            .conn()
            .prepare("SELECT model, count(*) FROM claim_embeddings GROUP BY model")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            models,
            [("another model".to_string(), 3), ("letters".to_string(), 3)]
        );
        let again = store.index_embeddings(&mut |_, _| {}).unwrap();
        assert_eq!((again.embedded, again.already, again.removed), (0, 3, 0));
    }

    #[test]
    fn nearest_finds_the_closest_vectors_of_the_set_model_only() {
        let (mut store, _) = store_with_letters();
        for text in ["aaab", "zzzz", "abab", "yyyz"] {
            log(&mut store, text);
        }
        // Another model's vector is never compared.
        store
            .conn()
            .execute(
                "INSERT INTO claim_embeddings (claim_pk, model, dims, vector)
                 SELECT pk, 'other', 26, ?1 FROM claims WHERE text = 'zzzz'",
                [vectors::to_bytes(&[1.0; 26])],
            )
            .unwrap();
        let query = Letters {
            embedded: Arc::new(AtomicUsize::new(0)),
        }
        .embed(&["aaaa"])
        .unwrap()
        .remove(0);
        let found = store.nearest(&query, 2, &HashSet::new()).unwrap();
        let texts: Vec<String> = found
            .iter()
            .map(|(pk, _)| {
                store
                    .conn()
                    .query_row("SELECT text FROM claims WHERE pk = ?1", [pk], |r| r.get(0))
                    .unwrap()
            })
            .collect();
        assert_eq!(texts, ["aaab", "abab"]);
        assert!(found[0].1 > found[1].1);
        let all = store
            .nearest(&query, 10, &HashSet::from([found[0].0]))
            .unwrap();
        assert_eq!(all.len(), 3);
    }
}
