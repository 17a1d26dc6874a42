-- Finding conversations (see Console/ConversationSearch.cs, Console/ConsoleList.cs): tags, saved views, the list's
-- indexes, the customer's tone on the conversation, and full-text search.

-- Tags an advisor puts on a conversation (lowercase, see ConversationTags.Normalize). account_id is the conversation's,
-- so the list filters by tag inside an account without joining conversations first.
CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    tag TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    added_by INTEGER NULL REFERENCES advisors(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX ix_conversation_tags_tag ON conversation_tags (account_id, tag, conversation_id);

-- A saved view is a list query (the console URL's query string, see ConsoleUrl). Personal: owner_id is its advisor's;
-- shared: account_id is the account whose advisors see it (created by its supervisors and admins).
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    owner_id INTEGER NULL REFERENCES advisors(id),
    account_id INTEGER NULL REFERENCES accounts(id),
    created_by INTEGER NOT NULL REFERENCES advisors(id),
    created_at TEXT NOT NULL,
    CHECK ((owner_id IS NULL) <> (account_id IS NULL))
);
CREATE INDEX ix_saved_views_owner ON saved_views (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX ix_saved_views_account ON saved_views (account_id) WHERE account_id IS NOT NULL;

-- The list is read newest activity first (updated_at, then id: the keyset of its pages), within the advisor's accounts.
-- The default view (open conversations), an advisor's own, a queue's and a channel's have an index each; other
-- filters are checked on the rows these scans return.
CREATE INDEX ix_conversations_activity ON conversations (account_id, updated_at, id);
CREATE INDEX ix_conversations_open_activity ON conversations (account_id, updated_at, id) WHERE status <> 'Resolved';
CREATE INDEX ix_conversations_assignee_activity ON conversations (assignee_id, updated_at, id) WHERE assignee_id IS NOT NULL;
CREATE INDEX ix_conversations_queue_activity ON conversations (queue_id, updated_at, id) WHERE queue_id IS NOT NULL;
CREATE INDEX ix_conversations_channel_activity ON conversations (account_id, channel, updated_at, id);
-- A contact found by search leads to its conversations.
CREATE INDEX ix_conversations_by_contact ON conversations (contact_id);

-- The customer's tone on the conversation: the sentiment of their latest message Parley read one in. Copied here by a
-- trigger, so the inbound writer's statements stay as they are; the thresholds are MessageReading.ToneThreshold's.
ALTER TABLE conversations ADD COLUMN customer_sentiment REAL NULL;
CREATE TRIGGER tr_messages_customer_sentiment AFTER INSERT ON messages
WHEN new.author_kind = 'Customer' AND new.sentiment IS NOT NULL
BEGIN
    UPDATE conversations SET customer_sentiment = new.sentiment WHERE id = new.conversation_id;
END;
UPDATE conversations SET customer_sentiment = (
    SELECT m.sentiment FROM messages m
    WHERE m.conversation_id = conversations.id AND m.author_kind = 'Customer' AND m.sentiment IS NOT NULL
    ORDER BY m.seq DESC LIMIT 1);

-- Full-text search: FTS5 tables over the text of messages and of contacts, with external content (the text is stored
-- once, in its own table), kept in step by triggers. Words are folded (case, accents) by unicode61.
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER tr_messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL
BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER tr_messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER tr_messages_fts_update AFTER UPDATE OF text ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', old.id, old.text WHERE old.text IS NOT NULL;
    INSERT INTO messages_fts (rowid, text) SELECT new.id, new.text WHERE new.text IS NOT NULL;
END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE contacts_fts USING fts5(name, email, phone, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER tr_contacts_fts_insert AFTER INSERT ON contacts
BEGIN
    INSERT INTO contacts_fts (rowid, name, email, phone) VALUES (new.id, new.name, new.email, new.phone);
END;
CREATE TRIGGER tr_contacts_fts_delete AFTER DELETE ON contacts
BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, email, phone) VALUES ('delete', old.id, old.name, old.email, old.phone);
END;
CREATE TRIGGER tr_contacts_fts_update AFTER UPDATE OF name, email, phone ON contacts
BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, email, phone) VALUES ('delete', old.id, old.name, old.email, old.phone);
    INSERT INTO contacts_fts (rowid, name, email, phone) VALUES (new.id, new.name, new.email, new.phone);
END;
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE contact_identities_fts USING fts5(external_id, content='contact_identities', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER tr_contact_identities_fts_insert AFTER INSERT ON contact_identities
BEGIN
    INSERT INTO contact_identities_fts (rowid, external_id) VALUES (new.id, new.external_id);
END;
CREATE TRIGGER tr_contact_identities_fts_delete AFTER DELETE ON contact_identities
BEGIN
    INSERT INTO contact_identities_fts (contact_identities_fts, rowid, external_id) VALUES ('delete', old.id, old.external_id);
END;
CREATE TRIGGER tr_contact_identities_fts_update AFTER UPDATE OF external_id ON contact_identities
BEGIN
    INSERT INTO contact_identities_fts (contact_identities_fts, rowid, external_id) VALUES ('delete', old.id, old.external_id);
    INSERT INTO contact_identities_fts (rowid, external_id) VALUES (new.id, new.external_id);
END;
INSERT INTO contact_identities_fts (contact_identities_fts) VALUES ('rebuild');
