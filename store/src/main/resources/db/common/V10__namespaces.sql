-- Namespaces (issue 17): the non-default namespaces and their quotas, and the namespace a token is
-- limited to. The same SQL for SQLite and PostgreSQL. A service of a namespace is stored under its
-- qualified name NAME.NAMESPACE, so services, revisions and hosts need no new column, and every row
-- written before this migration is in the namespace `default`, whose services keep their plain names.

CREATE TABLE namespaces (
    name          TEXT PRIMARY KEY,
    max_services  BIGINT NOT NULL, -- 0: no limit
    max_instances BIGINT NOT NULL, -- 0: no limit
    max_memory    BIGINT NOT NULL, -- bytes; 0: no limit
    created_at    BIGINT NOT NULL  -- epoch milliseconds
);

-- '' for a token that is not limited to a namespace (every token made before this migration).
ALTER TABLE access_tokens ADD COLUMN namespace TEXT NOT NULL DEFAULT '';
