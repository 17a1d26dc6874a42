-- Routing's read of the waiting line (EngineStore.ReadWaitingAsync): the first queued conversations of some queues in
-- planning order, past an offset. It must walk ix_conversations_waiting (0025), which holds that order, and stop at
-- the limit. Left to its statistics, PostgreSQL sorted instead: statistics lag a burst of queued conversations (a
-- backlog that arrived since the last ANALYZE), so it expected a few dozen queued rows, read all of them (50,000 in
-- the routing bench) and sorted them for each window, 40 - 85 ms a read. A function's own setting forbids the sort for
-- this statement alone (SQLite is told the index instead: INDEXED BY).
CREATE FUNCTION routing_waiting(queues BIGINT[], row_limit INTEGER, row_offset INTEGER)
RETURNS TABLE (id BIGINT, queue_id BIGINT, priority INTEGER, queued_at TIMESTAMPTZ, account_id BIGINT, channel TEXT, is_public BOOLEAN, contact_id BIGINT)
LANGUAGE sql STABLE
SET enable_sort = off
AS $$
    SELECT c.id, c.queue_id, c.priority, COALESCE(c.queued_at, c.created_at), c.account_id, c.channel, c.is_public, c.contact_id
    FROM conversations c
    WHERE c.status = 'Queued' AND c.queue_id = ANY (queues)
    ORDER BY c.priority DESC, c.queued_at, c.id
    LIMIT row_limit OFFSET row_offset
$$;
