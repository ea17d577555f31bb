-- Schema 8: verdicts propagate across contradictions, the items for and against a claim
-- say who the other side is, and a proposed verdict names the file it came from.
--
-- A `contradicts` link to a claim whose verdict is `refuted` now counts *for* the claim on its
-- other end: once the desk has refuted an allegation, a denial of it is no longer disputed by
-- it. A link to a `supported`, `mixed` or `unverifiable` claim, or to one without a verdict,
-- counts against, as before. Both views state the rule (`claim_status` fast, `claim_sides`
-- explainable; a unit test checks they agree), and `--as-of` applies it as of that moment
-- because it reads the same views over a store rebuilt to then.
--
-- `claim_sides` gains three columns for an item that is a claim: its `stance`, its `claimant`
-- (the name) and its `verdict`; for the claimant item, `stance` is the claim's own. Evidence
-- leaves them NULL. Views hold no data: nothing is rewritten.
DROP VIEW claim_sides;
DROP VIEW claim_status;

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
     WHERE e.stance IN ('supports', 'refutes')
    UNION ALL
    SELECT l.to_pk,
           CASE WHEN l.relation <> 'contradicts' OR ov.verdict = 'refuted' THEN 'for' ELSE 'against' END,
           'claim', o.id, o.text, o.stance, os.name, ov.verdict
      FROM links l JOIN claims o ON o.pk = l.from_pk
           LEFT JOIN sources os ON os.pk = o.claimant_pk
           LEFT JOIN verdicts ov ON ov.claim_pk = o.pk
     WHERE l.removed_at IS NULL AND l.relation IN ('contradicts', 'supports', 'duplicates')
    UNION ALL
    SELECT l.from_pk,
           CASE WHEN l.relation <> 'contradicts' OR ov.verdict = 'refuted' THEN 'for' ELSE 'against' END,
           'claim', o.id, o.text, o.stance, os.name, ov.verdict
      FROM links l JOIN claims o ON o.pk = l.to_pk
           LEFT JOIN sources os ON os.pk = o.claimant_pk
           LEFT JOIN verdicts ov ON ov.claim_pk = o.pk
     WHERE l.removed_at IS NULL AND l.relation IN ('contradicts', 'duplicates');

-- The derived status of every claim: its verdict if it has one; else disputed when at least one
-- item stands for it and one against it; else unresolved. The same items as claim_sides, written
-- as indexed EXISTS tests so that SQLite answers them per claim without building claim_sides.
CREATE VIEW claim_status AS
    SELECT c.pk AS claim_pk, c.id AS id,
           coalesce(v.verdict,
               CASE WHEN (c.claimant_pk IS NOT NULL AND c.stance IN ('asserts', 'denies')
                          OR EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = c.pk AND e.stance = 'supports')
                          OR EXISTS (SELECT 1 FROM links l WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                       AND l.relation IN ('supports', 'duplicates'))
                          OR EXISTS (SELECT 1 FROM links l WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                       AND l.relation = 'duplicates')
                          OR EXISTS (SELECT 1 FROM links l JOIN verdicts ov ON ov.claim_pk = l.from_pk
                                      WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict = 'refuted')
                          OR EXISTS (SELECT 1 FROM links l JOIN verdicts ov ON ov.claim_pk = l.to_pk
                                      WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict = 'refuted'))
                     AND (EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = c.pk AND e.stance = 'refutes')
                          OR EXISTS (SELECT 1 FROM links l LEFT JOIN verdicts ov ON ov.claim_pk = l.from_pk
                                      WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict IS NOT 'refuted')
                          OR EXISTS (SELECT 1 FROM links l LEFT JOIN verdicts ov ON ov.claim_pk = l.to_pk
                                      WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                        AND l.relation = 'contradicts' AND ov.verdict IS NOT 'refuted'))
                    THEN 'disputed' ELSE 'unresolved' END) AS status
      FROM claims c LEFT JOIN verdicts v ON v.claim_pk = c.pk;

-- A proposed verdict remembers the file it was imported from (NULL when given at the command
-- line), so `review queue` can say where it came from: with review required, a verdict in a
-- CSV or JSONL import is proposed like any other.
ALTER TABLE proposed_verdicts ADD COLUMN proposed_from TEXT;
DROP VIEW review_queue;
CREATE VIEW review_queue AS
    SELECT c.id, c.text, p.verdict, p.rationale, p.proposed_by, p.proposed_at, p.proposed_from
      FROM proposed_verdicts p JOIN claims c ON c.pk = p.claim_pk
     ORDER BY p.proposed_at, c.id;
