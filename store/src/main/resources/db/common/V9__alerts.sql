-- Alert rules (docs/OBSERVABILITY.md, "Alerts"), the same SQL for SQLite and PostgreSQL. A rule is
-- kept as the user wrote it (its condition as text, parsed again on every read), so a server that
-- learns a new kind of figure reads old rules unchanged. Rule state (pending, firing) is not stored:
-- it is the evaluator's memory, rebuilt from the figures after a restart.
CREATE TABLE alert_rules (
    name        TEXT PRIMARY KEY,
    service     TEXT NOT NULL,
    condition   TEXT NOT NULL,    -- error_rate > 5%, p99 > 500ms, cold_starts > 10%, dead_letters > 0, crash_loops > 0
    hold_ms     BIGINT NOT NULL,  -- how long the condition must hold before the rule fires
    notify      TEXT NOT NULL,    -- a URL, service:NAME or broker:NAME
    created_at  TEXT NOT NULL
);
