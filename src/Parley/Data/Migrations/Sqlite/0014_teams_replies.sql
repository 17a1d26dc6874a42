-- Teams, favourite replies, internal notes with mentions, and snooze (issue 12, "working faster").
CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE advisor_teams (
    advisor_id INTEGER NOT NULL REFERENCES advisors(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (advisor_id, team_id)
);
CREATE INDEX ix_advisor_teams_team ON advisor_teams (team_id);

-- Scope Personal: owner_id set, account_id null (usable in any of the owner's accounts); Team: team_id and its account;
-- Account: account_id only.
CREATE TABLE favourite_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    account_id INTEGER NULL REFERENCES accounts(id),
    team_id INTEGER NULL REFERENCES teams(id),
    owner_id INTEGER NULL REFERENCES advisors(id),
    title TEXT NOT NULL,
    shortcut TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_favourite_replies_account ON favourite_replies (account_id);
CREATE INDEX ix_favourite_replies_owner ON favourite_replies (owner_id);
CREATE INDEX ix_favourite_replies_team ON favourite_replies (team_id);

-- Internal notes live apart from messages: nothing that reads messages (widget, channels, delivery) can ever see them.
-- after_seq places a note after the message that was last when it was written.
CREATE TABLE conversation_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    author_id INTEGER NOT NULL REFERENCES advisors(id),
    body TEXT NOT NULL,
    after_seq INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_conversation_notes_conversation ON conversation_notes (conversation_id, id);

CREATE TABLE note_mentions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    note_id INTEGER NOT NULL REFERENCES conversation_notes(id),
    advisor_id INTEGER NOT NULL REFERENCES advisors(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    read_at TEXT NULL
);
CREATE INDEX ix_note_mentions_unread ON note_mentions (advisor_id, id) WHERE read_at IS NULL;

-- Snoozed while snoozed_at is later than the customer's last message and snoozed_until (null: until the customer
-- writes) is still ahead (Conversations/Snooze.cs states the rule).
ALTER TABLE conversations ADD COLUMN snoozed_at TEXT NULL;
ALTER TABLE conversations ADD COLUMN snoozed_until TEXT NULL;
