//! The claims' full-text index read into memory once, for `link scan`: the same retrieval as the
//! FTS5 queries the linker runs (`Store::candidates_counted`), with FTS5's own tokens and its BM25, but
//! without running a query per claim. Comparing every claim of a store with the others, FTS5
//! scores each matching claim's BM25 again for every claim that shares a word with it; here the
//! postings of each term are read from the index (`fts5vocab` instances) once.
//!
//! BM25 is computed as FTS5's `bm25()` computes it (`ext/fts5/fts5_aux.c`), in the same order of
//! operations, so the scores, and hence the candidates and their ranking, are the index's: per
//! phrase, IDF = ln((N − n + 0.5) / (n + 0.5)) (1e-6 when not positive), n the rows holding the
//! phrase in the columns asked for; a row's score sums, phrase by phrase in the query's order,
//! IDF × f × (k1 + 1) / (f + k1 × (1 − b + b × D / avgdl)), f the phrase's occurrences in those
//! columns, D the row's tokens in all columns, avgdl the index's tokens per row, k1 = 1.2,
//! b = 0.75. Equal scores are ordered by claim key (the index's row id), as FTS5 returns them.

use std::borrow::Cow;
use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::Result;

/// The columns the linker searches (`{text search_context}`).
const LINKER_COLUMNS: [&str; 2] = ["text", "search_context"];

/// One indexed token's occurrences in the linker's columns.
#[derive(Default)]
struct Postings {
    /// (row, column, offset), in that order.
    at: Vec<(u32, u8, u32)>,
    /// Each row holding the token once, with its number of occurrences, in row order.
    rows: Vec<(u32, u32)>,
}

/// The claims' full-text index, in memory.
pub(in crate::store) struct TextIndex {
    /// Each row's claim key.
    keys: Vec<i64>,
    /// Each row's tokens, in all columns.
    lengths: Vec<u32>,
    rows: f64,
    average_length: f64,
    tokens: HashMap<String, Postings>,
    /// What each search term is made of, as the index's tokenizer reads it.
    phrases: HashMap<String, Vec<String>>,
    /// The score of each row for the query being answered (zero when not matched).
    scores: Vec<f64>,
    /// How many of the query's phrases each row holds.
    matched: Vec<u32>,
    touched: Vec<u32>,
}

impl TextIndex {
    /// Reads the whole index of `claims_fts`.
    pub fn load(conn: &Connection) -> Result<TextIndex> {
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.scan_instances;
             CREATE VIRTUAL TABLE temp.scan_instances
                 USING fts5vocab(main, claims_fts, instance);",
        )?;
        let mut index = TextIndex {
            keys: Vec::new(),
            lengths: Vec::new(),
            rows: 0.0,
            average_length: 0.0,
            tokens: HashMap::new(),
            phrases: HashMap::new(),
            scores: Vec::new(),
            matched: Vec::new(),
            touched: Vec::new(),
        };
        let loaded = index.read_instances(conn);
        conn.execute_batch("DROP TABLE IF EXISTS temp.scan_instances")?;
        loaded?;
        // FTS5 counts its rows (every claim is one), and their tokens, in all columns.
        let claims: i64 = conn.query_row("SELECT count(*) FROM claims", [], |r| r.get(0))?;
        index.rows = claims as f64;
        let tokens: u64 = index.lengths.iter().map(|&n| u64::from(n)).sum();
        index.average_length = tokens as f64 / index.rows;
        index.scores = vec![0.0; index.keys.len()];
        index.matched = vec![0; index.keys.len()];
        Ok(index)
    }

    fn read_instances(&mut self, conn: &Connection) -> Result<()> {
        let mut stmt =
            conn.prepare("SELECT term, doc, col, \"offset\" FROM temp.scan_instances")?;
        let mut rows = stmt.query([])?;
        let mut row_of: HashMap<i64, u32> = HashMap::new();
        let mut term = String::new();
        let mut postings = Postings::default();
        while let Some(r) = rows.next()? {
            let (doc, col, offset): (i64, String, u32) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let row = *row_of.entry(doc).or_insert_with(|| {
                self.keys.push(doc);
                self.lengths.push(0);
                (self.keys.len() - 1) as u32
            });
            self.lengths[row as usize] += 1;
            let Some(col) = LINKER_COLUMNS.iter().position(|c| *c == col) else {
                continue;
            };
            let this: String = r.get(0)?;
            if this != term {
                self.add(std::mem::take(&mut term), std::mem::take(&mut postings));
                term = this;
            }
            postings.at.push((row, col as u8, offset));
        }
        self.add(term, postings);
        Ok(())
    }

    fn add(&mut self, term: String, mut postings: Postings) {
        if postings.at.is_empty() {
            return;
        }
        postings.at.sort_unstable();
        for &(row, _, _) in &postings.at {
            match postings.rows.last_mut() {
                Some((last, n)) if *last == row => *n += 1,
                _ => postings.rows.push((row, 1)),
            }
        }
        self.tokens.insert(term, postings);
    }

    /// Learns how the index's tokenizer reads each of `terms` not seen before.
    pub fn tokenize(&mut self, conn: &Connection, terms: &[String]) -> Result<()> {
        let new: Vec<&String> = terms
            .iter()
            .filter(|t| !self.phrases.contains_key(*t))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.scan_terms_tokens;
             DROP TABLE IF EXISTS temp.scan_terms;
             CREATE VIRTUAL TABLE temp.scan_terms
                 USING fts5(term, tokenize = 'porter unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE temp.scan_terms_tokens
                 USING fts5vocab(temp, scan_terms, instance);",
        )?;
        let read = || -> Result<Vec<(i64, u32, String)>> {
            let mut insert =
                conn.prepare("INSERT INTO temp.scan_terms (rowid, term) VALUES (?1, ?2)")?;
            for (i, term) in new.iter().enumerate() {
                insert.execute(rusqlite::params![i as i64 + 1, term])?;
            }
            let mut stmt =
                conn.prepare("SELECT doc, \"offset\", term FROM temp.scan_terms_tokens")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let tokens = read();
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.scan_terms_tokens; DROP TABLE IF EXISTS temp.scan_terms;",
        )?;
        let mut tokens = tokens?;
        tokens.sort_unstable();
        for term in &new {
            self.phrases.insert((*term).clone(), Vec::new());
        }
        for (doc, _, token) in tokens {
            if let Some(term) = new.get(doc as usize - 1) {
                self.phrases
                    .get_mut(*term)
                    .expect("inserted above")
                    .push(token);
            }
        }
        Ok(())
    }

    /// The rows holding a phrase (its tokens one after the other, in one column), each with
    /// the phrase's occurrences.
    fn phrase_rows(&self, term: &str) -> Cow<'_, [(u32, u32)]> {
        let Some(tokens) = self.phrases.get(term) else {
            return Cow::Borrowed(&[]);
        };
        let postings: Option<Vec<&Postings>> =
            tokens.iter().map(|t| self.tokens.get(t.as_str())).collect();
        match postings.as_deref() {
            None | Some([]) => Cow::Borrowed(&[]),
            Some([one]) => Cow::Borrowed(&one.rows),
            Some([first, rest @ ..]) => {
                let mut out: Vec<(u32, u32)> = Vec::new();
                for &(row, col, offset) in &first.at {
                    let follows = rest.iter().enumerate().all(|(k, p)| {
                        p.at.binary_search(&(row, col, offset + 1 + k as u32))
                            .is_ok()
                    });
                    if follows {
                        match out.last_mut() {
                            Some((last, n)) if *last == row => *n += 1,
                            _ => out.push((row, 1)),
                        }
                    }
                }
                Cow::Owned(out)
            }
        }
    }

    /// The best claims for the query `terms` (any of them, or with `all_of` every one), by
    /// BM25 as FTS5 scores them, best first, equal scores by key: (claim key, BM25), at most
    /// `limit`.
    pub fn search(&mut self, terms: &[String], all_of: bool, limit: usize) -> Vec<(i64, f64)> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let (mut scores, mut matched, mut touched) = (
            std::mem::take(&mut self.scores),
            std::mem::take(&mut self.matched),
            std::mem::take(&mut self.touched),
        );
        for term in terms {
            let rows = self.phrase_rows(term);
            let hits = rows.len() as f64;
            let mut idf = ((self.rows - hits + 0.5) / (hits + 0.5)).ln();
            if idf <= 0.0 {
                idf = 1e-6;
            }
            for &(row, freq) in rows.iter() {
                let r = row as usize;
                if matched[r] == 0 {
                    touched.push(row);
                }
                matched[r] += 1;
                let f = f64::from(freq);
                let d = f64::from(self.lengths[r]);
                scores[r] +=
                    idf * ((f * (K1 + 1.0)) / (f + K1 * (1.0 - B + B * d / self.average_length)));
            }
        }
        (self.scores, self.matched, self.touched) = (scores, matched, touched);
        let wanted = if all_of { terms.len() as u32 } else { 1 };
        let mut found: Vec<(f64, u32)> = self
            .touched
            .iter()
            .filter(|&&row| self.matched[row as usize] >= wanted)
            .map(|&row| (self.scores[row as usize], row))
            .collect();
        for &row in &self.touched {
            self.scores[row as usize] = 0.0;
            self.matched[row as usize] = 0;
        }
        self.touched.clear();
        let keys = &self.keys;
        let by_score = |a: &(f64, u32), b: &(f64, u32)| {
            b.0.total_cmp(&a.0)
                .then(keys[a.1 as usize].cmp(&keys[b.1 as usize]))
        };
        if found.len() > limit {
            found.select_nth_unstable_by(limit, by_score);
            found.truncate(limit);
        }
        found.sort_unstable_by(by_score);
        // A new vector: collected in place, the best few would keep the room of all matches.
        let mut best = Vec::with_capacity(found.len());
        best.extend(
            found
                .iter()
                .map(|&(score, row)| (self.keys[row as usize], score)),
        );
        best
    }
}
