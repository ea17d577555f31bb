-- factdesk schema, version 2: full-text search over claims, fast matching of imported claims,
-- and a label column for Datasette.
--
-- `claims_fts` is an external-content FTS5 index over claims.text, kept in step with the claims
-- table by triggers, so every insert, edit and delete updates it in the same transaction.
-- Datasette finds it because the content table is named with double quotes.

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    content="claims",
    content_rowid="pk",
    tokenize="porter unicode61 remove_diacritics 2"
);
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');

CREATE TRIGGER claims_fts_after_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO claims_fts (rowid, text) VALUES (new.pk, new.text);
END;
CREATE TRIGGER claims_fts_after_delete AFTER DELETE ON claims
BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.pk, old.text);
END;
CREATE TRIGGER claims_fts_after_update AFTER UPDATE OF text ON claims
BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.pk, old.text);
    INSERT INTO claims_fts (rowid, text) VALUES (new.pk, new.text);
END;

-- Imports match a record without an id to a claim with the same claimant and exact text; this
-- index answers that, and (by its first column) every "claims by this claimant" query.
DROP INDEX claims_claimant;
CREATE INDEX claims_match ON claims (claimant_pk, text);

-- Datasette labels rows by a `title` (or `name`) column: claims get one, derived from the text.
ALTER TABLE claims ADD COLUMN title TEXT GENERATED ALWAYS AS (substr(text, 1, 100)) VIRTUAL;
