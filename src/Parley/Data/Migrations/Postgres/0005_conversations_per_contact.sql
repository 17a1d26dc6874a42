-- How many conversations a contact has on an inbox is the inbox's policy (one for a website; a new one after each
-- resolved case for social channels): the database keeps at most one open conversation per contact and inbox.
-- Status is stored by name (see ParleyDb), so 'Resolved' is ConversationStatus.Resolved.
DROP INDEX ux_conversations_contact;
CREATE UNIQUE INDEX ux_conversations_open_contact ON conversations (inbox_id, contact_id) WHERE status <> 'Resolved';
CREATE INDEX ix_conversations_contact ON conversations (inbox_id, contact_id, id);
