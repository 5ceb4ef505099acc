-- Services are named by their DNS label; revisions are immutable snapshots of code and configuration.
CREATE TABLE services (
    name            TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    pinned_revision TEXT,
    next_number     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE revisions (
    id          TEXT PRIMARY KEY,
    service     TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    descriptor  TEXT NOT NULL,   -- nubo.yaml exactly as deployed; parsed again on load
    digest      TEXT NOT NULL,   -- sha256 of the deployed archive, the key of the code in NUBO_HOME
    state       TEXT NOT NULL,   -- RevisionState
    reason      TEXT,            -- why it failed
    log_tail    TEXT,            -- JSON array of the last log lines when it failed
    created_at  TEXT NOT NULL,
    ready_at    TEXT,
    UNIQUE (service, number)
);

CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    service  TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    revision TEXT,
    time     TEXT NOT NULL,
    message  TEXT NOT NULL
);

CREATE INDEX events_by_service ON events (service, id);
