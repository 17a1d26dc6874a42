-- Public conversations (see Conversations/PublicThreads.cs): comments under a brand's posts, visitors' posts, mentions.
-- A social post is what a public thread hangs on: the brand's post, or a visitor's post (a post on the Page, a tweet
-- that mentions the account). One row per platform post id and inbox; what the platform told of it is kept, never
-- required (a comment's webhook names its post by id only).
CREATE TABLE social_posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    inbox_id INTEGER NOT NULL REFERENCES inboxes(id),
    platform_post_id TEXT NOT NULL,
    author_id TEXT NULL,
    author_name TEXT NULL,
    by_brand INTEGER NOT NULL,
    text TEXT NULL,
    permalink TEXT NULL,
    media_url TEXT NULL,
    posted_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (inbox_id, platform_post_id)
);

-- A public conversation is the thread of one customer under one post. The inbox's policy (one open conversation per
-- contact) is for private conversations only: a customer's public threads live beside their private conversation.
-- There is at most one open thread per customer and post; a resolved one is reopened by the customer's next comment.
ALTER TABLE conversations ADD COLUMN post_id INTEGER NULL REFERENCES social_posts(id);
DROP INDEX ux_conversations_open_contact;
CREATE UNIQUE INDEX ux_conversations_open_contact ON conversations (inbox_id, contact_id) WHERE status <> 'Resolved' AND post_id IS NULL;
CREATE UNIQUE INDEX ux_conversations_open_thread ON conversations (post_id, contact_id) WHERE status <> 'Resolved' AND post_id IS NOT NULL;
CREATE INDEX ix_conversations_thread ON conversations (post_id, contact_id, id) WHERE post_id IS NOT NULL;

-- A public message keeps its platform id (channel_message_id), the comment it answers, and the customer's edits and
-- deletions (the text stays visible to advisors, marked).
ALTER TABLE messages ADD COLUMN parent_channel_message_id TEXT NULL;
ALTER TABLE messages ADD COLUMN edited_at TEXT NULL;
ALTER TABLE messages ADD COLUMN deleted_at TEXT NULL;

-- Analytics split volumes and response times between public and private conversations.
ALTER TABLE reporting_events ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;
