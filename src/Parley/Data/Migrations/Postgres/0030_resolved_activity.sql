-- Resolved conversations in activity order, per account (PostgreSQL only). The newest conversations of an account are
-- mostly open, so "resolved" (alone, or with a channel and a tone) read along the whole activity index passed thousands
-- of open rows before its first match: ~5 ms per account, ten times that for an admin of ten brands. The planner cannot
-- see that resolved conversations are the older ones; this index gives them their own order, and a filter on it checks
-- only resolved rows. SQLite already walks its status index (account_id, status, updated_at) for these and needs none.
CREATE INDEX ix_conversations_resolved_activity ON conversations (account_id, updated_at, id) WHERE status = 'Resolved';
