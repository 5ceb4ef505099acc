-- Optimistic concurrency and the change feed, the same SQL for SQLite and PostgreSQL.

-- Every transition of a revision is a write conditional on the state and version it was read at
-- (UPDATE … WHERE id = ? AND state = ? AND version = ?), so two writers, in one process or on two nodes,
-- cannot both move it: the second changes no row and learns what changed. A service's row has its
-- version already: traffic_version, moved by every change of its traffic or pin.
ALTER TABLE revisions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The newest generation of the change feed: one row, moved by every write that changes a service, as
-- the last statement of that write's transaction. Its row lock (PostgreSQL) or the write lock (SQLite)
-- makes writers take generations in the order they commit, so a reader that has seen generation N
-- never finds a change below N committed later.
CREATE TABLE feed (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);

INSERT INTO feed (id, generation) VALUES (1, 0);

-- What changed at each generation, without a reference to services: a deletion is a change too.
-- Consecutive generations; the oldest are pruned (readers that fell that far behind read everything).
CREATE TABLE changes (
    generation BIGINT PRIMARY KEY,
    service    TEXT NOT NULL,
    kind       TEXT NOT NULL,   -- Change.Kind
    revision   TEXT
);
