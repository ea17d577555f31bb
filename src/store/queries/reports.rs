//! The queries behind the reports people read: the desk summary, one claimant's record, and
//! the link graph around a claim or around the disputed claims. Statuses come from the
//! `claim_status` view, like everywhere else, except in the summary, which tallies the same
//! rule from `claim_sides` (it needs each claim's items anyway; a unit test holds the two
//! views to one rule). Disputed claims are found from the claims that have something against
//! them, and the summary's weeks from the events' week index, so these stay fast on large
//! stores.
//! Nothing here writes the record.

use std::collections::{BTreeSet, HashSet};

use super::claims::{ClaimFilter, ClaimOrder, claim_by_pk};
use super::links::{LINK_SELECT, link_from_row};
use super::{IdTable, Store, find_source_pk, resolve_id, word};
use crate::error::Result;
use crate::model::{
    ClaimantRecord, ClaimantTally, ContestedClaim, LinkGraph, Status, Summary, WeekActivity,
};

/// The disputed claims' keys, as a subquery.
const DISPUTED_PKS: &str = "SELECT st.claim_pk FROM claim_status st
     WHERE st.claim_pk IN (SELECT claim_pk FROM claims_with_opposition) AND st.status = 'disputed'
       AND st.claim_pk NOT IN (SELECT pk FROM claims WHERE retracted_at IS NOT NULL)";

/// Every status with its count, zeros included, in the model's order.
fn all_statuses(counts: &[(Status, i64)]) -> Vec<(Status, i64)> {
    Status::ALL
        .iter()
        .map(|s| {
            (
                *s,
                counts
                    .iter()
                    .find(|(c, _)| c == s)
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            )
        })
        .collect()
}

impl Store {
    /// The desk at a glance: claims by status, the `top` most contested disputed claims, the
    /// `top` claimants with the most disputed claims, and activity by ISO week, in the newest
    /// change's week and the `weeks` whole weeks before it, for the weeks that saw any.
    pub fn summary(&self, top: usize, weeks: usize) -> Result<Summary> {
        let conn = self.conn();
        // All claims less the retracted ones (from their small index): counting the standing
        // claims directly would read every row.
        let claims: i64 = conn.query_row(
            "SELECT (SELECT count(*) FROM claims)
                  - (SELECT count(*) FROM claims WHERE retracted_at IS NOT NULL)",
            [],
            |r| r.get(0),
        )?;
        let mut counts: Vec<(Status, i64)> = Vec::new();
        // Every verdict less those on retracted claims (from the same small index): joining
        // each verdict to its claim's row would read thousands of rows.
        let mut stmt = conn.prepare(
            "SELECT v.verdict, count(*)
                    - (SELECT count(*) FROM verdicts r
                        WHERE r.verdict = v.verdict
                          AND r.claim_pk IN (SELECT pk FROM claims WHERE retracted_at IS NOT NULL))
               FROM verdicts v GROUP BY v.verdict",
        )?;
        for row in stmt.query_map([], |r| Ok((word::<Status>(r, 0)?, r.get::<_, i64>(1)?)))? {
            counts.push(row?);
        }
        // The disputed claims, found once with their items for and against: the count, the
        // most contested and the claimants all start from them. The status rule is read from
        // `claim_sides` here (a claim without a verdict is disputed when it has an item on each
        // side; a unit test holds `claim_status` to the same rule), so each candidate's items
        // are read once rather than once for its status and again for its tally.
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS summary_disputed (
                 pk INTEGER PRIMARY KEY,
                 claimant_pk INTEGER,
                 items_for INTEGER NOT NULL,
                 items_against INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS temp.summary_disputed_rank
                 ON summary_disputed (items_against DESC, items_for DESC);
             DELETE FROM temp.summary_disputed;
             INSERT INTO temp.summary_disputed (pk, claimant_pk, items_for, items_against)
             SELECT tally.claim_pk, c.claimant_pk, tally.items_for, tally.items_against
               FROM (SELECT s.claim_pk, sum(s.side = 'for') AS items_for,
                            sum(s.side = 'against') AS items_against
                       FROM claim_sides s
                      WHERE s.claim_pk IN (SELECT claim_pk FROM claims_with_opposition)
                      GROUP BY s.claim_pk) tally
                    CROSS JOIN claims c ON c.pk = tally.claim_pk
              WHERE tally.items_for > 0 AND tally.items_against > 0
                AND c.retracted_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_pk = tally.claim_pk);",
        )?;
        let disputed: i64 =
            conn.query_row("SELECT count(*) FROM temp.summary_disputed", [], |r| {
                r.get(0)
            })?;
        let judged: i64 = counts.iter().map(|(_, n)| n).sum();
        counts.push((Status::Disputed, disputed));
        counts.push((Status::Unresolved, claims - judged - disputed));

        // Ranked by the tallies' index, so only the ties at the cut read their claims' rows
        // (CROSS JOIN keeps SQLite from walking the claims instead).
        let mut most_contested = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT d.pk, d.items_for, d.items_against
               FROM temp.summary_disputed d CROSS JOIN claims c ON c.pk = d.pk
              ORDER BY d.items_against DESC, d.items_for DESC, c.created_at, c.id LIMIT ?1",
        )?;
        let rows: Vec<(i64, i64, i64)> = stmt
            .query_map([top as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (pk, items_for, items_against) in rows {
            most_contested.push(ContestedClaim {
                claim: claim_by_pk(conn, pk)?,
                items_for,
                items_against,
            });
        }

        // The claimants with the most disputed claims first, then (for those few) how many
        // claims each has in all: counting every claimant's claims would read the whole store.
        let mut stmt = conn.prepare(
            "SELECT s.name, s.pk, count(*)
             FROM temp.summary_disputed d JOIN sources s ON s.pk = d.claimant_pk
             GROUP BY s.pk ORDER BY 3 DESC, s.name_key LIMIT ?1",
        )?;
        let leaders: Vec<(String, i64, i64)> = stmt
            .query_map([top as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut count_claims = conn.prepare(
            "SELECT count(*) FROM claims WHERE claimant_pk = ?1 AND retracted_at IS NULL",
        )?;
        let mut claimants_most_disputed = Vec::new();
        for (claimant, source_pk, disputed) in leaders {
            claimants_most_disputed.push(ClaimantTally {
                claimant,
                claims: count_claims.query_row([source_pk], |r| r.get(0))?,
                disputed,
            });
        }

        // Whole ISO weeks, from the week `weeks` weeks before the newest change's to that
        // change's: each event's week (its Monday) and action are read, in order, from
        // `events_week` (schema 11): SQLite reads one event row per week and kind, not per event.
        let mut stmt = conn.prepare(
            "SELECT strftime('%G-W%V', monday),
                    sum(n * (action = 'claim.add')), sum(n * (action = 'evidence.add')),
                    sum(n * (action = 'link.add')),
                    sum(n * (action IN ('verdict.set', 'review.approve'))), sum(n)
               FROM (SELECT date(at, '-6 days', 'weekday 1') AS monday, action, count(*) AS n
                       FROM events
                      WHERE date(at, '-6 days', 'weekday 1')
                            >= date((SELECT max(at) FROM events), printf('-%d days', 7 * ?1),
                                    '-6 days', 'weekday 1')
                      GROUP BY 1, 2)
              GROUP BY monday ORDER BY monday",
        )?;
        let activity_by_week = stmt
            .query_map([weeks as i64], |r| {
                Ok(WeekActivity {
                    week: r.get(0)?,
                    claims_added: r.get(1)?,
                    evidence_added: r.get(2)?,
                    links_added: r.get(3)?,
                    verdicts_given: r.get(4)?,
                    changes: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;

        Ok(Summary {
            claims,
            by_status: all_statuses(&counts),
            most_contested,
            claimants_most_disputed,
            activity_by_week,
        })
    }

    /// One claimant's record: the source, their claims by status, and their claims (newest
    /// first, at most `limit`).
    pub fn claimant_record(&self, name: &str, limit: Option<usize>) -> Result<ClaimantRecord> {
        let source = self.source(name)?;
        let pk = find_source_pk(self.conn(), &source.name)?.expect("the source was just found");
        let mut stmt = self.conn().prepare(
            "SELECT st.status, count(*) FROM claims c JOIN claim_status st ON st.claim_pk = c.pk
             WHERE c.claimant_pk = ?1 AND c.retracted_at IS NULL GROUP BY st.status",
        )?;
        let counts: Vec<(Status, i64)> = stmt
            .query_map([pk], |r| Ok((word::<Status>(r, 0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let claims = self.claims(&ClaimFilter {
            claimant: Some(source.name.clone()),
            order: ClaimOrder::NewestFirst,
            limit,
            ..ClaimFilter::default()
        })?;
        Ok(ClaimantRecord {
            by_status: all_statuses(&counts),
            claims,
            source,
        })
    }

    /// The claims linked to a claim, `depth` links out; or, without a claim, the disputed claims
    /// (oldest first) and the claims they link to. At most `max_claims` claims.
    pub fn link_graph(
        &self,
        center: Option<&str>,
        depth: usize,
        max_claims: usize,
    ) -> Result<LinkGraph> {
        let conn = self.conn();
        let mut frontier: Vec<i64> = match center {
            Some(prefix) => vec![resolve_id(conn, IdTable::Claim, prefix)?.0],
            None => conn
                .prepare(&format!("{DISPUTED_PKS} ORDER BY st.claim_pk LIMIT ?1"))?
                .query_map([max_claims as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        let depth = if center.is_some() {
            depth
        } else {
            depth.max(1)
        };
        let mut seen: BTreeSet<i64> = frontier.iter().copied().collect();
        let mut truncated = seen.len() > max_claims;
        // Retracted claims are left out of the graph, and so are the links to them.
        let mut neighbours = conn.prepare(
            "SELECT l.to_pk FROM links l JOIN claims o ON o.pk = l.to_pk
              WHERE l.from_pk = ?1 AND l.removed_at IS NULL AND o.retracted_at IS NULL
             UNION SELECT l.from_pk FROM links l JOIN claims o ON o.pk = l.from_pk
              WHERE l.to_pk = ?1 AND l.removed_at IS NULL AND o.retracted_at IS NULL",
        )?;
        for _ in 0..depth {
            let mut next = Vec::new();
            for pk in &frontier {
                for other in neighbours.query_map([pk], |r| r.get::<_, i64>(0))? {
                    let other = other?;
                    if seen.contains(&other) {
                        continue;
                    }
                    if seen.len() >= max_claims {
                        truncated = true;
                        continue;
                    }
                    seen.insert(other);
                    next.push(other);
                }
            }
            frontier = next;
        }
        let claims = seen
            .iter()
            .map(|pk| claim_by_pk(conn, *pk))
            .collect::<Result<Vec<_>>>()?;
        let mut links = Vec::new();
        let mut stmt = conn.prepare(&format!(
            "{LINK_SELECT} WHERE l.from_pk = ?1 AND l.removed_at IS NULL ORDER BY l.pk"
        ))?;
        let ids: HashSet<&str> = claims.iter().map(|c| c.id.as_str()).collect();
        for pk in &seen {
            for link in stmt.query_map([pk], link_from_row)? {
                let link = link?;
                if ids.contains(link.to_id.as_str()) {
                    links.push(link);
                }
            }
        }
        Ok(LinkGraph {
            claims,
            links,
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewClaim, Relation, Stance, VerdictKind};
    use crate::store::Clock;

    fn claim(store: &mut Store, text: &str, claimant: &str) -> String {
        store
            .add_claim(&NewClaim {
                text: text.into(),
                claimant: Some(claimant.into()),
                stance: Some(Stance::Asserts),
                ..NewClaim::default()
            })
            .unwrap()
            .id
    }

    #[test]
    fn the_summary_counts_statuses_contests_claimants_and_weeks() {
        let mut store = Store::open_in_memory()
            .unwrap()
            .with_clock(Clock::Fixed("2024-09-06T10:00:00.000Z".into()));
        let a = claim(&mut store, "A", "Officials");
        let b = claim(&mut store, "not A", "Mission");
        let c = claim(&mut store, "also not A", "Mission");
        store.add_link(&b, &a, Relation::Contradicts, None).unwrap();
        let mut store = store.with_clock(Clock::Fixed("2024-09-16T10:00:00.000Z".into()));
        store.add_link(&c, &a, Relation::Contradicts, None).unwrap();
        claim(&mut store, "Unrelated", "Officials");
        let d = claim(&mut store, "Judged", "Officials");
        store.set_verdict(&d, VerdictKind::Refuted, "No").unwrap();

        let summary = store.summary(2, 8).unwrap();
        assert_eq!(summary.claims, 5);
        let count = |s: Status| summary.by_status.iter().find(|(x, _)| *x == s).unwrap().1;
        assert_eq!(
            (
                count(Status::Disputed),
                count(Status::Unresolved),
                count(Status::Refuted),
                count(Status::Mixed)
            ),
            (3, 1, 1, 0)
        );
        assert_eq!(summary.most_contested[0].claim.id, a);
        assert_eq!(
            (
                summary.most_contested[0].items_for,
                summary.most_contested[0].items_against
            ),
            (1, 2)
        );
        assert_eq!(
            summary.claimants_most_disputed[0],
            ClaimantTally {
                claimant: "Mission".into(),
                claims: 2,
                disputed: 2
            }
        );
        let weeks: Vec<(&str, i64, i64)> = summary
            .activity_by_week
            .iter()
            .map(|w| (w.week.as_str(), w.claims_added, w.links_added))
            .collect();
        assert_eq!(weeks, vec![("2024-W36", 3, 1), ("2024-W38", 2, 1)]);
    }

    /// The activity by week, read from the events' week index, is what reading every event of
    /// the window's whole ISO weeks and grouping it by week gives: checked after each change on
    /// days across six months (so the newest change, and the window's first day with it, falls
    /// on a Monday, a Sunday and days between), for several window lengths.
    #[test]
    fn the_weeks_activity_is_every_event_of_the_windows_weeks_grouped_by_iso_week() {
        fn read_every_event(store: &Store, weeks: i64) -> Vec<(String, i64, i64, i64, i64, i64)> {
            store
                .conn()
                .prepare(
                    "SELECT strftime('%G-W%V', at) AS week,
                            sum(action = 'claim.add'), sum(action = 'evidence.add'),
                            sum(action = 'link.add'),
                            sum(action IN ('verdict.set', 'review.approve')), count(*)
                       FROM events
                      WHERE at >= date((SELECT max(at) FROM events), printf('-%d days', 7 * ?1),
                                       '-6 days', 'weekday 1')
                      GROUP BY week ORDER BY week",
                )
                .unwrap()
                .query_map([weeks], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        }
        let mut store = Store::open_in_memory().unwrap();
        assert!(store.summary(3, 12).unwrap().activity_by_week.is_empty());
        let mut ids: Vec<String> = Vec::new();
        for (i, day) in [
            "2024-03-03",
            "2024-03-04",
            "2024-04-28",
            "2024-04-30",
            "2024-06-09",
            "2024-06-10",
            "2024-06-16",
            "2024-06-27",
            "2024-07-01",
            "2024-08-11",
            "2024-08-13",
            "2024-08-15",
            "2024-08-17",
            "2024-09-01",
            "2024-09-03",
        ]
        .iter()
        .enumerate()
        {
            store = store.with_clock(Clock::Fixed(format!("{day}T0{}:30:00.000Z", i % 10)));
            let id = claim(&mut store, &format!("claim {i}"), "Officials");
            if let Some(previous) = ids.last() {
                if i % 3 == 0 {
                    store
                        .add_link(&id, previous, Relation::Contradicts, None)
                        .unwrap();
                }
                if i % 4 == 0 {
                    store
                        .set_verdict(previous, VerdictKind::Mixed, "checked")
                        .unwrap();
                }
            }
            ids.push(id);
            for weeks in [0, 1, 2, 5, 12, 30] {
                let got: Vec<(String, i64, i64, i64, i64, i64)> = store
                    .summary(3, weeks as usize)
                    .unwrap()
                    .activity_by_week
                    .into_iter()
                    .map(|w| {
                        let counts = (w.claims_added, w.evidence_added, w.links_added);
                        (
                            w.week,
                            counts.0,
                            counts.1,
                            counts.2,
                            w.verdicts_given,
                            w.changes,
                        )
                    })
                    .collect();
                assert_eq!(got, read_every_event(&store, weeks), "{day}, {weeks} weeks");
            }
        }
    }

    /// The weeks come from `events_week`, and that index stays out of every other query's way:
    /// led by an expression nothing else uses, it cannot become the plan of a lookup by record
    /// or by position in the log (an index led by `action` did, and made each sync of a shared
    /// store's replica read every event of a kind).
    #[test]
    fn the_week_index_serves_the_summary_and_nothing_else() {
        let store = Store::open_in_memory().unwrap();
        let plan = |sql: &str| -> String {
            store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap()
                .join("\n")
        };
        let weeks = plan(
            "SELECT date(at, '-6 days', 'weekday 1') AS monday, action, count(*) FROM events
              WHERE date(at, '-6 days', 'weekday 1') >= '2024-09-02' GROUP BY 1, 2",
        );
        assert!(weeks.contains("events_week"), "{weeks}");
        for sql in [
            "SELECT change FROM events WHERE pk > 10 AND action = 'evidence.add'",
            "SELECT change FROM events WHERE record_id = 'x' AND action = 'claim.add'",
            "SELECT id FROM events WHERE at >= '2024-09-02' AND action = 'verdict.set'",
        ] {
            assert!(!plan(sql).contains("events_week"), "{sql}: {}", plan(sql));
        }
    }

    #[test]
    fn the_graph_follows_links_to_a_depth_and_a_size() {
        let mut store = Store::open_in_memory().unwrap();
        let ids: Vec<String> = (0..5)
            .map(|i| claim(&mut store, &format!("claim {i}"), "X"))
            .collect();
        for pair in ids.windows(2) {
            store
                .add_link(&pair[0], &pair[1], Relation::Related, None)
                .unwrap();
        }
        let graph = store.link_graph(Some(&ids[2]), 1, 100).unwrap();
        assert_eq!(graph.claims.len(), 3);
        assert_eq!(graph.links.len(), 2);
        let graph = store.link_graph(Some(&ids[0]), 10, 3).unwrap();
        assert_eq!((graph.claims.len(), graph.truncated), (3, true));
        assert!(
            store.link_graph(None, 1, 100).unwrap().claims.is_empty(),
            "nothing is disputed"
        );
        assert!(matches!(
            store.link_graph(Some("ffff"), 1, 10),
            Err(crate::Error::NotFound { noun: "claim", .. })
        ));
    }

    /// A verdict that stands through `review approve` is a verdict given that week: a desk that
    /// requires review saw 0 in "Activity by week" before.
    #[test]
    fn verdicts_approved_in_review_count_as_verdicts_given() {
        let mut store = Store::open_in_memory().unwrap();
        let id = claim(
            &mut store,
            "Iran supplied Russia with ballistic missiles",
            "WSJ",
        );
        store.set_setting("review.required", "true").unwrap();
        store.set_author("ana");
        store
            .give_verdict(&id, VerdictKind::Refuted, "Satellite images")
            .unwrap();
        let given = |store: &Store| -> i64 {
            let summary = store.summary(5, 4).unwrap();
            summary
                .activity_by_week
                .iter()
                .map(|w| w.verdicts_given)
                .sum()
        };
        assert_eq!(given(&store), 0, "a proposal is not a verdict");
        store.set_author("bo");
        store.approve_verdict(&id, None).unwrap();
        assert_eq!(given(&store), 1);
    }
}
