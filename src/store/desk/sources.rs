//! Sources: registering who says or publishes things, finding them by name or id, creating one
//! on first mention (each creation with its `source.add` event), and correcting them — editing,
//! renaming, merging the same person logged under several names, and undoing a merge — each an
//! event, so history keeps what the source was. It also finds the existing source a new name
//! resembles, for the command line to point out (it never merges on its own).

use rusqlite::{Connection, Row};

use super::{IdTable, Store, Tx, find_source_pk, resolve_id, word};
use crate::error::{Error, Result};
use crate::history::{
    Edit, SourceAdded, SourceEdited, SourceMerged, SourceRenamed, SourceUnmerged,
};
use crate::model::{
    Logged, NewSource, Source, SourceKind, check_web_url, clean_source_name, optional_text,
    source_key,
};
use crate::store::projection::counts_for;

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
        aliases: Vec::new(),
    })
}

/// A source's other names, sorted: those of the sources merged into it (directly or through
/// another merge) and the names it had before a rename.
fn aliases_of(conn: &Connection, pk: i64) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(
            "WITH RECURSIVE merged (pk) AS (
                 SELECT pk FROM sources WHERE merged_into_pk = ?1
                 UNION SELECT s.pk FROM sources s JOIN merged m ON s.merged_into_pk = m.pk)
             SELECT name FROM sources WHERE pk IN (SELECT pk FROM merged)
             UNION SELECT name FROM source_names
              WHERE source_pk = ?1 OR source_pk IN (SELECT pk FROM merged)
             ORDER BY 1",
        )?
        .query_map([pk], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// What to change in a source: `None` leaves a field as it is; `Some(None)` (or a blank value)
/// clears the URL or the note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceEdit {
    /// A new kind.
    pub kind: Option<SourceKind>,
    /// A new web address, or none.
    pub url: Option<Option<String>>,
    /// A new note, or none.
    pub note: Option<Option<String>>,
}

/// One source merged into another, and what now counts for the survivor.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MergedSource {
    /// The merged source's id.
    pub id: String,
    /// Its name, now an alias of the survivor.
    pub name: String,
    /// The claims it made, now counted for the survivor.
    pub claims_made: i64,
    /// The claims it reported.
    pub claims_reported: i64,
    /// The evidence it provided.
    pub evidence_items: i64,
}

/// A source as found by name or id: its key, id and name, and the source it was merged into.
struct Found {
    pk: i64,
    id: String,
    name: String,
    merged_into: Option<i64>,
}

/// The source a name (current or former, any case) or an id prefix names — the source named,
/// even when it was merged into another.
fn find_source(conn: &Connection, name_or_id: &str) -> Result<Found> {
    let pk = match find_source_pk(conn, name_or_id)? {
        Some(pk) => pk,
        None => match resolve_id(conn, IdTable::Source, name_or_id) {
            Ok((pk, _)) => pk,
            Err(Error::Invalid(_)) => {
                return Err(Error::invalid(format!(
                    "no source named or with id '{}'",
                    name_or_id.trim()
                )));
            }
            Err(e) => return Err(e),
        },
    };
    Ok(conn
        .prepare_cached("SELECT pk, id, name, merged_into_pk FROM sources WHERE pk = ?1")?
        .query_row([pk], |r| {
            Ok(Found {
                pk: r.get(0)?,
                id: r.get(1)?,
                name: r.get(2)?,
                merged_into: r.get(3)?,
            })
        })?)
}

fn name_of(conn: &Connection, pk: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM sources WHERE pk = ?1")?
        .query_row([pk], |r| r.get(0))?)
}

/// Refuses to work on a merged source directly: it is an alias now.
fn refuse_alias(conn: &Connection, found: &Found, what: &str) -> Result<()> {
    if found.merged_into.is_some() {
        let survivor = name_of(conn, counts_for(conn, found.pk)?)?;
        return Err(Error::invalid(format!(
            "'{}' is an alias of '{survivor}' (merged into it): {what} '{survivor}', or run \
             `factdesk source unmerge '{}'` first",
            found.name, found.name
        )));
    }
    Ok(())
}

/// The name with everything but its letters and digits left out, lower-cased: names that differ
/// only in case, spacing or punctuation ("Rishi  Sunak", "rishi-sunak") agree on it.
fn squeezed(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the words of `short` appear, in order and whole, in `long` ("Sunak" in "Prime
/// Minister Rishi Sunak"); names under four letters are too short to say.
fn contains_words(long: &str, short: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (long, short) = (words(long), words(short));
    let letters: usize = short.iter().map(|w| w.chars().count()).sum();
    letters >= 4
        && short.len() < long.len()
        && long
            .windows(short.len())
            .any(|window| window == short.as_slice())
}

/// How closely a new source name looks like a slip for `existing`, smaller being closer: the
/// same but for case, spacing or punctuation; a letter or two apart (one for short names); or
/// one name contained whole in the other (the nearer in length, the closer). `None`: not alike.
fn resemblance(new: &str, existing: &str) -> Option<(u8, usize)> {
    let (a, b) = (squeezed(new), squeezed(existing));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some((0, 0));
    }
    let (len_a, len_b) = (a.chars().count(), b.chars().count());
    let allowed = match len_a.min(len_b) {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    let distance = strsim::levenshtein(&a, &b);
    if allowed > 0 && distance <= allowed {
        return Some((1, distance));
    }
    (contains_words(new, existing) || contains_words(existing, new))
        .then(|| (2, len_a.abs_diff(len_b)))
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
    if let Some(pk) = find_source_pk(tx, &name)? {
        let current = name_of(tx, counts_for(tx, pk)?)?;
        return Err(Error::invalid(
            if source_key(&current) == source_key(&name) {
                format!("source '{name}' already exists")
            } else {
                format!("source '{name}' already exists, as a name of '{current}'")
            },
        ));
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
    let found = crate::store::projection::SourceRef {
        named: pk,
        counts_for: counts_for(tx, pk)?,
    };
    tx.known_sources.borrow_mut().insert(key, found);
    Ok(name)
}

/// The source a name counts for: the source with that name (or former name), or the one it
/// was merged into — the source the claims and evidence naming it point at.
pub(in crate::store) fn find_counted_source_pk(
    conn: &Connection,
    name: &str,
) -> Result<Option<i64>> {
    find_source_pk(conn, name)?
        .map(|pk| counts_for(conn, pk))
        .transpose()
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

    /// Every source, by name (merged sources are aliases of another, listed with it).
    pub fn sources(&self) -> Result<Vec<Source>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS}, s.pk, s.merged_into_pk FROM sources s ORDER BY s.name_key"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                source_from_row(r)?,
                r.get::<_, i64>(10)?,
                r.get::<_, Option<i64>>(11)?,
            ))
        })?;
        let mut sources = Vec::new();
        for row in rows {
            let (mut source, pk, merged_into) = row?;
            // A merged source is listed with the one it counts for (which, in a loop of merges
            // made at once on two machines, is one of the loop).
            if merged_into.is_some() && counts_for(self.conn(), pk)? != pk {
                continue;
            }
            source.aliases = aliases_of(self.conn(), pk)?;
            sources.push(source);
        }
        Ok(sources)
    }

    /// The source with this name (any case, or a former name) or, failing that, this id
    /// prefix; an alias gives the source it was merged into.
    pub fn source(&self, name_or_id: &str) -> Result<Source> {
        let found = find_source(self.conn(), name_or_id)?;
        let pk = counts_for(self.conn(), found.pk)?;
        let mut source = source_by_pk(self.conn(), pk)?;
        source.aliases = aliases_of(self.conn(), pk)?;
        Ok(source)
    }

    /// The existing source that `name` resembles most closely when no source has that name
    /// yet: the same but for case, spacing or punctuation, a letter or two apart, or one name
    /// inside the other. `None` when the name is taken or resembles none. For a warning only.
    pub fn resembling_source(&self, name: &str) -> Result<Option<String>> {
        if name.trim().is_empty() || find_source_pk(self.conn(), name)?.is_some() {
            return Ok(None);
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT name FROM sources WHERE merged_into_pk IS NULL ORDER BY name_key",
        )?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut closest: Option<((u8, usize), String)> = None;
        for existing in names {
            let existing = existing?;
            if let Some(score) = resemblance(name, &existing)
                && closest.as_ref().is_none_or(|(best, _)| score < *best)
            {
                closest = Some((score, existing));
            }
        }
        Ok(closest.map(|(_, name)| name))
    }

    /// Changes a source's kind, web address or note (an alias edits the source it was merged
    /// into). Returns the source and whether anything changed.
    pub fn edit_source(&mut self, name_or_id: &str, edit: &SourceEdit) -> Result<(Source, bool)> {
        let cleaned = |v: &Option<Option<String>>| v.clone().map(optional_text);
        if let Some(Some(url)) = cleaned(&edit.url) {
            check_web_url(&url)?;
        }
        let (id, changed) = self.write(|tx| {
            let found = find_source(tx, name_or_id)?;
            let old = source_by_pk(tx, counts_for(tx, found.pk)?)?;
            let change = SourceEdited {
                kind: edit
                    .kind
                    .and_then(|k| Edit::between(Some(old.kind), Some(k))),
                url: cleaned(&edit.url).and_then(|new| Edit::between(old.url.clone(), new)),
                note: cleaned(&edit.note).and_then(|new| Edit::between(old.note.clone(), new)),
            };
            if change.is_empty() {
                return Ok((old.id, false));
            }
            tx.commit(&old.id, change)?;
            Ok((old.id, true))
        })?;
        Ok((self.source(&id)?, changed))
    }

    /// Renames a source (a typo corrected). It keeps its id, and its old name still finds it;
    /// the new name must not belong to another source (merge them instead).
    pub fn rename_source(&mut self, name_or_id: &str, new_name: &str) -> Result<Source> {
        let new_name = clean_source_name(new_name)?;
        let id = self.write(|tx| {
            let found = find_source(tx, name_or_id)?;
            refuse_alias(tx, &found, "rename")?;
            if found.name == new_name {
                return Err(Error::invalid(format!(
                    "source '{}' is already called that",
                    found.name
                )));
            }
            if let Some(other) = find_source_pk(tx, &new_name)?
                && other != found.pk
            {
                let other = name_of(tx, counts_for(tx, other)?)?;
                return Err(Error::invalid(format!(
                    "the name '{new_name}' belongs to source '{other}': to make them one \
                     source, run `factdesk source merge '{}' '{other}'`",
                    found.name
                )));
            }
            tx.commit(
                &found.id,
                SourceRenamed {
                    old: found.name.clone(),
                    new: new_name.clone(),
                },
            )?;
            tx.known_sources.borrow_mut().clear();
            Ok(found.id)
        })?;
        self.source(&id)
    }

    /// Merges each of `from` into `into`, in one transaction: their names become aliases of
    /// `into`, and the claims and evidence naming them count for it. Refused, with nothing
    /// changed, for a source merged into itself or into one of its own aliases, a source already
    /// merged, or a target that is itself an alias.
    pub fn merge_sources(
        &mut self,
        from: &[String],
        into: &str,
    ) -> Result<(Source, Vec<MergedSource>)> {
        let (into_id, merged) = self.write(|tx| {
            let target = find_source(tx, into)?;
            if target.merged_into.is_some() {
                let survivor = counts_for(tx, target.pk)?;
                let survivor_name = name_of(tx, survivor)?;
                let hint = if from
                    .iter()
                    .any(|f| find_source(tx, f).is_ok_and(|f| f.pk == survivor))
                {
                    format!(
                        "'{}' is an alias of '{survivor_name}' (merged into it): a source \
                         cannot be merged into its own alias",
                        target.name
                    )
                } else {
                    format!(
                        "'{}' is an alias of '{survivor_name}' (merged into it): merge into \
                         '{survivor_name}' instead",
                        target.name
                    )
                };
                return Err(Error::invalid(hint));
            }
            let mut merged = Vec::new();
            for name in from {
                let source = find_source(tx, name)?;
                if source.pk == target.pk {
                    return Err(Error::invalid(format!(
                        "cannot merge source '{}' into itself",
                        source.name
                    )));
                }
                if let Some(already) = source.merged_into {
                    return Err(Error::invalid(format!(
                        "source '{}' is already merged into '{}'",
                        source.name,
                        name_of(tx, already)?
                    )));
                }
                let counts = source_by_pk(tx, source.pk)?;
                tx.commit(
                    &source.id,
                    SourceMerged {
                        into: target.id.clone(),
                        into_name: target.name.clone(),
                    },
                )?;
                merged.push(MergedSource {
                    id: source.id,
                    name: source.name,
                    claims_made: counts.claims_made,
                    claims_reported: counts.claims_reported,
                    evidence_items: counts.evidence_items,
                });
            }
            Ok((target.id, merged))
        })?;
        Ok((self.source(&into_id)?, merged))
    }

    /// Undoes a merge: the source named `alias` is a source of its own again, and what names it
    /// counts for it. Returns it and the source it had been merged into.
    pub fn unmerge_source(&mut self, alias: &str) -> Result<(Source, Source)> {
        let (id, from_id) = self.write(|tx| {
            let source = find_source(tx, alias)?;
            let Some(into) = source.merged_into else {
                return Err(Error::invalid(format!(
                    "source '{}' is not merged into another source",
                    source.name
                )));
            };
            let (from_id, from_name): (String, String) = tx
                .prepare_cached("SELECT id, name FROM sources WHERE pk = ?1")?
                .query_row([into], |r| Ok((r.get(0)?, r.get(1)?)))?;
            tx.commit(
                &source.id,
                SourceUnmerged {
                    from: from_id.clone(),
                    from_name,
                },
            )?;
            Ok((source.id, from_id))
        })?;
        Ok((self.source(&id)?, self.source(&from_id)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceStance, NewEvidence};
    use crate::store::testing::{at, claim};

    fn verified(store: &Store) {
        let check = store.verify().unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
    }

    /// A desk that logged Sunak three ways, with evidence from one of them.
    fn three_sunaks() -> (Store, [String; 3]) {
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(1));
        let ids = [
            store
                .log_claim(&claim("The backlog is cleared", "Rishi Sunak"))
                .unwrap(),
            store
                .log_claim(&claim("Inflation has halved", "Sunak"))
                .unwrap(),
            store
                .log_claim(&claim(
                    "Boats are down a third",
                    "Prime Minister Rishi Sunak",
                ))
                .unwrap(),
        ];
        store
            .add_evidence(
                &ids[0],
                &NewEvidence {
                    stance: EvidenceStance::Supports,
                    source: Some("Sunak".into()),
                    url: None,
                    quote: None,
                    note: Some("a speech".into()),
                },
            )
            .unwrap();
        (store, ids)
    }

    fn claimant(store: &Store, id: &str) -> String {
        store.claim(id).unwrap().claimant.unwrap()
    }

    #[test]
    fn merged_names_become_aliases_until_unmerged() {
        let (mut store, ids) = three_sunaks();
        let (survivor, merged) = store
            .merge_sources(
                &["Sunak".into(), "prime minister rishi sunak".into()],
                "Rishi Sunak",
            )
            .unwrap();
        assert_eq!(survivor.name, "Rishi Sunak");
        assert_eq!(survivor.claims_made, 3);
        assert_eq!(survivor.evidence_items, 1);
        assert_eq!(survivor.aliases, ["Prime Minister Rishi Sunak", "Sunak"]);
        assert_eq!(merged[0].name, "Sunak");
        assert_eq!((merged[0].claims_made, merged[0].evidence_items), (1, 1));
        for id in &ids {
            assert_eq!(claimant(&store, id), "Rishi Sunak");
        }
        // Listings show the survivor only; naming an alias finds it, and so does a new claim.
        let names: Vec<String> = store
            .sources()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["Rishi Sunak"]);
        assert_eq!(store.source("SUNAK").unwrap().name, "Rishi Sunak");
        let later = store.log_claim(&claim("Taxes will fall", "Sunak")).unwrap();
        assert_eq!(claimant(&store, &later), "Rishi Sunak");
        verified(&store);
        // Unmerged, "Sunak" is itself again, with every claim that names it.
        let (restored, from) = store.unmerge_source("sunak").unwrap();
        assert_eq!(restored.name, "Sunak");
        assert_eq!((restored.claims_made, restored.evidence_items), (2, 1));
        assert_eq!(from.name, "Rishi Sunak");
        assert_eq!(from.aliases, ["Prime Minister Rishi Sunak"]);
        assert_eq!(claimant(&store, &ids[1]), "Sunak");
        assert_eq!(claimant(&store, &later), "Sunak");
        assert_eq!(claimant(&store, &ids[2]), "Rishi Sunak");
        verified(&store);
        // The history keeps each step.
        let replayed = store.replayed(None).unwrap();
        assert_eq!(claimant(&replayed, &ids[1]), "Sunak");
    }

    #[test]
    fn bad_merges_are_refused_and_change_nothing() {
        let (mut store, _) = three_sunaks();
        store
            .merge_sources(&["Sunak".into()], "Rishi Sunak")
            .unwrap();
        let events = |s: &Store| -> i64 {
            s.conn()
                .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
                .unwrap()
        };
        let before = events(&store);
        let refusal = |store: &mut Store, from: &[&str], into: &str| {
            let from: Vec<String> = from.iter().map(|s| s.to_string()).collect();
            store.merge_sources(&from, into).unwrap_err().to_string()
        };
        assert_eq!(
            refusal(&mut store, &["Rishi Sunak"], "rishi sunak"),
            "cannot merge source 'Rishi Sunak' into itself"
        );
        assert_eq!(
            refusal(&mut store, &["Rishi Sunak"], "Sunak"),
            "'Sunak' is an alias of 'Rishi Sunak' (merged into it): a source cannot be merged \
             into its own alias"
        );
        assert_eq!(
            refusal(&mut store, &["Prime Minister Rishi Sunak"], "Sunak"),
            "'Sunak' is an alias of 'Rishi Sunak' (merged into it): merge into 'Rishi Sunak' \
             instead"
        );
        // One bad name in a list refuses the whole merge.
        assert_eq!(
            refusal(
                &mut store,
                &["Prime Minister Rishi Sunak", "Sunak"],
                "Rishi Sunak"
            ),
            "source 'Sunak' is already merged into 'Rishi Sunak'"
        );
        assert_eq!(
            refusal(&mut store, &["Nobody"], "Rishi Sunak"),
            "no source named or with id 'Nobody'"
        );
        assert_eq!(
            store.unmerge_source("Rishi Sunak").unwrap_err().to_string(),
            "source 'Rishi Sunak' is not merged into another source"
        );
        assert_eq!(events(&store), before);
        assert_eq!(
            store.source("Prime Minister Rishi Sunak").unwrap().name,
            "Prime Minister Rishi Sunak"
        );
    }

    #[test]
    fn a_renamed_source_keeps_its_id_and_answers_to_its_old_name() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let id = store
            .log_claim(&claim("The backlog is cleared", "Rishi Snak"))
            .unwrap();
        let before = store.source("Rishi Snak").unwrap();
        let renamed = store.rename_source("rishi snak", "Rishi Sunak").unwrap();
        assert_eq!(renamed.id, before.id);
        assert_eq!(renamed.name, "Rishi Sunak");
        assert_eq!(renamed.aliases, ["Rishi Snak"]);
        assert_eq!(claimant(&store, &id), "Rishi Sunak");
        // The old name finds it; a claim naming it does not create a new source.
        let later = store
            .log_claim(&claim("Inflation has halved", "Rishi Snak"))
            .unwrap();
        assert_eq!(claimant(&store, &later), "Rishi Sunak");
        assert_eq!(store.sources().unwrap().len(), 1);
        store
            .log_claim(&claim("Boats are down", "Yvette Cooper"))
            .unwrap();
        assert_eq!(
            store
                .rename_source("Rishi Sunak", "YVETTE COOPER")
                .unwrap_err()
                .to_string(),
            "the name 'YVETTE COOPER' belongs to source 'Yvette Cooper': to make them one \
             source, run `factdesk source merge 'Rishi Sunak' 'Yvette Cooper'`"
        );
        assert_eq!(
            store
                .rename_source("Rishi Sunak", " Rishi Sunak ")
                .unwrap_err()
                .to_string(),
            "source 'Rishi Sunak' is already called that"
        );
        assert_eq!(
            store
                .add_source(&NewSource {
                    name: "rishi snak".into(),
                    kind: SourceKind::Person,
                    url: None,
                    note: None,
                })
                .unwrap_err()
                .to_string(),
            "source 'rishi snak' already exists, as a name of 'Rishi Sunak'"
        );
        // A change of case alone is a rename.
        assert_eq!(
            store
                .rename_source("Rishi Sunak", "RISHI SUNAK")
                .unwrap()
                .name,
            "RISHI SUNAK"
        );
        verified(&store);
    }

    fn bundle_into_empty(store: &Store) -> Store {
        let mut empty = Store::open_in_memory().unwrap().with_author("bo");
        crate::store::testing::import(&mut empty, &crate::store::testing::bundle_of(store))
            .unwrap();
        empty
    }

    #[test]
    fn claims_naming_a_source_by_its_new_name_replay_and_travel() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        let old = store
            .log_claim(&claim("Inflation has halved", "Rishi Snak"))
            .unwrap();
        store.rename_source("Rishi Snak", "Rishi Sunak").unwrap();
        let new = store
            .log_claim(&claim("Boats are down", "Rishi Sunak"))
            .unwrap();
        let edited = store.log_claim(&claim("Taxes will fall", "Keir")).unwrap();
        let edit = crate::model::ClaimEdit {
            claimant: Some(Some("rishi sunak".into())),
            ..Default::default()
        };
        store.edit_claim(&edited, &edit).unwrap();
        verified(&store);
        let replayed = store.replayed(None).unwrap();
        let copy = bundle_into_empty(&store);
        for id in [&old, &new, &edited] {
            assert_eq!(claimant(&replayed, id), "Rishi Sunak");
            assert_eq!(claimant(&copy, id), "Rishi Sunak");
        }
        verified(&copy);
        // Renames and first values are no conflict; the edit's old claimant is Keir's.
        assert_eq!(store.conflicts().unwrap(), Vec::new());
        let edit = SourceEdit {
            kind: Some(SourceKind::Person),
            ..SourceEdit::default()
        };
        store.edit_source("Rishi Sunak", &edit).unwrap();
        assert_eq!(store.conflicts().unwrap(), Vec::new());
    }

    #[test]
    fn a_claim_edited_to_name_the_survivor_keeps_it_after_an_unmerge() {
        let (mut store, ids) = three_sunaks();
        store
            .merge_sources(&["Sunak".into()], "Rishi Sunak")
            .unwrap();
        let edit = crate::model::ClaimEdit {
            claimant: Some(Some("Rishi Sunak".into())),
            ..Default::default()
        };
        let (_, changed) = store.edit_claim(&ids[1], &edit).unwrap();
        assert!(
            changed,
            "naming the survivor instead of its alias is a change"
        );
        store.unmerge_source("Sunak").unwrap();
        assert_eq!(claimant(&store, &ids[1]), "Rishi Sunak");
        assert_eq!(store.conflicts().unwrap(), Vec::new());
        verified(&store);
    }

    #[test]
    fn as_of_undoes_a_later_merge_of_the_source_an_alias_was_merged_into() {
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_author("ana")
            .with_clock(at(1));
        let id = store
            .log_claim(&claim("Inflation has halved", "X"))
            .unwrap();
        store.log_claim(&claim("Boats are down", "Y")).unwrap();
        store.log_claim(&claim("Taxes will fall", "Z")).unwrap();
        store.set_clock(at(2));
        store.merge_sources(&["X".into()], "Y").unwrap();
        store.set_clock(at(4));
        store.merge_sources(&["Y".into()], "Z").unwrap();
        assert_eq!(claimant(&store, &id), "Z");
        let then = "2024-09-07T00:00:03.000Z";
        let replayed = store.replayed(Some(then)).unwrap();
        assert_eq!(claimant(&replayed, &id), "Y");
        let shadowed = store.as_of(then).unwrap();
        assert_eq!(claimant(&shadowed, &id), "Y");
    }

    #[test]
    fn editing_a_source_records_old_and_new_values() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        store
            .log_claim(&claim("The backlog is cleared", "Rishi Sunak"))
            .unwrap();
        let edit = SourceEdit {
            kind: Some(SourceKind::Person),
            url: Some(Some("https://www.gov.uk/pm".into())),
            note: Some(Some("Prime Minister 2022-24".into())),
        };
        let (edited, changed) = store.edit_source("rishi sunak", &edit).unwrap();
        assert!(changed);
        assert_eq!(edited.kind, SourceKind::Person);
        assert_eq!(edited.url.as_deref(), Some("https://www.gov.uk/pm"));
        let (_, changed) = store.edit_source("rishi sunak", &edit).unwrap();
        assert!(!changed, "the same values again change nothing");
        let cleared = SourceEdit {
            note: Some(Some("  ".into())),
            ..SourceEdit::default()
        };
        assert_eq!(
            store.edit_source("Rishi Sunak", &cleared).unwrap().0.note,
            None
        );
        let bad = SourceEdit {
            url: Some(Some("javascript:alert(1)".into())),
            ..SourceEdit::default()
        };
        assert!(store.edit_source("Rishi Sunak", &bad).is_err());
        verified(&store);
    }

    #[test]
    fn a_new_name_close_to_an_existing_source_is_pointed_out() {
        let mut store = Store::open_in_memory().unwrap().with_author("ana");
        for name in ["Rishi Sunak", "Reuters", "UN"] {
            store.log_claim(&claim("A claim", name)).unwrap();
        }
        let resembling = |name: &str| store.resembling_source(name).unwrap();
        assert_eq!(resembling("Rishi Snak").as_deref(), Some("Rishi Sunak"));
        assert_eq!(resembling("rishi-sunak").as_deref(), Some("Rishi Sunak"));
        assert_eq!(resembling("RishiSunak").as_deref(), Some("Rishi Sunak"));
        assert_eq!(resembling("Sunak").as_deref(), Some("Rishi Sunak"));
        assert_eq!(
            resembling("Prime Minister Rishi Sunak").as_deref(),
            Some("Rishi Sunak")
        );
        assert_eq!(resembling("Reuter").as_deref(), Some("Reuters"));
        // Taken names, and names merely alike, say nothing.
        assert_eq!(resembling("rishi sunak"), None);
        assert_eq!(resembling("Yvette Cooper"), None);
        assert_eq!(resembling("UNICEF"), None);
        assert_eq!(resembling("Router"), None);
        assert_eq!(resembling("US"), None);
    }

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
