-- The processor looks up a conversation's unprocessed messages in seq order: index exactly those rows, so the
-- lookup does not read every message of a long conversation.
DROP INDEX ix_messages_unprocessed;
CREATE INDEX ix_messages_unprocessed ON messages (conversation_id, seq) WHERE processed = 0;
