-- The customer's tone on a conversation (customer_sentiment, 0013) is now set by the inbound writer, in the statement
-- that numbers the conversation's new messages (EngineStore.NumberAsync), once per conversation and batch, instead of
-- by the trigger of 0013, which rewrote the conversation's row once more for every customer message.
DROP TRIGGER IF EXISTS tr_messages_customer_sentiment;
