-- Metering (docs/OBSERVABILITY.md): usage per service, revision and hour, the same SQL for SQLite and
-- PostgreSQL. Numbers are integers in small units so that adding to a row is exact on both:
-- memory-time in MiB-milliseconds, CPU time in milliseconds. A row is added to, never rewritten, so
-- the sampler's writes from any node sum up.
CREATE TABLE usage_hours (
    service          TEXT NOT NULL,
    revision         TEXT NOT NULL,
    hour             TEXT NOT NULL,    -- the hour's start, ISO-8601 UTC (2026-12-03T15:00:00Z)
    invocations      BIGINT NOT NULL,
    mib_ms           BIGINT NOT NULL,  -- memory x instance lifetime
    active_mib_ms    BIGINT NOT NULL,  -- memory x time spent answering requests
    cpu_ms           BIGINT NOT NULL,
    bytes_in         BIGINT NOT NULL,
    bytes_out        BIGINT NOT NULL,
    PRIMARY KEY (service, revision, hour)
);
