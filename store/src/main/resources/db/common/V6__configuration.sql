-- The configuration center (docs/MICROSERVICES.md), the same SQL for SQLite and PostgreSQL.

-- Every change of an application's configuration is a new, immutable version holding the whole of it
-- (every profile's keys and values, as JSON), so that any version can be served, compared and rolled
-- back to as it was; a rollback is itself a new version equal to an old one.
CREATE TABLE config_versions (
    app        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    properties TEXT NOT NULL,   -- {"PROFILE": {"KEY": "VALUE", ...}, ...}; "default" is the profile-less part
    change     TEXT NOT NULL,   -- what this version changed, in words, for `nubo config history`
    created_at TEXT NOT NULL,
    PRIMARY KEY (app, version)
);
