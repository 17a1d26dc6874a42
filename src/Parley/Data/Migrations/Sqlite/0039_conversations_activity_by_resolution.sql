-- The console's lists read a page of every status as its open and its resolved conversations apart, each from a partial
-- activity index (Console/ConsoleList.cs, ByResolution), and one status from the index of its side: resolved ones from
-- the index below (as PostgreSQL's 0030), one open status by walking ix_conversations_open_activity (0013). The index
-- of every conversation in activity order and the one by status (0001) are dropped, as on PostgreSQL (0043, 0044): a
-- routing assignment changes a conversation's status and activity, and SQLite rewrote an entry in each of them; the
-- resolved index is written only when a conversation is resolved or reopened. Measured with the console list bench at
-- a million conversations, and the routing bench (docs/PERFORMANCE.md).
CREATE INDEX ix_conversations_resolved_activity ON conversations (account_id, updated_at, id) WHERE status = 'Resolved';
DROP INDEX IF EXISTS ix_conversations_status;
DROP INDEX IF EXISTS ix_conversations_activity;
