-- Access (issue 17): API tokens, encrypted secrets and the audit log; the same SQL for SQLite and
-- PostgreSQL. Numbered 17.1 (after the issue) rather than 6 so that branches adding tables in
-- parallel do not claim the same version.

-- One row per scoped token. Only the SHA-256 of the token's secret part is kept: the token is shown
-- once, when created. `id` is the token's public prefix, which finds the row without the secret.
CREATE TABLE access_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    brokers     TEXT NOT NULL,   -- comma-separated; for producer tokens, the brokers they may post to
    hash        TEXT NOT NULL,   -- hex SHA-256 of the whole token
    created_at  BIGINT NOT NULL, -- epoch milliseconds
    expires_at  BIGINT NOT NULL  -- epoch milliseconds; 0: never (a NULL would need a typed bind on PostgreSQL)
);

-- One row per secret: its key names in the clear (what `nubo secret list` shows), its values sealed
-- with AES-GCM under the master key, which is never in the database.
CREATE TABLE secrets (
    name        TEXT PRIMARY KEY,
    keys        TEXT NOT NULL,   -- comma-separated key names
    sealed      TEXT NOT NULL,   -- base64 of nonce || ciphertext || tag
    version     BIGINT NOT NULL, -- 1 at creation, one more at each change
    updated_at  BIGINT NOT NULL
);

-- Every change made through the control API: who, what, when, from where, and how it ended.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL, -- epoch milliseconds
    caller      TEXT NOT NULL,   -- the token's name; `anonymous` when none was valid
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,   -- the route's template, e.g. /v1/services/:name
    target      TEXT NOT NULL,   -- the request's path
    address     TEXT NOT NULL,   -- the caller's IP address
    status      INTEGER NOT NULL
);

CREATE INDEX audit_log_by_time ON audit_log (at);
