-- Conversations by contact: 0012 and 0013 each created the same index on contact_id, so every change of a conversation
-- wrote both. One is kept (SQLite's index already holds the conversation's id, its rowid).
DROP INDEX ix_conversations_by_contact;
