-- Conversations by contact: 0012 and 0013 each created the same index on contact_id, so every change of a conversation
-- wrote both. One is kept, holding the conversation's id, account and activity beside the contact: a search that matches
-- contacts by name (Console/ConversationSearch.cs, MatchedInOrderAsync) orders their conversations from the index alone
-- (3,206 contacts named alike: 6,412 conversations, none of them read).
DROP INDEX ix_conversations_by_contact;
DROP INDEX ix_conversations_contact_id;
CREATE INDEX ix_conversations_contact_id ON conversations (contact_id, id) INCLUDE (account_id, updated_at);
