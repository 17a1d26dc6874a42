-- Replies and moderation in public conversations (see Channels/PublicModeration.cs).
-- A public conversation moved to private and the private conversation that follows point at each other.
ALTER TABLE conversations ADD COLUMN linked_conversation_id INTEGER NULL REFERENCES conversations(id);

-- What advisors did to a public comment on the network: hidden (until unhidden), liked, answered in private (once per
-- comment, as Meta allows). A brand reply deleted by an advisor uses deleted_at, like a customer's deletion.
ALTER TABLE messages ADD COLUMN hidden_at TEXT NULL;
ALTER TABLE messages ADD COLUMN liked_at TEXT NULL;
ALTER TABLE messages ADD COLUMN private_reply_at TEXT NULL;
