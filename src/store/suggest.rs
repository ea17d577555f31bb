//! The store's side of the linker: retrieving candidate claims from the full-text index for a
//! text or a logged claim, handing them to [`crate::linker::rank`], and recording an accepted
//! proposal as an ordinary link whose event says it came from the linker and at what score.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::links::{NewLinkRow, insert_link};
use super::{IdTable, Store, new_id, resolve_id, word};
use crate::error::{Error, Result};
use crate::linker::{self, Analyzed, Candidate, Judgement, Proposal, WEIGHTS};
use crate::model::{Link, Relation, Stance};

/// How many claims the full-text index hands to the re-ranker.
pub const CANDIDATES: usize = 30;

/// A query term found in more claims than this is left out of the full-text query.
pub const COMMON_TERM_CLAIMS: i64 = 20_000;

/// How many of the commonest terms are asked for together when the rarer ones find too few.
pub const KEPT_TERMS: usize = 3;

/// What to find links for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkQuery {
    /// A logged claim (id or unique prefix): itself and claims already linked to it are left out.
    Claim(String),
    /// Text not logged yet, with the stance its claimant would take.
    Text(String, Stance),
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
    fn candidates(&self, query: &Analyzed, exclude: &HashSet<i64>) -> Result<Vec<Candidate>> {
        let (rare, common) = self.terms_by_frequency(query)?;
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
            let seen: HashSet<String> = found.iter().map(|c| c.id.clone()).collect();
            let more = self.search(&all_of, exclude)?;
            found.extend(
                more.into_iter()
                    .filter(|c| !seen.contains(&c.id))
                    .take(CANDIDATES - found.len()),
            );
        }
        Ok(found)
    }

    /// Runs one full-text query: the best [`CANDIDATES`] claims by BM25, leaving out `exclude`.
    fn search(&self, fts: &str, exclude: &HashSet<i64>) -> Result<Vec<Candidate>> {
        let sql = format!(
            "SELECT c.pk, {CANDIDATE_COLUMNS}, -claims_fts.rank
             FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid
             LEFT JOIN sources cl ON cl.pk = c.claimant_pk
             WHERE claims_fts MATCH ?1 ORDER BY claims_fts.rank LIMIT ?2"
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
                out.push(candidate);
            }
        }
        Ok(out)
    }

    /// The text's search terms the index has, split into rarer ones and common ones (rarest
    /// first). The index's terms are stemmed (Porter); looking a word up by its Porter 2 stem
    /// finds nearly all of them, and a word not found is taken as rare.
    fn terms_by_frequency(&self, query: &Analyzed) -> Result<(Vec<String>, Vec<String>)> {
        let mut lookup = self
            .conn()
            .prepare_cached("SELECT doc FROM claims_fts_vocab WHERE term = ?1")?;
        let mut counted: Vec<(i64, String)> = Vec::new();
        for term in linker::search_terms(query) {
            let docs: Option<i64> = lookup
                .query_row([linker::stem(&term)], |r| r.get(0))
                .optional()?;
            counted.push((docs.unwrap_or(1), term));
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
        let (text, stance, date, exclude) = match query {
            LinkQuery::Text(text, stance) => (text.clone(), *stance, None, HashSet::new()),
            LinkQuery::Claim(prefix) => {
                let (pk, _) = resolve_id(self.conn(), IdTable::Claim, prefix)?;
                let (text, stance, date): (String, Stance, Option<String>) =
                    self.conn().query_row(
                        "SELECT text, stance, claim_date FROM claims WHERE pk = ?1",
                        [pk],
                        |r| Ok((r.get(0)?, word(r, 1)?, r.get(2)?)),
                    )?;
                let mut exclude: HashSet<i64> = self
                    .conn()
                    .prepare_cached(
                        "SELECT to_pk FROM links WHERE from_pk = ?1 AND removed_at IS NULL
                         UNION SELECT from_pk FROM links WHERE to_pk = ?1 AND removed_at IS NULL",
                    )?
                    .query_map([pk], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                exclude.insert(pk);
                (text, stance, date, exclude)
            }
        };
        let analyzed = linker::analyze(&text);
        let candidates = self.candidates(&analyzed, &exclude)?;
        let query = linker::Query {
            text: &analyzed,
            stance,
            claimant: None,
            date: date.as_deref(),
        };
        let mut proposals = linker::rank(&query, &candidates, WEIGHTS);
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
        let pk = self.write(|tx| {
            let (from_pk, from_id) = resolve_id(tx, IdTable::Claim, from_prefix)?;
            let (to_pk, to_id) = resolve_id(tx, IdTable::Claim, to_prefix)?;
            let provenance = (proposal.score, proposal.reason.as_str());
            let id = new_id();
            let row = NewLinkRow {
                from: (from_pk, &from_id),
                to: (to_pk, &to_id),
                relation: proposal.relation,
                note,
                id: &id,
                logged: None,
                linker: Some(provenance),
            };
            insert_link(tx, &row)
        })?;
        self.link_by_pk(pk)
    }

    /// Proposals across the store: for each claim logged since `since` (a date or time; all
    /// claims without it), its best proposals scoring at least `min_score`, each pair once.
    pub fn scan_links(
        &self,
        since: Option<&str>,
        min_score: f64,
        per_claim: usize,
    ) -> Result<Vec<(String, String, Proposal)>> {
        let since = since.map(crate::model::parse_date).transpose()?;
        let mut stmt = self.conn().prepare(
            "SELECT id, text FROM claims WHERE ?1 IS NULL OR created_at >= ?1 ORDER BY pk",
        )?;
        let claims: Vec<(String, String)> = stmt
            .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut out = Vec::new();
        for (id, text) in claims {
            for proposal in self.suggest_links(&LinkQuery::Claim(id.clone()), per_claim)? {
                if proposal.score < min_score {
                    continue;
                }
                let pair = if id < proposal.id {
                    (id.clone(), proposal.id.clone())
                } else {
                    (proposal.id.clone(), id.clone())
                };
                if seen.insert(pair) {
                    out.push((id.clone(), text.clone(), proposal));
                }
            }
        }
        Ok(out)
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
        let mut candidates = self.candidates(&analyzed, &HashSet::from([from_pk]))?;
        if !candidates.iter().any(|c| c.id == to_id) {
            candidates.push(to);
        }
        let judged = linker::judge(&query, &candidates, &to_id).expect("the target is a candidate");
        Ok((from_id, to_id, judged))
    }
}
