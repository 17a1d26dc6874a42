-- Widget tokens issued before this time are refused: a contact's sessions end at once (a blocked customer, a lost device).
ALTER TABLE contacts ADD COLUMN sessions_revoked_at TIMESTAMPTZ NULL;
