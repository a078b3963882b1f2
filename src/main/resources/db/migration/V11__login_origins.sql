-- Addresses a user has completed a login from (an IPv4 address, or an IPv6 /64 network), and the
-- failures seen from each since. A known address is not refused by the account's waits or lock,
-- which anyone who knows the username can drive; it has its own waits instead. Forgotten when the
-- password changes, after 90 days without a login, and beyond the 20 most recent per user.
CREATE TABLE login_origins (
    user_id             BIGINT NOT NULL REFERENCES users(id),
    origin              VARCHAR(64) NOT NULL,
    last_success_ms     BIGINT NOT NULL,
    failed_attempts     INTEGER NOT NULL,
    blocked_until_ms    BIGINT NOT NULL,
    PRIMARY KEY (user_id, origin)
);
