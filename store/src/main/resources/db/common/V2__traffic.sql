-- How a service's traffic is split across its revisions, and its tags: the JSON of dev.nubo.model.Traffic.
-- NULL means the default, everything to the newest READY revision, so services deployed before this
-- column existed keep behaving as they did.
ALTER TABLE services ADD COLUMN traffic TEXT;
