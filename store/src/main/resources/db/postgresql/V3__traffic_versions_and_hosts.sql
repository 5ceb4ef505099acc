-- sqlite/V3 in PostgreSQL's SQL (ON CONFLICT for INSERT OR IGNORE, jsonb_each_text for json_each).
ALTER TABLE services ADD COLUMN traffic_version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE hosts (
    label   TEXT PRIMARY KEY,
    service TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    tag     TEXT              -- NULL for the service's own name
);

CREATE INDEX hosts_by_service ON hosts (service);

INSERT INTO hosts (label, service) SELECT name, name FROM services;

INSERT INTO hosts (label, service, tag)
    SELECT t.key || '-' || s.name, s.name, t.key FROM services s, jsonb_each_text(s.traffic::jsonb -> 'tags') t
    WHERE s.traffic IS NOT NULL
    ON CONFLICT (label) DO NOTHING;
