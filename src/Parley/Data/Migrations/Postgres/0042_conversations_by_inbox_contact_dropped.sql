-- migration: outside a transaction
-- ix_conversations_contact (inbox_id, contact_id, id) of 0005 is dropped. Its readers look a contact's conversations up
-- on an inbox (ConversationEngine's current conversation, the widget's history, the inbound writer's batch lookup):
-- ix_conversations_contact_id (0032) finds the same rows by the contact first, a handful per contact, each checked for
-- its inbox. Every change of a conversation on PostgreSQL writes an entry in each of its indexes whose predicate the
-- row meets, changed columns or not (a routing assignment, an advisor's reply, a customer's message: 12 indexes before,
-- 11 now). SQLite writes only the indexes holding a changed column, so its copy of the index costs no update and stays.
-- Dropped concurrently: a plain DROP INDEX waits for every transaction on conversations and holds their writers meanwhile.
DROP INDEX CONCURRENTLY IF EXISTS ix_conversations_contact;
