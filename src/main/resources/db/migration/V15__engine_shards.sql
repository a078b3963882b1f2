-- Shard ownership between nodes on one PostgreSQL (issue 16): a row per trading shard, owned by
-- one node while its lease is live; every owner's persistence transaction checks its epoch, so a
-- node that lost the lease cannot write. Lease times are the database's clock (milliseconds since
-- the epoch), never a node's. The embedded SQLite store has one node (store/StoreLock) and no rows.
CREATE TABLE engine_shards (
    shard          INTEGER PRIMARY KEY,
    shard_count    INTEGER NOT NULL,
    owner_node     TEXT,
    owner_url      TEXT,
    lease_until_ms BIGINT NOT NULL DEFAULT 0,
    epoch          BIGINT NOT NULL DEFAULT 0
);

-- The nodes that run trading shards, with their last heartbeat (database clock), for the fair share.
CREATE TABLE engine_nodes (
    node     TEXT PRIMARY KEY,
    url      TEXT NOT NULL,
    seen_ms  BIGINT NOT NULL
);

-- Id blocks nodes take atomically (UPDATE ... RETURNING), so ids never collide across nodes.
CREATE TABLE id_blocks (
    name    TEXT PRIMARY KEY,
    next_id BIGINT NOT NULL
);
INSERT INTO id_blocks (name, next_id) VALUES ('orders', 1);

-- Which trading accounts each node's streamer sockets watch, so the node owning an account's shard
-- relays its changes to the nodes that have subscribers (and to no others).
CREATE TABLE stream_watches (
    node       TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    PRIMARY KEY (node, account_id)
);
