//! Sources: registering who says or publishes things, finding them by name or id, and creating
//! one on first mention (each creation with its `source.add` event).

use rusqlite::{Connection, Row};

use super::{IdTable, Store, Tx, find_source_pk, resolve_id, word};
use crate::error::{Error, Result};
use crate::history::{Edit, SourceAdded};
use crate::model::{
    Logged, NewSource, Source, SourceKind, check_web_url, clean_source_name, source_key,
};

const SOURCE_COLUMNS: &str = "s.id, s.name, s.kind, s.url, s.note,
    (SELECT count(*) FROM claims c WHERE c.claimant_pk = s.pk),
    (SELECT count(*) FROM claims c WHERE c.reported_by_pk = s.pk),
    (SELECT count(*) FROM evidence e WHERE e.source_pk = s.pk),
    s.created_at, s.created_by";

fn source_from_row(row: &Row) -> rusqlite::Result<Source> {
    Ok(Source {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: word(row, 2)?,
        url: row.get(3)?,
        note: row.get(4)?,
        claims_made: row.get(5)?,
        claims_reported: row.get(6)?,
        evidence_items: row.get(7)?,
        created_at: row.get(8)?,
        created_by: row.get(9)?,
    })
}

/// The namespace of source ids (a UUID v5 namespace, fixed forever).
const SOURCE_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x6fd5_0c1e_3b1a_4c7e_9d2f_5a8b_1e0c_7d42);

/// A source's id: a UUID v5 of its matching key, so the same source has the same id in every
/// store — exports, imports and exchanged work agree on who said what.
pub(crate) fn source_id(name: &str) -> String {
    uuid::Uuid::new_v5(&SOURCE_NAMESPACE, source_key(name).as_bytes()).to_string()
}

/// Registers a source (its `source.add`); the name must be new. Returns its id.
fn insert_source(tx: &Tx, source: &NewSource, logged: Option<&Logged>) -> Result<String> {
    let name = clean_source_name(&source.name)?;
    if let Some(url) = &source.url {
        check_web_url(url)?;
    }
    if find_source_pk(tx, &name)?.is_some() {
        return Err(Error::invalid(format!("source '{name}' already exists")));
    }
    let id = source_id(&name);
    let change = SourceAdded {
        name,
        kind: source.kind,
        url: source.url.clone(),
        note: source.note.clone(),
        created_at: logged.map(|l| l.at.clone()),
        created_by: logged.map(|l| l.by.clone()),
    };
    tx.commit(&id, change)?;
    Ok(id)
}

/// Makes sure the source called `name` exists, creating it (kind `other`) when it is new;
/// returns the name as the store keeps it (cleaned). A source created here is logged as of the
/// record that first names it (`logged`, for imports of exported files), else now.
pub(in crate::store) fn ensure_source(
    tx: &Tx,
    name: &str,
    logged: Option<&Logged>,
) -> Result<String> {
    let name = clean_source_name(name)?;
    let key = source_key(&name);
    if tx.known_sources.borrow().contains_key(&key) {
        return Ok(name);
    }
    let pk = match find_source_pk(tx, &name)? {
        Some(pk) => pk,
        None => {
            let new = NewSource {
                name: name.clone(),
                kind: SourceKind::Other,
                url: None,
                note: None,
            };
            let id = insert_source(tx, &new, logged)?;
            find_source_pk(tx, &name)?.ok_or_else(|| {
                Error::store(format!(
                    "source '{name}' was added as {id} but cannot be found by its name"
                ))
            })?
        }
    };
    tx.known_sources.borrow_mut().insert(key, pk);
    Ok(name)
}

/// Like [`ensure_source`] for an optional name.
pub(in crate::store) fn ensure_optional_source(
    tx: &Tx,
    name: Option<&str>,
    logged: Option<&Logged>,
) -> Result<Option<String>> {
    name.map(|n| ensure_source(tx, n, logged)).transpose()
}

/// The edit of a claim's or evidence's source field from `old` to `new` (a name, trimmed here;
/// `None` clears it): `None` when both name the same source (names match as sources do),
/// otherwise the edit, with the new source created on first mention.
pub(in crate::store) fn source_edit(
    tx: &Tx,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<Option<Edit<String>>> {
    let new = new.map(str::trim);
    let same = match (old, new) {
        (Some(a), Some(b)) => crate::model::source_key(a) == crate::model::source_key(b),
        (a, b) => a == b,
    };
    if same {
        return Ok(None);
    }
    ensure_optional_source(tx, new, None)?;
    Ok(Some(Edit {
        old: old.map(str::to_string),
        new: new.map(str::to_string),
    }))
}

fn source_by_pk(conn: &Connection, pk: i64) -> Result<Source> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.pk = ?1");
    Ok(conn.query_row(&sql, [pk], source_from_row)?)
}

impl Store {
    /// Registers a new source; its name must not be taken (names match case-insensitively).
    pub fn add_source(&mut self, source: &NewSource) -> Result<Source> {
        let id = self.write(|tx| insert_source(tx, source, None))?;
        self.source(&id)
    }

    /// Every source, by name.
    pub fn sources(&self) -> Result<Vec<Source>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources s ORDER BY s.name_key");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], source_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The source with this name (any case) or, failing that, this id prefix.
    pub fn source(&self, name_or_id: &str) -> Result<Source> {
        if let Some(pk) = find_source_pk(self.conn(), name_or_id)? {
            return source_by_pk(self.conn(), pk);
        }
        match resolve_id(self.conn(), IdTable::Source, name_or_id) {
            Ok((pk, _)) => source_by_pk(self.conn(), pk),
            Err(Error::Invalid(_)) => Err(Error::invalid(format!(
                "no source named or with id '{}'",
                name_or_id.trim()
            ))),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, kind: SourceKind) -> NewSource {
        NewSource {
            name: name.into(),
            kind,
            url: None,
            note: None,
        }
    }

    #[test]
    fn names_are_unique_whatever_their_case_and_spacing() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let added = store
            .add_source(&source("  Newsweek ", SourceKind::Outlet))
            .unwrap();
        assert_eq!(added.name, "Newsweek");
        assert_eq!(added.created_by, "ana");
        let err = store
            .add_source(&source("NEWSWEEK", SourceKind::Outlet))
            .unwrap_err();
        assert_eq!(err.to_string(), "source 'NEWSWEEK' already exists");
        assert_eq!(store.source("newsweek").unwrap().id, added.id);
        assert_eq!(store.source(&added.id[..6]).unwrap().name, "Newsweek");
        assert_eq!(
            store.source("Reuters").unwrap_err().to_string(),
            "no source named or with id 'Reuters'"
        );
        assert_eq!(store.sources().unwrap().len(), 1);
        // The same name gives the same id in any store.
        let mut other = Store::open_in_memory().unwrap();
        assert_eq!(
            other
                .add_source(&source("newsweek", SourceKind::Outlet))
                .unwrap()
                .id,
            added.id
        );
    }
}
