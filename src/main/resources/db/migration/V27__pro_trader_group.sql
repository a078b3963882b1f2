-- The ProTrader group (POST /users/{userId}/group, Users_AddUserToGroup): an operator invites a user
-- (crater admin user pro-trader invite), the user joins with the e-mailed token. Only the token's
-- SHA-256 is stored; an invitation works once, until it expires.
CREATE TABLE pro_trader_invites (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    token_hash      VARCHAR(64) NOT NULL UNIQUE,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    used_at_ms      BIGINT
);
CREATE INDEX pro_trader_invites_user ON pro_trader_invites (user_id);

-- The group's members, with when they joined.
CREATE TABLE pro_trader_members (
    user_id         BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    joined_at_ms    BIGINT NOT NULL,
    invite_id       BIGINT NOT NULL REFERENCES pro_trader_invites(id)
);
CREATE INDEX pro_trader_members_company ON pro_trader_members (company_id, user_id);
