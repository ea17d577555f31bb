-- factdesk's shared store on PostgreSQL, schema version 1: the desk's event log, and the rules
-- the database itself enforces on it.
--
-- The log is the record: each machine that opens the store keeps a projection of it (claims,
-- evidence, links, verdicts, reports, search) in a local replica, built and kept up to date
-- from these events by the same code that projects a SQLite store. So the server holds what
-- must be shared and guarded — the events, in one order — and nothing that can disagree with
-- them.
--
-- What the database enforces, whoever connects (factdesk or a raw psql session):
-- * events are appended, never changed: UPDATE, DELETE and TRUNCATE are refused by triggers
--   (and not granted to the desk's roles);
-- * one writer at a time: every insert takes the log's lock first, so events are numbered
--   (`pk`) and committed in one order, and a reader that has seen event n has seen all before;
-- * a change typed on this store (`via = 'here'`) is recorded in the name of the database
--   login that writes it, and dated no earlier than any event already in the log (the events
--   of one change share a time; factdesk dates a new change after the latest); events from a
--   bundle (`via = 'bundle'`) keep their authors and may be written by the desk's admins only;
-- * nobody approves or rejects a verdict they proposed;
-- * each event is chained to the one before it (`chain`, as in a SQLite store), and stamped
--   with when and by whom it was written (`written_at`, `written_by`), by the server.
--
-- `factdesk init` creates the desk's roles (reader, member, admin; named after the database)
-- and grants them; this file holds what does not depend on their names.

CREATE TABLE factdesk_schema (
    version     integer PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- The desk's roles: which database role is its readers, members and admins.
CREATE TABLE factdesk_roles (
    kind  text PRIMARY KEY CHECK (kind IN ('reader', 'member', 'admin')),
    role  name NOT NULL UNIQUE
);

CREATE TABLE events (
    pk           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    at           text NOT NULL,
    author       text NOT NULL CHECK (author <> ''),
    action       text NOT NULL,
    record_kind  text NOT NULL CHECK (record_kind IN ('source', 'claim', 'evidence', 'link', 'store')),
    record_id    text NOT NULL,
    change       text NOT NULL CHECK (change::jsonb IS NOT NULL),
    hash         text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    chain        text NOT NULL,
    via          text NOT NULL CHECK (via IN ('here', 'bundle')),
    written_at   timestamptz NOT NULL,
    written_by   name NOT NULL
);
CREATE INDEX events_record ON events (record_id, action);
CREATE INDEX events_at ON events (at);

-- A person's name as the four-eyes rule compares it: NFKC, lower case, single spaces. (The
-- SQLite backend's key also folds accents and look-alike letters; here the people typing
-- changes are database logins, which the admins name.)
CREATE FUNCTION factdesk_person_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN lower(btrim(regexp_replace(normalize(name, NFKC), '\s+', ' ', 'g')));

-- One writer at a time, for every insert: the lock is taken before any row is numbered and held
-- until the transaction ends.
CREATE FUNCTION factdesk_one_writer() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('factdesk.events'));
    RETURN NULL;
END
$$;
CREATE TRIGGER events_one_writer BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION factdesk_one_writer();

CREATE FUNCTION factdesk_check_event() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    latest    text;
    previous  text;
    proposer  text;
    admins    name;
BEGIN
    NEW.written_at := now();
    NEW.written_by := session_user;
    IF NEW.via = 'here' THEN
        IF NEW.author IS DISTINCT FROM session_user::text THEN
            RAISE EXCEPTION 'you are logged in as "%": a change cannot be recorded in the name of "%"',
                session_user, NEW.author
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT max(at) INTO latest FROM events;
        IF latest IS NOT NULL AND NEW.at < latest THEN
            RAISE EXCEPTION 'event % is dated %, before the latest event of the log (%)',
                NEW.id, NEW.at, latest
                USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        SELECT role INTO admins FROM factdesk_roles WHERE kind = 'admin';
        IF admins IS NULL OR NOT pg_has_role(session_user, admins, 'MEMBER') THEN
            RAISE EXCEPTION 'only the desk''s admins may add events from a bundle (you are "%")',
                session_user
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF NEW.action IN ('review.approve', 'review.reject') THEN
        SELECT author INTO proposer FROM events
         WHERE record_id = NEW.record_id AND action = 'verdict.propose'
         ORDER BY pk DESC LIMIT 1;
        IF proposer IS NOT NULL
           AND factdesk_person_key(proposer) = factdesk_person_key(NEW.author) THEN
            RAISE EXCEPTION '% proposed the verdict on claim %: a different person must review it',
                proposer, NEW.record_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    SELECT chain INTO previous FROM events ORDER BY pk DESC LIMIT 1;
    NEW.chain := encode(sha256(convert_to(
        'factdesk.chain/1' || E'\n' || coalesce(previous, '') || E'\n' || NEW.hash, 'UTF8')), 'hex');
    RETURN NEW;
END
$$;
CREATE TRIGGER events_check BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION factdesk_check_event();

CREATE FUNCTION factdesk_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'factdesk events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION factdesk_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION factdesk_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION factdesk_append_only();
