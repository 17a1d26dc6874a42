-- Nothing changes on SQLite: PostgreSQL's 0026 moves its routing counter at commit so that the counter row's lock is
-- taken last. SQLite has one writer at a time (every transaction begins IMMEDIATE) and no row locks, so its triggers
-- (0025), which move the counter from each statement, cannot make two writers wait for each other.
SELECT 1;
