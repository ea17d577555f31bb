-- factdesk schema, version 2: full-text search over claims, fast matching of imported claims,
-- and a label column for Datasette.
--
-- `claims_fts` is an external-content FTS5 index over claims.text. factdesk writes it beside
-- every claim it inserts or edits, in the same transaction (not by trigger: a trigger makes
-- every insert a statement transaction, and FTS5 flushes its buffer at each one, which made bulk
-- imports three times slower). A claim inserted with raw SQL is not indexed until
-- `INSERT INTO claims_fts (claims_fts) VALUES ('rebuild')`. Datasette finds the index because
-- the content table is named with double quotes.

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    content="claims",
    content_rowid="pk",
    tokenize="porter unicode61 remove_diacritics 2"
);
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');

-- Imports match a record without an id to a claim with the same claimant and exact text; this
-- index answers that, and (by its first column) every "claims by this claimant" query.
DROP INDEX claims_claimant;
CREATE INDEX claims_match ON claims (claimant_pk, text);

-- Datasette labels rows by a `title` (or `name`) column: claims get one, derived from the text.
ALTER TABLE claims ADD COLUMN title TEXT GENERATED ALWAYS AS (substr(text, 1, 100)) VIRTUAL;
