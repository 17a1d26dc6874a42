-- A tag row also carries whether its conversation is resolved and whether it is public (the list's status and visibility
-- filters), kept equal by the triggers of 0029 extended below. The tag's index holds both (INCLUDE), so a rare tag's page
-- read in activity order (Console/ConsoleList.cs, TagPage) skips the tag rows those filters refuse without reading their
-- conversations: with "open" or "public" beside a rare tag, an admin of ten brands read or sorted every tagged
-- conversation (15,000: 60–250 ms). A conversation's visibility never changes after it is created; its status does.
ALTER TABLE conversation_tags ADD COLUMN resolved BOOLEAN NOT NULL DEFAULT FALSE, ADD COLUMN is_public BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE conversation_tags t SET resolved = (c.status = 'Resolved'), is_public = c.is_public FROM conversations c WHERE c.id = t.conversation_id;
DROP INDEX ix_conversation_tags_activity;
CREATE INDEX ix_conversation_tags_activity ON conversation_tags (account_id, tag, activity_at, conversation_id) INCLUDE (resolved, is_public);

CREATE OR REPLACE FUNCTION conversation_tag_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT updated_at, status = 'Resolved', is_public INTO NEW.activity_at, NEW.resolved, NEW.is_public
    FROM conversations WHERE id = NEW.conversation_id FOR SHARE;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION conversation_activity_to_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_tags t SET activity_at = c.updated_at, resolved = (c.status = 'Resolved')
    FROM changed c
    WHERE t.conversation_id = c.id AND (t.activity_at IS DISTINCT FROM c.updated_at OR t.resolved <> (c.status = 'Resolved'));
    RETURN NULL;
END $$;
