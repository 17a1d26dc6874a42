-- The routing counter (0025) is moved at commit, no longer by each statement. A statement trigger took the counter row's
-- lock at the transaction's first routing change and kept it to the end, so a transaction that changed something else
-- first and an advisor's row after (an admin's edit: the advisor's queues and skills, then the advisor) waited for the
-- advisor's row while holding the counter, as a presence change held the advisor's row and waited for the counter:
-- deadlock (40P01). Deferred constraint triggers run when the transaction commits, after every other lock it takes, so
-- the counter's holder waits for nothing else. Constraint triggers are row-level: the first one of a transaction moves
-- the counter and leaves a transaction-local mark, the others see it and return.
DROP TRIGGER tr_advisors_routing ON advisors;
DROP TRIGGER tr_advisor_queues_routing ON advisor_queues;
DROP TRIGGER tr_advisor_skills_routing ON advisor_skills;
DROP TRIGGER tr_queues_routing ON queues;
DROP TRIGGER tr_queue_skills_routing ON queue_skills;
DROP TRIGGER tr_queue_relaxations_routing ON queue_relaxations;
DROP TRIGGER tr_channel_weights_routing ON channel_weights;

CREATE OR REPLACE FUNCTION routing_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('parley.routing_version_moved', true) IS DISTINCT FROM 'yes' THEN
        UPDATE routing_version SET version = version + 1;
        PERFORM set_config('parley.routing_version_moved', 'yes', true);
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER tr_advisors_routing AFTER INSERT OR DELETE OR UPDATE OF presence, capacity, public_capacity, disabled_at ON advisors
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
CREATE CONSTRAINT TRIGGER tr_advisor_queues_routing AFTER INSERT OR DELETE OR UPDATE ON advisor_queues
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
CREATE CONSTRAINT TRIGGER tr_advisor_skills_routing AFTER INSERT OR DELETE OR UPDATE ON advisor_skills
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
CREATE CONSTRAINT TRIGGER tr_queues_routing AFTER INSERT OR DELETE OR UPDATE OF sticky_seconds ON queues
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
CREATE CONSTRAINT TRIGGER tr_queue_skills_routing AFTER INSERT OR DELETE OR UPDATE ON queue_skills
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
CREATE CONSTRAINT TRIGGER tr_queue_relaxations_routing AFTER INSERT OR DELETE OR UPDATE ON queue_relaxations
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
CREATE CONSTRAINT TRIGGER tr_channel_weights_routing AFTER INSERT OR DELETE OR UPDATE ON channel_weights
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
