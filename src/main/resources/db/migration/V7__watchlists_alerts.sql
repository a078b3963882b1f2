-- Watchlists (reference 07-watchlists.md): each user's own lists. The system lists (top gainers and
-- losers per exchange) are computed from the simulated market and never stored.
CREATE TABLE watchlists (
    id               ${id_pk},
    user_id          BIGINT NOT NULL REFERENCES users(id),
    name             VARCHAR(100) NOT NULL,
    -- The name lower-cased (Locale.ROOT): names are unique per user without regard to case.
    name_key         VARCHAR(400) NOT NULL,
    created_at_ms    BIGINT NOT NULL,
    modified_at_ms   BIGINT NOT NULL
);
CREATE UNIQUE INDEX watchlists_user_name ON watchlists (user_id, name_key);

-- The securities of a list, in the order they were added (equity ids, or generated option ids).
CREATE TABLE watchlist_securities (
    watchlist_id     BIGINT NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    security_id      BIGINT NOT NULL,
    position         INTEGER NOT NULL,
    added_at_ms      BIGINT NOT NULL,
    PRIMARY KEY (watchlist_id, security_id)
);

-- Price alerts (reference 08-price-alerts.md). The level is an exact decimal. An alert fires by a
-- conditional UPDATE (state = 'New' and the revision the evaluator saw), so it completes exactly
-- once however many nodes or ticks see the crossing; every modification bumps the revision.
CREATE TABLE price_alerts (
    id               ${id_pk},
    user_id          BIGINT NOT NULL REFERENCES users(id),
    security_id      BIGINT NOT NULL,
    field            VARCHAR(8) NOT NULL,
    operator         VARCHAR(8) NOT NULL,
    argument         ${decimal} NOT NULL,
    state            VARCHAR(12) NOT NULL,
    revision         INTEGER NOT NULL,
    -- 0 means the alert never expires.
    expires_at_ms    BIGINT NOT NULL,
    created_at_ms    BIGINT NOT NULL,
    modified_at_ms   BIGINT NOT NULL,
    fired_at_ms      BIGINT,
    fired_price      ${decimal}
);
CREATE INDEX price_alerts_user ON price_alerts (user_id, id);
CREATE INDEX price_alerts_state ON price_alerts (state, expires_at_ms);
