//! The projection: the one code that writes the domain tables (sources, claims and their tags,
//! evidence, links, verdicts, proposed verdicts, assignments, settings), the full-text index and
//! the claims' search context, from events. A change typed in and a change replayed from the log
//! (`verify`, `--as-of`, an imported bundle) are written by the same function, so the tables
//! cannot say something the log does not.
//!
//! It decides nothing: the operation that made the change has resolved ids and applied the desk's
//! rules, and an event from elsewhere has been checked. Projecting assumes the records an event
//! refers to exist (their creation comes earlier in the canonical order) and, in a replay, that
//! the caller removed the rows it is about to rebuild. It never records events.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::history::{Change, Event};
use crate::model::source_key;

/// Whether the full-text index and the search context are kept in step event by event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upkeep {
    /// A change made here: each event keeps the index and the search context of its claim
    /// up to date.
    Live,
    /// A replay of many events (a bundle, a rebuild): the caller rebuilds the index and the
    /// search context of the claims touched once at the end ([`refresh_search_context`]).
    Deferred,
    /// [`Upkeep::Deferred`], replaying records the tables do not hold yet (a rebuild from
    /// nothing, the new records of a bundle): a claim is inserted rather than reset, which
    /// spares looking it up and clearing its tags — and is reset after all if it is there.
    DeferredNew,
}

/// Which rows of a projected table belong to a record: what rebuilding that record replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// The record's own row, found by its id (or key) in this column.
    Own(&'static str),
    /// Rows that hang off a claim (`claim_pk`), rebuilt with the claim.
    OfClaim,
}

/// One table the projection writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProjectedTable {
    pub name: &'static str,
    pub rows: Rows,
    /// Whether events after a record's creation change these rows (`--as-of` then rebuilds
    /// them as they stood); rows only ever created are shown as of a moment by their time.
    pub changed_later: bool,
    /// Whether a rebuild resets the rows in place (they are upserted by id, since other rows
    /// refer to them) instead of deleting them first.
    pub upserted: bool,
}

/// Every table the projection writes (besides the full-text index): the one list that bundle
/// rebuilds and `--as-of` read, and that `verify`'s comparison is held to by a test.
pub(crate) const PROJECTED_TABLES: &[ProjectedTable] = &[
    ProjectedTable {
        name: "sources",
        rows: Rows::Own("id"),
        changed_later: true,
        upserted: true,
    },
    // Former names: a source's rows, kept (never deleted) when the source is rebuilt, since
    // events replayed before its renames may name it by them; renaming again is idempotent.
    ProjectedTable {
        name: "source_names",
        rows: Rows::Own("name_key"),
        changed_later: false,
        upserted: true,
    },
    ProjectedTable {
        name: "claims",
        rows: Rows::Own("id"),
        changed_later: true,
        upserted: true,
    },
    ProjectedTable {
        name: "claim_tags",
        rows: Rows::OfClaim,
        changed_later: true,
        upserted: false,
    },
    ProjectedTable {
        name: "verdicts",
        rows: Rows::OfClaim,
        changed_later: true,
        upserted: false,
    },
    ProjectedTable {
        name: "proposed_verdicts",
        rows: Rows::OfClaim,
        changed_later: true,
        upserted: false,
    },
    ProjectedTable {
        name: "assignments",
        rows: Rows::OfClaim,
        changed_later: true,
        upserted: false,
    },
    ProjectedTable {
        name: "evidence",
        rows: Rows::Own("id"),
        changed_later: true,
        upserted: false,
    },
    ProjectedTable {
        name: "links",
        rows: Rows::Own("id"),
        changed_later: true,
        upserted: false,
    },
    ProjectedTable {
        name: "settings",
        rows: Rows::Own("key"),
        changed_later: true,
        upserted: false,
    },
];

/// SQL that deletes, from every projected table a rebuild does not upsert, the rows of the
/// records whose ids the temporary table `scope` (a `record_id` column) holds.
pub(crate) fn delete_rows_of(scope: &str) -> String {
    let records = format!("SELECT record_id FROM temp.{scope}");
    PROJECTED_TABLES
        .iter()
        .filter(|t| !t.upserted)
        .map(|t| match t.rows {
            Rows::Own(column) => format!("DELETE FROM {} WHERE {column} IN ({records});", t.name),
            Rows::OfClaim => format!(
                "DELETE FROM {} WHERE claim_pk IN (SELECT pk FROM claims WHERE id IN ({records}));",
                t.name
            ),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Source keys already looked up, by matching key: a bulk import or a replay names the same few
/// sources again and again (sources are never deleted; a rename, a merge and an unmerge clear
/// it, since they change what a name finds or counts for).
pub(crate) type SourceKeys = RefCell<HashMap<String, SourceRef>>;

/// Writes one event's change into the tables of `conn`.
pub(crate) fn project(
    conn: &Connection,
    event: &Event,
    upkeep: Upkeep,
    sources: &SourceKeys,
) -> Result<()> {
    let e = event;
    let live = upkeep == Upkeep::Live;
    match &e.change {
        Change::SourceAdded(s) => {
            let (at, by) = e.logged(s.created_at.as_ref(), s.created_by.as_ref());
            // The earliest creation wins, so the result does not depend on arrival order. A
            // source rebuilt from its history starts again from it (its edits, renames and
            // merges follow in the replay), so replaying it resets the source's fields.
            conn.prepare_cached(
                "INSERT INTO sources (id, name, name_key, kind, url, note, created_at, created_by,
                                      logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                    name_key = excluded.name_key, kind = excluded.kind, url = excluded.url,
                    note = excluded.note, created_at = excluded.created_at,
                    created_by = excluded.created_by, merged_into_pk = NULL,
                    logged_at = min(sources.logged_at, excluded.logged_at)
                 WHERE (excluded.created_at, excluded.created_by)
                           <= (sources.created_at, sources.created_by)
                    OR excluded.logged_at < sources.logged_at",
            )?
            .execute(params![
                e.record_id,
                s.name,
                source_key(&s.name),
                s.kind.as_str(),
                s.url,
                s.note,
                at,
                by,
                e.at
            ])
            .map_err(|err| name_taken(err, e, &s.name))?;
        }
        Change::ClaimAdded(c) => {
            let claimant = source_pk(conn, sources, e, c.claimant.as_deref())?;
            let reported_by = source_pk(conn, sources, e, c.reported_by.as_deref())?;
            let (claimant, claimant_named) = SourceRef::columns(claimant);
            let (reported_by, reported_by_named) = SourceRef::columns(reported_by);
            let (at, by) = e.logged(c.created_at.as_ref(), c.created_by.as_ref());
            // Logged here, the claim is new; replayed, it resets the claim's fields. (No
            // `RETURNING`: a statement with it opens a statement savepoint, at which FTS5
            // flushes its pending terms to disk, a segment per claim, which halved the speed
            // of a bulk import.)
            let insert = "INSERT INTO claims (id, text, claimant_pk, reported_by_pk, stance, url,
                                              quote, claim_date, created_at, created_by, logged_at,
                                              claimant_named_pk, reported_by_named_pk)
                          VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
            let reset = "INSERT INTO claims (id, text, claimant_pk, reported_by_pk, stance, url,
                                             quote, claim_date, created_at, created_by, logged_at,
                                             claimant_named_pk, reported_by_named_pk)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (id) DO UPDATE SET text = excluded.text,
                    claimant_pk = excluded.claimant_pk, reported_by_pk = excluded.reported_by_pk,
                    claimant_named_pk = excluded.claimant_named_pk,
                    reported_by_named_pk = excluded.reported_by_named_pk,
                    stance = excluded.stance, url = excluded.url, quote = excluded.quote,
                    claim_date = excluded.claim_date, created_at = excluded.created_at,
                    created_by = excluded.created_by, logged_at = excluded.logged_at,
                    retracted_at = NULL, retracted_by = NULL, retraction_note = NULL";
            let values = params![
                e.record_id,
                c.text,
                claimant,
                reported_by,
                c.stance.as_str(),
                c.url,
                c.quote,
                c.date,
                at,
                by,
                e.at,
                claimant_named,
                reported_by_named
            ];
            let inserted = match upkeep {
                Upkeep::Live => {
                    conn.prepare_cached(insert)?.execute(values)?;
                    true
                }
                Upkeep::DeferredNew => match conn.prepare_cached(insert)?.execute(values) {
                    Ok(_) => true,
                    Err(rusqlite::Error::SqliteFailure(failure, _))
                        if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        false
                    }
                    Err(other) => return Err(other.into()),
                },
                Upkeep::Deferred => false,
            };
            // A new row's key is the last inserted; a reset one's must be looked up, and its
            // tags cleared.
            let pk = if inserted {
                conn.last_insert_rowid()
            } else {
                conn.prepare_cached(reset)?.execute(values)?;
                let pk = claim_pk(conn, e, &e.record_id)?;
                conn.prepare_cached("DELETE FROM claim_tags WHERE claim_pk = ?1")?
                    .execute([pk])?;
                pk
            };
            if live {
                conn.prepare_cached(
                    "INSERT INTO claims_fts (rowid, text, quote) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![pk, c.text, c.quote])?;
            }
            add_tags(conn, pk, &c.tags)?;
        }
        Change::ClaimEdited(edit) => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            let reindexed = live && edit.touches_indexed_text();
            if reindexed {
                unindex(conn, pk)?;
            }
            let columns = [
                ("text", edit.text.as_ref().map(|t| t.new.as_deref())),
                (
                    "stance",
                    edit.stance.as_ref().map(|s| s.new.map(|s| s.as_str())),
                ),
                ("url", edit.url.as_ref().map(|u| u.new.as_deref())),
                ("quote", edit.quote.as_ref().map(|q| q.new.as_deref())),
                ("claim_date", edit.date.as_ref().map(|d| d.new.as_deref())),
            ];
            for (column, new) in columns {
                if let Some(new) = new {
                    set_column(conn, ("claims", "pk", &pk), column, &new)?;
                }
            }
            for (column, named) in [
                ("claimant", &edit.claimant),
                ("reported_by", &edit.reported_by),
            ] {
                if let Some(named) = named {
                    let source = source_pk(conn, sources, e, named.new.as_deref())?;
                    set_source_columns(conn, ("claims", "pk", &pk), column, source)?;
                }
            }
            add_tags(conn, pk, &edit.tags_added)?;
            for tag in &edit.tags_removed {
                conn.prepare_cached("DELETE FROM claim_tags WHERE claim_pk = ?1 AND tag = ?2")?
                    .execute(params![pk, tag])?;
            }
            if reindexed {
                index(conn, pk)?;
            }
        }
        Change::VerdictSet(v) if e.origin.is_none() && review_required_at(conn, e)? => {
            // Given while the desk required review (by someone whose store did not know it
            // yet, or in a crafted bundle): it does not stand, it waits for a second person.
            let pk = claim_pk(conn, e, &e.record_id)?;
            put_proposal(conn, pk, (v.verdict.as_str(), &v.rationale), e)?;
        }
        Change::VerdictSet(v) => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            let given = e.logged(v.given_at.as_ref(), v.given_by.as_ref());
            put_verdict(conn, pk, (v.verdict.as_str(), &v.rationale), given, None)?;
        }
        Change::VerdictCleared(_) => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            conn.prepare_cached("DELETE FROM verdicts WHERE claim_pk = ?1")?
                .execute([pk])?;
        }
        Change::VerdictProposed(p) => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            put_proposal(conn, pk, (p.verdict.as_str(), &p.rationale), e)?;
        }
        Change::ReviewApproved(r) => {
            // The approval carries the verdict it approved, so it stands even where the
            // proposal was since replaced or withdrawn by someone who had not seen it.
            let pk = claim_pk(conn, e, &e.record_id)?;
            let given = (r.proposed_at.as_str(), r.proposed_by.as_str());
            let reviewed = (e.at.as_str(), e.author.as_str());
            put_verdict(
                conn,
                pk,
                (r.verdict.as_str(), &r.rationale),
                given,
                Some(reviewed),
            )?;
            conn.prepare_cached("DELETE FROM proposed_verdicts WHERE claim_pk = ?1")?
                .execute([pk])?;
        }
        Change::ReviewRejected(_) => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            conn.prepare_cached("DELETE FROM proposed_verdicts WHERE claim_pk = ?1")?
                .execute([pk])?;
        }
        Change::ClaimAssigned(a) => {
            let pk = claim_pk(conn, e, &e.record_id)?;
            match &a.assignee {
                Some(assignee) => conn
                    .prepare_cached(
                        "INSERT INTO assignments (claim_pk, assignee, assigned_at, assigned_by)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (claim_pk) DO UPDATE SET assignee = excluded.assignee,
                            assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by",
                    )?
                    .execute(params![pk, assignee, e.at, e.author])?,
                None => conn
                    .prepare_cached("DELETE FROM assignments WHERE claim_pk = ?1")?
                    .execute([pk])?,
            };
        }
        Change::ClaimCommented(_) => {
            // A comment is its event; it only needs its claim to exist.
            claim_pk(conn, e, &e.record_id)?;
        }
        Change::EvidenceAdded(ev) => {
            let claim = claim_pk(conn, e, &ev.claim)?;
            let (source, source_named) =
                SourceRef::columns(source_pk(conn, sources, e, ev.source.as_deref())?);
            let (at, by) = e.logged(ev.created_at.as_ref(), ev.created_by.as_ref());
            conn.prepare_cached(
                "INSERT INTO evidence (id, claim_pk, stance, source_pk, url, quote, note,
                                       created_at, created_by, logged_at, source_named_pk)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                e.record_id,
                claim,
                ev.stance.as_str(),
                source,
                ev.url,
                ev.quote,
                ev.note,
                at,
                by,
                e.at,
                source_named
            ])?;
            if live {
                reindex_search_context(conn, claim)?;
            }
        }
        Change::ClaimRetracted(r) => {
            retract(conn, "claims", e, Some(&r.note))?;
        }
        Change::ClaimRestored(_) => {
            retract(conn, "claims", e, None)?;
        }
        Change::EvidenceRetracted(r) => {
            retract(conn, "evidence", e, Some(&r.note))?;
            if live {
                reindex_search_context(conn, evidence_claim_pk(conn, e)?)?;
            }
        }
        Change::EvidenceEdited(edit) => {
            let columns = [
                (
                    "stance",
                    edit.stance.as_ref().map(|s| s.new.map(|s| s.as_str())),
                ),
                ("url", edit.url.as_ref().map(|u| u.new.as_deref())),
                ("quote", edit.quote.as_ref().map(|q| q.new.as_deref())),
                ("note", edit.note.as_ref().map(|n| n.new.as_deref())),
            ];
            let evidence = ("evidence", "id", &e.record_id as &dyn rusqlite::ToSql);
            for (column, new) in columns {
                if let Some(new) = new {
                    set_column(conn, evidence, column, &new)?;
                }
            }
            if let Some(named) = &edit.source {
                let source = source_pk(conn, sources, e, named.new.as_deref())?;
                set_source_columns(conn, evidence, "source", source)?;
            }
            if live && (edit.note.is_some() || edit.quote.is_some()) {
                reindex_search_context(conn, evidence_claim_pk(conn, e)?)?;
            }
        }
        Change::EvidenceMoved(m) => {
            let from = evidence_claim_pk(conn, e)?;
            let to = claim_pk(conn, e, &m.to)?;
            conn.prepare_cached("UPDATE evidence SET claim_pk = ?2 WHERE id = ?1")?
                .execute(params![e.record_id, to])?;
            if live {
                reindex_search_context(conn, from)?;
                reindex_search_context(conn, to)?;
            }
        }
        Change::EvidenceRestored(_) => {
            retract(conn, "evidence", e, None)?;
            if live {
                reindex_search_context(conn, evidence_claim_pk(conn, e)?)?;
            }
        }
        Change::LinkAdded(l) => {
            let from = claim_pk(conn, e, &l.from)?;
            let to = claim_pk(conn, e, &l.to)?;
            let (at, by) = e.logged(l.created_at.as_ref(), l.created_by.as_ref());
            conn.prepare_cached(
                "INSERT INTO links (id, from_pk, to_pk, relation, note, created_at, created_by,
                                    logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                e.record_id,
                from,
                to,
                l.relation.as_str(),
                l.note,
                at,
                by,
                e.at
            ])?;
        }
        Change::LinkRemoved(_) => {
            conn.prepare_cached(
                "UPDATE links SET removed_at = ?2, removed_by = ?3
                 WHERE id = ?1 AND removed_at IS NULL",
            )?
            .execute(params![e.record_id, e.at, e.author])?;
        }
        Change::SourceEdited(edit) => {
            let source = ("sources", "id", &e.record_id as &dyn rusqlite::ToSql);
            if let Some(kind) = &edit.kind {
                set_column(conn, source, "kind", &kind.new.map(|k| k.as_str()))?;
            }
            if let Some(url) = &edit.url {
                set_column(conn, source, "url", &url.new)?;
            }
            if let Some(note) = &edit.note {
                set_column(conn, source, "note", &note.new)?;
            }
        }
        Change::SourceRenamed(rename) => {
            let pk = own_source_pk(conn, e)?;
            // The name it had keeps finding the source (the one in the tables, which is the
            // event's `old` unless someone else renamed it at the same time); the new one is its
            // name, not a former one.
            let had: String = conn
                .prepare_cached("SELECT name FROM sources WHERE pk = ?1")?
                .query_row([pk], |r| r.get(0))?;
            conn.prepare_cached(
                "INSERT INTO source_names (name_key, name, source_pk) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name_key) DO UPDATE SET name = excluded.name,
                    source_pk = excluded.source_pk",
            )?
            .execute(params![source_key(&had), had, pk])?;
            let new_key = source_key(&rename.new);
            conn.prepare_cached("DELETE FROM source_names WHERE name_key = ?1")?
                .execute([&new_key])?;
            conn.prepare_cached("UPDATE sources SET name = ?2, name_key = ?3 WHERE pk = ?1")?
                .execute(params![pk, rename.new, new_key])
                .map_err(|err| name_taken(err, e, &rename.new))?;
            // Names looked up before the rename may now find another source.
            sources.borrow_mut().clear();
        }
        Change::SourceMerged(merge) => {
            let pk = own_source_pk(conn, e)?;
            let into: i64 = conn
                .prepare_cached("SELECT pk FROM sources WHERE id = ?1")?
                .query_row([&merge.into], |r| r.get(0))
                .optional()?
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "event {} ({}) merges into source {}, which neither the store nor the \
                         events hold",
                        e.id,
                        e.action(),
                        merge.into
                    ))
                })?;
            conn.prepare_cached("UPDATE sources SET merged_into_pk = ?2 WHERE pk = ?1")?
                .execute(params![pk, into])?;
            repoint_merged_sources(conn, pk)?;
            sources.borrow_mut().clear();
        }
        Change::SourceUnmerged(_) => {
            let pk = own_source_pk(conn, e)?;
            conn.prepare_cached("UPDATE sources SET merged_into_pk = NULL WHERE pk = ?1")?
                .execute([pk])?;
            repoint_merged_sources(conn, pk)?;
            sources.borrow_mut().clear();
        }
        Change::SettingSet(s) => {
            conn.prepare_cached(
                "INSERT INTO settings (key, value, set_at, set_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                    set_at = excluded.set_at, set_by = excluded.set_by",
            )?
            .execute(params![e.record_id, s.value, e.at, e.author])?;
        }
    }
    Ok(())
}

fn claim_pk(conn: &Connection, event: &Event, id: &str) -> Result<i64> {
    conn.prepare_cached("SELECT pk FROM claims WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::invalid(format!(
                "event {} ({}) refers to claim {id}, which neither the store nor the events hold",
                event.id,
                event.action()
            ))
        })
}

/// The error of a source that cannot take `name` because another source has it (a source
/// renamed in one store to the name of a source registered in another), in words; any other
/// error as it is.
fn name_taken(err: rusqlite::Error, e: &Event, name: &str) -> Error {
    match &err {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::invalid(format!(
                "event {} ({}) gives source {} the name '{name}', which another source in this \
                 store has: rename this store's '{name}' (`factdesk source rename`), import \
                 again, then merge the two",
                e.id,
                e.action(),
                e.record_id
            ))
        }
        _ => err.into(),
    }
}

/// The source a claim or evidence names, and the source it counts for: the same one unless the
/// named source was merged into another.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceRef {
    pub named: i64,
    pub counts_for: i64,
}

impl SourceRef {
    /// The values of a record's source column and of its `*_named_pk` column beside it.
    fn columns(source: Option<SourceRef>) -> (Option<i64>, Option<i64>) {
        match source {
            None => (None, None),
            Some(s) => (
                Some(s.counts_for),
                (s.named != s.counts_for).then_some(s.named),
            ),
        }
    }
}

/// Sets a record's source (`column` is `claimant`, `reported_by` or `source`, never input) and
/// the source it names beside it.
fn set_source_columns(
    conn: &Connection,
    record: (&str, &str, &dyn rusqlite::ToSql),
    column: &str,
    source: Option<SourceRef>,
) -> Result<()> {
    let (counts_for, named) = SourceRef::columns(source);
    set_column(conn, record, &format!("{column}_pk"), &counts_for)?;
    set_column(conn, record, &format!("{column}_named_pk"), &named)
}

/// The key of the source that is `e`'s record.
fn own_source_pk(conn: &Connection, e: &Event) -> Result<i64> {
    conn.prepare_cached("SELECT pk FROM sources WHERE id = ?1")?
        .query_row([&e.record_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::invalid(format!(
                "event {} ({}) refers to source {}, which neither the store nor the events hold",
                e.id,
                e.action(),
                e.record_id
            ))
        })
}

/// The source that `pk` counts for: itself, or the end of its chain of merges. Merges made on
/// two machines at once can form a loop; every source in it then counts for the one with the
/// smallest id, which every store picks alike.
pub(crate) fn counts_for(conn: &Connection, pk: i64) -> Result<i64> {
    let mut merged_into =
        conn.prepare_cached("SELECT merged_into_pk FROM sources WHERE pk = ?1")?;
    let mut chain = vec![pk];
    loop {
        let current = *chain.last().expect("the chain starts with the source");
        let next: Option<i64> = merged_into
            .query_row([current], |r| r.get(0))
            .optional()?
            .flatten();
        let Some(next) = next else { return Ok(current) };
        if let Some(start) = chain.iter().position(|&p| p == next) {
            let mut smallest: Option<(String, i64)> = None;
            for &member in &chain[start..] {
                let id: String = conn
                    .prepare_cached("SELECT id FROM sources WHERE pk = ?1")?
                    .query_row([member], |r| r.get(0))?;
                if smallest.as_ref().is_none_or(|(s, _)| id < *s) {
                    smallest = Some((id, member));
                }
            }
            return Ok(smallest.expect("a loop has members").1);
        }
        chain.push(next);
    }
}

/// Points every claim and evidence that names `changed` or a merged source at the source it
/// now counts for, after a merge or an unmerge.
fn repoint_merged_sources(conn: &Connection, changed: i64) -> Result<()> {
    let mut named: Vec<i64> = conn
        .prepare_cached("SELECT pk FROM sources WHERE merged_into_pk IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !named.contains(&changed) {
        named.push(changed);
    }
    for source in named {
        let target = counts_for(conn, source)?;
        for (table, column) in [
            ("claims", "claimant"),
            ("claims", "reported_by"),
            ("evidence", "source"),
        ] {
            // Those already marked with the source they name, then those that name the
            // source they count for (unmarked) when that changes.
            conn.prepare_cached(&format!(
                "UPDATE {table} SET {column}_pk = ?2, {column}_named_pk = nullif(?1, ?2)
                  WHERE {column}_named_pk = ?1"
            ))?
            .execute(params![source, target])?;
            if target != source {
                conn.prepare_cached(&format!(
                    "UPDATE {table} SET {column}_pk = ?2, {column}_named_pk = ?1
                      WHERE {column}_pk = ?1 AND {column}_named_pk IS NULL"
                ))?
                .execute(params![source, target])?;
            }
        }
    }
    Ok(())
}

fn source_pk(
    conn: &Connection,
    sources: &SourceKeys,
    event: &Event,
    name: Option<&str>,
) -> Result<Option<SourceRef>> {
    let Some(name) = name else { return Ok(None) };
    let key = source_key(name);
    if let Some(cached) = sources.borrow().get(&key) {
        return Ok(Some(*cached));
    }
    let named: i64 = conn
        .prepare_cached(crate::store::SOURCE_BY_NAME)?
        .query_row([&key], |r| r.get(0))
        .optional()?
        .flatten()
        .ok_or_else(|| {
            Error::invalid(format!(
                "event {} ({}) names source '{name}', which neither the store nor the events hold",
                event.id,
                event.action()
            ))
        })?;
    let found = SourceRef {
        named,
        counts_for: counts_for(conn, named)?,
    };
    sources.borrow_mut().insert(key, found);
    Ok(Some(found))
}

/// Whether the desk required review at the moment of `event`: the value of the last
/// `config.set` of `review.required` before it in the canonical order. Replays carry every
/// `config.set` event for this (see `Store::replayed_records`).
fn review_required_at(conn: &Connection, event: &Event) -> Result<bool> {
    let value: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT json_extract(change, '$.value') FROM events
              WHERE record_id = ?1 AND action = 'config.set'
                AND (at < ?2 OR (at = ?2 AND id < ?3))
              ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row(params![super::REVIEW_REQUIRED, event.at, event.id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(value.flatten().as_deref() == Some("true"))
}

/// Writes a verdict as its claim's proposed verdict (replacing any), proposed by the event.
fn put_proposal(
    conn: &Connection,
    claim_pk: i64,
    (verdict, rationale): (&str, &str),
    e: &Event,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO proposed_verdicts
                (claim_pk, verdict, rationale, proposed_at, proposed_by, proposed_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (claim_pk) DO UPDATE SET verdict = excluded.verdict,
            rationale = excluded.rationale, proposed_at = excluded.proposed_at,
            proposed_by = excluded.proposed_by, proposed_from = excluded.proposed_from",
    )?
    .execute(params![
        claim_pk, verdict, rationale, e.at, e.author, e.origin
    ])?;
    Ok(())
}

/// Writes a claim's verdict row (replacing any), with who reviewed it when it was reviewed.
fn put_verdict(
    conn: &Connection,
    claim_pk: i64,
    (verdict, rationale): (&str, &str),
    given: (&str, &str),
    reviewed: Option<(&str, &str)>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO verdicts (claim_pk, verdict, rationale, given_at, given_by, reviewed_at, reviewed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (claim_pk) DO UPDATE SET verdict = excluded.verdict,
            rationale = excluded.rationale, given_at = excluded.given_at,
            given_by = excluded.given_by, reviewed_at = excluded.reviewed_at,
            reviewed_by = excluded.reviewed_by",
    )?
    .execute(params![
        claim_pk,
        verdict,
        rationale,
        given.0,
        given.1,
        reviewed.map(|r| r.0),
        reviewed.map(|r| r.1)
    ])?;
    Ok(())
}

/// Adds tags to a claim.
fn add_tags(conn: &Connection, claim_pk: i64, tags: &[String]) -> Result<()> {
    for tag in tags {
        conn.prepare_cached("INSERT OR IGNORE INTO claim_tags (claim_pk, tag) VALUES (?1, ?2)")?
            .execute(params![claim_pk, tag])?;
    }
    Ok(())
}

/// A claim's indexed columns as they stand: text, search context, quote.
fn indexed_values(conn: &Connection, pk: i64) -> Result<(String, Option<String>, Option<String>)> {
    Ok(conn
        .prepare_cached("SELECT text, search_context, quote FROM claims WHERE pk = ?1")?
        .query_row([pk], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

// The two below read the values first and write them with `VALUES`: an `INSERT … SELECT`
// opens a statement savepoint, at which FTS5 flushes its pending terms to disk (a new segment,
// and its merging, for every claim).

/// Removes a claim's full-text entry (for its current values), before they change.
fn unindex(conn: &Connection, pk: i64) -> Result<()> {
    let (text, context, quote) = indexed_values(conn, pk)?;
    conn.prepare_cached(
        "INSERT INTO claims_fts (claims_fts, rowid, text, search_context, quote)
         VALUES ('delete', ?1, ?2, ?3, ?4)",
    )?
    .execute(params![pk, text, context, quote])?;
    Ok(())
}

/// Sets one column of one row: `(table, key column, key)`. Table and column names come from
/// factdesk's own fixed lists, never from input.
fn set_column(
    conn: &Connection,
    (table, key_column, key): (&str, &str, &dyn rusqlite::ToSql),
    column: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<()> {
    let sql = format!("UPDATE {table} SET {column} = ?2 WHERE {key_column} = ?1");
    conn.prepare_cached(&sql)?.execute(params![key, value])?;
    Ok(())
}

/// Marks the claim or evidence that is `e`'s record retracted by `e` (with `note`), or, with
/// no note, restored. `table` is `claims` or `evidence`, never input.
fn retract(conn: &Connection, table: &str, e: &Event, note: Option<&str>) -> Result<()> {
    let sql = format!(
        "UPDATE {table} SET retracted_at = ?2, retracted_by = ?3, retraction_note = ?4 WHERE id = ?1"
    );
    let (at, by) = match note {
        Some(_) => (Some(e.at.as_str()), Some(e.author.as_str())),
        None => (None, None),
    };
    let changed = conn
        .prepare_cached(&sql)?
        .execute(params![e.record_id, at, by, note])?;
    if changed == 0 {
        let noun = if table == "claims" {
            "claim"
        } else {
            "evidence"
        };
        return Err(Error::invalid(format!(
            "no {noun} {} for event {}",
            e.record_id, e.id
        )));
    }
    Ok(())
}

/// The key of the claim the evidence that is `e`'s record is on.
fn evidence_claim_pk(conn: &Connection, e: &Event) -> Result<i64> {
    conn.prepare_cached("SELECT claim_pk FROM evidence WHERE id = ?1")?
        .query_row([&e.record_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid(format!("no evidence {} for event {}", e.record_id, e.id)))
}

/// Recomputes a claim's search context from its standing evidence and reindexes it.
fn reindex_search_context(conn: &Connection, claim: i64) -> Result<()> {
    unindex(conn, claim)?;
    conn.prepare_cached(&format!(
        "UPDATE claims SET search_context = (
             SELECT {SEARCH_CONTEXT} FROM evidence e WHERE e.claim_pk = claims.pk)
          WHERE pk = ?1"
    ))?
    .execute([claim])?;
    index(conn, claim)
}

/// Indexes a claim's current values in the full-text index.
fn index(conn: &Connection, pk: i64) -> Result<()> {
    let (text, context, quote) = indexed_values(conn, pk)?;
    conn.prepare_cached(
        "INSERT INTO claims_fts (rowid, text, search_context, quote) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![pk, text, context, quote])?;
    Ok(())
}

/// The search context of a claim, as an SQL expression over the `evidence` rows `e` of one claim
/// grouped together: its evidence's notes and quotes, one line each (as schema/0002 first built
/// it). The one statement of the rule.
const SEARCH_CONTEXT: &str = "group_concat(coalesce(e.note, '') || ' ' || coalesce(e.quote, ''), \
     char(10)) FILTER (WHERE e.retracted_at IS NULL)";

/// Sets the search context of the claims that have evidence (and match `only`, an SQL
/// condition on `claims` that may be empty).
pub(crate) fn refresh_search_context(conn: &Connection, only: &str) -> Result<()> {
    if only.is_empty() {
        // Every claim (a rebuild from nothing): one pass over the evidence, grouped, rather
        // than a lookup per claim, which without the evidence_claim index (verify's rebuild
        // leaves it out) would read all the evidence once per claim.
        conn.execute_batch(&format!(
            "UPDATE claims SET search_context = g.context
               FROM (SELECT e.claim_pk, {SEARCH_CONTEXT} AS context
                       FROM evidence e GROUP BY e.claim_pk) AS g
              WHERE g.claim_pk = claims.pk"
        ))?;
        return Ok(());
    }
    // For some claims, start from them: each one with evidence, or with a context its
    // evidence (moved away or retracted) no longer gives, gets the context of its standing
    // evidence. Claims with neither, most of a large bundle, are not rewritten. (Written as
    // `pk IN (SELECT claim_pk FROM evidence) AND id IN (…)`, both IN lists drive the `(id, pk)`
    // index of `claims`: one seek per chosen claim *times* every claim with evidence in the
    // store, which made importing a bundle into a large store quadratic.)
    let has_context = "(search_context IS NOT NULL
                        OR EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = claims.pk))";
    conn.execute_batch(&format!(
        "UPDATE claims SET search_context = (
             SELECT {SEARCH_CONTEXT} FROM evidence e WHERE e.claim_pk = claims.pk)
          WHERE {has_context} {only}"
    ))?;
    Ok(())
}
