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
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT NULL,
    leased_by TEXT NULL,
    last_error TEXT NULL,
    failed_at TEXT NULL
);
CREATE INDEX ix_webhook_events_due ON webhook_events (next_attempt_at) WHERE failed_at IS NULL;
