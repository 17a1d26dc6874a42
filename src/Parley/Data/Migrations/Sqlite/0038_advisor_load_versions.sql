-- Each advisor's load version (Routing/KnownLoads.cs). A routing commit counts the loads of its advisors under the write
-- gate (Routing/AdvisorLoad.cs): once advisors are busy, tens of conversations each, for every advisor of every pass. The
-- version moves whenever a conversation changes anything its advisor's load is counted from (assignee, status, account,
-- channel, public or private) or is created with an assignee or deleted, whoever writes it: routing, an advisor, an
-- admin's statement. A commit keeps the loads it counted with the versions its own writes left, and the next commit
-- counts again only the advisors whose version moved since.
-- A status change moves it when the conversation goes into or out of a counting status: Assigned or WaitingForCustomer,
-- the rule of Routing/AdvisorLoad.cs, restated here so that an advisor's reply and the customer's answer (one to the
-- other) move nothing; KnownLoadsTests checks every change of status against the C# rule. A version moved for nothing
-- costs one advisor's count, never a place over capacity. No row yet reads as version 0.
CREATE TABLE advisor_load_versions (
    advisor_id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TRIGGER tr_conversations_load_insert AFTER INSERT ON conversations WHEN new.assignee_id IS NOT NULL
BEGIN
    INSERT INTO advisor_load_versions (advisor_id, version) VALUES (new.assignee_id, 1)
        ON CONFLICT (advisor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_conversations_load_delete AFTER DELETE ON conversations WHEN old.assignee_id IS NOT NULL
BEGIN
    INSERT INTO advisor_load_versions (advisor_id, version) VALUES (old.assignee_id, 1)
        ON CONFLICT (advisor_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_conversations_load_update AFTER UPDATE OF assignee_id, status, account_id, channel, is_public ON conversations
WHEN (old.assignee_id IS NOT NULL OR new.assignee_id IS NOT NULL)
    AND (old.assignee_id IS NOT new.assignee_id
        OR (old.status IN ('Assigned', 'WaitingForCustomer')) IS NOT (new.status IN ('Assigned', 'WaitingForCustomer'))
        OR old.account_id IS NOT new.account_id OR old.channel IS NOT new.channel OR old.is_public IS NOT new.is_public)
BEGIN
    INSERT INTO advisor_load_versions (advisor_id, version) SELECT old.assignee_id, 1 WHERE old.assignee_id IS NOT NULL
        ON CONFLICT (advisor_id) DO UPDATE SET version = version + 1;
    INSERT INTO advisor_load_versions (advisor_id, version) SELECT new.assignee_id, 1
        WHERE new.assignee_id IS NOT NULL AND new.assignee_id IS NOT old.assignee_id
        ON CONFLICT (advisor_id) DO UPDATE SET version = version + 1;
END;
