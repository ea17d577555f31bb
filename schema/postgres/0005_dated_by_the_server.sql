-- factdesk's shared store, schema version 5: no event can stop the desk's clock.
--
-- A change written here must be dated at or after the latest change written here (the log's
-- times follow its order). Schema 1 compared it with the latest event of any kind, and took any
-- date: so one member dating an event in 2999 from psql, or an admin importing a bundle from a
-- laptop whose clock ran a year ahead (`import --accept-future`), had every later change refused
-- as "before the latest event" until then. Now
--   * a change written here may be dated at most five minutes past the server's clock (factdesk
--     dates them by that clock; the leeway is for a fixed clock, FACTDESK_NOW, a little ahead);
--   * it is compared with the latest change written here only: a bundle's events keep the dates
--     their own machines gave them, and those say nothing about this server's clock.

CREATE OR REPLACE FUNCTION factdesk_check_event() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    latest    text;
    previous  text;
    last_at   text;
    last_via  text;
    proposer  text;
    admins    name;
    horizon   text;
BEGIN
    NEW.written_at := now();
    NEW.written_by := session_user;
    -- The log's last event: its link of the chain, and its date when it was written here.
    -- (Every lookup here reads back from the log's end by number, a plan that stays one step
    -- however it was planned: plpgsql plans a query once per session, perhaps on an empty log,
    -- and a filtered `max(at)` or `ORDER BY ... LIMIT 1` planned so scans the whole log for
    -- each event — a bulk import took minutes, not seconds.)
    SELECT chain, at, via INTO previous, last_at, last_via FROM events ORDER BY pk DESC LIMIT 1;
    IF NEW.via = 'here' THEN
        IF NEW.author IS DISTINCT FROM session_user::text THEN
            RAISE EXCEPTION 'you are logged in as "%": a change cannot be recorded in the name of "%"',
                session_user, NEW.author
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        horizon := to_char((clock_timestamp() + interval '5 minutes') AT TIME ZONE 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
        IF NEW.at > horizon THEN
            RAISE EXCEPTION 'event % is dated %, ahead of the server''s clock (%): a change is dated by the server''s clock',
                NEW.id, NEW.at,
                to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                USING ERRCODE = 'check_violation';
        END IF;
        -- The latest change written here by number is the latest by date (each was checked
        -- so): the last event when it was, else found once by reading back past a bundle's.
        IF last_via = 'here' THEN
            latest := last_at;
        ELSIF last_via IS NOT NULL THEN
            FOR latest IN SELECT at FROM events WHERE via = 'here' ORDER BY pk DESC LOOP
                EXIT;
            END LOOP;
        END IF;
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
    NEW.chain := encode(sha256(convert_to(
        'factdesk.chain/1' || E'\n' || coalesce(previous, '') || E'\n' || NEW.hash, 'UTF8')), 'hex');
    RETURN NEW;
END
$$;
