-- Signed platform webhooks, stored as received before they are answered, then processed in the background (see
-- Channels/Webhooks/WebhookJournal.cs). A row is deleted once its events are stored; a row that keeps failing stays,
-- with its error, for an operator to look at.
CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    accounts TEXT NOT NULL,
    order_keys TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at TEXT NOT NULL,
    lease_until TEXT NULL,
    leased_by TEXT NULL,
    last_error TEXT NULL,
    failed_at TEXT NULL
);
-- A node retries a webhook that fails for now in memory (keeping its place in line); the table records only who holds
-- it and, once given up, why.
CREATE INDEX ix_webhook_events_open ON webhook_events (id) WHERE failed_at IS NULL;
