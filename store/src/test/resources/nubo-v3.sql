-- A nubo.db written by Nubo's store before PostgreSQL (schema V3, as on users' machines), dumped with sqlite3 .dump.
-- Loaded by StoreMigrationTest to prove such a database migrates forward.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
INSERT INTO flyway_schema_history VALUES(1,'1','services revisions events','SQL','V1__services_revisions_events.sql',-1272551874,'','2026-12-03 10:03:27.810',5,1);
INSERT INTO flyway_schema_history VALUES(2,'2','traffic','SQL','V2__traffic.sql',-2085959381,'','2026-12-03 10:03:27.852',8,1);
INSERT INTO flyway_schema_history VALUES(3,'3','traffic versions and hosts','SQL','V3__traffic_versions_and_hosts.sql',509160343,'','2026-12-03 10:03:27.898',7,1);
CREATE TABLE services (
    name            TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    pinned_revision TEXT,
    next_number     INTEGER NOT NULL DEFAULT 1
, traffic TEXT, traffic_version INTEGER NOT NULL DEFAULT 1);
INSERT INTO services VALUES('hello','2026-11-21T12:00:00Z',NULL,4,'{"splits":[{"revision":"hello-00001","percent":90},{"revision":"hello-00002","percent":10}],"tags":{"canary":"hello-00002"}}',2);
INSERT INTO services VALUES('pinned','2026-11-21T12:00:00Z','pinned-00001',3,NULL,2);
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
INSERT INTO revisions VALUES('hello-00001','hello',1,replace('name: hello\nruntime: process\ncommand: [python3, app.py]\n','\n',char(10)),'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','READY',NULL,NULL,'2026-11-21T12:00:00Z','2026-11-21T12:00:00.420Z');
INSERT INTO revisions VALUES('hello-00002','hello',2,replace('name: hello\nruntime: process\ncommand: [python3, app.py]\n','\n',char(10)),'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','READY',NULL,NULL,'2026-11-21T12:01:00Z','2026-11-21T12:01:01Z');
INSERT INTO revisions VALUES('hello-00003','hello',3,replace('name: hello\nruntime: process\ncommand: [python3, app.py]\n','\n',char(10)),'sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc','FAILED','exited with code 1 before it was ready','["Traceback","boom"]','2026-11-21T12:02:00Z',NULL);
INSERT INTO revisions VALUES('pinned-00001','pinned',1,replace('name: pinned\nruntime: process\ncommand: [python3, app.py]\n','\n',char(10)),'sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd','READY',NULL,NULL,'2026-11-21T12:00:00Z','2026-11-21T12:00:01Z');
INSERT INTO revisions VALUES('pinned-00002','pinned',2,replace('name: pinned\nruntime: process\ncommand: [python3, app.py]\n','\n',char(10)),'sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee','DEPLOYING',NULL,NULL,'2026-11-21T12:00:02Z',NULL);
CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    service  TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    revision TEXT,
    time     TEXT NOT NULL,
    message  TEXT NOT NULL
);
INSERT INTO events VALUES(1,'hello','hello-00001','2026-11-21T12:00:00Z','hello-00001 is serving');
CREATE TABLE hosts (
    label   TEXT PRIMARY KEY,
    service TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    tag     TEXT              -- NULL for the service's own name
);
INSERT INTO hosts VALUES('hello','hello',NULL);
INSERT INTO hosts VALUES('canary-hello','hello','canary');
INSERT INTO hosts VALUES('pinned','pinned',NULL);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('events',1);
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
CREATE INDEX events_by_service ON events (service, id);
CREATE INDEX hosts_by_service ON hosts (service);
COMMIT;
