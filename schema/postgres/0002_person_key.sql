-- factdesk's shared store, schema version 2: the four-eyes rule compares names more as the
-- client does (src/person.rs). Besides NFKC, lower case and single spaces, the key now drops
-- invisible characters (zero-width spaces and joiners, bidirectional controls, the byte-order
-- mark), accents and other combining marks, and folds the Cyrillic and Greek letters that look
-- like Latin ones — so a login spelt with a Cyrillic "а" cannot approve what "ana" proposed,
-- even from psql. (The client's key, Unicode's full confusable skeleton, is stricter still and
-- applies first; this is the server's own floor.)

CREATE OR REPLACE FUNCTION factdesk_person_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN lower(btrim(regexp_replace(
        translate(
            regexp_replace(
                normalize(name, NFKD),
                '[\u0300-\u036f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]', '', 'g'),
            'аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅԌαοκνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ',
            'aeopcyxijsdqwhlABEKMHOPCTXIJSGaokvptuxABEZHIKMNOPTYX'),
        '\s+', ' ', 'g')));
