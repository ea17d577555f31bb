-- Schema 9: correcting sources — editing, renaming and merging them, reversibly.
--
-- A renamed source (`source.rename`) keeps its id; its earlier names stay in `source_names`, so
-- an event, a bundle or a person naming it by an old name still finds it.
--
-- A merged source (`source.merge`, undone by `source.unmerge`) keeps its row, marked with the
-- source it was merged into (`merged_into_pk`); its name becomes an alias of that source. The
-- claims and evidence that name it are counted for the surviving source: their `claimant_pk`,
-- `reported_by_pk` and `source_pk` hold the source they count for, and the `*_named_pk` columns
-- beside them hold the source their events named when that differs (NULL otherwise), which is
-- what an unmerge points them back to. Every existing view, report and Datasette query reads
-- the source a record counts for without change.
CREATE TABLE source_names (
    -- a former name's matching key (trimmed, lower-cased), as `sources.name_key`
    name_key    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    source_pk   INTEGER NOT NULL REFERENCES sources (pk)
) WITHOUT ROWID;
CREATE INDEX source_names_source ON source_names (source_pk);
ALTER TABLE sources ADD COLUMN merged_into_pk INTEGER REFERENCES sources (pk);
ALTER TABLE claims ADD COLUMN claimant_named_pk INTEGER REFERENCES sources (pk);
ALTER TABLE claims ADD COLUMN reported_by_named_pk INTEGER REFERENCES sources (pk);
ALTER TABLE evidence ADD COLUMN source_named_pk INTEGER REFERENCES sources (pk);
-- The few records that name a merged source, for an unmerge to find them.
CREATE INDEX claims_claimant_named ON claims (claimant_named_pk)
    WHERE claimant_named_pk IS NOT NULL;
CREATE INDEX claims_reported_by_named ON claims (reported_by_named_pk)
    WHERE reported_by_named_pk IS NOT NULL;
CREATE INDEX evidence_source_named ON evidence (source_named_pk)
    WHERE source_named_pk IS NOT NULL;
