-- The advisors' loads (AdvisorLoad.OfAsync): their conversations in the statuses that count against capacity (given by
-- the caller, which states the rule), grouped by advisor, account, channel and kind. Every routing commit counts them
-- for its advisors under their locks (about 250 advisors and 10,000 conversations a batch in the routing bench). Left
-- to statistics that lag the assignments (a table whose conversations were queued when it was last analyzed),
-- PostgreSQL expected a few dozen rows and grouped them by sorting: a sort of every row on two text keys in the
-- database's collation, about half the statement's time (15 of 28 ms for 6,600 rows). Grouping by hashing costs about
-- 2 ms for the same rows; the function's own setting keeps the sort out of this statement alone, as in routing_waiting
-- (0036). SQLite reads the groups in the assignee index's order, with no sort.
CREATE FUNCTION advisor_loads(advisors BIGINT[], statuses TEXT[])
RETURNS TABLE (assignee_id BIGINT, account_id BIGINT, channel TEXT, is_public BOOLEAN, conversations INTEGER)
LANGUAGE sql STABLE
SET enable_sort = off
AS $$
    SELECT c.assignee_id, c.account_id, c.channel, c.is_public, count(*)::integer
    FROM conversations c
    WHERE c.assignee_id = ANY (advisors) AND c.status = ANY (statuses)
    GROUP BY c.assignee_id, c.account_id, c.channel, c.is_public
$$;
