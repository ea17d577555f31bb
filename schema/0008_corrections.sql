-- Schema 8: corrections and statuses a reader can follow.
--
-- Retracting and restoring claims and evidence. A retraction is an event (`claim.retract`,
-- `evidence.retract`), reversed by another (`claim.restore`, `evidence.restore`); the projection
-- keeps who retracted a record, when and why in the three columns below, NULL while it stands.
-- A retracted record stays in its table and in the history, but counts for nothing: the views
-- below leave out retracted claims (and links to them) and retracted evidence, so no status,
-- report or Datasette view counts them.
--
-- Verdicts propagate across contradictions: a `contradicts` link to a claim whose verdict is
-- `refuted` counts *for* the claim on its other end (once the desk has refuted an allegation, a
-- denial of it is no longer disputed by it); a link to a `supported`, `mixed` or `unverifiable`
-- claim, or to one without a verdict, counts against, as before. Both `claim_status` (fast) and
-- `claim_sides` (explainable) state the rule, and a unit test checks they agree; `--as-of`
-- applies it as of that moment because it reads the same views over a store rebuilt to then.
-- `claim_sides` gains three columns for an item that is a claim: its `stance`, its `claimant`
-- (the name) and its `verdict`; for the claimant item, `stance` is the claim's own.
--
-- A proposed verdict remembers the file it was imported from (NULL when given at the command
-- line), so `review queue` can say where it came from.
ALTER TABLE proposed_verdicts ADD COLUMN proposed_from TEXT;
ALTER TABLE claims ADD COLUMN retracted_at TEXT;
ALTER TABLE claims ADD COLUMN retracted_by TEXT;
ALTER TABLE claims ADD COLUMN retraction_note TEXT;
ALTER TABLE evidence ADD COLUMN retracted_at TEXT;
ALTER TABLE evidence ADD COLUMN retracted_by TEXT;
ALTER TABLE evidence ADD COLUMN retraction_note TEXT;
-- The few retracted claims, so that leaving them out of a report of a million claims reads this
-- small index rather than every claim.
CREATE INDEX claims_retracted ON claims (pk) WHERE retracted_at IS NOT NULL;

DROP VIEW claim_sides;
DROP VIEW claim_status;
DROP VIEW claims_with_opposition;
DROP VIEW disputed_claims;
DROP VIEW unresolved_claims;
DROP VIEW review_queue;

-- The items for and against each claim, leaving out retracted evidence and links to retracted
-- claims.
CREATE VIEW claim_sides AS
    SELECT c.pk AS claim_pk, 'for' AS side, 'claimant' AS kind, s.id AS item_id, s.name AS text,
           c.stance AS stance, NULL AS claimant, NULL AS verdict
      FROM claims c JOIN sources s ON s.pk = c.claimant_pk
     WHERE c.stance IN ('asserts', 'denies')
    UNION ALL
    SELECT e.claim_pk, CASE e.stance WHEN 'supports' THEN 'for' ELSE 'against' END, 'evidence', e.id,
           coalesce(s.name || ': ', '') || coalesce(e.note, e.quote, e.url, '(no description)'),
           NULL, NULL, NULL
      FROM evidence e LEFT JOIN sources s ON s.pk = e.source_pk
     WHERE e.stance IN ('supports', 'refutes') AND e.retracted_at IS NULL
    UNION ALL
    SELECT l.to_pk,
           CASE WHEN l.relation <> 'contradicts' OR ov.verdict = 'refuted' THEN 'for' ELSE 'against' END,
           'claim', o.id, o.text, o.stance, os.name, ov.verdict
      FROM links l JOIN claims o ON o.pk = l.from_pk
           LEFT JOIN sources os ON os.pk = o.claimant_pk
           LEFT JOIN verdicts ov ON ov.claim_pk = o.pk
     WHERE l.removed_at IS NULL AND l.relation IN ('contradicts', 'supports', 'duplicates')
       AND o.retracted_at IS NULL
    UNION ALL
    SELECT l.from_pk,
           CASE WHEN l.relation <> 'contradicts' OR ov.verdict = 'refuted' THEN 'for' ELSE 'against' END,
           'claim', o.id, o.text, o.stance, os.name, ov.verdict
      FROM links l JOIN claims o ON o.pk = l.to_pk
           LEFT JOIN sources os ON os.pk = o.claimant_pk
           LEFT JOIN verdicts ov ON ov.claim_pk = o.pk
     WHERE l.removed_at IS NULL AND l.relation IN ('contradicts', 'duplicates')
       AND o.retracted_at IS NULL;

-- The derived status of every claim, retracted ones included (`claim show` explains theirs):
-- the same items as claim_sides, as indexed EXISTS tests.
CREATE VIEW claim_status AS
    SELECT c.pk AS claim_pk, c.id AS id,
           coalesce(v.verdict,
               CASE WHEN (c.claimant_pk IS NOT NULL AND c.stance IN ('asserts', 'denies')
                          OR EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = c.pk
                                       AND e.stance = 'supports' AND e.retracted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM links l JOIN claims o ON o.pk = l.from_pk
                                      WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation IN ('supports', 'duplicates')
                                        AND o.retracted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM links l JOIN claims o ON o.pk = l.to_pk
                                      WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'duplicates' AND o.retracted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM links l JOIN claims o ON o.pk = l.from_pk
                                       JOIN verdicts ov ON ov.claim_pk = l.from_pk
                                      WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict = 'refuted'
                                        AND o.retracted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM links l JOIN claims o ON o.pk = l.to_pk
                                       JOIN verdicts ov ON ov.claim_pk = l.to_pk
                                      WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict = 'refuted'
                                        AND o.retracted_at IS NULL))
                     AND (EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = c.pk
                                    AND e.stance = 'refutes' AND e.retracted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM links l JOIN claims o ON o.pk = l.from_pk
                                       LEFT JOIN verdicts ov ON ov.claim_pk = l.from_pk
                                      WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict IS NOT 'refuted'
                                        AND o.retracted_at IS NULL)
                          OR EXISTS (SELECT 1 FROM links l JOIN claims o ON o.pk = l.to_pk
                                       LEFT JOIN verdicts ov ON ov.claim_pk = l.to_pk
                                      WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict IS NOT 'refuted'
                                        AND o.retracted_at IS NULL))
                    THEN 'disputed' ELSE 'unresolved' END) AS status
      FROM claims c LEFT JOIN verdicts v ON v.claim_pk = c.pk;

-- Claims that can be disputed at all (a superset; the status still comes from claim_status).
CREATE VIEW claims_with_opposition AS
    SELECT claim_pk FROM evidence WHERE stance = 'refutes' AND retracted_at IS NULL
    UNION
    SELECT from_pk FROM links WHERE removed_at IS NULL AND relation = 'contradicts'
    UNION
    SELECT to_pk FROM links WHERE removed_at IS NULL AND relation = 'contradicts';

-- The two lists a desk reads every day, without retracted claims.
CREATE VIEW disputed_claims AS
    SELECT c.id, c.text, cl.name AS claimant, rb.name AS reported_by, c.stance, c.claim_date,
           c.created_at, c.created_by
      FROM claims c
      JOIN claim_status st ON st.claim_pk = c.pk
      LEFT JOIN sources cl ON cl.pk = c.claimant_pk
      LEFT JOIN sources rb ON rb.pk = c.reported_by_pk
     WHERE c.pk IN (SELECT claim_pk FROM claims_with_opposition) AND st.status = 'disputed'
       AND c.retracted_at IS NULL;

CREATE VIEW unresolved_claims AS
    SELECT c.id, c.text, cl.name AS claimant, rb.name AS reported_by, c.stance, st.status,
           c.claim_date, c.created_at, c.created_by
      FROM claims c
      JOIN claim_status st ON st.claim_pk = c.pk
      LEFT JOIN sources cl ON cl.pk = c.claimant_pk
      LEFT JOIN sources rb ON rb.pk = c.reported_by_pk
     WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_pk = c.pk)
       AND c.retracted_at IS NULL;

-- Proposed verdicts waiting for a reviewer, on claims that stand.
CREATE VIEW review_queue AS
    SELECT c.id, c.text, p.verdict, p.rationale, p.proposed_by, p.proposed_at, p.proposed_from
      FROM proposed_verdicts p JOIN claims c ON c.pk = p.claim_pk
     WHERE c.retracted_at IS NULL
     ORDER BY p.proposed_at, c.id;
