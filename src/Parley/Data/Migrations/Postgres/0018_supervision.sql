-- Supervision (issue 12, Console/Supervision): each queue's service-level target and wait alert, in seconds. A queue
-- without a row has the defaults of Console/Supervision/QueueTargets.cs (60 s, 5 min).
CREATE TABLE queue_targets (
    queue_id BIGINT PRIMARY KEY REFERENCES queues(id),
    answer_within_seconds INTEGER NOT NULL,
    alert_after_seconds INTEGER NOT NULL
);
