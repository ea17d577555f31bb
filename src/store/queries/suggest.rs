//! The store's side of the linker: retrieving candidate claims from the full-text index for a
//! text or a logged claim, handing them to [`crate::linker::rank`], and recording an accepted
//! proposal as an ordinary link whose event says it came from the linker and at what score.
//! `link scan` does the same for every claim of the store (or those logged since a time): each
//! compared once with its candidates (retrieved from the index read into memory when much of the
//! store is compared, see [`super::text_index`]), every pair above a score listed once, and all
//! of them linked in one transaction when accepted.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};

use super::links::{NewLinkRow, insert_link};
use super::text_index::TextIndex;
use super::{IdTable, Store, new_id, resolve_id, word};
use crate::error::{Error, Result};
use crate::linker::{self, Analyzed, AnalyzedCandidate, Candidate, Judgement, Proposal, WEIGHTS};
use crate::model::{Link, Relation, Stance};

/// How many claims the full-text index hands to the re-ranker.
pub const CANDIDATES: usize = 30;

/// With a model set, how many claims nearest the query by their vectors join the full-text
/// index's candidates: none. On CheckThat! Train the 10 or 30 nearest moved MAP@5 by less than
/// one query in 996 (see `docs/BENCHMARKS.md`), for a pass over every vector of the store per
/// query; [`Store::suggest_links_weighted`] still takes a number, to measure it again.
pub const NEAREST_CANDIDATES: usize = 0;

/// A query term found in more claims than this is left out of the full-text query.
pub const COMMON_TERM_CLAIMS: i64 = 20_000;

/// How many of the commonest terms are asked for together when the rarer ones find too few.
pub const KEPT_TERMS: usize = 3;

/// How many claims `link scan` compares at a time: the analyses of these claims and of their
/// candidates are kept while they are compared, so this bounds the memory a scan takes.
pub const SCAN_CHUNK: usize = 20_000;

/// `link scan` reads the full-text index into memory when it compares at least this many claims.
const INDEX_MIN_CLAIMS: usize = 500;

/// How `link scan` retrieves candidates: the live links (each claim's linked claims are left
/// out of its candidates), the claims each search term is in, and the index in memory, if read.
struct Retrieval {
    linked: HashMap<i64, Vec<i64>>,
    terms: HashMap<String, i64>,
    index: Option<TextIndex>,
}

/// A pair of claims `link scan` found: the linker's proposal from one claim to the other.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedPair {
    /// The claim the proposal starts from.
    pub from_id: String,
    /// That claim's text, exactly as logged.
    pub from_text: String,
    /// The other claim (`id`), the relation proposed, the score and the reason.
    pub proposal: Proposal,
    from_pk: i64,
    to_pk: i64,
}

impl ScannedPair {
    /// Whether this direction of a pair is listed rather than `other`, the same pair seen from
    /// its other claim: the higher score, else the one starting from the smaller id.
    fn beats(&self, other: &ScannedPair) -> bool {
        self.proposal
            .score
            .total_cmp(&other.proposal.score)
            .then_with(|| other.from_id.cmp(&self.from_id))
            .is_gt()
    }
}

/// What to find links for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkQuery {
    /// A logged claim (id or unique prefix): itself and claims already linked to it are left out.
    Claim(String),
    /// Text not logged yet, with the stance its claimant would take.
    Text(String, Stance),
    /// Text not logged yet, with its stance and the date it was made (`YYYY-MM-DD`), if known:
    /// compared as the claim it would be (`ingest --accept`, before logging an article).
    Dated(String, Stance, Option<String>),
}

/// The columns a candidate is read from (claims `c`, claimant `cl`), followed by its BM25.
const CANDIDATE_COLUMNS: &str = "c.id, c.text, c.search_context, cl.name, c.stance, c.claim_date";

/// A candidate from [`CANDIDATE_COLUMNS`] and a BM25 column, starting at column `at`.
fn candidate_from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Candidate> {
    Ok(Candidate {
        id: r.get(at)?,
        text: r.get(at + 1)?,
        context: r.get(at + 2)?,
        claimant: r.get(at + 3)?,
        stance: word(r, at + 4)?,
        date: r.get(at + 5)?,
        bm25: r.get(at + 6)?,
        similarity: None,
    })
}

impl Store {
    /// Claims retrieved by full-text search for an analyzed text, best BM25 first.
    ///
    /// On a large store a very common term (in more than [`COMMON_TERM_CLAIMS`] claims) matches
    /// a large share of it: scoring it is most of a query's cost, while its weight in BM25 is
    /// near nothing. So the query asks for any of the text's rarer terms; common terms are only
    /// asked for together (the claims having all of the three rarest), to fill up the candidates
    /// when the rare terms find too few. A term no claim has is left out.
    ///
    /// Each comes with its key; `terms` remembers how many claims have each term looked up (for
    /// a caller asking for many texts).
    fn candidates_counted(
        &self,
        query: &Analyzed,
        exclude: &HashSet<i64>,
        terms: &mut HashMap<String, i64>,
    ) -> Result<Vec<(i64, Candidate)>> {
        let (rare, common) = self.terms_by_frequency(query, terms)?;
        let quoted = |terms: &[String]| {
            terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "")))
                .collect::<Vec<_>>()
        };
        let mut found = if rare.is_empty() {
            Vec::new()
        } else {
            self.search(&quoted(&rare).join(" OR "), exclude)?
        };
        if found.len() < CANDIDATES && !common.is_empty() {
            let all_of = quoted(&common[..common.len().min(KEPT_TERMS)]).join(" AND ");
            let seen: HashSet<i64> = found.iter().map(|(pk, _)| *pk).collect();
            let more = self.search(&all_of, exclude)?;
            found.extend(
                more.into_iter()
                    .filter(|(pk, _)| !seen.contains(pk))
                    .take(CANDIDATES - found.len()),
            );
        }
        Ok(found)
    }

    /// Runs one full-text query: the best [`CANDIDATES`] claims by BM25, leaving out `exclude`.
    fn search(&self, fts: &str, exclude: &HashSet<i64>) -> Result<Vec<(i64, Candidate)>> {
        let sql = format!(
            "SELECT c.pk, {CANDIDATE_COLUMNS}, -claims_fts.rank
             FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid
             LEFT JOIN sources cl ON cl.pk = c.claimant_pk
             WHERE claims_fts MATCH ?1 AND c.retracted_at IS NULL
             ORDER BY claims_fts.rank LIMIT ?2"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        // The linker compares claims by their words and their evidence, not by quotes.
        let fts = format!("{{text search_context}} : ({fts})");
        let rows = stmt.query_map(params![fts, (CANDIDATES + exclude.len()) as i64], |r| {
            Ok((r.get::<_, i64>(0)?, candidate_from_row(r, 1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (pk, candidate) = row?;
            if !exclude.contains(&pk) && out.len() < CANDIDATES {
                out.push((pk, candidate));
            }
        }
        Ok(out)
    }

    /// The text's search terms the index has, split into rarer ones and common ones (rarest
    /// first). The index's terms are stemmed (Porter); looking a word up by its Porter 2 stem
    /// finds nearly all of them, and a word not found is taken as rare. `known` remembers the
    /// counts looked up, across calls.
    fn terms_by_frequency(
        &self,
        query: &Analyzed,
        known: &mut HashMap<String, i64>,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let mut lookup = self
            .conn()
            .prepare_cached("SELECT doc FROM claims_fts_vocab WHERE term = ?1")?;
        let mut counted: Vec<(i64, String)> = Vec::new();
        for term in linker::search_terms(query) {
            let docs = match known.get(&term) {
                Some(docs) => *docs,
                None => {
                    let docs: Option<i64> = lookup
                        .query_row([linker::stem(&term)], |r| r.get(0))
                        .optional()?;
                    let docs = docs.unwrap_or(1);
                    known.insert(term.clone(), docs);
                    docs
                }
            };
            counted.push((docs, term));
        }
        counted.sort();
        let (rare, common): (Vec<_>, Vec<_>) = counted
            .into_iter()
            .partition(|(docs, _)| *docs <= COMMON_TERM_CLAIMS);
        Ok((
            rare.into_iter().map(|(_, t)| t).collect(),
            common.into_iter().map(|(_, t)| t).collect(),
        ))
    }

    /// The claims a claim or text most likely repeats or contradicts, best first, at most `limit`.
    pub fn suggest_links(&self, query: &LinkQuery, limit: usize) -> Result<Vec<Proposal>> {
        self.suggest_links_weighted(query, limit, WEIGHTS, NEAREST_CANDIDATES)
    }

    /// [`Store::suggest_links`] with other weights, and another number of claims found by their
    /// vectors (with a model set): for tuning the linker and measuring what each part gains.
    pub fn suggest_links_weighted(
        &self,
        query: &LinkQuery,
        limit: usize,
        weights: linker::Weights,
        nearest: usize,
    ) -> Result<Vec<Proposal>> {
        let (text, stance, claimant, date, exclude, logged) = match query {
            LinkQuery::Text(text, stance) => {
                (text.clone(), *stance, None, None, HashSet::new(), None)
            }
            LinkQuery::Dated(text, stance, date) => (
                text.clone(),
                *stance,
                None,
                date.clone(),
                HashSet::new(),
                None,
            ),
            LinkQuery::Claim(prefix) => {
                let (pk, _) = resolve_id(self.conn(), IdTable::Claim, prefix)?;
                let claim = self.conn().query_row(
                    "SELECT c.text, c.stance, cl.name, c.claim_date FROM claims c
                     LEFT JOIN sources cl ON cl.pk = c.claimant_pk WHERE c.pk = ?1",
                    [pk],
                    |r| Ok((r.get(0)?, word(r, 1)?, r.get(2)?, r.get(3)?)),
                )?;
                let (text, stance, claimant, date): (
                    String,
                    Stance,
                    Option<String>,
                    Option<String>,
                ) = claim;
                let mut exclude: HashSet<i64> = self
                    .conn()
                    .prepare_cached(
                        "SELECT to_pk FROM links WHERE from_pk = ?1 AND removed_at IS NULL
                         UNION SELECT from_pk FROM links WHERE to_pk = ?1 AND removed_at IS NULL",
                    )?
                    .query_map([pk], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                exclude.insert(pk);
                (text, stance, claimant, date, exclude, Some(pk))
            }
        };
        let analyzed = linker::analyze(&text);
        let found = self.candidates_counted(&analyzed, &exclude, &mut HashMap::new())?;
        let candidates = self.with_similarity(&text, logged, found, &exclude, nearest)?;
        let query = linker::Query {
            text: &analyzed,
            stance,
            claimant: claimant.as_deref(),
            date: date.as_deref(),
        };
        let mut proposals = linker::rank(&query, &candidates, weights);
        proposals.truncate(limit);
        Ok(proposals)
    }

    /// Records the link the linker proposes from one claim to another (or the given relation),
    /// as an ordinary link whose event carries the linker's score and reason.
    pub fn accept_link(
        &mut self,
        from_prefix: &str,
        to_prefix: &str,
        relation: Option<Relation>,
        note: Option<&str>,
    ) -> Result<(Link, Proposal)> {
        let (from_pk, from_id) = resolve_id(self.conn(), IdTable::Claim, from_prefix)?;
        let (to_pk, to_id) = resolve_id(self.conn(), IdTable::Claim, to_prefix)?;
        if from_pk == to_pk {
            return Err(Error::invalid(format!(
                "cannot link claim {} to itself",
                &from_id[..8]
            )));
        }
        let (_, _, judged) = self.judge_pair(&from_id, &to_id)?;
        let Some(relation) = relation.or(judged.relation) else {
            return Err(Error::invalid(format!(
                "the linker sees no relation between claims {} and {} ({}); give --relation",
                &from_id[..8],
                &to_id[..8],
                judged.reason
            )));
        };
        let proposal = Proposal {
            id: to_id.clone(),
            text: String::new(),
            claimant: None,
            relation,
            score: judged.score,
            reason: judged.reason,
        };
        let link = self.record_proposal(&from_id, &to_id, &proposal, note)?;
        Ok((link, proposal))
    }

    /// Records a proposal as a link from `from_id`, its event carrying the linker's score and
    /// reason.
    pub fn record_proposal(
        &mut self,
        from_prefix: &str,
        to_prefix: &str,
        proposal: &Proposal,
        note: Option<&str>,
    ) -> Result<Link> {
        let provenance = (proposal.score, proposal.reason.as_str());
        self.link_claims(
            from_prefix,
            to_prefix,
            proposal.relation,
            note,
            Some(provenance),
        )
    }

    /// Every pair of claims the linker relates at `min_score` or more, best first: each claim
    /// logged since `since` (a date or time, as `history --since` reads it; every claim without
    /// it) is compared with the candidates the full-text index gives it from the whole store,
    /// exactly as `link suggest` compares it; pairs nothing relates are not proposed. Each
    /// unordered pair is listed once, in the direction that scored higher (from the smaller id
    /// when both score the same); pairs already linked (by any live link) are left out. The
    /// pairs come in the order a desk reviews them (see `review_order`: contradictions first,
    /// as they change a claim's status), best score first within a relation, ties by the two
    /// ids.
    ///
    /// `progress` is told how many of the steps are done, and how many there are (each claim is
    /// a step when its candidates are retrieved and another when they are ranked).
    pub fn scan_links(
        &self,
        since: Option<&str>,
        min_score: f64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<ScannedPair>> {
        let since = since
            .map(|s| self.instant(s, crate::model::DayEdge::Start))
            .transpose()?;
        let total: usize = self.conn().query_row(
            "SELECT count(*) FROM claims WHERE ?1 IS NULL OR coalesce(logged_at, created_at) >= ?1",
            [&since],
            |r| r.get::<_, i64>(0),
        )? as usize;
        let mut retrieval = Retrieval {
            linked: self.linked_pairs()?,
            terms: HashMap::new(),
            // Comparing many claims, reading the store's index once is cheaper than a query for
            // each (on a large store some queries score a large share of it); for a few claims
            // it is the other way round.
            index: if total >= INDEX_MIN_CLAIMS {
                Some(TextIndex::load(self.conn())?)
            } else {
                None
            },
        };
        let mut best: HashMap<(i64, i64), ScannedPair> = HashMap::new();
        let mut after = 0;
        let mut done = 0;
        progress(0, 2 * total);
        loop {
            let queries = self.scan_chunk(since.as_deref(), after, SCAN_CHUNK)?;
            let Some((last, _)) = queries.last() else {
                break;
            };
            after = *last;
            for pair in self.scan_chunk_pairs(&queries, &mut retrieval, min_score, &mut |n| {
                done += n;
                progress(done, 2 * total);
            })? {
                let key = (pair.from_pk.min(pair.to_pk), pair.from_pk.max(pair.to_pk));
                match best.get(&key) {
                    Some(kept) if !pair.beats(kept) => {}
                    _ => {
                        best.insert(key, pair);
                    }
                }
            }
        }
        let mut pairs: Vec<ScannedPair> = best.into_values().collect();
        pairs.sort_by(|a, b| {
            review_order(a.proposal.relation)
                .cmp(&review_order(b.proposal.relation))
                .then_with(|| b.proposal.score.total_cmp(&a.proposal.score))
                .then_with(|| a.from_id.cmp(&b.from_id))
                .then_with(|| a.proposal.id.cmp(&b.proposal.id))
        });
        Ok(pairs)
    }

    /// Every live link's two claims, each claim with the claims it is linked to.
    fn linked_pairs(&self) -> Result<HashMap<i64, Vec<i64>>> {
        let mut linked: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut stmt = self
            .conn()
            .prepare("SELECT from_pk, to_pk FROM links WHERE removed_at IS NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (from, to) = row?;
            linked.entry(from).or_default().push(to);
            linked.entry(to).or_default().push(from);
        }
        Ok(linked)
    }

    /// The next claims to compare (at most `limit`, logged since `since`, after key `after`),
    /// as candidates, with their keys.
    fn scan_chunk(
        &self,
        since: Option<&str>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Candidate)>> {
        let sql = format!(
            "SELECT c.pk, {CANDIDATE_COLUMNS}, 0.0 FROM claims c
             LEFT JOIN sources cl ON cl.pk = c.claimant_pk
             WHERE c.pk > ?2 AND (?1 IS NULL OR coalesce(c.logged_at, c.created_at) >= ?1)
               AND c.retracted_at IS NULL
             ORDER BY c.pk LIMIT ?3"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![since, after, limit as i64], |r| {
            Ok((r.get(0)?, candidate_from_row(r, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The pairs at `min_score` or more from one chunk of claims. Each claim (compared or
    /// retrieved) is analyzed once here, however many claims it is a candidate for.
    fn scan_chunk_pairs(
        &self,
        queries: &[(i64, Candidate)],
        retrieval: &mut Retrieval,
        min_score: f64,
        advance: &mut dyn FnMut(usize),
    ) -> Result<Vec<ScannedPair>> {
        let mut analyses: HashMap<i64, AnalyzedCandidate> = queries
            .iter()
            .map(|(pk, c)| (*pk, AnalyzedCandidate::new(c)))
            .collect();
        // Retrieval: the candidates of each claim (key and BM25), as `suggest_links` finds
        // them; the claims not compared in this chunk are read once each.
        if let Some(index) = &mut retrieval.index {
            let terms: Vec<String> = analyses
                .values()
                .flat_map(|a| linker::search_terms(&a.text))
                .collect();
            index.tokenize(self.conn(), &terms)?;
        }
        let mut hits: Vec<Vec<(i64, f64)>> = Vec::with_capacity(queries.len());
        for (pk, _) in queries {
            let mut exclude: HashSet<i64> = retrieval
                .linked
                .get(pk)
                .map(|l| l.iter().copied().collect())
                .unwrap_or_default();
            exclude.insert(*pk);
            let query = &analyses[pk].text;
            let mut found = self.scan_candidates(query, &exclude, retrieval)?;
            found.shrink_to_fit();
            hits.push(found);
            advance(1);
        }
        let wanted: Vec<i64> = hits
            .iter()
            .flatten()
            .map(|(pk, _)| *pk)
            .filter(|pk| !analyses.contains_key(pk))
            .collect::<HashSet<i64>>()
            .into_iter()
            .collect();
        let others = self.candidates_by_key(&wanted)?;
        analyses.extend(
            others
                .iter()
                .map(|(pk, c)| (*pk, AnalyzedCandidate::new(c))),
        );
        // Each query's candidates, with the BM25 each has for it, are copied before any is
        // ranked; each claim's analysis is then lent to each ranking in turn, pointing at that
        // query's copy, instead of being copied for it.
        // With a model set, each pair's cosine (the claims without a vector have none); the
        // model's nearest claims are not searched for here (a pass over every vector for each
        // claim), only the full-text index's candidates compared.
        let vectors = self.vectors_of(&analyses.keys().copied().collect::<Vec<_>>())?;
        let cosine = |a: &i64, b: &i64| {
            Some(f64::from(linker::vectors::cosine(
                vectors.get(a)?,
                vectors.get(b)?,
            )))
        };
        let copies: Vec<Vec<Candidate>> = hits
            .iter()
            .zip(queries)
            .map(|(hits, (query, _))| {
                hits.iter()
                    .map(|(pk, bm25)| Candidate {
                        bm25: *bm25,
                        // Its context is analyzed already, in the analysis lent with it.
                        context: None,
                        similarity: cosine(query, pk),
                        ..analyses[pk].candidate.clone()
                    })
                    .collect()
            })
            .collect();
        drop(vectors);
        // Ranking is computation alone: the claims are shared out between threads, each
        // lending from its own copy of the analyses (the first takes the originals).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
        let share = queries.len().div_ceil(threads).max(1);
        let workers = queries.len().div_ceil(share);
        let ranked = std::sync::atomic::AtomicUsize::new(0);
        let mut analyses = Some(analyses);
        let pairs = std::thread::scope(|s| {
            let workers: Vec<_> = queries
                .chunks(share)
                .zip(hits.chunks(share))
                .zip(copies.chunks(share))
                .enumerate()
                .map(|(i, ((queries, hits), copies))| {
                    let lendable = if i + 1 == workers {
                        analyses.take().expect("taken by the last")
                    } else {
                        analyses.as_ref().expect("taken by the last").clone()
                    };
                    let ranked = &ranked;
                    s.spawn(move || {
                        rank_lending(queries, hits, copies, lendable, min_score, ranked)
                    })
                })
                .collect();
            // Progress, from here: the threads only count.
            let mut told = 0;
            while workers.iter().any(|w| !w.is_finished()) {
                std::thread::sleep(std::time::Duration::from_millis(50));
                let now = ranked.load(std::sync::atomic::Ordering::Relaxed);
                advance(now - told);
                told = now;
            }
            advance(ranked.load(std::sync::atomic::Ordering::Relaxed) - told);
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("ranking does not panic"))
                .collect::<Vec<ScannedPair>>()
        });
        Ok(pairs)
    }

    /// The candidates of one claim for `link scan`: from the index in memory when there is
    /// one, else from FTS5 itself; the same claims either way.
    fn scan_candidates(
        &self,
        query: &Analyzed,
        exclude: &HashSet<i64>,
        retrieval: &mut Retrieval,
    ) -> Result<Vec<(i64, f64)>> {
        let Some(index) = &mut retrieval.index else {
            let found = self.candidates_counted(query, exclude, &mut retrieval.terms)?;
            return Ok(found.into_iter().map(|(pk, c)| (pk, c.bm25)).collect());
        };
        let (rare, common) = self.terms_by_frequency(query, &mut retrieval.terms)?;
        let unquoted = |terms: &[String]| -> Vec<String> {
            terms.iter().map(|t| t.replace('"', "")).collect()
        };
        let best = |found: Vec<(i64, f64)>| -> Vec<(i64, f64)> {
            found
                .into_iter()
                .filter(|(pk, _)| !exclude.contains(pk))
                .take(CANDIDATES)
                .collect()
        };
        let limit = CANDIDATES + exclude.len();
        let mut found = if rare.is_empty() {
            Vec::new()
        } else {
            best(index.search(&unquoted(&rare), false, limit))
        };
        if found.len() < CANDIDATES && !common.is_empty() {
            let all_of = unquoted(&common[..common.len().min(KEPT_TERMS)]);
            let seen: HashSet<i64> = found.iter().map(|(pk, _)| *pk).collect();
            let more = best(index.search(&all_of, true, limit));
            found.extend(
                more.into_iter()
                    .filter(|(pk, _)| !seen.contains(pk))
                    .take(CANDIDATES - found.len()),
            );
        }
        Ok(found)
    }

    /// The claims with these keys, as candidates (BM25 zero).
    fn candidates_by_key(&self, keys: &[i64]) -> Result<Vec<(i64, Candidate)>> {
        let sql = format!(
            "SELECT c.pk, {CANDIDATE_COLUMNS}, 0.0 FROM claims c
             LEFT JOIN sources cl ON cl.pk = c.claimant_pk
             WHERE c.pk = ?1 AND c.retracted_at IS NULL"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            // A retracted claim is no candidate.
            if let Some(found) = stmt
                .query_row([key], |r| Ok((r.get(0)?, candidate_from_row(r, 1)?)))
                .optional()?
            {
                out.push(found);
            }
        }
        Ok(out)
    }

    /// Links every pair found by [`Store::scan_links`], as `link accept` would, in one
    /// transaction: all of them, or (on any failure) none. Returns how many were linked.
    pub fn accept_scanned(&mut self, pairs: &[ScannedPair]) -> Result<usize> {
        self.write(|tx| {
            for pair in pairs {
                let id = new_id();
                let row = NewLinkRow {
                    from: (pair.from_pk, &pair.from_id),
                    to: (pair.to_pk, &pair.proposal.id),
                    relation: pair.proposal.relation,
                    note: None,
                    id: &id,
                    logged: None,
                    linker: Some((pair.proposal.score, pair.proposal.reason.as_str())),
                };
                insert_link(tx, &row)?;
            }
            Ok(pairs.len())
        })
        .map_err(|e| e.in_context(|reason| format!("{reason}; no link was recorded")))
    }

    /// With a model set ([`Store::set_embedder`]), the candidates the full-text index found
    /// joined by the `nearest` claims nearest the query by their vectors (not in
    /// `exclude`), each with its cosine to the query; without one, the candidates as found. The
    /// query's vector is the logged claim's (`logged`) when it has one, else the model's for
    /// `text`.
    fn with_similarity(
        &self,
        text: &str,
        logged: Option<i64>,
        mut found: Vec<(i64, Candidate)>,
        exclude: &HashSet<i64>,
        nearest: usize,
    ) -> Result<Vec<Candidate>> {
        let Some(embedder) = self.embedder() else {
            return Ok(found.into_iter().map(|(_, c)| c).collect());
        };
        let stored = match logged {
            Some(pk) => self.vectors_of(&[pk])?.remove(&pk),
            None => None,
        };
        let query = match stored {
            Some(vector) => vector,
            None => embedder.embed(&[text])?.pop().unwrap_or_default(),
        };
        let seen: HashSet<i64> = found.iter().map(|(pk, _)| *pk).collect();
        let by_meaning: Vec<i64> = if nearest == 0 {
            Vec::new()
        } else {
            self.nearest(&query, nearest, exclude)?
                .into_iter()
                .map(|(pk, _)| pk)
                .filter(|pk| !seen.contains(pk))
                .collect()
        };
        found.extend(self.candidates_by_key(&by_meaning)?);
        let keys: Vec<i64> = found.iter().map(|(pk, _)| *pk).collect();
        let vectors = self.vectors_of(&keys)?;
        Ok(found
            .into_iter()
            .map(|(pk, mut c)| {
                c.similarity = vectors
                    .get(&pk)
                    .map(|v| f64::from(linker::vectors::cosine(&query, v)));
                c
            })
            .collect())
    }

    /// The linker's judgement of one pair of logged claims (ids or unique prefixes): the
    /// relation it proposes from the first to the second, its score and its reason. Returns the
    /// two full ids with it.
    pub fn judge_pair(
        &self,
        from_prefix: &str,
        to_prefix: &str,
    ) -> Result<(String, String, Judgement)> {
        let (from_pk, from_id) = resolve_id(self.conn(), IdTable::Claim, from_prefix)?;
        let (to_pk, to_id) = resolve_id(self.conn(), IdTable::Claim, to_prefix)?;
        if from_pk == to_pk {
            return Err(Error::invalid(format!(
                "cannot judge claim {} against itself",
                &from_id[..8]
            )));
        }
        let sql = format!(
            "SELECT {CANDIDATE_COLUMNS}, 0.0 FROM claims c
             LEFT JOIN sources cl ON cl.pk = c.claimant_pk WHERE c.pk = ?1"
        );
        let read = |pk: i64| {
            self.conn()
                .query_row(&sql, [pk], |r| candidate_from_row(r, 0))
        };
        let (from, to) = (read(from_pk)?, read(to_pk)?);
        let analyzed = linker::analyze(&from.text);
        let query = linker::Query {
            text: &analyzed,
            stance: from.stance,
            claimant: from.claimant.as_deref(),
            date: from.date.as_deref(),
        };
        // Scored among the candidates retrieval gives the first claim, as `link suggest` and
        // `link scan` score it; with no BM25 when retrieval would not reach it.
        let exclude = HashSet::from([from_pk]);
        let mut found = self.candidates_counted(&analyzed, &exclude, &mut HashMap::new())?;
        if !found.iter().any(|(_, c)| c.id == to_id) {
            found.push((to_pk, to));
        }
        let candidates = self.with_similarity(
            &from.text,
            Some(from_pk),
            found,
            &exclude,
            NEAREST_CANDIDATES,
        )?;
        let judged = linker::judge(&query, &candidates, &to_id).expect("the target is a candidate");
        Ok((from_id, to_id, judged))
    }
}

/// Where a relation comes in `link scan`'s list: contradictions first (accepted, they make a
/// claim disputed), then duplicates, support, and claims that only share a topic.
fn review_order(relation: Relation) -> u8 {
    match relation {
        Relation::Contradicts => 0,
        Relation::Duplicates => 1,
        Relation::Supports => 2,
        Relation::Related => 3,
    }
}

/// The most threads `link scan` ranks on (each holds a copy of the analyses).
const MAX_THREADS: usize = 2;

/// Ranks each claim of `queries` against its candidates (`hits`: key and BM25; `copies`: the
/// candidates with that BM25), as `suggest_links` ranks them, keeping the proposals scoring at
/// least `min_score`. Each candidate's analysis is lent from `lendable` to each ranking in turn,
/// pointing at that query's copy, instead of being copied for it. Counts the claims ranked.
fn rank_lending<'a>(
    queries: &'a [(i64, Candidate)],
    hits: &[Vec<(i64, f64)>],
    copies: &'a [Vec<Candidate>],
    mut lendable: HashMap<i64, AnalyzedCandidate<'a>>,
    min_score: f64,
    ranked: &std::sync::atomic::AtomicUsize,
) -> Vec<ScannedPair> {
    let mut pairs = Vec::new();
    for (((pk, query), hits), copies) in queries.iter().zip(hits).zip(copies) {
        let lent: Vec<AnalyzedCandidate> = hits
            .iter()
            .zip(copies)
            .map(|((pk, _), copy)| {
                let mut analysis = lendable.remove(pk).expect("every candidate analyzed");
                analysis.candidate = copy;
                analysis
            })
            .collect();
        let own = &lendable[pk];
        let q = linker::Query {
            text: &own.text,
            stance: query.stance,
            claimant: query.claimant.as_deref(),
            date: query.date.as_deref(),
        };
        for proposal in linker::rank_related(&q, &lent, WEIGHTS) {
            if proposal.score < min_score {
                continue;
            }
            let at = copies.iter().position(|c| c.id == proposal.id);
            pairs.push(ScannedPair {
                from_id: query.id.clone(),
                from_text: query.text.clone(),
                from_pk: *pk,
                to_pk: hits[at.expect("a candidate ranked")].0,
                proposal,
            });
        }
        for ((pk, _), analysis) in hits.iter().zip(lent) {
            lendable.insert(*pk, analysis);
        }
        ranked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceStance, NewClaim, NewEvidence};
    use crate::store::Clock;
    use crate::store::testing::{at, claim};

    const ALLEGATION: &str = "Iran supplied Russia with short-range ballistic missiles";

    fn log(store: &mut Store, text: &str, claimant: &str, stance: Stance) -> String {
        store
            .log_claim(&NewClaim {
                stance: Some(stance),
                ..claim(text, claimant)
            })
            .unwrap()
    }

    /// Every pair found, without a progress bar.
    fn scan(store: &Store, since: Option<&str>, min_score: f64) -> Vec<ScannedPair> {
        store.scan_links(since, min_score, &mut |_, _| {}).unwrap()
    }

    /// Each pair as (from, relation, to).
    fn pairs(found: &[ScannedPair]) -> Vec<(String, &'static str, String)> {
        found
            .iter()
            .map(|p| {
                let relation = p.proposal.relation.as_str();
                (p.from_id.clone(), relation, p.proposal.id.clone())
            })
            .collect()
    }

    /// The allegation, a word-for-word denial, a second denial, and a claim on another subject.
    fn store_with_two_denials() -> (Store, [String; 3]) {
        let mut store = Store::open_in_memory().unwrap();
        store.set_clock(at(1));
        let allegation = log(&mut store, ALLEGATION, "U.S. officials", Stance::Asserts);
        let denial = log(&mut store, ALLEGATION, "Iranian Mission", Stance::Denies);
        let again = log(
            &mut store,
            ALLEGATION,
            "Iran's foreign ministry",
            Stance::Denies,
        );
        log(
            &mut store,
            "Covid vaccines alter human DNA",
            "A viral post",
            Stance::Asserts,
        );
        (store, [allegation, denial, again])
    }

    #[test]
    fn a_scan_lists_every_pair_once_best_first() {
        let (store, [allegation, denial, again]) = store_with_two_denials();
        let found = scan(&store, None, 0.5);
        // The allegation has two contradicting answers: both are listed; the two denials
        // repeat each other. Each pair once, equal scores ordered by the ids.
        let expected = [
            (allegation.clone(), "contradicts", denial.clone()),
            (allegation.clone(), "contradicts", again.clone()),
        ];
        let mut found_pairs = pairs(&found);
        let duplicate = found_pairs
            .iter()
            .position(|(_, r, _)| *r == "duplicates")
            .expect("the two denials duplicate each other");
        let (a, _, b) = found_pairs.remove(duplicate);
        let mut two = [a, b];
        two.sort();
        let mut denials = [denial.clone(), again.clone()];
        denials.sort();
        assert_eq!(two, denials);
        let unordered = |p: &(String, &'static str, String)| {
            let mut ids = [p.0.clone(), p.2.clone()];
            ids.sort();
            (ids, p.1)
        };
        let mut got: Vec<_> = found_pairs.iter().map(unordered).collect();
        got.sort();
        let mut want: Vec<_> = expected.iter().map(unordered).collect();
        want.sort();
        assert_eq!(got, want);
        // Contradictions first, then by score, then by the two ids.
        for window in found.windows(2) {
            let (a, b) = (&window[0], &window[1]);
            let key = |p: &ScannedPair| {
                (
                    review_order(p.proposal.relation),
                    std::cmp::Reverse((p.proposal.score * 100.0).round() as i64),
                    p.from_id.clone(),
                    p.proposal.id.clone(),
                )
            };
            assert!(key(a) < key(b), "not ordered: {found:?}");
        }
        assert!(found.iter().all(|p| p.proposal.score >= 0.5));
        // Nothing below the threshold asked for.
        assert!(
            scan(&store, None, 1.0)
                .iter()
                .all(|p| p.proposal.score == 1.0)
        );
    }

    #[test]
    fn pairs_already_linked_are_left_out_and_accepting_links_all_in_one_change() {
        let (mut store, [allegation, denial, again]) = store_with_two_denials();
        store
            .add_link(&denial, &allegation, Relation::Contradicts, None)
            .unwrap();
        let found = scan(&store, None, 0.5);
        let linked_pair = |p: &ScannedPair| {
            [&p.from_id, &p.proposal.id].contains(&&denial)
                && [&p.from_id, &p.proposal.id].contains(&&allegation)
        };
        assert!(!found.iter().any(linked_pair), "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.proposal.id == again || p.from_id == again)
        );

        let events_before = bundle_len(&store);
        assert_eq!(store.accept_scanned(&found).unwrap(), found.len());
        assert_eq!(bundle_len(&store), events_before + found.len());
        assert!(scan(&store, None, 0.5).is_empty());
        let links = store.links_of(&again).unwrap();
        assert_eq!(links.len(), 2, "{links:?}");
    }

    #[test]
    fn accepting_is_all_or_nothing() {
        let (mut store, [allegation, ..]) = store_with_two_denials();
        let found = scan(&store, None, 0.5);
        assert!(found.len() >= 2, "{found:?}");
        // Someone links the last pair meanwhile: accepting the scan now fails on it, and
        // links none of the others either.
        let last = found.last().unwrap().clone();
        store
            .add_link(
                &last.from_id,
                &last.proposal.id,
                last.proposal.relation,
                None,
            )
            .unwrap();
        let before = crate::store::testing::fingerprint(&store);
        let err = store.accept_scanned(&found).unwrap_err().to_string();
        assert!(err.ends_with("; no link was recorded"), "{err}");
        assert!(err.contains("already linked"), "{err}");
        assert_eq!(crate::store::testing::fingerprint(&store), before);
        assert_eq!(
            store.links_of(&allegation).unwrap().len(),
            usize::from([&last.from_id, &last.proposal.id].contains(&&allegation))
        );
    }

    fn bundle_len(store: &Store) -> usize {
        String::from_utf8(crate::store::testing::bundle_of(store))
            .unwrap()
            .lines()
            .count()
    }

    #[test]
    fn since_compares_only_the_new_claims_but_with_the_whole_store() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_clock(at(10));
        let allegation = log(&mut store, ALLEGATION, "U.S. officials", Stance::Asserts);
        let repeat = log(&mut store, ALLEGATION, "Newsweek", Stance::Asserts);
        store.set_clock(Clock::Fixed("2024-09-08T09:00:00.000Z".into()));
        let denial = log(&mut store, ALLEGATION, "Iranian Mission", Stance::Denies);
        let found = scan(&store, Some("2024-09-08"), 0.5);
        // The new denial against both old claims; not the old pair with each other.
        let mut with: Vec<&String> = found
            .iter()
            .map(|p| {
                assert!(p.from_id == denial || p.proposal.id == denial, "{p:?}");
                if p.from_id == denial {
                    &p.proposal.id
                } else {
                    &p.from_id
                }
            })
            .collect();
        with.sort();
        let mut old = vec![&allegation, &repeat];
        old.sort();
        assert_eq!(with, old);
        assert!(
            found
                .iter()
                .all(|p| p.proposal.relation == Relation::Contradicts)
        );
        // The whole store has the old pair too.
        assert_eq!(scan(&store, None, 0.5).len(), 3);
        // A time, not only a day; and a bad one is refused.
        assert_eq!(scan(&store, Some("2024-09-08T09:00Z"), 0.5).len(), 2);
        assert!(scan(&store, Some("2024-09-08T09:00:00.001Z"), 0.5).is_empty());
        let err = store
            .scan_links(Some("last yearish"), 0.5, &mut |_, _| {})
            .unwrap_err();
        assert!(
            err.to_string().starts_with("malformed time 'last yearish'"),
            "{err}"
        );
    }

    #[test]
    fn the_index_read_into_memory_retrieves_what_fts5_retrieves() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_clock(at(20));
        let texts = [
            ALLEGATION,
            "Iran has not provided weapons to either side of the conflict in Ukraine",
            "Tehran didn't send missiles to Moscow, officials say",
            "The ministry counted 4,537 ballots in the capital",
            "4,537 ballots were counted twice, the opposition says",
            "Short-range missiles were seen near the border",
            "The health ministry approved vaccine doses in the capital",
            "The health ministry approved vaccine doses in the capital",
            "Vaccine doses approved: the ministry's figures",
            "Russia supplied wheat to Egypt under a new trade deal",
            "Covid vaccines alter human DNA",
            "Café owners say the naïve plan failed",
            "The cafe owner's plan failed, say critics",
        ];
        let mut ids = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            ids.push(log(
                &mut store,
                text,
                &format!("Source {}", i % 3),
                Stance::Asserts,
            ));
        }
        store
            .add_evidence(
                &ids[1],
                &NewEvidence {
                    stance: EvidenceStance::Context,
                    source: Some("Newsweek".into()),
                    url: None,
                    quote: None,
                    note: Some(
                        "Iran's mission to the UN denied supplying ballistic missiles".into(),
                    ),
                },
            )
            .unwrap();
        store
            .add_link(&ids[0], &ids[1], Relation::Contradicts, None)
            .unwrap();
        let queries = store.scan_chunk(None, 0, 100).unwrap();
        let linked = store.linked_pairs().unwrap();
        let mut fts = Retrieval {
            linked: linked.clone(),
            terms: HashMap::new(),
            index: None,
        };
        let mut index = TextIndex::load(store.conn()).unwrap();
        let analyzed: Vec<Analyzed> = queries
            .iter()
            .map(|(_, c)| linker::analyze(&c.text))
            .collect();
        let terms: Vec<String> = analyzed.iter().flat_map(linker::search_terms).collect();
        index.tokenize(store.conn(), &terms).unwrap();
        let mut memory = Retrieval {
            linked,
            terms: HashMap::new(),
            index: Some(index),
        };
        let mut retrieved = 0;
        for ((pk, candidate), query) in queries.iter().zip(&analyzed) {
            let mut exclude: HashSet<i64> = fts
                .linked
                .get(pk)
                .map(|l| l.iter().copied().collect())
                .unwrap_or_default();
            exclude.insert(*pk);
            let from_fts = store.scan_candidates(query, &exclude, &mut fts).unwrap();
            let from_memory = store.scan_candidates(query, &exclude, &mut memory).unwrap();
            retrieved += from_fts.len();
            assert_eq!(
                from_fts.iter().map(|(pk, _)| *pk).collect::<Vec<_>>(),
                from_memory.iter().map(|(pk, _)| *pk).collect::<Vec<_>>(),
                "{}",
                candidate.text
            );
            for ((_, a), (_, b)) in from_fts.iter().zip(&from_memory) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b} for {}", candidate.text);
            }
        }
        assert!(retrieved > 20, "{retrieved}");
    }
}
