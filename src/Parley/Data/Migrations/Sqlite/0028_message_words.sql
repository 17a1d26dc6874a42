-- Full-text search of messages keyed by conversation (Console/ConversationSearch.cs). The FTS5 index of 0013 was keyed by
-- message id, so checking whether a conversation holds a word took one lookup per message of it, and turning a match
-- into its conversation took a read of the message. Here each message's words are indexed under
-- conversation_id * 2^24 + seq: a conversation's messages are one range of keys (one range lookup per conversation), a
-- key gives its conversation (key >> 24) and its message (conversation, key & 0xFFFFFF) without reading the message.
-- Contentless: the text stays in messages alone. A message past the 16,777,215th of its conversation is not indexed.
CREATE VIRTUAL TABLE message_words USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER tr_message_words_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL AND new.seq < 16777216
BEGIN
    INSERT INTO message_words (rowid, text) VALUES (new.conversation_id * 16777216 + new.seq, new.text);
END;
CREATE TRIGGER tr_message_words_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL AND old.seq < 16777216
BEGIN
    INSERT INTO message_words (message_words, rowid, text) VALUES ('delete', old.conversation_id * 16777216 + old.seq, old.text);
END;
CREATE TRIGGER tr_message_words_update AFTER UPDATE OF text, conversation_id, seq ON messages
BEGIN
    INSERT INTO message_words (message_words, rowid, text)
        SELECT 'delete', old.conversation_id * 16777216 + old.seq, old.text WHERE old.text IS NOT NULL AND old.seq < 16777216;
    INSERT INTO message_words (rowid, text)
        SELECT new.conversation_id * 16777216 + new.seq, new.text WHERE new.text IS NOT NULL AND new.seq < 16777216;
END;

INSERT INTO message_words (rowid, text)
    SELECT conversation_id * 16777216 + seq, text FROM messages WHERE text IS NOT NULL AND seq < 16777216;

DROP TRIGGER tr_messages_fts_insert;
DROP TRIGGER tr_messages_fts_delete;
DROP TRIGGER tr_messages_fts_update;
DROP TABLE messages_fts;
