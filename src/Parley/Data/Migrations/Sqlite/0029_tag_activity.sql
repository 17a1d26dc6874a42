-- A rare tag drives the console's list (Console/ConsoleList.cs, DrivingTagAsync): the list starts from the tag's rows.
-- Ordering them newest activity first meant reading every tagged conversation. Each tag row now carries its
-- conversation's updated_at (activity_at), kept equal in the same transaction by the triggers below, and the tag's index
-- is ordered by it: a page reads its rows from the index, then looks up only their conversations.
ALTER TABLE conversation_tags ADD COLUMN activity_at TEXT NULL;
UPDATE conversation_tags SET activity_at = (SELECT c.updated_at FROM conversations c WHERE c.id = conversation_tags.conversation_id);
CREATE INDEX ix_conversation_tags_activity ON conversation_tags (account_id, tag, activity_at, conversation_id);
-- It serves what the older index of 0013 did (a tag's rows in an account).
DROP INDEX ix_conversation_tags_tag;

CREATE TRIGGER tr_conversation_tags_activity AFTER INSERT ON conversation_tags
BEGIN
    UPDATE conversation_tags SET activity_at = (SELECT c.updated_at FROM conversations c WHERE c.id = new.conversation_id)
    WHERE conversation_id = new.conversation_id AND tag = new.tag;
END;

CREATE TRIGGER tr_conversations_activity_to_tags AFTER UPDATE OF updated_at ON conversations
WHEN new.updated_at IS NOT old.updated_at
BEGIN
    UPDATE conversation_tags SET activity_at = new.updated_at WHERE conversation_id = new.id;
END;
