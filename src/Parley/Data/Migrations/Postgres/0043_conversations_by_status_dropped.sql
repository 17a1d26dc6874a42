-- migration: outside a transaction
-- ix_conversations_status (account_id, status, updated_at) of 0001 is dropped. The console's lists it served read their
-- statuses from the activity indexes made since: open conversations from ix_conversations_open_activity (0013), one
-- open status by walking it (the open ones are a few thousand an account, newest first), resolved ones from
-- ix_conversations_resolved_activity (0030), snoozed ones from ix_conversations_snoozed_activity (0028). Measured with
-- the console list bench at a million conversations (docs/PERFORMANCE.md). Every change of a conversation on PostgreSQL
-- writes an entry in each index whose predicate the row meets (a routing assignment, an advisor's reply, a customer's
-- message: 11 indexes before, 10 now; 0044 drops another). SQLite drops its copy in its own 0039.
-- Dropped concurrently, as 0042.
DROP INDEX CONCURRENTLY IF EXISTS ix_conversations_status;
