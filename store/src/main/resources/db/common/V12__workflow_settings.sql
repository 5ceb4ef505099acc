-- A workflow version's settings besides its definition (the workflows module): its type (standard:
-- durable, with a history; express: run in memory) and whether the gateway starts it synchronously at
-- NAME.<domain> (http = 1). Both are part of the immutable version, like the definition.
ALTER TABLE workflows ADD COLUMN type TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE workflows ADD COLUMN http INTEGER NOT NULL DEFAULT 0;
