-- Eventing state, in its own file (events.db) so that its write rate never contends with the control plane's.

-- Brokers are named event buses; 'default' always exists.
CREATE TABLE brokers (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
INSERT INTO brokers (name, created_at) VALUES ('default', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- A trigger's filters, target and delivery policy are JSON (dev.nubo.events.TriggerSpec); counters are
-- flushed from memory about once a second, so a crash may forget the last second of counts, never an event.
CREATE TABLE triggers (
    name          TEXT PRIMARY KEY,
    broker        TEXT NOT NULL REFERENCES brokers (name),
    spec          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    delivered     INTEGER NOT NULL DEFAULT 0,
    dead_lettered INTEGER NOT NULL DEFAULT 0
);

-- Work not yet done: one row per event (or async invocation request) per destination. A row is written
-- before its producer is acknowledged and deleted when its delivery succeeds or is dead-lettered.
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    origin     TEXT NOT NULL,     -- trigger:NAME, invocation:ID, source:NAME, deadletter:ORIGIN, result:ID
    target     TEXT NOT NULL,     -- service:NAME/path
    payload    BLOB NOT NULL,     -- the event in the JSON format, or the invocation's request
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,  -- epoch milliseconds of the next attempt
    last_error TEXT
);

CREATE TABLE dead_letters (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    origin   TEXT NOT NULL,
    target   TEXT NOT NULL,
    payload  BLOB NOT NULL,       -- the event in the JSON format
    attempts INTEGER NOT NULL,
    reason   TEXT NOT NULL,
    dead_at  TEXT NOT NULL
);
CREATE INDEX dead_letters_by_origin ON dead_letters (origin, id);

CREATE TABLE invocations (
    id           TEXT PRIMARY KEY,
    service      TEXT NOT NULL,
    path         TEXT NOT NULL,
    status       TEXT NOT NULL,   -- InvocationStatus
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    timeout_ms   INTEGER NOT NULL,
    on_success   TEXT,            -- a Destination, or NULL
    on_failure   TEXT,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    duration_ms  INTEGER,
    status_code  INTEGER,
    error        TEXT,
    response     TEXT             -- JSON: statusCode, contentType, body or bodyBase64
);
CREATE INDEX invocations_by_service ON invocations (service, created_at);

-- Sources (cron, webhook, kafka): their spec as JSON; what they remember (a cron's last firing) in source_state.
CREATE TABLE sources (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE source_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
