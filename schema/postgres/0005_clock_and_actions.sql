-- factdesk's shared store, schema version 5: no date typed into psql can move the desk's clock
-- far, and no action factdesk does not know enters the log.
--
-- * A change written here must be dated at or after the log's latest event (schema 1), and now
--   no more than five minutes past the later of the server's clock and that event. factdesk
--   dates a change by the server's clock, or just after the latest event when a bundle from a
--   machine whose clock ran ahead (`import --accept-future`) brought a later one, as every store
--   does (a change made after seeing another is dated after it). Before, a member could insert
--   an event dated 2999 from psql, and every change after it was dated 2999 too.
-- * The log takes the actions this factdesk knows, and no others. A replica sets aside an event
--   factdesk refuses (src/store/mod.rs, `Store::sync`), so one bad event cannot stop the desk;
--   an action from a newer factdesk is not a bad event, so a newer factdesk that adds one brings
--   a newer schema with it, which older ones refuse to open ("upgrade factdesk") rather than set
--   its events aside. Checked for new events only (NOT VALID): a log that already holds
--   another action keeps it, and every replica sets it aside.
--   GENERATED list: a unit test (`shared_schema_knows_every_action`) holds it to
--   `Action::ALL`.

CREATE OR REPLACE FUNCTION factdesk_check_event() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    latest    text;
    previous  text;
    proposer  text;
    admins    name;
    horizon   text;
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
        -- (Only a change dated after the latest event reads the clock: a bulk import's events
        -- share one date.)
        IF latest IS NULL OR NEW.at > latest THEN
            horizon := greatest(latest, to_char(clock_timestamp() AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
            IF NEW.at > horizon AND NEW.at > to_char(
                   (horizon::timestamptz + interval '5 minutes') AT TIME ZONE 'UTC',
                   'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN
                RAISE EXCEPTION 'event % is dated %, more than five minutes past the server''s clock and the log''s latest event (%)',
                    NEW.id, NEW.at, horizon
                    USING ERRCODE = 'check_violation';
            END IF;
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

ALTER TABLE events DROP CONSTRAINT IF EXISTS events_known_action;
ALTER TABLE events ADD CONSTRAINT events_known_action CHECK (action IN (
    'source.add',
    'claim.add',
    'evidence.add',
    'link.add',
    'claim.edit',
    'claim.assign',
    'claim.comment',
    'verdict.set',
    'verdict.clear',
    'verdict.propose',
    'review.approve',
    'review.reject',
    'link.remove',
    'config.set',
    'claim.retract',
    'claim.restore',
    'evidence.retract',
    'evidence.restore',
    'evidence.edit',
    'evidence.move',
    'source.edit',
    'source.rename',
    'source.merge',
    'source.unmerge'
)) NOT VALID;
