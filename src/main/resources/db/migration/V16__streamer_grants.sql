-- Streamer session ids (reference 11, issue 16): the ids GET /streamers issues, kept as SHA-256 of
-- the id, bound to the caller's login token, so a socket can be opened on any node sharing the store
-- (before this version they were held in the issuing node's memory). seq orders a user's ids for the
-- per-user limit (the oldest is dropped).
CREATE TABLE streamer_grants (
    seq         ${id_pk},
    id_hash     VARCHAR(64) NOT NULL UNIQUE,
    user_id     BIGINT NOT NULL,
    company_id  BIGINT NOT NULL,
    token_hash  VARCHAR(64) NOT NULL,
    kind        VARCHAR(16) NOT NULL,
    issued_ms   BIGINT NOT NULL
);
CREATE INDEX streamer_grants_user ON streamer_grants(user_id);
CREATE INDEX streamer_grants_token ON streamer_grants(token_hash);

-- A check value of the master key (an HMAC under a key derived from it, never the key itself): every
-- node sharing a PostgreSQL store must use the same master key, and a node with another refuses to
-- start instead of failing the other nodes' signed requests and sealed secrets.
CREATE TABLE store_keys (
    name       VARCHAR(32) PRIMARY KEY,
    check_mac  VARCHAR(64) NOT NULL
);
