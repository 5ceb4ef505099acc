-- Delivery leases and id blocks, as db/events/sqlite/V2__leases.sql says.
ALTER TABLE deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;

CREATE TABLE id_blocks (
    name TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO id_blocks (name, last) VALUES ('deliveries', 0);

-- Several nodes look for expired leases every few seconds; SQLite has one node and a small table, and
-- skips this index to keep its inserts cheap.
CREATE INDEX deliveries_by_lease ON deliveries (lease_until);
