-- factdesk schema, version 5: a record you can trust — a chained log, and when and how each
-- event reached this store.
--
-- * `chain`: this store's hash chain over its log, in the order events were written here
--   (`pk`). chain(n) = SHA-256 of "factdesk.chain/1", a newline, chain(n-1) (empty for the
--   first event), a newline and hash(n), as 64 hex digits (see src/store/integrity.rs).
--   Removing, reordering or inserting events anywhere but at the end breaks it, and
--   `factdesk verify --checkpoint HEAD` exposes a rewritten end. Chains are local: the same
--   events reach two stores in different orders, so only `hash` travels in bundles.
-- * `written_at`: when this store wrote the event, by its own clock, beside the time the event
--   carries (`at`). A change typed here always carries a time at or after it (the hybrid
--   logical clock), so an event written here whose time lies before it was backdated.
-- * `via`: 'here' for changes made in this store, 'bundle' for events imported from another;
--   empty for events written before this version.
--
-- The existing events are chained in the order they were written; the UPDATE guard is lifted
-- for that one statement and put back exactly as before.

ALTER TABLE events ADD COLUMN chain TEXT CHECK (chain IS NULL OR length(chain) = 64);
ALTER TABLE events ADD COLUMN written_at TEXT;
ALTER TABLE events ADD COLUMN via TEXT CHECK (via IS NULL OR via = 'here' OR via = 'bundle');

DROP TRIGGER events_no_update;
WITH RECURSIVE chained (pk, chain) AS (
    SELECT pk, factdesk_chain('', hash) FROM events WHERE pk = (SELECT min(pk) FROM events)
    UNION ALL
    SELECT e.pk, factdesk_chain(c.chain, e.hash)
      FROM chained c JOIN events e ON e.pk = (SELECT min(pk) FROM events WHERE pk > c.pk)
)
UPDATE events SET chain = chained.chain FROM chained WHERE chained.pk = events.pk;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'factdesk events are append-only: UPDATE refused');
END;

-- A bundle being imported. `factdesk import` checks the whole bundle first, reading the store
-- without locking it, then moves the new events here in one short transaction (a crash before
-- that leaves the store as it was), and applies them in batches of a few thousand, each batch's
-- events and rebuilt records in one transaction, so colleagues can write in between. A crash
-- during the batches leaves this row: the next factdesk to open the store finishes the import
-- before anything else (so from the user's side an import happens whole, or not at all).
CREATE TABLE bundle_import (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    events      INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL
);
-- Its events still to apply, in the canonical order (creations first, then time, then id), with
-- the bundle line each came from.
CREATE TABLE bundle_pending (
    seq          INTEGER PRIMARY KEY,
    line         INTEGER NOT NULL,
    id           TEXT NOT NULL,
    at           TEXT NOT NULL,
    author       TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_kind  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    change       TEXT NOT NULL,
    hash         TEXT NOT NULL
);
