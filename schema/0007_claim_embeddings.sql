-- Schema 7: the claims' sentence embeddings, for the linker's semantic layer (feature
-- `semantic`, setting `linker.model`).
--
-- This table is a cache derived from the claims' texts by a model on this machine, not part of
-- the record: no event writes it, bundles do not carry it, a replay (`verify`, `--as-of`, an
-- imported bundle) does not rebuild it, and `verify` does not compare it. It is written beside a
-- claim, in the claim's transaction, when a model is configured, and by `factdesk linker index`
-- for the others. `model` names the model that computed the vector (a digest of its files, see
-- `linker::semantic`), so vectors of two models are never compared; `vector` is `dims`
-- little-endian 32-bit floats. A rowid table: its rows (1.5 KB for a 384-dimension model) fit in
-- its leaf pages, where a WITHOUT ROWID table's would each spill to an overflow page (4.6 KB a
-- claim instead of about 2).
CREATE TABLE claim_embeddings (
    claim_pk  INTEGER NOT NULL REFERENCES claims (pk) ON DELETE CASCADE,
    model     TEXT NOT NULL CHECK (model <> ''),
    dims      INTEGER NOT NULL CHECK (dims > 0),
    vector    BLOB NOT NULL CHECK (length(vector) = 4 * dims),
    UNIQUE (claim_pk, model)
);

-- A vector describes the text it was computed from: an edit of the text (a `claim.edit`, or a
-- replayed one) drops it; the edit's own transaction, or `linker index`, computes the new one.
CREATE TRIGGER claim_embeddings_stale AFTER UPDATE OF text ON claims
WHEN OLD.text IS NOT NEW.text
BEGIN
    DELETE FROM claim_embeddings WHERE claim_pk = NEW.pk;
END;
