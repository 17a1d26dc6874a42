-- A tag row also carries whether its conversation is resolved and whether it is public (the list's status and visibility
-- filters), kept equal by the triggers of 0029 remade below. The tag's index ends with both, so a rare tag's page read in
-- activity order (Console/ConsoleList.cs, TagPage) skips the tag rows those filters refuse from the index alone, without
-- reading their conversations (a rare tag with "public", admin of ten brands: the page passed thousands of resolved and
-- private conversations). A conversation's visibility never changes after it is created; its status does.
ALTER TABLE conversation_tags ADD COLUMN resolved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversation_tags ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;
UPDATE conversation_tags SET (resolved, is_public) =
    (SELECT c.status = 'Resolved', c.is_public FROM conversations c WHERE c.id = conversation_tags.conversation_id);
DROP INDEX ix_conversation_tags_activity;
CREATE INDEX ix_conversation_tags_activity ON conversation_tags (account_id, tag, activity_at, conversation_id, resolved, is_public);

DROP TRIGGER tr_conversation_tags_activity;
CREATE TRIGGER tr_conversation_tags_activity AFTER INSERT ON conversation_tags
BEGIN
    UPDATE conversation_tags SET (activity_at, resolved, is_public) =
        (SELECT c.updated_at, c.status = 'Resolved', c.is_public FROM conversations c WHERE c.id = new.conversation_id)
    WHERE conversation_id = new.conversation_id AND tag = new.tag;
END;

DROP TRIGGER tr_conversations_activity_to_tags;
CREATE TRIGGER tr_conversations_activity_to_tags AFTER UPDATE OF updated_at, status ON conversations
WHEN new.updated_at IS NOT old.updated_at OR (new.status = 'Resolved') IS NOT (old.status = 'Resolved')
BEGIN
    UPDATE conversation_tags SET activity_at = new.updated_at, resolved = (new.status = 'Resolved') WHERE conversation_id = new.id;
END;
