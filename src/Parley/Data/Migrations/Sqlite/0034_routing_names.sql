-- An advisor's name moves the routing counter too (0025). On SQLite a routing batch whose counter has not moved since
-- its plan takes its advisors' presence, capacities and names from the team it planned with, instead of reading them
-- under the write gate (Routing/Router.Commit.cs); the name is in the "joined" message each assignment writes.
DROP TRIGGER tr_advisors_routing_update;
CREATE TRIGGER tr_advisors_routing_update AFTER UPDATE OF presence, capacity, public_capacity, disabled_at, display_name ON advisors
BEGIN UPDATE routing_version SET version = version + 1; END;
