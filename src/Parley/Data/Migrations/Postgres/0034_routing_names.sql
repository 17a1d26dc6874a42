-- An advisor's name moves the routing counter too (0026), as on SQLite, where a routing batch whose counter has not moved
-- since its plan takes its advisors' names from the team it planned with (Routing/Router.Commit.cs). PostgreSQL's batches
-- still read their advisors under the advisors' row locks; the counter means the same on both databases.
DROP TRIGGER tr_advisors_routing ON advisors;
CREATE CONSTRAINT TRIGGER tr_advisors_routing AFTER INSERT OR DELETE OR UPDATE OF presence, capacity, public_capacity, disabled_at, display_name ON advisors
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION routing_version_bump();
