-- The console's "snoozed" view (Console/ConsoleList.cs, Conversations/Snooze.cs): few conversations are snoozed at a
-- time, so reading them newest activity first from the open conversations' index walked thousands of rows per page for
-- an admin of ten accounts (84 ms at a million conversations). Snoozed ones have their own small index; the rule's
-- "snoozed_at IS NOT NULL" term is what lets the planner use it. SQLite reads that view fast enough without it.
CREATE INDEX ix_conversations_snoozed_activity ON conversations (account_id, updated_at, id) WHERE snoozed_at IS NOT NULL;
