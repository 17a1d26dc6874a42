-- Routing keeps what rarely changes between its passes (Routing/RoutingSnapshotCache.cs): online advisors, their
-- capacities, queues and skills; the queues' skills, relaxation steps and sticky windows; the channel weights. Every
-- change to those tables, by any node or statement, moves this one counter in the changing transaction, so a pass
-- compares one number with the one its cache was read at and reads again when it moved.
CREATE TABLE routing_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO routing_version (id, version) VALUES (1, 0);

CREATE TRIGGER tr_advisors_routing_insert AFTER INSERT ON advisors
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisors_routing_delete AFTER DELETE ON advisors
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisors_routing_update AFTER UPDATE OF presence, capacity, public_capacity, disabled_at ON advisors
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisor_queues_routing_insert AFTER INSERT ON advisor_queues
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisor_queues_routing_delete AFTER DELETE ON advisor_queues
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisor_queues_routing_update AFTER UPDATE ON advisor_queues
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisor_skills_routing_insert AFTER INSERT ON advisor_skills
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisor_skills_routing_delete AFTER DELETE ON advisor_skills
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_advisor_skills_routing_update AFTER UPDATE ON advisor_skills
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queues_routing_insert AFTER INSERT ON queues
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queues_routing_delete AFTER DELETE ON queues
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queues_routing_update AFTER UPDATE OF sticky_seconds ON queues
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queue_skills_routing_insert AFTER INSERT ON queue_skills
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queue_skills_routing_delete AFTER DELETE ON queue_skills
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queue_skills_routing_update AFTER UPDATE ON queue_skills
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queue_relaxations_routing_insert AFTER INSERT ON queue_relaxations
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queue_relaxations_routing_delete AFTER DELETE ON queue_relaxations
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_queue_relaxations_routing_update AFTER UPDATE ON queue_relaxations
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_channel_weights_routing_insert AFTER INSERT ON channel_weights
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_channel_weights_routing_delete AFTER DELETE ON channel_weights
BEGIN UPDATE routing_version SET version = version + 1; END;
CREATE TRIGGER tr_channel_weights_routing_update AFTER UPDATE ON channel_weights
BEGIN UPDATE routing_version SET version = version + 1; END;

-- The waiting conversations in planning order (priority, then the earliest queued), read a page at a time
-- (Data/EngineStore.Routing.cs: ReadWaitingAsync).
CREATE INDEX ix_conversations_waiting ON conversations (priority DESC, queued_at, id) WHERE status = 'Queued';
