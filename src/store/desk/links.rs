//! Links: typed relations between two claims. Adding one refuses self-links and repeats (in
//! either order for the symmetric relations); removing one keeps its row, marked removed, so the
//! history of both claims still finds it. Each change is written with its event.

use rusqlite::{OptionalExtension, params};

use super::{IdTable, Store, Tx, new_id, resolve_id, word};
use crate::error::{Error, Result};
use crate::history::{LinkAdded, LinkRemoved, LinkerProposal};
use crate::model::{Link, Logged, Relation, optional_text};

pub(in crate::store) const LINK_SELECT: &str =
    "SELECT l.id, f.id, f.text, l.relation, t.id, t.text, l.note,
        l.created_at, l.created_by
    FROM links l JOIN claims f ON f.pk = l.from_pk JOIN claims t ON t.pk = l.to_pk";

pub(in crate::store) fn link_from_row(row: &rusqlite::Row) -> rusqlite::Result<Link> {
    Ok(Link {
        id: row.get(0)?,
        from_id: row.get(1)?,
        from_text: row.get(2)?,
        relation: word(row, 3)?,
        to_id: row.get(4)?,
        to_text: row.get(5)?,
        note: row.get(6)?,
        created_at: row.get(7)?,
        created_by: row.get(8)?,
    })
}

fn short(id: &str) -> &str {
    &id[..id.len().min(8)]
}

/// A link about to be written: the two claims (key and id), how they relate, and where the link
/// comes from.
#[derive(Clone, Copy)]
pub(in crate::store) struct NewLinkRow<'a> {
    pub from: (i64, &'a str),
    pub to: (i64, &'a str),
    pub relation: Relation,
    pub note: Option<&'a str>,
    pub id: &'a str,
    /// The original time and author, for imports of exported files.
    pub logged: Option<&'a Logged>,
    /// The linker's score and reason, when the link was its proposal.
    pub linker: Option<(f64, &'a str)>,
}

/// Links two claims (its `link.add`); refuses self-links and a live link that already exists
/// (in either order for the symmetric relations). The one way a link enters the store.
pub(in crate::store) fn insert_link(tx: &Tx, link: &NewLinkRow) -> Result<()> {
    let NewLinkRow {
        from: (from_pk, from_id),
        to: (to_pk, to_id),
        relation,
        note,
        id,
        logged,
        linker,
    } = *link;
    let note = optional_text(note.map(str::to_string));
    if from_pk == to_pk {
        return Err(Error::invalid(format!(
            "cannot link claim {} to itself",
            short(from_id)
        )));
    }
    let existing: Option<String> = tx
        .prepare_cached(
            "SELECT id FROM links WHERE removed_at IS NULL AND relation = ?1
               AND ((from_pk = ?2 AND to_pk = ?3) OR (?4 AND from_pk = ?3 AND to_pk = ?2))",
        )?
        .query_row(
            params![relation.as_str(), from_pk, to_pk, relation.is_symmetric()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(existing) = existing {
        return Err(Error::invalid(format!(
            "claims {} and {} are already linked by '{relation}' (link {})",
            short(from_id),
            short(to_id),
            short(&existing)
        )));
    }
    let change = LinkAdded {
        from: from_id.to_string(),
        relation,
        to: to_id.to_string(),
        note,
        created_at: logged.map(|l| l.at.clone()),
        created_by: logged.map(|l| l.by.clone()),
        // Accepted from the linker's proposal: say so, and how sure it was.
        linker: linker.map(|(score, reason)| LinkerProposal {
            score,
            reason: reason.to_string(),
        }),
    };
    tx.commit(id, change)?;
    Ok(())
}

impl Store {
    /// Links two different claims; the same live link twice is refused.
    pub fn add_link(
        &mut self,
        from_prefix: &str,
        to_prefix: &str,
        relation: Relation,
        note: Option<&str>,
    ) -> Result<Link> {
        self.link_claims(from_prefix, to_prefix, relation, note, None)
    }

    /// Links two claims named by id prefix, with the linker's score and reason when the link
    /// was its proposal.
    pub(in crate::store) fn link_claims(
        &mut self,
        from_prefix: &str,
        to_prefix: &str,
        relation: Relation,
        note: Option<&str>,
        linker: Option<(f64, &str)>,
    ) -> Result<Link> {
        let id = new_id();
        self.write(|tx| {
            let (from_pk, from_id) = resolve_id(tx, IdTable::Claim, from_prefix)?;
            let (to_pk, to_id) = resolve_id(tx, IdTable::Claim, to_prefix)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, from_pk, &from_id)?;
            super::retract::refuse_if_retracted(tx, IdTable::Claim, to_pk, &to_id)?;
            let row = NewLinkRow {
                from: (from_pk, &from_id),
                to: (to_pk, &to_id),
                relation,
                note,
                id: &id,
                logged: None,
                linker,
            };
            insert_link(tx, &row)
        })?;
        self.link_by_id(&id)
    }

    /// The link with this id.
    pub(in crate::store) fn link_by_id(&self, id: &str) -> Result<Link> {
        let sql = format!("{LINK_SELECT} WHERE l.id = ?1");
        Ok(self.conn().query_row(&sql, [id], link_from_row)?)
    }

    /// Removes a live link; the removal is recorded and the row kept for history.
    pub fn remove_link(&mut self, link_prefix: &str) -> Result<Link> {
        self.write(|tx| {
            let (pk, id) = resolve_id(tx, IdTable::Link, link_prefix)?;
            let sql = format!("{LINK_SELECT} WHERE l.pk = ?1 AND l.removed_at IS NULL");
            let Some(link) = tx.query_row(&sql, [pk], link_from_row).optional()? else {
                return Err(Error::invalid(format!(
                    "link {} was already removed",
                    short(&id)
                )));
            };
            let change = LinkRemoved {
                from: link.from_id.clone(),
                relation: link.relation,
                to: link.to_id.clone(),
            };
            tx.commit(&id, change)?;
            Ok(link)
        })
    }

    /// The live links touching one claim, in the order they were made.
    pub fn links_of(&self, claim_prefix: &str) -> Result<Vec<Link>> {
        let (claim_pk, _) = resolve_id(self.conn(), IdTable::Claim, claim_prefix)?;
        let sql = format!(
            "{LINK_SELECT} WHERE l.removed_at IS NULL AND (l.from_pk = ?1 OR l.to_pk = ?1)
             ORDER BY l.created_at, l.pk"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([claim_pk], link_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewClaim;

    fn two_claims(store: &mut Store) -> (String, String) {
        let mut add = |text: &str| {
            store
                .add_claim(&NewClaim {
                    text: text.into(),
                    ..NewClaim::default()
                })
                .unwrap()
                .id
        };
        (add("A"), add("B"))
    }

    #[test]
    fn symmetric_relations_are_refused_in_either_order_supports_only_in_the_same_order() {
        let mut store = Store::open_in_memory().unwrap();
        let (a, b) = two_claims(&mut store);
        store
            .add_link(&a, &b, Relation::Contradicts, Some("answer"))
            .unwrap();
        let err = store
            .add_link(&b, &a, Relation::Contradicts, None)
            .unwrap_err();
        assert!(err.to_string().starts_with("claims "), "{err}");
        store.add_link(&a, &b, Relation::Supports, None).unwrap();
        store.add_link(&b, &a, Relation::Supports, None).unwrap();
        assert!(store.add_link(&a, &b, Relation::Supports, None).is_err());
        let err = store.add_link(&a, &a, Relation::Related, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot link claim {} to itself", &a[..8])
        );
        assert_eq!(store.links_of(&a).unwrap().len(), 3);
    }

    #[test]
    fn a_removed_link_frees_the_pair_and_cannot_be_removed_twice() {
        let mut store = Store::open_in_memory().unwrap();
        let (a, b) = two_claims(&mut store);
        let link = store.add_link(&a, &b, Relation::Duplicates, None).unwrap();
        let removed = store.remove_link(&link.id).unwrap();
        assert_eq!(removed.id, link.id);
        assert!(store.links_of(&a).unwrap().is_empty());
        assert!(store.remove_link(&link.id).is_err());
        store.add_link(&b, &a, Relation::Duplicates, None).unwrap();
    }
}
