-- Durable workflows (the workflows module), the same SQL for SQLite and PostgreSQL.

-- Every deploy of a definition is an immutable version; executions name the version they run.
CREATE TABLE workflows (
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    definition TEXT NOT NULL,   -- the ASL as the user wrote it (JSON or YAML), already validated
    created_at TEXT NOT NULL,
    PRIMARY KEY (name, version)
);

-- One row per execution: its status and the cursor it resumes from after a restart. The cursor is
-- written in the same transaction as the history events that led to it, so what is recorded and
-- where the execution stands never disagree.
CREATE TABLE workflow_executions (
    id         TEXT PRIMARY KEY,
    workflow   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,    -- unique per workflow: starting a name twice returns the first
    status     TEXT NOT NULL,
    input      TEXT NOT NULL,
    output     TEXT,
    error      TEXT,
    cause      TEXT,
    cursor     TEXT NOT NULL,
    events     BIGINT NOT NULL,  -- how many history events it has
    started_at TEXT NOT NULL,
    stopped_at TEXT,
    UNIQUE (workflow, name)
);

CREATE INDEX workflow_executions_by_status ON workflow_executions (status);

-- The append-only history of each execution.
CREATE TABLE workflow_history (
    execution TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    at        TEXT NOT NULL,
    type      TEXT NOT NULL,
    state     TEXT,
    detail    TEXT NOT NULL,
    PRIMARY KEY (execution, seq)
);
