//! Full-text search across claims, evidence, sources and comments, in FTS5 query syntax
//! (phrases, AND/OR/NOT, prefix `miss*`), each hit with its highlighted fragment and its claim.
//!
//! Claims (their text and quote) and their evidence are searched through `claims_fts` (its
//! `text`, `quote` and `search_context` columns); sources and comments, which have no index of their own, are
//! copied into a temporary FTS5 table for the query, so one syntax, ranking and highlighter
//! serve every kind. Reads only; it never changes the store.

use rusqlite::params;

use super::{Store, word};
use crate::error::{Error, Result};
use crate::model::{DayEdge, FragmentPart, SearchHit, SearchScope, Status};

/// What to search for, where, and among which claims.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// What to find, in FTS5 syntax (phrases, `AND`/`OR`/`NOT`, `prefix*`), or plain words with
    /// `literal`.
    pub query: String,
    /// Which kinds of record to search, in the order their hits are listed.
    pub scopes: Vec<SearchScope>,
    /// Only hits whose claim has this status (which leaves sources out).
    pub status: Option<Status>,
    /// Only claims logged (comments made) at or after this moment.
    pub since: Option<String>,
    /// At most this many hits of each kind.
    pub limit: usize,
    /// Search for the words as typed, not as an FTS5 query: each word must appear, whatever
    /// punctuation it holds (`Sunak's`, `4,537`).
    pub literal: bool,
}

/// The words of `text` as an FTS5 query that finds them as typed: each word a quoted string
/// (its own quotes doubled), all of them required.
fn literal_query(text: &str) -> String {
    text.split_whitespace()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Turns SQLite's complaint about a query into one line naming the query.
fn bad_query(query: &str, e: rusqlite::Error) -> Error {
    let reason = match &e {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        other => other.to_string(),
    };
    // SQLITE_ERROR from a MATCH is the query's fault (FTS5 reports its syntax errors so);
    // busy, locked, corrupt and the like keep their own codes and stay store errors.
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::Unknown) {
        Error::invalid(format!(
            "malformed search '{query}': {reason} (put words with punctuation in double quotes, \
             or use --literal to search for the words as typed)"
        ))
    } else {
        Error::from(e)
    }
}

impl Store {
    /// Searches, most relevant first within each kind, in the order the scopes are given.
    pub fn search_text(&self, search: &SearchQuery) -> Result<Vec<SearchHit>> {
        let literal;
        let query = if search.literal {
            literal = literal_query(&search.query);
            literal.as_str()
        } else {
            search.query.trim()
        };
        if query.is_empty() {
            return Err(Error::invalid("search query is empty"));
        }
        let since = search
            .since
            .as_deref()
            .map(|s| self.instant(s, DayEdge::Start))
            .transpose()?;
        // Markers no text holds: a random nonce between private-use characters, new each time.
        let nonce = super::new_id();
        let (start, end) = (
            format!("\u{e000}{nonce}\u{e001}"),
            format!("\u{e001}{nonce}\u{e000}"),
        );
        let status = search.status.map(|s| s.as_str());
        let mut hits = Vec::new();
        for scope in &search.scopes {
            match scope {
                SearchScope::Claims | SearchScope::Evidence => {
                    // A claim is found by its text or its quote; the snippet comes from whichever
                    // matched best (-1). Evidence is found by its notes and quotes (column 1).
                    let (column, index) = match scope {
                        SearchScope::Claims => ("{text quote}", -1),
                        _ => ("search_context", 1),
                    };
                    let sql = format!(
                        "SELECT c.id, c.text, snippet(claims_fts, {index}, ?2, ?3, '…', 16), st.status
                           FROM claims_fts JOIN claims c ON c.pk = claims_fts.rowid
                           JOIN claim_status st ON st.claim_pk = c.pk
                          WHERE claims_fts MATCH ?1 AND c.retracted_at IS NULL
                            AND (?4 IS NULL OR st.status = ?4) AND (?5 IS NULL OR c.created_at >= ?5)
                          ORDER BY rank LIMIT ?6"
                    );
                    let matched = format!("{column} : ({query})");
                    let mut stmt = self.conn().prepare(&sql)?;
                    let rows = stmt
                        .query_map(
                            params![matched, start, end, status, since, search.limit as i64],
                            |r| {
                                let parts = FragmentPart::split(
                                    r.get::<_, String>(2)?.trim(),
                                    &start,
                                    &end,
                                );
                                Ok(SearchHit {
                                    scope: *scope,
                                    id: r.get(0)?,
                                    fragment: FragmentPart::joined(&parts),
                                    parts,
                                    claim_id: Some(r.get(0)?),
                                    claim_text: Some(r.get(1)?),
                                    status: Some(word(r, 3)?),
                                })
                            },
                        )
                        .map_err(|e| bad_query(query, e))?;
                    for row in rows {
                        hits.push(row.map_err(|e| bad_query(query, e))?);
                    }
                }
                SearchScope::Sources | SearchScope::Comments => {
                    hits.extend(self.search_unindexed(
                        *scope,
                        query,
                        search,
                        since.as_deref(),
                        (&start, &end),
                    )?);
                }
            }
        }
        Ok(hits)
    }

    /// Sources and comments: copied into a temporary FTS5 table, then queried like claims.
    fn search_unindexed(
        &self,
        scope: SearchScope,
        query: &str,
        search: &SearchQuery,
        since: Option<&str>,
        (start, end): (&str, &str),
    ) -> Result<Vec<SearchHit>> {
        let conn = self.conn();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch USING fts5(
                 id UNINDEXED, claim_id UNINDEXED, body,
                 tokenize = 'porter unicode61 remove_diacritics 2');
             DELETE FROM temp.search_scratch;",
        )?;
        match scope {
            SearchScope::Sources => conn.execute(
                "INSERT INTO temp.search_scratch (id, claim_id, body) SELECT id, NULL, name FROM sources",
                [],
            )?,
            _ => conn.execute(
                "INSERT INTO temp.search_scratch (id, claim_id, body)
                 SELECT e.id, e.record_id, json_extract(e.change, '$.text') FROM events e
                  WHERE e.action = 'claim.comment' AND (?1 IS NULL OR e.at >= ?1)
                    -- the terms of the partial index events_changes, so SQLite reads the few
                    -- changes instead of every event
                    AND e.action <> 'source.add' AND e.action <> 'claim.add'
                    AND e.action <> 'evidence.add' AND e.action <> 'link.add'",
                [since],
            )?,
        };
        let mut stmt = conn.prepare(
            "SELECT s.id, s.claim_id, snippet(search_scratch, 2, ?2, ?3, '…', 16), c.text, st.status
               FROM temp.search_scratch s
               LEFT JOIN claims c ON c.id = s.claim_id
               LEFT JOIN claim_status st ON st.claim_pk = c.pk
              WHERE search_scratch MATCH ?1 AND (?4 IS NULL OR st.status = ?4)
                AND (c.pk IS NULL OR c.retracted_at IS NULL)
              ORDER BY rank LIMIT ?5",
        )?;
        let status = search.status.map(|s| s.as_str());
        let rows = stmt
            .query_map(
                params![
                    format!("body : ({query})"),
                    start,
                    end,
                    status,
                    search.limit as i64
                ],
                |r| {
                    let status: Option<String> = r.get(4)?;
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, status))
                },
            )
            .map_err(|e| bad_query(query, e))?;
        let mut hits = Vec::new();
        for row in rows {
            let (id, claim_id, fragment, claim_text, status): (
                String,
                Option<String>,
                String,
                Option<String>,
                Option<String>,
            ) = row.map_err(|e| bad_query(query, e))?;
            let parts = FragmentPart::split(fragment.trim(), start, end);
            hits.push(SearchHit {
                scope,
                id,
                fragment: FragmentPart::joined(&parts),
                parts,
                claim_id,
                claim_text,
                status: status.map(|s| s.parse()).transpose()?,
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceStance, NewClaim, NewEvidence};

    fn query(text: &str, scopes: &[SearchScope]) -> SearchQuery {
        SearchQuery {
            query: text.into(),
            scopes: scopes.to_vec(),
            status: None,
            since: None,
            limit: 10,
            literal: false,
        }
    }

    #[test]
    fn text_holding_marker_like_characters_cannot_fake_a_match() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        store
            .log_claim(&NewClaim {
                text: "\u{2}fake\u{3} \u{e000}x\u{e001} the real missile".into(),
                ..NewClaim::default()
            })
            .unwrap();
        let hits = store
            .search_text(&query("missile", &[SearchScope::Claims]))
            .unwrap();
        let matched: Vec<&str> = hits[0]
            .parts
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(matched, vec!["missile"]);
        assert_eq!(
            hits[0].fragment,
            "\u{2}fake\u{3} \u{e000}x\u{e001} the real missile"
        );
    }

    #[test]
    fn hits_are_ranked_highlighted_and_tied_to_their_claim() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let once = store
            .log_claim(&NewClaim {
                text: "Iran supplied Russia with drones".into(),
                ..NewClaim::default()
            })
            .unwrap();
        let twice = store
            .log_claim(&NewClaim {
                text: "Missiles, more missiles: Iran supplied Russia with ballistic missiles"
                    .into(),
                claimant: Some("U.S. officials".into()),
                ..NewClaim::default()
            })
            .unwrap();
        store
            .add_evidence(
                &once,
                &NewEvidence {
                    stance: EvidenceStance::Refutes,
                    source: None,
                    url: None,
                    quote: None,
                    note: Some("No missile was ever found".into()),
                },
            )
            .unwrap();
        store
            .comment_claim(&once, "Check the missile story")
            .unwrap();

        let hits = store
            .search_text(&query(
                "missile*",
                &[
                    SearchScope::Claims,
                    SearchScope::Evidence,
                    SearchScope::Comments,
                ],
            ))
            .unwrap();
        let found: Vec<(SearchScope, Option<&str>)> = hits
            .iter()
            .map(|h| (h.scope, h.claim_id.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (SearchScope::Claims, Some(twice.as_str())),
                (SearchScope::Evidence, Some(once.as_str())),
                (SearchScope::Comments, Some(once.as_str())),
            ]
        );
        assert_eq!(hits[1].fragment, "No missile was ever found");
        assert_eq!(
            hits[1].parts,
            vec![
                FragmentPart {
                    text: "No ".into(),
                    hit: false
                },
                FragmentPart {
                    text: "missile".into(),
                    hit: true
                },
                FragmentPart {
                    text: " was ever found".into(),
                    hit: false
                },
            ]
        );
        let sources = store
            .search_text(&query("officials", &[SearchScope::Sources]))
            .unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].fragment, "U.S. officials");
        assert_eq!(
            sources[0].parts.iter().filter(|p| p.hit).count(),
            1,
            "{:?}",
            sources[0].parts
        );
        assert_eq!(sources[0].claim_id, None);

        let err = store
            .search_text(&query("AND missile", &[SearchScope::Claims]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed search 'AND missile': fts5: syntax error near \"AND\" (put words with \
             punctuation in double quotes, or use --literal to search for the words as typed)"
        );
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn a_literal_search_finds_words_with_punctuation_as_typed() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        for text in [
            "Sunak's plan cut 4,537 jobs",
            "Sunak plan: 4 cuts, 537 jobs",
            "A \"quoted\" AND word",
        ] {
            store
                .log_claim(&NewClaim {
                    text: text.into(),
                    ..NewClaim::default()
                })
                .unwrap();
        }
        let found = |text: &str| -> Vec<String> {
            let mut search = query(text, &[SearchScope::Claims]);
            search.literal = true;
            store
                .search_text(&search)
                .unwrap()
                .into_iter()
                .map(|h| h.fragment)
                .collect()
        };
        assert_eq!(found("Sunak's 4,537"), vec!["Sunak's plan cut 4,537 jobs"]);
        assert_eq!(found("\"quoted\" AND"), vec!["A \"quoted\" AND word"]);
        assert!(
            store
                .search_text(&query("Sunak's", &[SearchScope::Claims]))
                .is_err()
        );
    }
}
