//! Reading the store back out as bulk records: every claim with its evidence, verdict and the
//! live links it starts, with ids and original times, so that an export imports into an empty
//! store as the same records. Streams one claim at a time.

use rusqlite::{Connection, Row};

use super::{Store, word};
use crate::error::Result;
use crate::model::{
    ClaimRecord, EvidenceRecord, LinkRecord, Logged, NewClaim, NewEvidence, Status, VerdictRecord,
};

const EXPORT_SELECT: &str = "SELECT c.pk, c.id, c.text, cl.name, rb.name, c.stance, c.url, c.quote,
        c.claim_date, c.created_at, c.created_by,
        (SELECT json_group_array(tag) FROM
            (SELECT t.tag FROM claim_tags t WHERE t.claim_pk = c.pk ORDER BY t.tag)),
        v.verdict, v.rationale, v.given_at, v.given_by
    FROM claims c
    JOIN claim_status st ON st.claim_pk = c.pk
    LEFT JOIN verdicts v ON v.claim_pk = c.pk
    LEFT JOIN sources cl ON cl.pk = c.claimant_pk
    LEFT JOIN sources rb ON rb.pk = c.reported_by_pk";

fn logged(row: &Row, at: usize) -> rusqlite::Result<Logged> {
    Ok(Logged {
        at: row.get(at)?,
        by: row.get(at + 1)?,
    })
}

fn claim_record(row: &Row) -> rusqlite::Result<(i64, ClaimRecord)> {
    let tags: String = row.get(11)?;
    let verdict = match row.get::<_, Option<String>>(12)? {
        None => None,
        Some(_) => Some(VerdictRecord {
            verdict: word(row, 12)?,
            rationale: row.get(13)?,
            logged: Some(logged(row, 14)?),
        }),
    };
    Ok((
        row.get(0)?,
        ClaimRecord {
            id: Some(row.get(1)?),
            claim: NewClaim {
                text: row.get(2)?,
                claimant: row.get(3)?,
                reported_by: row.get(4)?,
                stance: Some(word(row, 5)?),
                url: row.get(6)?,
                quote: row.get(7)?,
                date: row.get(8)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
            },
            logged: Some(logged(row, 9)?),
            verdict,
            evidence: Vec::new(),
            links: Vec::new(),
        },
    ))
}

fn evidence_of(conn: &Connection, claim_pk: i64) -> Result<Vec<EvidenceRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.stance, s.name, e.url, e.quote, e.note, e.created_at, e.created_by
         FROM evidence e LEFT JOIN sources s ON s.pk = e.source_pk
         WHERE e.claim_pk = ?1 AND e.retracted_at IS NULL ORDER BY e.pk",
    )?;
    let rows = stmt.query_map([claim_pk], |r| {
        Ok(EvidenceRecord {
            id: Some(r.get(0)?),
            evidence: NewEvidence {
                stance: word(r, 1)?,
                source: r.get(2)?,
                url: r.get(3)?,
                quote: r.get(4)?,
                note: r.get(5)?,
            },
            logged: Some(logged(r, 6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn links_from(conn: &Connection, claim_pk: i64) -> Result<Vec<LinkRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.relation, t.id, l.note, l.created_at, l.created_by
         FROM links l JOIN claims t ON t.pk = l.to_pk
         WHERE l.from_pk = ?1 AND l.removed_at IS NULL AND t.retracted_at IS NULL ORDER BY l.pk",
    )?;
    let rows = stmt.query_map([claim_pk], |r| {
        Ok(LinkRecord {
            id: Some(r.get(0)?),
            relation: word(r, 1)?,
            to: r.get(2)?,
            note: r.get(3)?,
            logged: Some(logged(r, 4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Hands every claim (or those with `status`) to `each` as a bulk record, in the order they
    /// were logged; returns how many.
    pub fn export_records(
        &self,
        status: Option<Status>,
        mut each: impl FnMut(ClaimRecord) -> Result<()>,
    ) -> Result<u64> {
        let conn = self.conn();
        let sql = match status {
            Some(_) => format!(
                "{EXPORT_SELECT} WHERE st.status = ?1 AND c.retracted_at IS NULL ORDER BY c.pk"
            ),
            None => format!("{EXPORT_SELECT} WHERE c.retracted_at IS NULL ORDER BY c.pk"),
        };
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = match status {
            Some(status) => stmt.query([status.as_str()])?,
            None => stmt.query([])?,
        };
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let (pk, mut record) = claim_record(row)?;
            record.evidence = evidence_of(conn, pk)?;
            record.links = links_from(conn, pk)?;
            each(record)?;
            count += 1;
        }
        Ok(count)
    }
}
