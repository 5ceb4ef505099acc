-- A producer token lets an event producer publish into one broker without the admin token. Only its
-- SHA-256 is kept: the token itself is shown once, when it is issued.
CREATE TABLE producer_tokens (
    broker     TEXT PRIMARY KEY REFERENCES brokers (name) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
