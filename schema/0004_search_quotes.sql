-- factdesk schema, version 4: a claim's own quote is searchable.
--
-- `claims_fts` gains a third column, `quote` (the claims table already has it), so `factdesk
-- search` finds a claim by the claimant's exact words as well as by its text and its
-- evidence. An FTS5 table's columns cannot be altered: the index is recreated and rebuilt from
-- the claims, and its vocabulary table with it. The linker still matches only the text and the
-- search context (it names those columns in its queries).

DROP TABLE claims_fts_vocab;
DROP TABLE claims_fts;
CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    search_context,
    quote,
    content="claims",
    content_rowid="pk",
    tokenize="porter unicode61 remove_diacritics 2"
);
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE claims_fts_vocab USING fts5vocab(claims_fts, row);
