-- Widget tokens issued before this time are refused: a contact's sessions end at once (a blocked customer, a lost device).
ALTER TABLE contacts ADD COLUMN sessions_revoked_at TEXT NULL;
-- Each node rereads the recent revocations every few seconds: only revoked contacts are in this index.
CREATE INDEX ix_contacts_sessions_revoked ON contacts (sessions_revoked_at) WHERE sessions_revoked_at IS NOT NULL;
