CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE inboxes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    public_key TEXT NOT NULL UNIQUE,
    identity_secret TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NULL,
    email TEXT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE contact_identities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    inbox_id INTEGER NOT NULL REFERENCES inboxes(id),
    external_id TEXT NOT NULL,
    verified INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (inbox_id, external_id)
);

CREATE TABLE advisors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    presence TEXT NOT NULL,
    presence_changed_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE advisor_accounts (
    advisor_id INTEGER NOT NULL REFERENCES advisors(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (advisor_id, account_id)
);

CREATE TABLE advisor_queues (
    advisor_id INTEGER NOT NULL REFERENCES advisors(id),
    queue_id INTEGER NOT NULL REFERENCES queues(id),
    PRIMARY KEY (advisor_id, queue_id)
);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    inbox_id INTEGER NOT NULL REFERENCES inboxes(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    channel TEXT NOT NULL,
    is_public INTEGER NOT NULL,
    status TEXT NOT NULL,
    queue_id INTEGER NULL REFERENCES queues(id),
    assignee_id INTEGER NULL REFERENCES advisors(id),
    priority INTEGER NOT NULL,
    bot_state TEXT NULL,
    last_seq INTEGER NOT NULL,
    customer_read_seq INTEGER NOT NULL,
    advisor_read_seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    queued_at TEXT NULL,
    assigned_at TEXT NULL,
    resolved_at TEXT NULL,
    last_customer_message_at TEXT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_conversations_contact ON conversations (inbox_id, contact_id);
CREATE INDEX ix_conversations_status ON conversations (account_id, status, updated_at);
CREATE INDEX ix_conversations_queue ON conversations (queue_id, status, queued_at);
CREATE INDEX ix_conversations_assignee ON conversations (assignee_id, status);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    inbox_id INTEGER NOT NULL REFERENCES inboxes(id),
    seq INTEGER NOT NULL,
    author_kind TEXT NOT NULL,
    author_id INTEGER NULL,
    author_name TEXT NULL,
    content_type TEXT NOT NULL,
    text TEXT NULL,
    payload_json TEXT NULL,
    reply_to TEXT NULL,
    channel_message_id TEXT NULL,
    delivery_status TEXT NOT NULL,
    processed INTEGER NOT NULL,
    delivery_attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX ux_messages_channel_id ON messages (inbox_id, channel_message_id) WHERE channel_message_id IS NOT NULL;
CREATE INDEX ix_messages_unprocessed ON messages (processed) WHERE processed = 0;
CREATE INDEX ix_messages_pending_delivery ON messages (delivery_status) WHERE delivery_status = 'Pending';

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reporting_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL NULL,
    advisor_id INTEGER NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX ix_reporting_events_account ON reporting_events (account_id, name, occurred_at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
