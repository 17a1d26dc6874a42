-- migration: outside a transaction
-- ix_conversations_activity (account_id, updated_at, id) of 0013 is dropped. The console's list of every status read an
-- account's page from it; it now reads the account's open conversations and its resolved ones apart, each from its own
-- activity index (ix_conversations_open_activity of 0013, ix_conversations_resolved_activity of 0030), and merges the
-- two pages (Console/ConsoleList.cs, ByResolution). Measured with the console list bench at a million conversations
-- (docs/PERFORMANCE.md). Every change of a conversation on PostgreSQL wrote an entry in it (10 indexes before, 9 now).
-- SQLite drops its copy in its own 0039, with the same way of reading the list.
-- Dropped concurrently, as 0042.
DROP INDEX CONCURRENTLY IF EXISTS ix_conversations_activity;
