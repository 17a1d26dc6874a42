-- Each channel keeps its own settings beside the inbox (a website's widget keys; a social network's connection), so
-- the inbox is channel-neutral. SQLite cannot drop a UNIQUE column: the inboxes table is rebuilt, with foreign keys
-- off for this script and checked before it commits (see Migrator).
CREATE TABLE web_widgets (
    inbox_id INTEGER PRIMARY KEY REFERENCES inboxes(id),
    public_key TEXT NOT NULL UNIQUE,
    identity_secret TEXT NOT NULL
);
INSERT INTO web_widgets (inbox_id, public_key, identity_secret)
    SELECT id, public_key, identity_secret FROM inboxes WHERE channel = 'WebMessaging';

CREATE TABLE inboxes_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO inboxes_rebuilt (id, account_id, name, channel, settings_json, created_at)
    SELECT id, account_id, name, channel, settings_json, created_at FROM inboxes;
DROP TABLE inboxes;
ALTER TABLE inboxes_rebuilt RENAME TO inboxes;

-- A Facebook page, an Instagram account, a WhatsApp number or an X account, with the inbox its conversations live in.
-- Secrets are stored protected (ASP.NET Core Data Protection, keys in data_protection_keys).
CREATE TABLE connections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inbox_id INTEGER NOT NULL UNIQUE REFERENCES inboxes(id),
    kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    access_token TEXT NULL,
    app_secret TEXT NULL,
    verify_token TEXT NULL,
    enabled INTEGER NOT NULL,
    declared INTEGER NOT NULL,
    rate_per_second REAL NULL,
    settings_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (kind, external_id)
);

CREATE TABLE data_protection_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    friendly_name TEXT NULL,
    xml TEXT NULL
);

-- One delivery per outbound message of a push channel. Workers lease due deliveries (several nodes never send the same
-- one), the oldest pending one of a conversation first, so order is kept per conversation.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    inbox_id INTEGER NOT NULL REFERENCES inboxes(id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT NULL,
    leased_by TEXT NULL,
    provider_message_id TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_deliveries_pending ON deliveries (conversation_id, id) WHERE status = 'Pending';
CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE status = 'Pending';

-- Why a message could not be delivered, in the platform's words, for the advisor.
ALTER TABLE messages ADD COLUMN failure_reason TEXT NULL;
DROP INDEX ix_messages_pending_delivery;
-- Where a conversation came from (an ad, an m.me link), as the channel reported it.
ALTER TABLE conversations ADD COLUMN entry_point TEXT NULL;
ALTER TABLE contacts ADD COLUMN phone TEXT NULL;
ALTER TABLE contacts ADD COLUMN avatar_url TEXT NULL;
