-- Every change of a service's traffic or of its rollback pin increments its traffic version. A traffic write
-- names the version it was made from and changes nothing if it is no longer current (PUT …/traffic, If-Match),
-- so concurrent edits cannot lose one another.
ALTER TABLE services ADD COLUMN traffic_version INTEGER NOT NULL DEFAULT 1;

-- The host name labels under the domain that services claim: NAME for a service, TAG-NAME for a tag of one.
-- The primary key makes a second claim of a label fail in the transaction that tries it, whichever comes second:
-- a service `canary-spy` and the tag `canary` of service `spy` cannot both answer at canary-spy.<domain>.
CREATE TABLE hosts (
    label   TEXT PRIMARY KEY,
    service TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    tag     TEXT              -- NULL for the service's own name
);

CREATE INDEX hosts_by_service ON hosts (service);

INSERT INTO hosts (label, service) SELECT name, name FROM services;

-- Tags set before this table existed; where two already collide, the first keeps the host.
INSERT OR IGNORE INTO hosts (label, service, tag)
    SELECT t.key || '-' || s.name, s.name, t.key FROM services s, json_each(s.traffic, '$.tags') t
    WHERE s.traffic IS NOT NULL;
