-- What alert rules are doing (docs/OBSERVABILITY.md, "Alerts"), the same SQL for SQLite and
-- PostgreSQL, so a restart keeps a firing rule firing (no second notification) and `nubo alerts`
-- keeps its history. A state belongs to the rule as it was when the state was reached: `rule` is the
-- rule's text (service, condition, duration, target); a rule changed since starts afresh at ok.
CREATE TABLE alert_states (
    name        TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    state       TEXT NOT NULL,    -- OK, PENDING, FIRING
    since       TEXT NOT NULL,
    value       TEXT              -- the figure when the state was reached; NULL when there was nothing to judge
);

-- The last notifications of each rule (a few per rule, trimmed on write), and how each went.
CREATE TABLE alert_notifications (
    name        TEXT NOT NULL,
    at          TEXT NOT NULL,
    event       TEXT NOT NULL,    -- firing, resolved
    value       TEXT NOT NULL,
    outcome     TEXT NOT NULL,    -- delivered, or the last failure
    attempts    INTEGER NOT NULL,
    PRIMARY KEY (name, at, event)
);
