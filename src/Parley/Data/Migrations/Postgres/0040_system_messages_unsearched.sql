-- migration: outside a transaction
-- Parley's own notices in a conversation (author_kind 'System': "Marie joined the conversation.", a handoff's note) are
-- not searched (Console/ConversationSearch.cs: every message search says author_kind <> 'System'), yet PostgreSQL's
-- full-text index of 0013 held them too. Each routing assignment's "joined" notice was a GIN entry nobody reads: about
-- 5 µs of each assignment's commit, a fifth of the notices' insert. The index now leaves them out, as SQLite's does
-- (0035_system_messages_unsearched.sql); the searches' own condition lets PostgreSQL use it.
-- Built concurrently (it reads every message once, and messages keep being written meanwhile). A build cut short leaves
-- an invalid index of this name, dropped before building again; the index of 0013 goes once the new one is in place.
-- The statistics of the words: PostgreSQL keeps an expression's statistics for a whole-table index only, and a search
-- tells a common word from a rare one by the planner's estimate (ConversationSearch.IsCommonAsync). They are kept on the
-- expression itself now, and gathered at once (ANALYZE reads a sample of fixed size, not every message).
DROP INDEX CONCURRENTLY IF EXISTS ix_messages_search_written;
CREATE INDEX CONCURRENTLY ix_messages_search_written ON messages USING GIN (to_tsvector('simple', coalesce(text, '')))
    WHERE author_kind <> 'System';
DROP INDEX CONCURRENTLY IF EXISTS ix_messages_search;
CREATE STATISTICS IF NOT EXISTS st_messages_words ON (to_tsvector('simple', coalesce(text, ''))) FROM messages;
ANALYZE messages;
