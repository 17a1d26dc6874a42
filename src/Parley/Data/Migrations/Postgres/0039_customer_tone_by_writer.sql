-- The customer's tone on a conversation (customer_sentiment, 0013) is now set by the inbound writer, in the statement
-- that numbers the conversation's new messages (EngineStore.NumberAsync), once per conversation and batch. The trigger
-- of 0013 updated the conversation once more for every customer message: a second row version, with an entry in each
-- of the conversation's indexes and a run of the activity trigger, per message.
DROP TRIGGER IF EXISTS tr_messages_customer_sentiment ON messages;
DROP FUNCTION IF EXISTS conversation_customer_sentiment();
