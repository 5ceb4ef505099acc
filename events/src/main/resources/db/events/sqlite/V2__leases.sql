-- Deliveries are leased to the node that sends them (docs/ARCHITECTURE.md, "Eventing"): owner is its node
-- id, lease_until (epoch milliseconds) the moment from which another node may take the row over. Rows from
-- before leases have no owner and a lease long past: the next event log to start takes them.
ALTER TABLE deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;

-- Delivery ids come in blocks of 2^32, one block per event log opened (dev.nubo.events.Ids), so that nodes
-- sharing a database never hand out the same id and never ask the database for one per event. Ids written
-- before blocks existed are below 2^32: block 0.
CREATE TABLE id_blocks (
    name TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT INTO id_blocks (name, last) VALUES ('deliveries', 0);
