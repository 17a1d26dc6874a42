-- migration: outside a transaction
-- Sticky routing's read (StickyRouting.LastAdvisorsAsync): the advisors' replies since a time in the conversations of
-- the contacts waiting. Without an index that holds advisors' replies alone, PostgreSQL read every message of the
-- database when its statistics found few of them (a new deployment, or a backlog of customers not yet answered): in the
-- routing bench a sequential scan of 69,000 messages for each plan, 11 - 32 ms, which at ten million messages would be
-- seconds. With this index the same read takes well under a millisecond; a message that is not an advisor's reply
-- (most of them: customers', the bot's, system notes) adds nothing to it.
-- Built concurrently: it reads every message once, and messages keep being written meanwhile. A build cut short leaves
-- an invalid index of this name, dropped before building again.
DROP INDEX CONCURRENTLY IF EXISTS ix_messages_advisor_replies;
CREATE INDEX CONCURRENTLY ix_messages_advisor_replies ON messages (conversation_id, created_at)
    WHERE author_kind = 'Advisor' AND author_id IS NOT NULL;
