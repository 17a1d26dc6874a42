-- Each advisor's load version (Routing/KnownLoads.cs), as SQLite's 0038: a routing batch counted the loads of its advisors
-- under their locks (advisor_loads, 0037), tens of conversations each once advisors are busy, for every advisor of every
-- batch; it now counts only those whose version moved since its router's last commit for them.
-- Who moves it, and when, is chosen for the locks. A routing batch holds its advisors, then its conversations, then
-- claims its advisors' versions in id order (Data/EngineStore.Loads.cs), moving them itself; its own writes are told
-- apart by a transaction setting (parley.routing_commit) and move nothing more. Every other writer whose change moves an
-- advisor's load (an assignee, status, account, channel or kind changed; a conversation with an assignee inserted or
-- deleted) notes the advisor when it writes and moves the versions of all it noted when it commits, in id order: a
-- deferred trigger runs after every other lock the transaction takes, so the version rows are the last locks anyone
-- waits for, always taken in the same order, and no two writers can wait for each other in a circle (0026 moved the
-- routing counter to commit for the same reason).
-- As on SQLite, a status change moves the version when the conversation goes into or out of a counting status (Assigned
-- or WaitingForCustomer: Routing/AdvisorLoad.cs, checked against it by KnownLoadsTests), so an advisor's reply and the
-- customer's answer move nothing. A version moved for nothing costs one advisor's count, never a place over capacity.
-- No row yet reads as version 0.
CREATE TABLE advisor_load_versions (
    advisor_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);

-- The advisors a transaction moved, in a transaction-local setting: ",12,57," (each once).
CREATE FUNCTION advisor_load_noted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted TEXT := coalesce(nullif(current_setting('parley.load_moved', true), ''), ',');
    advisor BIGINT;
BEGIN
    FOREACH advisor IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.assignee_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.assignee_id END]
    LOOP
        IF advisor IS NOT NULL AND position(',' || advisor || ',' IN noted) = 0 THEN
            noted := noted || advisor || ',';
        END IF;
    END LOOP;
    PERFORM set_config('parley.load_moved', noted, true);
    RETURN NULL;
END;
$$;

-- At commit: the first of the transaction's deferred events moves every noted advisor's version, in id order.
CREATE FUNCTION advisor_load_versions_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted TEXT := current_setting('parley.load_moved', true);
BEGIN
    IF noted IS NOT NULL AND noted <> '' THEN
        PERFORM set_config('parley.load_moved', '', true);
        INSERT INTO advisor_load_versions AS v (advisor_id, version)
        SELECT DISTINCT a::BIGINT, 1 FROM unnest(string_to_array(trim(BOTH ',' FROM noted), ',')) AS a ORDER BY 1
        ON CONFLICT (advisor_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tr_conversations_load_insert AFTER INSERT ON conversations
FOR EACH ROW WHEN (NEW.assignee_id IS NOT NULL) EXECUTE FUNCTION advisor_load_noted();
CREATE TRIGGER tr_conversations_load_delete AFTER DELETE ON conversations
FOR EACH ROW WHEN (OLD.assignee_id IS NOT NULL) EXECUTE FUNCTION advisor_load_noted();
CREATE TRIGGER tr_conversations_load_update AFTER UPDATE OF assignee_id, status, account_id, channel, is_public ON conversations
FOR EACH ROW WHEN ((OLD.assignee_id IS NOT NULL OR NEW.assignee_id IS NOT NULL)
    AND (OLD.assignee_id, OLD.status IN ('Assigned', 'WaitingForCustomer'), OLD.account_id, OLD.channel, OLD.is_public)
        IS DISTINCT FROM (NEW.assignee_id, NEW.status IN ('Assigned', 'WaitingForCustomer'), NEW.account_id, NEW.channel, NEW.is_public)
    AND current_setting('parley.routing_commit', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION advisor_load_noted();

CREATE CONSTRAINT TRIGGER tr_conversations_load_moved_insert AFTER INSERT ON conversations
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.assignee_id IS NOT NULL) EXECUTE FUNCTION advisor_load_versions_moved();
CREATE CONSTRAINT TRIGGER tr_conversations_load_moved_delete AFTER DELETE ON conversations
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.assignee_id IS NOT NULL) EXECUTE FUNCTION advisor_load_versions_moved();
CREATE CONSTRAINT TRIGGER tr_conversations_load_moved_update AFTER UPDATE OF assignee_id, status, account_id, channel, is_public ON conversations
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((OLD.assignee_id IS NOT NULL OR NEW.assignee_id IS NOT NULL)
    AND (OLD.assignee_id, OLD.status IN ('Assigned', 'WaitingForCustomer'), OLD.account_id, OLD.channel, OLD.is_public)
        IS DISTINCT FROM (NEW.assignee_id, NEW.status IN ('Assigned', 'WaitingForCustomer'), NEW.account_id, NEW.channel, NEW.is_public)
    AND current_setting('parley.routing_commit', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION advisor_load_versions_moved();
