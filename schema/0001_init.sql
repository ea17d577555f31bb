-- factdesk schema, version 1: sources, claims, evidence, links, verdicts and the event log.
--
-- Every table keeps an INTEGER PRIMARY KEY (`pk`, used by foreign keys) beside a readable UUID
-- string (`id`, what people see, paste and type). Status is never stored: the `claim_status`
-- view derives it, so sqlite3 and Datasette users see exactly what the CLI shows.
-- CHECK constraints list allowed words as OR chains, not `IN (…)`: SQLite builds a temporary
-- index for an IN list on every row it checks, which made bulk inserts several times slower.
-- This file is never edited once released; later changes go in 0002_*.sql and up.

CREATE TABLE sources (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    -- trimmed, lower-cased name: sources are matched case-insensitively
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL DEFAULT 'other' CHECK (
                     kind = 'outlet'
                  OR kind = 'government'
                  OR kind = 'official'
                  OR kind = 'organization'
                  OR kind = 'person'
                  OR kind = 'anonymous'
                  OR kind = 'other'),
    url         TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE claims (
    pk              INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    text            TEXT NOT NULL CHECK (trim(text) <> ''),
    claimant_pk     INTEGER REFERENCES sources (pk),
    reported_by_pk  INTEGER REFERENCES sources (pk),
    stance          TEXT NOT NULL DEFAULT 'asserts' CHECK (
                     stance = 'asserts'
                  OR stance = 'denies'
                  OR stance = 'questions'
                  OR stance = 'neutral'),
    url             TEXT,
    quote           TEXT,
    claim_date      TEXT CHECK (
                     claim_date IS NULL
                  OR claim_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX claims_created ON claims (created_at, pk);
CREATE INDEX claims_claimant ON claims (claimant_pk);
CREATE INDEX claims_reported_by ON claims (reported_by_pk);

CREATE TABLE claim_tags (
    claim_pk  INTEGER NOT NULL REFERENCES claims (pk),
    tag       TEXT NOT NULL,
    PRIMARY KEY (claim_pk, tag)
) WITHOUT ROWID;
CREATE INDEX claim_tags_tag ON claim_tags (tag);

CREATE TABLE evidence (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    claim_pk    INTEGER NOT NULL REFERENCES claims (pk),
    stance      TEXT NOT NULL CHECK (
                     stance = 'supports'
                  OR stance = 'refutes'
                  OR stance = 'context'),
    source_pk   INTEGER REFERENCES sources (pk),
    url         TEXT,
    quote       TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX evidence_claim ON evidence (claim_pk, stance);
CREATE INDEX evidence_source ON evidence (source_pk);
CREATE INDEX evidence_stance ON evidence (stance, claim_pk);

-- A removed link keeps its row (removed_at/removed_by), so a claim's history can still find it.
CREATE TABLE links (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    from_pk     INTEGER NOT NULL REFERENCES claims (pk),
    to_pk       INTEGER NOT NULL REFERENCES claims (pk),
    relation    TEXT NOT NULL CHECK (
                     relation = 'contradicts'
                  OR relation = 'supports'
                  OR relation = 'duplicates'
                  OR relation = 'related'),
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT,
    CHECK (from_pk <> to_pk)
);
CREATE INDEX links_from ON links (from_pk, relation);
CREATE INDEX links_to ON links (to_pk, relation);
-- One live link per pair and relation; `supports` is directed, the others hold in either order.
CREATE UNIQUE INDEX links_unique_pair ON links (
    relation,
    CASE WHEN relation = 'supports' THEN from_pk ELSE min(from_pk, to_pk) END,
    CASE WHEN relation = 'supports' THEN to_pk ELSE max(from_pk, to_pk) END
) WHERE removed_at IS NULL;

-- The claim's current verdict; withdrawing it deletes the row (the event log keeps it).
CREATE TABLE verdicts (
    claim_pk    INTEGER PRIMARY KEY REFERENCES claims (pk),
    verdict     TEXT NOT NULL CHECK (
                     verdict = 'supported'
                  OR verdict = 'refuted'
                  OR verdict = 'mixed'
                  OR verdict = 'unverifiable'),
    rationale   TEXT NOT NULL CHECK (trim(rationale) <> ''),
    given_at    TEXT NOT NULL,
    given_by    TEXT NOT NULL
);
CREATE INDEX verdicts_verdict ON verdicts (verdict, claim_pk);

-- The append-only history. `change` is JSON: new values, or {"field": {"old": …, "new": …}} for edits.
CREATE TABLE events (
    pk           INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL,
    author       TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_kind  TEXT NOT NULL CHECK (
                     record_kind = 'source'
                  OR record_kind = 'claim'
                  OR record_kind = 'evidence'
                  OR record_kind = 'link'),
    record_id    TEXT NOT NULL,
    change       TEXT NOT NULL CHECK (json_valid(change))
);
CREATE INDEX events_record ON events (record_id);
CREATE INDEX events_at ON events (at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'factdesk events are append-only: UPDATE refused');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'factdesk events are append-only: DELETE refused');
END;

-- What stands for and against each claim (see DESIGN.md, "Status is derived"):
-- for: its claimant when the stance is asserts/denies, `supports` evidence, claims linked to it by
-- `supports` (pointing at it) or `duplicates`; against: `refutes` evidence, `contradicts` links.
CREATE VIEW claim_sides AS
    SELECT c.pk AS claim_pk, 'for' AS side, 'claimant' AS kind, s.id AS item_id, s.name AS text
      FROM claims c JOIN sources s ON s.pk = c.claimant_pk
     WHERE c.stance IN ('asserts', 'denies')
    UNION ALL
    SELECT e.claim_pk, CASE e.stance WHEN 'supports' THEN 'for' ELSE 'against' END, 'evidence', e.id,
           coalesce(s.name || ': ', '') || coalesce(e.note, e.quote, e.url, '(no description)')
      FROM evidence e LEFT JOIN sources s ON s.pk = e.source_pk
     WHERE e.stance IN ('supports', 'refutes')
    UNION ALL
    SELECT l.to_pk, CASE l.relation WHEN 'contradicts' THEN 'against' ELSE 'for' END, 'claim', o.id, o.text
      FROM links l JOIN claims o ON o.pk = l.from_pk
     WHERE l.removed_at IS NULL AND l.relation IN ('contradicts', 'supports', 'duplicates')
    UNION ALL
    SELECT l.from_pk, CASE l.relation WHEN 'contradicts' THEN 'against' ELSE 'for' END, 'claim', o.id, o.text
      FROM links l JOIN claims o ON o.pk = l.to_pk
     WHERE l.removed_at IS NULL AND l.relation IN ('contradicts', 'duplicates');

-- The derived status of every claim: its verdict if it has one; else disputed when at least one
-- item stands for it and one against it; else unresolved. The same items as claim_sides, written
-- as indexed EXISTS tests so that SQLite answers them per claim without building claim_sides
-- (a unit test checks the two views agree).
CREATE VIEW claim_status AS
    SELECT c.pk AS claim_pk, c.id AS id,
           coalesce(v.verdict,
               CASE WHEN (c.claimant_pk IS NOT NULL AND c.stance IN ('asserts', 'denies')
                          OR EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = c.pk AND e.stance = 'supports')
                          OR EXISTS (SELECT 1 FROM links l WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                       AND l.relation IN ('supports', 'duplicates'))
                          OR EXISTS (SELECT 1 FROM links l WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                       AND l.relation = 'duplicates'))
                     AND (EXISTS (SELECT 1 FROM evidence e WHERE e.claim_pk = c.pk AND e.stance = 'refutes')
                          OR EXISTS (SELECT 1 FROM links l WHERE l.to_pk = c.pk AND l.removed_at IS NULL
                                       AND l.relation = 'contradicts')
                          OR EXISTS (SELECT 1 FROM links l WHERE l.from_pk = c.pk AND l.removed_at IS NULL
                                       AND l.relation = 'contradicts'))
                    THEN 'disputed' ELSE 'unresolved' END) AS status
      FROM claims c LEFT JOIN verdicts v ON v.claim_pk = c.pk;

-- Claims that can be disputed at all: those with something against them. It keeps the disputed
-- list fast on large stores; the status itself still comes from claim_status.
CREATE VIEW claims_with_opposition AS
    SELECT claim_pk FROM evidence WHERE stance = 'refutes'
    UNION
    SELECT from_pk FROM links WHERE removed_at IS NULL AND relation = 'contradicts'
    UNION
    SELECT to_pk FROM links WHERE removed_at IS NULL AND relation = 'contradicts';

-- The two lists a desk reads every day, readable straight from sqlite3 or Datasette.
CREATE VIEW disputed_claims AS
    SELECT c.id, c.text, cl.name AS claimant, rb.name AS reported_by, c.stance, c.claim_date,
           c.created_at, c.created_by
      FROM claims c
      JOIN claim_status st ON st.claim_pk = c.pk
      LEFT JOIN sources cl ON cl.pk = c.claimant_pk
      LEFT JOIN sources rb ON rb.pk = c.reported_by_pk
     WHERE c.pk IN (SELECT claim_pk FROM claims_with_opposition) AND st.status = 'disputed';

CREATE VIEW unresolved_claims AS
    SELECT c.id, c.text, cl.name AS claimant, rb.name AS reported_by, c.stance, st.status,
           c.claim_date, c.created_at, c.created_by
      FROM claims c
      JOIN claim_status st ON st.claim_pk = c.pk
      LEFT JOIN sources cl ON cl.pk = c.claimant_pk
      LEFT JOIN sources rb ON rb.pk = c.reported_by_pk
     WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.claim_pk = c.pk);
