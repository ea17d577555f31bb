//! Claims: logging, editing and judging them (each change with its event), and reading them
//! back with their derived status — one claim, filtered lists, and the disputed and unresolved
//! reports. The status itself always comes from the `claim_status` view; nothing here decides it.

use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::sources::{ensure_optional_source, find_counted_source_pk, source_edit};
use super::{IdTable, Store, Tx, new_id, resolve_id, word};
use crate::error::{Error, Result};
use crate::history::{ClaimAdded, ClaimEdited, Edit, GivenVerdict, VerdictCleared, VerdictSet};
use crate::model::{
    Claim, ClaimEdit, ExplainedClaim, ItemKind, Logged, NewClaim, Retraction, Side, SideItem,
    Stance, Status, VerdictKind, check_web_url, clean_tag, parse_date, validate_claim_text,
    validate_rationale,
};

/// Which claims a listing shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimFilter {
    /// Only claims with this status.
    pub status: Option<Status>,
    /// Only claims without a verdict (whatever their status).
    pub without_verdict: bool,
    /// Only claims made by this source, its name matched as sources are (trimmed, any case).
    pub claimant: Option<String>,
    /// Only claims with this tag (trimmed, matched exactly).
    pub tag: Option<String>,
    /// Only claims assigned to this person, however their name was spelt
    /// (see [`crate::person::person_key`]).
    pub assignee: Option<String>,
    /// Newest or oldest logged first.
    pub order: ClaimOrder,
    /// At most this many claims; `None` for all.
    pub limit: Option<usize>,
    /// Retracted claims too (`--include-retracted`); they are left out otherwise.
    pub include_retracted: bool,
}

/// The order of a claim listing, by when the claims were logged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClaimOrder {
    /// The latest logged first (`claim list`).
    #[default]
    NewestFirst,
    /// The earliest logged first (the reports).
    OldestFirst,
}

const CLAIM_SELECT: &str = "SELECT c.pk, c.id, c.text, cl.name, rb.name, c.stance, st.status,
        v.verdict, v.rationale, c.url, c.quote, c.claim_date,
        (SELECT json_group_array(tag) FROM
            (SELECT t.tag FROM claim_tags t WHERE t.claim_pk = c.pk ORDER BY t.tag)),
        c.created_at, c.created_by, p.verdict, c.retracted_at, c.retracted_by, c.retraction_note
    FROM claims c
    JOIN claim_status st ON st.claim_pk = c.pk
    LEFT JOIN verdicts v ON v.claim_pk = c.pk
    LEFT JOIN proposed_verdicts p ON p.claim_pk = c.pk
    LEFT JOIN sources cl ON cl.pk = c.claimant_pk
    LEFT JOIN sources rb ON rb.pk = c.reported_by_pk";

fn claim_from_row(row: &Row) -> rusqlite::Result<Claim> {
    let tags: String = row.get(12)?;
    Ok(Claim {
        id: row.get(1)?,
        text: row.get(2)?,
        claimant: row.get(3)?,
        reported_by: row.get(4)?,
        stance: word(row, 5)?,
        status: word(row, 6)?,
        verdict: match row.get_ref(7)? {
            rusqlite::types::ValueRef::Null => None,
            _ => Some(word(row, 7)?),
        },
        verdict_rationale: row.get(8)?,
        proposed_verdict: match row.get_ref(15)? {
            rusqlite::types::ValueRef::Null => None,
            _ => Some(word(row, 15)?),
        },
        retracted: Retraction::from_columns(row.get(16)?, row.get(17)?, row.get(18)?),
        url: row.get(9)?,
        quote: row.get(10)?,
        date: row.get(11)?,
        tags: serde_json::from_str(&tags).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, Box::new(e))
        })?,
        created_at: row.get(13)?,
        created_by: row.get(14)?,
    })
}

pub(in crate::store) fn claim_by_pk(conn: &Connection, pk: i64) -> Result<Claim> {
    let sql = format!("{CLAIM_SELECT} WHERE c.pk = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([pk], claim_from_row)?)
}

/// The items for and against one claim, claimant first, then evidence, then linked claims.
pub(in crate::store) fn side_items(conn: &Connection, claim_pk: i64) -> Result<Vec<SideItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT side, kind, item_id, text, stance, claimant, verdict FROM claim_sides
          WHERE claim_pk = ?1
         ORDER BY CASE kind WHEN 'claimant' THEN 0 WHEN 'evidence' THEN 1 ELSE 2 END, text, item_id",
    )?;
    let rows = stmt.query_map([claim_pk], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (side, kind, id, text, stance, claimant, verdict) = row?;
        items.push(SideItem {
            side: side.parse::<Side>()?,
            kind: kind.parse::<ItemKind>()?,
            id,
            text,
            stance: stance.map(|s| s.parse::<Stance>()).transpose()?,
            claimant,
            verdict: verdict.map(|v| v.parse::<VerdictKind>()).transpose()?,
        });
    }
    Ok(items)
}

fn tags_of(conn: &Connection, claim_pk: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT tag FROM claim_tags WHERE claim_pk = ?1 ORDER BY tag")?;
    let tags = stmt.query_map([claim_pk], |r| r.get(0))?;
    Ok(tags.collect::<rusqlite::Result<_>>()?)
}

/// Cleans and de-duplicates tags, keeping their first order.
fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = clean_tag(tag)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// The current stored values of a claim's editable fields, for building an edit's old/new diff.
struct StoredClaim {
    text: String,
    claimant: Option<String>,
    reported_by: Option<String>,
    stance: String,
    url: Option<String>,
    quote: Option<String>,
    date: Option<String>,
}

fn stored_claim(conn: &Connection, pk: i64) -> Result<StoredClaim> {
    Ok(conn.query_row(
        // The sources as the claim names them (an alias, not the source it counts for), so
        // that an edit naming the survivor of a merge changes what the claim names.
        "SELECT c.text, cl.name, rb.name, c.stance, c.url, c.quote, c.claim_date FROM claims c
         LEFT JOIN sources cl ON cl.pk = coalesce(c.claimant_named_pk, c.claimant_pk)
         LEFT JOIN sources rb ON rb.pk = coalesce(c.reported_by_named_pk, c.reported_by_pk)
         WHERE c.pk = ?1",
        [pk],
        |r| {
            Ok(StoredClaim {
                text: r.get(0)?,
                claimant: r.get(1)?,
                reported_by: r.get(2)?,
                stance: r.get(3)?,
                url: r.get(4)?,
                quote: r.get(5)?,
                date: r.get(6)?,
            })
        },
    )?)
}

/// Logs a claim (its `claim.add`, after the `source.add` of a claimant or reporter named for the
/// first time). The one way a claim enters the store.
pub(in crate::store) fn insert_claim(
    tx: &Tx,
    id: &str,
    claim: &NewClaim,
    logged: Option<&Logged>,
) -> Result<()> {
    validate_claim_text(&claim.text)?;
    if let Some(url) = &claim.url {
        check_web_url(url)?;
    }
    let date = claim.date.as_deref().map(parse_date).transpose()?;
    let tags = clean_tags(&claim.tags)?;
    ensure_optional_source(tx, claim.claimant.as_deref(), logged)?;
    ensure_optional_source(tx, claim.reported_by.as_deref(), logged)?;
    // The names as given (trimmed); the projection finds their sources by matching key.
    let named = |name: &Option<String>| name.as_deref().map(|n| n.trim().to_string());
    let change = ClaimAdded {
        text: claim.text.clone(),
        claimant: named(&claim.claimant),
        reported_by: named(&claim.reported_by),
        stance: claim.stance.unwrap_or(Stance::Asserts),
        url: claim.url.clone(),
        quote: claim.quote.clone(),
        date,
        tags,
        created_at: logged.map(|l| l.at.clone()),
        created_by: logged.map(|l| l.by.clone()),
    };
    tx.commit(id, change)?;
    Ok(())
}

/// Gives (or replaces) a claim's verdict: its `verdict.set`. Private to the store: the desk's
/// review rule is applied by [`Store::give_verdict`] (and an import's verdicts are the file's).
pub(in crate::store) fn put_verdict(
    tx: &Tx,
    claim_pk: i64,
    claim_id: &str,
    verdict: VerdictKind,
    rationale: &str,
    logged: Option<&Logged>,
) -> Result<()> {
    validate_rationale(rationale)?;
    let change = VerdictSet {
        verdict,
        rationale: rationale.to_string(),
        old: current_verdict(tx, claim_pk)?,
        given_at: logged.map(|l| l.at.clone()),
        given_by: logged.map(|l| l.by.clone()),
    };
    tx.commit(claim_id, change)?;
    Ok(())
}

impl Store {
    /// Logs a new claim (creating its claimant and reporter sources on first mention) and
    /// returns its id, without reading the claim back — the cheapest way to log one.
    pub fn log_claim(&mut self, claim: &NewClaim) -> Result<String> {
        let id = new_id();
        self.write(|tx| insert_claim(tx, &id, claim, None))?;
        Ok(id)
    }

    /// Logs a new claim (creating its claimant and reporter sources on first mention).
    pub fn add_claim(&mut self, claim: &NewClaim) -> Result<Claim> {
        let id = self.log_claim(claim)?;
        self.claim(&id)
    }

    /// Changes a claim's fields and tags. Returns the claim and whether anything changed; an edit
    /// that changes nothing writes nothing.
    pub fn edit_claim(&mut self, id_prefix: &str, edit: &ClaimEdit) -> Result<(Claim, bool)> {
        if let Some(text) = &edit.text {
            validate_claim_text(text)?;
        }
        if let Some(Some(url)) = &edit.url {
            check_web_url(url)?;
        }
        let date = match &edit.date {
            Some(Some(d)) => Some(Some(parse_date(d)?)),
            other => other.clone(),
        };
        let add_tags = clean_tags(&edit.add_tags)?;
        let remove_tags = clean_tags(&edit.remove_tags)?;
        let (pk, changed) = self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, pk, &id)?;
            let old = stored_claim(tx, pk)?;
            let mut change = ClaimEdited {
                text: edit
                    .text
                    .as_ref()
                    .and_then(|t| Edit::between(Some(old.text.clone()), Some(t.clone()))),
                stance: match edit.stance {
                    Some(stance) => Edit::between(Some(old.stance.parse()?), Some(stance)),
                    None => None,
                },
                url: edit
                    .url
                    .clone()
                    .and_then(|new| Edit::between(old.url.clone(), new)),
                quote: edit
                    .quote
                    .clone()
                    .and_then(|new| Edit::between(old.quote.clone(), new)),
                date: date
                    .clone()
                    .and_then(|new| Edit::between(old.date.clone(), new)),
                ..ClaimEdited::default()
            };
            for (field, old_name, new_name) in [
                (&mut change.claimant, &old.claimant, &edit.claimant),
                (&mut change.reported_by, &old.reported_by, &edit.reported_by),
            ] {
                let Some(new_name) = new_name else { continue };
                *field = source_edit(tx, old_name.as_deref(), new_name.as_deref())?;
            }
            let current_tags = tags_of(tx, pk)?;
            if let Some(unknown) = remove_tags.iter().find(|t| !current_tags.contains(t)) {
                return Err(Error::invalid(format!(
                    "claim has no tag '{unknown}' to remove"
                )));
            }
            change.tags_added = add_tags
                .iter()
                .filter(|t| !current_tags.contains(t))
                .cloned()
                .collect();
            change.tags_removed = remove_tags.clone();
            if change.is_empty() {
                return Ok((pk, false));
            }
            tx.commit(&id, change)?;
            Ok((pk, true))
        })?;
        Ok((claim_by_pk(self.conn(), pk)?, changed))
    }

    /// Gives (or replaces) a claim's verdict, with its rationale, whatever the review rule (the
    /// library's callers go through [`Store::give_verdict`]; tests set verdicts directly).
    #[cfg(test)]
    pub(crate) fn set_verdict(
        &mut self,
        id_prefix: &str,
        verdict: VerdictKind,
        rationale: &str,
    ) -> Result<Claim> {
        let pk = self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            put_verdict(tx, pk, &id, verdict, rationale, None)?;
            Ok(pk)
        })?;
        claim_by_pk(self.conn(), pk)
    }

    /// Withdraws a claim's verdict, saying why; the withdrawal is itself recorded.
    pub fn clear_verdict(&mut self, id_prefix: &str, why: &str) -> Result<Claim> {
        if why.trim().is_empty() {
            return Err(Error::invalid(
                "withdrawing a verdict needs a reason: give --note with it",
            ));
        }
        let pk = self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Claim, id_prefix)?;
            let Some(old) = current_verdict(tx, pk)? else {
                return Err(Error::invalid(format!(
                    "claim {} has no verdict to withdraw",
                    &id[..8]
                )));
            };
            tx.commit(
                &id,
                VerdictCleared {
                    old,
                    note: why.to_string(),
                },
            )?;
            Ok(pk)
        })?;
        claim_by_pk(self.conn(), pk)
    }

    /// The claim with this id (or unique id prefix).
    pub fn claim(&self, id_prefix: &str) -> Result<Claim> {
        let (pk, _) = resolve_id(self.conn(), IdTable::Claim, id_prefix)?;
        claim_by_pk(self.conn(), pk)
    }

    /// The claim with the items for and against it: why it has its status.
    pub fn explain_claim(&self, id_prefix: &str) -> Result<ExplainedClaim> {
        let (pk, _) = resolve_id(self.conn(), IdTable::Claim, id_prefix)?;
        Ok(ExplainedClaim::new(
            claim_by_pk(self.conn(), pk)?,
            side_items(self.conn(), pk)?,
        ))
    }

    /// For an id prefix that names no claim: the evidence item or link it names, as
    /// `(kind, full id, claim id)` — the claim the evidence is on, or the claim the link starts
    /// from. `None` when it names neither, or names one of each.
    pub fn record_owning_claim(
        &self,
        id_prefix: &str,
    ) -> Result<Option<(&'static str, String, String)>> {
        let mut found = Vec::new();
        for (record, owner) in [
            (
                IdTable::Evidence,
                "SELECT c.id FROM evidence e JOIN claims c ON c.pk = e.claim_pk WHERE e.pk = ?1",
            ),
            (
                IdTable::Link,
                "SELECT c.id FROM links l JOIN claims c ON c.pk = l.from_pk WHERE l.pk = ?1",
            ),
        ] {
            match resolve_id(self.conn(), record, id_prefix) {
                Ok((pk, id)) => {
                    let claim = self.conn().query_row(owner, [pk], |r| r.get(0))?;
                    found.push((record.noun(), id, claim));
                }
                Err(Error::NotFound { .. } | Error::AmbiguousId { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(match found.len() {
            1 => found.pop(),
            _ => None,
        })
    }

    /// Claims matching a filter, in the filter's order.
    pub fn claims(&self, filter: &ClaimFilter) -> Result<Vec<Claim>> {
        Ok(self
            .claims_with_pk(filter)?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    pub(in crate::store) fn claims_with_pk(
        &self,
        filter: &ClaimFilter,
    ) -> Result<Vec<(i64, Claim)>> {
        let mut sql = format!("{CLAIM_SELECT} WHERE 1");
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        match filter.status {
            // Only claims with something against them can be disputed: start from those.
            Some(Status::Disputed) => sql.push_str(
                " AND c.pk IN (SELECT claim_pk FROM claims_with_opposition) AND st.status = 'disputed'",
            ),
            // Unresolved claims are most of a store: walking claims in order finds them at once.
            Some(Status::Unresolved) => sql.push_str(" AND st.status = 'unresolved'"),
            // A verdict status is the verdict itself: start from the verdicts with that word.
            Some(status) => {
                sql.push_str(" AND c.pk IN (SELECT claim_pk FROM verdicts WHERE verdict = ?1) AND st.status = ?1");
                args.push(Box::new(status.as_str()));
            }
            None => {}
        }
        if filter.without_verdict {
            sql.push_str(" AND v.claim_pk IS NULL");
        }
        if !filter.include_retracted {
            sql.push_str(" AND c.retracted_at IS NULL");
        }
        if let Some(name) = &filter.claimant {
            let Some(source_pk) = find_counted_source_pk(self.conn(), name)? else {
                return Err(Error::invalid(format!("no source named '{}'", name.trim())));
            };
            sql.push_str(" AND c.claimant_pk = ?");
            args.push(Box::new(source_pk));
        }
        if let Some(tag) = &filter.tag {
            sql.push_str(" AND c.pk IN (SELECT claim_pk FROM claim_tags WHERE tag = ?)");
            args.push(Box::new(clean_tag(tag)?));
        }
        if let Some(assignee) = &filter.assignee {
            // Every stored spelling of the person (`Bo`, `bo`, a look-alike): see `person_key`.
            let names = super::team::spellings_of(
                self.conn(),
                "SELECT DISTINCT assignee FROM assignments",
                assignee,
            )?;
            sql.push_str(&format!(
                " AND c.pk IN (SELECT claim_pk FROM assignments
                                WHERE assignee COLLATE NOCASE IN ({}))",
                super::team::placeholders(names.len())
            ));
            for name in names {
                args.push(Box::new(name));
            }
        }
        // Claims are listed by when they were logged, then by key: the same order in every
        // store that holds them, whatever order they arrived in. A selective filter names few
        // claims, which are found first and then sorted (the unary `+` keeps SQLite from walking
        // the whole claims_created index instead); otherwise the index gives the order.
        let narrowed =
            filter.tag.is_some() || filter.assignee.is_some() || filter.claimant.is_some();
        let selective = narrowed
            || matches!(filter.status, Some(s) if s != Status::Unresolved && s != Status::Disputed);
        let key = if selective {
            "+c.created_at"
        } else {
            "c.created_at"
        };
        // Disputed claims are a few percent of a store, spread over time: walking the claims in
        // order and stopping at the limit reads far less than working out the status of every
        // candidate first (121 ms warm, 2.3 s cold on a million claims). SQLite picks the
        // latter, so it is told. A store read as of a moment shows views, which take no index.
        if filter.status == Some(Status::Disputed) && !narrowed && self.as_of.is_none() {
            sql = sql.replacen(
                "FROM claims c\n",
                "FROM claims c INDEXED BY claims_created\n",
                1,
            );
        }
        sql.push_str(&match filter.order {
            ClaimOrder::NewestFirst => format!(" ORDER BY {key} DESC, c.pk DESC"),
            ClaimOrder::OldestFirst => format!(" ORDER BY {key}, c.pk"),
        });
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ?");
            args.push(Box::new(limit as i64));
        }
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, claim_from_row(r)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Disputed claims, oldest first, each with what stands for and against it.
    pub fn disputed(&self, limit: Option<usize>) -> Result<Vec<ExplainedClaim>> {
        let filter = ClaimFilter {
            status: Some(Status::Disputed),
            order: ClaimOrder::OldestFirst,
            limit,
            ..ClaimFilter::default()
        };
        self.claims_with_pk(&filter)?
            .into_iter()
            .map(|(pk, claim)| Ok(ExplainedClaim::new(claim, side_items(self.conn(), pk)?)))
            .collect()
    }

    /// Every claim without a verdict (disputed or unresolved), oldest first.
    pub fn unresolved(&self, limit: Option<usize>) -> Result<Vec<Claim>> {
        self.claims(&ClaimFilter {
            without_verdict: true,
            order: ClaimOrder::OldestFirst,
            limit,
            ..ClaimFilter::default()
        })
    }
}

/// A claim's verdict as JSON (`verdict`, `rationale`, `given_at`, `given_by`), if it has one.
fn current_verdict(conn: &Connection, claim_pk: i64) -> Result<Option<GivenVerdict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT verdict, rationale, given_at, given_by FROM verdicts WHERE claim_pk = ?1",
    )?;
    Ok(stmt
        .query_row([claim_pk], |row| {
            Ok(GivenVerdict {
                verdict: word(row, 0)?,
                rationale: row.get(1)?,
                given_at: row.get(2)?,
                given_by: row.get(3)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceStance, NewEvidence, Relation};
    use serde_json::json;

    fn store() -> Store {
        Store::open_in_memory().unwrap().with_author("ana")
    }

    /// Issue 11: the library door keeps only web addresses too, and writes nothing otherwise.
    #[test]
    fn only_web_addresses_are_stored_as_urls() {
        let mut store = store();
        let bad = "javascript:alert(1)";
        let message = format!("URL '{bad}' is not an http or https address");
        let mut new = claim("Iran supplied missiles", None, Stance::Asserts);
        new.url = Some(bad.into());
        assert_eq!(store.add_claim(&new).unwrap_err().to_string(), message);
        new.url = Some("https://wsj.example/1".into());
        let id = store.add_claim(&new).unwrap().id;
        let edit = ClaimEdit {
            url: Some(Some(bad.into())),
            ..ClaimEdit::default()
        };
        assert_eq!(
            store.edit_claim(&id, &edit).unwrap_err().to_string(),
            message
        );
        let evidence = NewEvidence {
            stance: EvidenceStance::Refutes,
            source: None,
            url: Some(bad.into()),
            quote: None,
            note: None,
        };
        assert_eq!(
            store.add_evidence(&id, &evidence).unwrap_err().to_string(),
            message
        );
        let source = crate::model::NewSource {
            name: "Reuters".into(),
            kind: crate::model::SourceKind::Outlet,
            url: Some(bad.into()),
            note: None,
        };
        assert_eq!(store.add_source(&source).unwrap_err().to_string(), message);
        assert_eq!(
            store.claim(&id).unwrap().url.as_deref(),
            Some("https://wsj.example/1")
        );
        assert_eq!(store.history(&Default::default()).unwrap().len(), 1);
    }

    fn claim(text: &str, claimant: Option<&str>, stance: Stance) -> NewClaim {
        NewClaim {
            text: text.into(),
            claimant: claimant.map(Into::into),
            stance: Some(stance),
            ..NewClaim::default()
        }
    }

    fn evidence(stance: EvidenceStance) -> NewEvidence {
        NewEvidence {
            stance,
            source: Some("U.S. officials".into()),
            url: None,
            quote: None,
            note: Some("evidence shared with European allies".into()),
        }
    }

    #[test]
    fn a_claim_is_stored_exactly_as_given_with_its_sources_and_tags() {
        let mut store = store();
        let text = "  Iran \"supplied\" Russia\nwith missiles — ✓ ";
        let added = store
            .add_claim(&NewClaim {
                text: text.into(),
                claimant: Some(" U.S. and European officials ".into()),
                reported_by: Some("The Wall Street Journal".into()),
                date: Some("2024-09-06".into()),
                tags: vec!["iran".into(), "russia".into(), "iran".into()],
                ..NewClaim::default()
            })
            .unwrap();
        assert_eq!(added.text, text);
        assert_eq!(
            added.claimant.as_deref(),
            Some("U.S. and European officials")
        );
        assert_eq!(added.stance, Stance::Asserts);
        assert_eq!(added.tags, vec!["iran", "russia"]);
        assert_eq!(added.status, Status::Unresolved);
        assert_eq!(store.sources().unwrap().len(), 2);
        // the claim, and each source created on first mention, have their events
        let actions: Vec<String> = store
            .history(&Default::default())
            .unwrap()
            .into_iter()
            .map(|e| e.action().to_string())
            .collect();
        assert_eq!(actions, vec!["claim.add", "source.add", "source.add"]);
    }

    #[test]
    fn a_claimant_who_stands_behind_it_and_a_contradicting_claim_make_both_disputed() {
        let mut store = store();
        let allegation = store
            .add_claim(&claim(
                "Iran supplied Russia with missiles",
                Some("officials"),
                Stance::Asserts,
            ))
            .unwrap();
        let denial = store
            .add_claim(&claim(
                "Iran supplied Russia with missiles",
                Some("Iranian Mission"),
                Stance::Denies,
            ))
            .unwrap();
        store
            .add_link(&denial.id, &allegation.id, Relation::Contradicts, None)
            .unwrap();
        assert_eq!(
            store.claim(&allegation.id).unwrap().status,
            Status::Disputed
        );
        assert_eq!(store.claim(&denial.id).unwrap().status, Status::Disputed);
        let explained = store.explain_claim(&allegation.id).unwrap();
        assert_eq!(explained.for_items.len(), 1);
        assert_eq!(explained.for_items[0].kind, ItemKind::Claimant);
        assert_eq!(explained.against_items[0].id, denial.id);
        let disputed = store.disputed(None).unwrap();
        assert_eq!(
            disputed
                .iter()
                .map(|d| d.claim.id.as_str())
                .collect::<Vec<_>>(),
            vec![allegation.id.as_str(), denial.id.as_str()]
        );
    }

    #[test]
    fn refuting_evidence_alone_leaves_a_claim_unresolved_until_someone_stands_for_it() {
        let mut store = store();
        let orphan = store
            .add_claim(&claim("Nobody says this", None, Stance::Asserts))
            .unwrap();
        store
            .add_evidence(&orphan.id, &evidence(EvidenceStance::Refutes))
            .unwrap();
        assert_eq!(store.claim(&orphan.id).unwrap().status, Status::Unresolved);
        store
            .add_evidence(&orphan.id, &evidence(EvidenceStance::Supports))
            .unwrap();
        assert_eq!(store.claim(&orphan.id).unwrap().status, Status::Disputed);
    }

    #[test]
    fn a_questioning_claimant_does_not_stand_behind_the_claim() {
        let mut store = store();
        let asked = store
            .add_claim(&claim(
                "Did Iran send missiles?",
                Some("a reporter"),
                Stance::Questions,
            ))
            .unwrap();
        store
            .add_evidence(&asked.id, &evidence(EvidenceStance::Refutes))
            .unwrap();
        assert_eq!(store.claim(&asked.id).unwrap().status, Status::Unresolved);
    }

    #[test]
    fn supports_links_count_for_their_target_only_and_duplicates_for_both() {
        let mut store = store();
        let a = store.add_claim(&claim("A", None, Stance::Asserts)).unwrap();
        let b = store.add_claim(&claim("B", None, Stance::Asserts)).unwrap();
        store
            .add_evidence(&a.id, &evidence(EvidenceStance::Refutes))
            .unwrap();
        store
            .add_evidence(&b.id, &evidence(EvidenceStance::Refutes))
            .unwrap();
        store
            .add_link(&a.id, &b.id, Relation::Supports, None)
            .unwrap();
        assert_eq!(store.claim(&b.id).unwrap().status, Status::Disputed);
        assert_eq!(store.claim(&a.id).unwrap().status, Status::Unresolved);
        store
            .add_link(&b.id, &a.id, Relation::Duplicates, None)
            .unwrap();
        assert_eq!(store.claim(&a.id).unwrap().status, Status::Disputed);
    }

    #[test]
    fn a_verdict_overrides_the_dispute_and_withdrawing_it_restores_the_dispute() {
        let mut store = store();
        let a = store
            .add_claim(&claim("A", Some("x"), Stance::Asserts))
            .unwrap();
        store
            .add_evidence(&a.id, &evidence(EvidenceStance::Refutes))
            .unwrap();
        assert_eq!(store.claim(&a.id).unwrap().status, Status::Disputed);
        let judged = store
            .set_verdict(&a.id, VerdictKind::Refuted, "Shown false")
            .unwrap();
        assert_eq!(judged.status, Status::Refuted);
        assert_eq!(judged.verdict, Some(VerdictKind::Refuted));
        assert!(store.disputed(None).unwrap().is_empty());
        assert!(store.unresolved(None).unwrap().is_empty());
        let err = store
            .set_verdict(&a.id, VerdictKind::Mixed, "  ")
            .unwrap_err();
        assert_eq!(err.exit_code(), 1);
        let cleared = store.clear_verdict(&a.id, "premature").unwrap();
        assert_eq!(cleared.status, Status::Disputed);
        assert!(store.clear_verdict(&a.id, "again").is_err());
    }

    #[test]
    fn edits_record_old_and_new_values_and_an_empty_edit_writes_nothing() {
        let mut store = store();
        let a = store
            .add_claim(&claim("A", Some("x"), Stance::Asserts))
            .unwrap();
        let edit = ClaimEdit {
            stance: Some(Stance::Denies),
            claimant: Some(Some("Y".into())),
            add_tags: vec!["t".into()],
            ..ClaimEdit::default()
        };
        let (edited, changed) = store.edit_claim(&a.id, &edit).unwrap();
        assert!(changed);
        assert_eq!(edited.stance, Stance::Denies);
        assert_eq!(edited.claimant.as_deref(), Some("Y"));
        assert_eq!(edited.tags, vec!["t"]);
        let last = store.history(&Default::default()).unwrap().remove(0);
        assert_eq!(last.action().as_str(), "claim.edit");
        assert_eq!(
            last.payload()["stance"],
            json!({"old": "asserts", "new": "denies"})
        );
        assert_eq!(last.payload()["claimant"], json!({"old": "x", "new": "Y"}));
        let events = store.history(&Default::default()).unwrap().len();
        let (_, changed) = store.edit_claim(&a.id, &edit).unwrap();
        assert!(!changed);
        assert_eq!(store.history(&Default::default()).unwrap().len(), events);
        let err = store
            .edit_claim(
                &a.id,
                &ClaimEdit {
                    remove_tags: vec!["nope".into()],
                    ..ClaimEdit::default()
                },
            )
            .unwrap_err();
        assert_eq!(err.to_string(), "claim has no tag 'nope' to remove");
    }

    #[test]
    fn filters_by_status_claimant_and_tag() {
        let mut store = store();
        let a = store
            .add_claim(&NewClaim {
                tags: vec!["iran".into()],
                ..claim("A", Some("x"), Stance::Asserts)
            })
            .unwrap();
        store
            .add_claim(&claim("B", Some("y"), Stance::Asserts))
            .unwrap();
        store
            .set_verdict(&a.id, VerdictKind::Mixed, "partly")
            .unwrap();
        let by = |f: ClaimFilter| {
            store
                .claims(&f)
                .unwrap()
                .into_iter()
                .map(|c| c.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            by(ClaimFilter {
                status: Some(Status::Mixed),
                ..Default::default()
            }),
            vec!["A"]
        );
        assert_eq!(
            by(ClaimFilter {
                status: Some(Status::Unresolved),
                ..Default::default()
            }),
            vec!["B"]
        );
        assert_eq!(
            by(ClaimFilter {
                claimant: Some("Y".into()),
                ..Default::default()
            }),
            vec!["B"]
        );
        assert_eq!(
            by(ClaimFilter {
                tag: Some("iran".into()),
                ..Default::default()
            }),
            vec!["A"]
        );
        assert_eq!(
            by(ClaimFilter {
                limit: Some(1),
                ..Default::default()
            }),
            vec!["B"]
        );
        assert!(
            store
                .claims(&ClaimFilter {
                    claimant: Some("nobody".into()),
                    ..Default::default()
                })
                .is_err()
        );
    }

    /// `claim_status` and `claim_sides` state the status rule twice (once fast, once
    /// explainable); on many random stores they must agree on every claim.
    #[test]
    fn the_status_view_agrees_with_the_items_for_and_against() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _round in 0..20 {
            let mut store = store();
            let mut ids = Vec::new();
            for i in 0..8 {
                let stance = Stance::ALL[next(Stance::ALL.len())];
                let claimant = (next(3) > 0).then(|| format!("source {}", next(3)));
                ids.push(
                    store
                        .add_claim(&claim(&format!("claim {i}"), claimant.as_deref(), stance))
                        .unwrap()
                        .id,
                );
            }
            for _ in 0..next(10) {
                let stance = EvidenceStance::ALL[next(3)];
                store
                    .add_evidence(&ids[next(ids.len())], &evidence(stance))
                    .unwrap();
            }
            for _ in 0..next(12) {
                let (a, b) = (next(ids.len()), next(ids.len()));
                let relation = Relation::ALL[next(Relation::ALL.len())];
                if let Ok(link) = store.add_link(&ids[a], &ids[b], relation, None)
                    && next(4) == 0
                {
                    store.remove_link(&link.id).unwrap();
                }
            }
            // Verdicts on some claims: one stands for itself, and (schema 8) a contradicts link
            // to a refuted claim counts for the claim at its other end.
            for _ in 0..next(4) {
                let verdict = VerdictKind::ALL[next(VerdictKind::ALL.len())];
                store
                    .set_verdict(&ids[next(ids.len())], verdict, "checked")
                    .unwrap();
            }
            // A retracted claim counts for nothing in the summary and the lists.
            if next(3) == 0 {
                store
                    .retract_claim(&ids[next(ids.len())], "withdrawn")
                    .unwrap();
            }
            for id in &ids {
                let explained = store.explain_claim(id).unwrap();
                let expected = if let Some(verdict) = explained.claim.verdict {
                    verdict.to_string().parse::<Status>().unwrap()
                } else if !explained.for_items.is_empty() && !explained.against_items.is_empty() {
                    Status::Disputed
                } else {
                    Status::Unresolved
                };
                assert_eq!(
                    explained.claim.status, expected,
                    "claim {id}: {explained:?}"
                );
            }
            let disputed: Vec<String> = store
                .disputed(None)
                .unwrap()
                .into_iter()
                .map(|d| d.claim.id)
                .collect();
            let by_status: Vec<String> = store
                .claims(&ClaimFilter {
                    status: Some(Status::Disputed),
                    order: ClaimOrder::OldestFirst,
                    ..Default::default()
                })
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(disputed, by_status);
            // The summary tallies the same claims from their items (one pass over
            // `claim_sides`), so its count and its most contested must agree with the above.
            let summary = store.summary(ids.len(), 4).unwrap();
            let counted = |status: Status| {
                summary
                    .by_status
                    .iter()
                    .find(|(s, _)| *s == status)
                    .unwrap()
                    .1
            };
            assert_eq!(counted(Status::Disputed), disputed.len() as i64);
            let standing: Vec<_> = ids
                .iter()
                .map(|id| store.explain_claim(id).unwrap())
                .filter(|e| e.claim.retracted.is_none())
                .collect();
            for &status in Status::ALL {
                let expected = standing.iter().filter(|e| e.claim.status == status).count();
                assert_eq!(counted(status), expected as i64, "{status}");
            }
            let mut contested: Vec<String> = summary
                .most_contested
                .iter()
                .map(|c| {
                    let explained = store.explain_claim(&c.claim.id).unwrap();
                    assert_eq!(
                        (c.items_for, c.items_against),
                        (
                            explained.for_items.len() as i64,
                            explained.against_items.len() as i64
                        )
                    );
                    c.claim.id.clone()
                })
                .collect();
            contested.sort();
            let mut expected = disputed.clone();
            expected.sort();
            assert_eq!(contested, expected);
        }
    }

    /// The propagation rule, verdict by verdict: a `contradicts` link to a refuted claim counts
    /// for the claim at its other end (in either direction of the link); to a supported, mixed
    /// or unverifiable one, or one without a verdict, against it.
    #[test]
    fn a_contradicting_claims_verdict_decides_which_side_the_link_is_on() {
        for (verdict, expected_status, expected_side) in [
            (None, Status::Disputed, Side::Against),
            (Some(VerdictKind::Refuted), Status::Unresolved, Side::For),
            (
                Some(VerdictKind::Supported),
                Status::Disputed,
                Side::Against,
            ),
            (Some(VerdictKind::Mixed), Status::Disputed, Side::Against),
            (
                Some(VerdictKind::Unverifiable),
                Status::Disputed,
                Side::Against,
            ),
        ] {
            for denial_links_to_allegation in [true, false] {
                let mut store = store();
                let allegation = store
                    .add_claim(&claim(
                        "The government has cleared the legacy asylum backlog",
                        Some("Rishi Sunak"),
                        Stance::Asserts,
                    ))
                    .unwrap()
                    .id;
                let denial = store
                    .add_claim(&claim(
                        "The government has cleared the legacy asylum backlog",
                        Some("Yvette Cooper"),
                        Stance::Denies,
                    ))
                    .unwrap()
                    .id;
                let (from, to) = if denial_links_to_allegation {
                    (&denial, &allegation)
                } else {
                    (&allegation, &denial)
                };
                store
                    .add_link(from, to, Relation::Contradicts, None)
                    .unwrap();
                if let Some(verdict) = verdict {
                    store
                        .set_verdict(&allegation, verdict, "Home Office figures")
                        .unwrap();
                }
                let explained = store.explain_claim(&denial).unwrap();
                let case = format!("{verdict:?}, denial links: {denial_links_to_allegation}");
                assert_eq!(explained.claim.status, expected_status, "{case}");
                let item = explained
                    .for_items
                    .iter()
                    .chain(&explained.against_items)
                    .find(|i| i.id == allegation)
                    .unwrap_or_else(|| panic!("{case}: the allegation is an item"));
                assert_eq!(item.side, expected_side, "{case}");
                assert_eq!(item.verdict, verdict, "{case}");
                assert_eq!(item.claimant.as_deref(), Some("Rishi Sunak"), "{case}");
                assert_eq!(item.stance, Some(Stance::Asserts), "{case}");
                let disputed = store.disputed(None).unwrap();
                assert_eq!(
                    disputed.iter().any(|d| d.claim.id == denial),
                    expected_status == Status::Disputed,
                    "{case}"
                );
            }
        }
    }
}
