-- factdesk schema, version 3: team work — tamper-evident events, store settings, review before
-- a verdict stands, and who is working on which claim.
--
-- The event log is rebuilt once, to add:
--   * `hash`: SHA-256 of the event's canonical content (see src/store/integrity.rs). Exchanged
--     events keep their hash, and `factdesk verify` recomputes every one. The function
--     `factdesk_event_hash` exists only inside factdesk; sqlite3 users can read but not recompute.
--   * the record kind `store`, for store-wide settings (`config.set`).
--   * an index on (at, id): the canonical order in which events are replayed and merged.
-- The append-only guards are recreated on the new table.

CREATE TABLE events_v3 (
    pk           INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL,
    author       TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_kind  TEXT NOT NULL CHECK (
                     record_kind = 'source'
                  OR record_kind = 'claim'
                  OR record_kind = 'evidence'
                  OR record_kind = 'link'
                  OR record_kind = 'store'),
    record_id    TEXT NOT NULL,
    change       TEXT NOT NULL CHECK (json_valid(change)),
    hash         TEXT NOT NULL CHECK (length(hash) = 64)
);
INSERT INTO events_v3 (pk, id, at, author, action, record_kind, record_id, change, hash)
    SELECT pk, id, at, author, action, record_kind, record_id, change,
           factdesk_event_hash(id, at, author, action, record_kind, record_id, change)
      FROM events ORDER BY pk;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
CREATE INDEX events_record ON events (record_id);
CREATE INDEX events_at ON events (at, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'factdesk events are append-only: UPDATE refused');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'factdesk events are append-only: DELETE refused');
END;

-- When the store learned of each record: the time of the event that created it (its
-- `created_at` may be older, as an imported file said). `--as-of` reads the store as it stood by
-- comparing these, and finds what changed since through `events_changes`: the events that
-- change a record rather than create it (few, beside the creations).
ALTER TABLE sources ADD COLUMN logged_at TEXT;
ALTER TABLE claims ADD COLUMN logged_at TEXT;
ALTER TABLE evidence ADD COLUMN logged_at TEXT;
ALTER TABLE links ADD COLUMN logged_at TEXT;
UPDATE sources SET logged_at = (SELECT min(at) FROM events e
    WHERE e.record_id = sources.id AND e.action = 'source.add');
UPDATE claims SET logged_at = (SELECT min(at) FROM events e
    WHERE e.record_id = claims.id AND e.action = 'claim.add');
UPDATE evidence SET logged_at = (SELECT min(at) FROM events e
    WHERE e.record_id = evidence.id AND e.action = 'evidence.add');
UPDATE links SET logged_at = (SELECT min(at) FROM events e
    WHERE e.record_id = links.id AND e.action = 'link.add');
-- (Written as an AND chain, not NOT IN (…): SQLite would build a temporary index for the list
-- on every event inserted, as 0001 notes for CHECK constraints.)
CREATE INDEX events_changes ON events (at)
    WHERE action <> 'source.add' AND action <> 'claim.add' AND action <> 'evidence.add'
      AND action <> 'link.add';

-- Two people in two stores may make the same link at the same time; after they exchange work
-- both links stand (each is in someone's history, and either may be removed). The live
-- "one link per pair" rule is kept by factdesk when a link is made, not by a unique index.
DROP INDEX links_unique_pair;

-- Desk settings kept in the store (`factdesk config set KEY VALUE`), each change an event.
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL,
    set_at  TEXT NOT NULL,
    set_by  TEXT NOT NULL
) WITHOUT ROWID;

-- Who is working on a claim (`factdesk claim assign`).
CREATE TABLE assignments (
    claim_pk     INTEGER PRIMARY KEY REFERENCES claims (pk),
    assignee     TEXT NOT NULL,
    assigned_at  TEXT NOT NULL,
    assigned_by  TEXT NOT NULL
);
CREATE INDEX assignments_assignee ON assignments (assignee COLLATE NOCASE, claim_pk);

-- A verdict waiting for a second person (when review.required is set). It is not the claim's
-- verdict — the status ignores it — until `factdesk review approve` moves it into `verdicts`.
CREATE TABLE proposed_verdicts (
    claim_pk     INTEGER PRIMARY KEY REFERENCES claims (pk),
    verdict      TEXT NOT NULL CHECK (
                     verdict = 'supported'
                  OR verdict = 'refuted'
                  OR verdict = 'mixed'
                  OR verdict = 'unverifiable'),
    rationale    TEXT NOT NULL CHECK (trim(rationale) <> ''),
    proposed_at  TEXT NOT NULL,
    proposed_by  TEXT NOT NULL
);
CREATE INDEX proposed_verdicts_at ON proposed_verdicts (proposed_at, claim_pk);

-- Who approved a reviewed verdict, and when (empty for verdicts that needed no review).
ALTER TABLE verdicts ADD COLUMN reviewed_by TEXT;
ALTER TABLE verdicts ADD COLUMN reviewed_at TEXT;

-- The review queue as `factdesk review queue` shows it, oldest first, for sqlite3 and Datasette.
CREATE VIEW review_queue AS
    SELECT c.id, c.text, p.verdict, p.rationale, p.proposed_by, p.proposed_at
      FROM proposed_verdicts p JOIN claims c ON c.pk = p.claim_pk
     ORDER BY p.proposed_at, c.id;
