-- Routing keeps what rarely changes between its passes (Routing/RoutingSnapshotCache.cs): online advisors, their
-- capacities, queues and skills; the queues' skills, relaxation steps and sticky windows; the channel weights. Every
-- change to those tables, by any node or statement, moves this one counter in the changing transaction, so a pass
-- compares one number with the one its cache was read at and reads again when it moved.
-- Statement-level triggers: a statement changing 1,000 advisors moves it once.
CREATE TABLE routing_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO routing_version (id, version) VALUES (1, 0);

CREATE FUNCTION routing_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE routing_version SET version = version + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tr_advisors_routing AFTER INSERT OR DELETE OR UPDATE OF presence, capacity, public_capacity, disabled_at ON advisors
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();
CREATE TRIGGER tr_advisor_queues_routing AFTER INSERT OR DELETE OR UPDATE ON advisor_queues
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();
CREATE TRIGGER tr_advisor_skills_routing AFTER INSERT OR DELETE OR UPDATE ON advisor_skills
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();
CREATE TRIGGER tr_queues_routing AFTER INSERT OR DELETE OR UPDATE OF sticky_seconds ON queues
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();
CREATE TRIGGER tr_queue_skills_routing AFTER INSERT OR DELETE OR UPDATE ON queue_skills
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();
CREATE TRIGGER tr_queue_relaxations_routing AFTER INSERT OR DELETE OR UPDATE ON queue_relaxations
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();
CREATE TRIGGER tr_channel_weights_routing AFTER INSERT OR DELETE OR UPDATE ON channel_weights
FOR EACH STATEMENT EXECUTE FUNCTION routing_version_bump();

-- The waiting conversations in planning order (priority, then the earliest queued), read a page at a time
-- (Data/EngineStore.Routing.cs: ReadWaitingAsync).
CREATE INDEX ix_conversations_waiting ON conversations (priority DESC, queued_at, id) WHERE status = 'Queued';
