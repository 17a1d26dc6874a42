-- Routing's read of the waiting line (EngineStore.ReadWaitingAsync) walks ix_conversations_waiting in planning order,
-- reading past the head of the line when nobody with room can take it, thousands of conversations deep late in a
-- burst. The index held only the order: each conversation walked past was looked up in the table for its queue and
-- the planner's columns, 7 - 10 microseconds each on a reader connection whose page cache the writer's commits had
-- dropped. The index now holds every column the read needs (its status is the index's own predicate), so the walk
-- reads no conversation row (WaitingReadTests). It holds queued conversations only: the wider entries cost only
-- conversations entering and leaving the queue.
DROP INDEX ix_conversations_waiting;
CREATE INDEX ix_conversations_waiting ON conversations
    (priority DESC, queued_at, id, queue_id, is_public, account_id, channel, contact_id, created_at)
    WHERE status = 'Queued';
