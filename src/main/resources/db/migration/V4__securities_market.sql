-- The securities master: ids are assigned by the shipped data file (securities/us-listed.csv) or,
-- for operator-added (internal) securities, from 1000 up; they are never reused, so they are the
-- same on every node and in every database.
CREATE TABLE securities (
    id                  INTEGER NOT NULL PRIMARY KEY,
    symbol              VARCHAR(32) NOT NULL,
    description         VARCHAR(200) NOT NULL,
    exchange            VARCHAR(16) NOT NULL,
    currency            VARCHAR(8) NOT NULL,
    type                VARCHAR(40) NOT NULL,
    precision_digits    INTEGER NOT NULL,
    volume_precision    INTEGER NOT NULL,
    tick_size           ${decimal} NOT NULL,
    enabled             BOOLEAN NOT NULL,
    allow_trade         BOOLEAN NOT NULL,
    allow_margin        BOOLEAN NOT NULL,
    allow_short         BOOLEAN NOT NULL,
    optionable          BOOLEAN NOT NULL,
    reference_price     ${decimal} NOT NULL,
    origin              VARCHAR(16) NOT NULL,
    added_at_ms         BIGINT NOT NULL,
    modified_at_ms      BIGINT NOT NULL
);
CREATE UNIQUE INDEX securities_symbol ON securities (symbol);

-- Sandbox control of the simulated market (operators only): price settings, paths and halts per
-- security, in force from starts_at_ms (market time). A halt without ends_at_ms lasts until resumed.
CREATE TABLE market_events (
    id                  ${id_pk},
    security_id         INTEGER NOT NULL REFERENCES securities(id),
    kind                VARCHAR(16) NOT NULL,
    starts_at_ms        BIGINT NOT NULL,
    ends_at_ms          BIGINT,
    price               ${decimal},
    points              TEXT,
    created_at_ms       BIGINT NOT NULL
);
CREATE INDEX market_events_security ON market_events (security_id, starts_at_ms);

-- One row: how far the simulated clock runs ahead of (or behind) real time, and a version every
-- change of securities or market events bumps, so every node reloads within a second.
CREATE TABLE market_control (
    id                  INTEGER NOT NULL PRIMARY KEY,
    clock_offset_ms     BIGINT NOT NULL,
    version             BIGINT NOT NULL
);
INSERT INTO market_control (id, clock_offset_ms, version) VALUES (1, 0, 0);
