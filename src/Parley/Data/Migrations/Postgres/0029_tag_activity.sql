-- A rare tag drives the console's list (Console/ConsoleList.cs, DrivingTagAsync): the list starts from the tag's rows.
-- Ordering them newest activity first meant reading every tagged conversation (12,500 rows for an admin of ten brands at
-- a million conversations: 112 ms). Each tag row now carries its conversation's updated_at (activity_at), kept equal
-- in the same transaction by the triggers below, and the tag's index is ordered by it: a page reads its rows from the
-- index, then looks up only their conversations.
ALTER TABLE conversation_tags ADD COLUMN activity_at TIMESTAMPTZ NULL;
UPDATE conversation_tags t SET activity_at = c.updated_at FROM conversations c WHERE c.id = t.conversation_id;
CREATE INDEX ix_conversation_tags_activity ON conversation_tags (account_id, tag, activity_at, conversation_id);
-- It serves what the older index of 0013 did (a tag's rows in an account).
DROP INDEX ix_conversation_tags_tag;

-- A new tag row takes its conversation's activity. FOR SHARE waits for a concurrent change of the conversation to commit
-- (and then reads it), or makes that change wait for this row, whose trigger below then sees it: never a stale copy.
CREATE FUNCTION conversation_tag_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT updated_at INTO NEW.activity_at FROM conversations WHERE id = NEW.conversation_id FOR SHARE;
    RETURN NEW;
END $$;
CREATE TRIGGER tr_conversation_tags_activity BEFORE INSERT OR UPDATE OF conversation_id ON conversation_tags FOR EACH ROW
EXECUTE FUNCTION conversation_tag_activity();

-- A conversation's new activity reaches its tags: one statement per changing statement (the engine updates conversations
-- in sets), touching only the tags whose copy differs.
CREATE FUNCTION conversation_activity_to_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_tags t SET activity_at = c.updated_at
    FROM changed c WHERE t.conversation_id = c.id AND t.activity_at IS DISTINCT FROM c.updated_at;
    RETURN NULL;
END $$;
CREATE TRIGGER tr_conversations_activity_to_tags AFTER UPDATE ON conversations REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION conversation_activity_to_tags();
