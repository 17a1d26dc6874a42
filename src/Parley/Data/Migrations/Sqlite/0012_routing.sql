-- Routing (see Routing/ and docs/ARCHITECTURE.md "Routing"): skills with levels, what queues and conversations require,
-- how requirements relax with the wait, capacity per kind in load units, channel weights, sticky routing, and why a
-- conversation went to whom. Presence gains 'Busy' (stored by name, so existing values stay valid).
CREATE TABLE skills (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_skills_name ON skills (account_id, name);

CREATE TABLE advisor_skills (
    advisor_id INTEGER NOT NULL REFERENCES advisors(id),
    skill_id INTEGER NOT NULL REFERENCES skills(id),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (advisor_id, skill_id)
);

CREATE TABLE queue_skills (
    queue_id INTEGER NOT NULL REFERENCES queues(id),
    skill_id INTEGER NOT NULL REFERENCES skills(id),
    min_level INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 5),
    PRIMARY KEY (queue_id, skill_id)
);

CREATE TABLE conversation_skills (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    skill_id INTEGER NOT NULL REFERENCES skills(id),
    min_level INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 5),
    PRIMARY KEY (conversation_id, skill_id)
);

-- After after_seconds of waiting, the requirement on skill_id (NULL: every skill) is lowered to lower_to (NULL: dropped).
CREATE TABLE queue_relaxations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id INTEGER NOT NULL REFERENCES queues(id),
    after_seconds INTEGER NOT NULL CHECK (after_seconds >= 0),
    skill_id INTEGER NULL REFERENCES skills(id),
    lower_to INTEGER NULL CHECK (lower_to BETWEEN 1 AND 5)
);
CREATE INDEX ix_queue_relaxations_queue ON queue_relaxations (queue_id, after_seconds);

-- Load units a conversation of the channel counts for, per account (absent: 1).
CREATE TABLE channel_weights (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    channel TEXT NOT NULL,
    units INTEGER NOT NULL CHECK (units BETWEEN 1 AND 100),
    PRIMARY KEY (account_id, channel)
);

-- advisors.capacity stays the capacity for private conversations, now in load units.
ALTER TABLE advisors ADD COLUMN public_capacity INTEGER NOT NULL DEFAULT 5;
ALTER TABLE queues ADD COLUMN sticky_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN assignment_reason TEXT NULL;
CREATE INDEX ix_conversations_contact_id ON conversations (contact_id);
CREATE INDEX ix_advisors_presence ON advisors (presence, presence_changed_at);
