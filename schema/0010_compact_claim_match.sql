-- Schema 10: a compact index for matching an imported record to a claim.
--
-- `claims_match` indexed each claim's whole text beside its claimant (152 MB on a store of a
-- million claims, larger than an import's page cache, so every import and bundle batch read and
-- rewrote its pages at random). Matching needs only to narrow a claimant's claims down to the
-- few that begin alike: the index now holds the text's first 32 characters, and the import
-- compares the whole text of those few (`desk::import::existing_claim`). Its first column still
-- answers every "claims by this claimant" query.
DROP INDEX claims_match;
CREATE INDEX claims_match ON claims (claimant_pk, substr(text, 1, 32));
