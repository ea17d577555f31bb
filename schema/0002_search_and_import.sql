-- factdesk schema, version 2: full-text search over claims, fast matching of imported claims,
-- and a label column for Datasette.
--
-- `claims_fts` is an external-content FTS5 index over each claim's text and its search context:
-- `claims.search_context`, the notes and quotes of the claim's evidence, kept by factdesk
-- whenever evidence is added (it is what the linker and Datasette's search find a claim by, besides
-- its own words). factdesk writes the index beside
-- every claim it inserts or edits, in the same transaction (not by trigger: a trigger makes
-- every insert a statement transaction, and FTS5 flushes its buffer at each one, which made bulk
-- imports three times slower). A claim inserted with raw SQL is not indexed until
-- `INSERT INTO claims_fts (claims_fts) VALUES ('rebuild')`. Datasette finds the index because
-- the content table is named with double quotes.

ALTER TABLE claims ADD COLUMN search_context TEXT;
UPDATE claims SET search_context = (
    SELECT group_concat(coalesce(e.note, '') || ' ' || coalesce(e.quote, ''), char(10))
      FROM evidence e WHERE e.claim_pk = claims.pk)
 WHERE pk IN (SELECT claim_pk FROM evidence);

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    search_context,
    content="claims",
    content_rowid="pk",
    tokenize="porter unicode61 remove_diacritics 2"
);
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');

-- How many claims each indexed term appears in: the linker leaves out of its queries the terms
-- so common that they cost much and tell little.
CREATE VIRTUAL TABLE claims_fts_vocab USING fts5vocab(claims_fts, row);

-- Imports match a record without an id to a claim with the same claimant and exact text; this
-- index answers that, and (by its first column) every "claims by this claimant" query.
DROP INDEX claims_claimant;
CREATE INDEX claims_match ON claims (claimant_pk, text);

-- Datasette labels rows by a `title` (or `name`) column: claims get one, derived from the text.
ALTER TABLE claims ADD COLUMN title TEXT GENERATED ALWAYS AS (substr(text, 1, 100)) VIRTUAL;
