-- Advisors' loads (Routing/AdvisorLoad.cs) are counted from the assignee index under the advisors' locks in every routing
-- batch: per advisor, their conversations in a counting status, grouped by account, channel (its weight) and public or
-- private. The index now holds those three, which never change once a conversation exists, so the count reads no
-- conversation row, and an assignment writes this index no more often than before (its assignee and status change).
DROP INDEX ix_conversations_assignee;
CREATE INDEX ix_conversations_assignee ON conversations (assignee_id, status, account_id, channel, is_public);
