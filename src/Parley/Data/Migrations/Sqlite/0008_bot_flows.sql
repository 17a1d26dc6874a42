-- Bot flows (see Bots/Flows): a flow of an account, attached to an inbox or the account's default, with its draft and
-- its published versions. A published version is never changed: conversations in flight finish on theirs, and a
-- rollback publishes an old version's document again as a new version.
CREATE TABLE bot_flows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    inbox_id INTEGER NULL REFERENCES inboxes(id),
    is_default INTEGER NOT NULL,
    draft TEXT NOT NULL,
    draft_updated_at TEXT NOT NULL,
    draft_updated_by INTEGER NULL REFERENCES advisors(id),
    published_version_id INTEGER NULL,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, name)
);
CREATE UNIQUE INDEX ux_bot_flows_inbox ON bot_flows (inbox_id) WHERE inbox_id IS NOT NULL;
CREATE UNIQUE INDEX ux_bot_flows_default ON bot_flows (account_id) WHERE is_default = 1;

CREATE TABLE bot_flow_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    flow_id INTEGER NOT NULL REFERENCES bot_flows(id),
    number INTEGER NOT NULL,
    document TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by INTEGER NULL REFERENCES advisors(id),
    note TEXT NULL,
    UNIQUE (flow_id, number)
);

-- Values API steps name in headers ({{ secrets.NAME }}), stored protected (Data Protection, as connections' tokens).
CREATE TABLE bot_secrets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (account_id, name)
);

-- What the bot understood of a customer's message: shown in the console, used by conditions, rules and analytics.
ALTER TABLE messages ADD COLUMN sentiment REAL NULL;
ALTER TABLE messages ADD COLUMN language TEXT NULL;
ALTER TABLE messages ADD COLUMN intent TEXT NULL;

-- Funnel events (a step visited, an API result, a handoff's reason) say which step and why.
ALTER TABLE reporting_events ADD COLUMN detail TEXT NULL;

-- An external bot ("bring your own bot"): Parley posts conversation events to its HTTPS endpoint, signed with the
-- secret (stored protected); the bot answers through /api/bot/v1 with an API token (only its SHA-256 is stored).
CREATE TABLE bot_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by INTEGER NULL REFERENCES advisors(id),
    last_used_at TEXT NULL,
    revoked_at TEXT NULL
);
-- The events for the external bot, written with the change they describe, sent in order per conversation.
CREATE TABLE bot_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    lease_until TEXT NULL,
    leased_by TEXT NULL,
    last_error TEXT NULL,
    sent_at TEXT NULL,
    failed_at TEXT NULL
);
CREATE INDEX ix_bot_events_open ON bot_events (conversation_id, id) WHERE sent_at IS NULL AND failed_at IS NULL;
