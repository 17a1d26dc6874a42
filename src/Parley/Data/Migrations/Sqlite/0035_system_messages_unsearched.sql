-- Parley's own notices in a conversation (author_kind 'System': "Marie joined the conversation.", a handoff's note, a
-- moderation note) are not searched: search finds what customers, bots and advisors wrote, and a search for an advisor's
-- name should not match every conversation they joined (Console/ConversationSearch.cs; PostgreSQL leaves them out in
-- its queries). They leave the full-text index of 0028, which also spares each routing assignment's "joined" message an
-- index write under the write gate. The three triggers are those of 0028 with author_kind in their conditions.
DROP TRIGGER tr_message_words_insert;
DROP TRIGGER tr_message_words_delete;
DROP TRIGGER tr_message_words_update;

CREATE TRIGGER tr_message_words_insert AFTER INSERT ON messages
WHEN new.text IS NOT NULL AND new.seq < 16777216 AND new.author_kind <> 'System'
BEGIN
    INSERT INTO message_words (rowid, text) VALUES (new.conversation_id * 16777216 + new.seq, new.text);
END;
CREATE TRIGGER tr_message_words_delete AFTER DELETE ON messages
WHEN old.text IS NOT NULL AND old.seq < 16777216 AND old.author_kind <> 'System'
BEGIN
    INSERT INTO message_words (message_words, rowid, text) VALUES ('delete', old.conversation_id * 16777216 + old.seq, old.text);
END;
CREATE TRIGGER tr_message_words_update AFTER UPDATE OF text, conversation_id, seq, author_kind ON messages
BEGIN
    INSERT INTO message_words (message_words, rowid, text)
        SELECT 'delete', old.conversation_id * 16777216 + old.seq, old.text
        WHERE old.text IS NOT NULL AND old.seq < 16777216 AND old.author_kind <> 'System';
    INSERT INTO message_words (rowid, text)
        SELECT new.conversation_id * 16777216 + new.seq, new.text
        WHERE new.text IS NOT NULL AND new.seq < 16777216 AND new.author_kind <> 'System';
END;

-- The notices indexed so far leave the index (a contentless table is told each deleted row's text).
INSERT INTO message_words (message_words, rowid, text)
    SELECT 'delete', conversation_id * 16777216 + seq, text FROM messages
    WHERE author_kind = 'System' AND text IS NOT NULL AND seq < 16777216;
