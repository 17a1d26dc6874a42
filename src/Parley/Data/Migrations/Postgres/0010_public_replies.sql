-- Replies and moderation in public conversations (see Channels/PublicModeration.cs).
-- A public conversation moved to private and the private conversation that follows point at each other.
ALTER TABLE conversations ADD COLUMN linked_conversation_id BIGINT NULL REFERENCES conversations(id);

-- What advisors did to a public comment on the network: hidden (until unhidden), liked, answered in private (once per
-- comment, as Meta allows). A brand reply deleted by an advisor uses deleted_at, like a customer's deletion.
ALTER TABLE messages ADD COLUMN hidden_at TIMESTAMPTZ NULL, ADD COLUMN liked_at TIMESTAMPTZ NULL, ADD COLUMN private_reply_at TIMESTAMPTZ NULL;
