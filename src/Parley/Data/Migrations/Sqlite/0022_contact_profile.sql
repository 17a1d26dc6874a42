-- What the brand's advisors know of a customer beyond the channels (issue 12, "context"): attributes (name → value),
-- tags and notes, on the contact, so they follow the person across every channel and conversation.
CREATE TABLE contact_attributes (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_by INTEGER NULL REFERENCES advisors(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (contact_id, name)
);

CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    tag TEXT NOT NULL,
    added_by INTEGER NULL REFERENCES advisors(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
);

CREATE TABLE contact_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    author_id INTEGER NOT NULL REFERENCES advisors(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_contact_notes_contact ON contact_notes (contact_id, id);
