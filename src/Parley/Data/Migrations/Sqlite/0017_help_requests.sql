-- Help requests (issue 12, part 6): an advisor asks a supervisor for help on a conversation. The answer, the whispers
-- and the closing trace are internal notes (conversation_notes): nothing here reaches the customer.
CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    requester_id INTEGER NOT NULL REFERENCES advisors(id),
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answered_by_id INTEGER NULL REFERENCES advisors(id),
    answered_at TEXT NULL,
    joined_by_id INTEGER NULL REFERENCES advisors(id),
    joined_at TEXT NULL,
    closed_by_id INTEGER NULL REFERENCES advisors(id),
    closed_at TEXT NULL,
    taken_over INTEGER NOT NULL DEFAULT 0
);
-- One request not yet closed per conversation and requester.
CREATE UNIQUE INDEX ux_help_requests_pending ON help_requests (conversation_id, requester_id) WHERE status <> 'Closed';
-- What supervisors list: the requests not yet closed of their accounts.
CREATE INDEX ix_help_requests_account_pending ON help_requests (account_id, id) WHERE status <> 'Closed';
