-- Per-account guessing protection: consecutive failures across every login step, the time before
-- which attempts are refused unread, and an operator lock after too many failures.
ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN blocked_until_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
-- Password age, and the highest token id voided by a revoke-all (ids come from one sequence, so
-- this is exact across nodes and within one millisecond).
ALTER TABLE users ADD COLUMN password_changed_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tokens_revoked_through_id BIGINT NOT NULL DEFAULT 0;
-- The picture and phrase shown with the PIN prompt (PIN set-up documents them).
ALTER TABLE users ADD COLUMN pin_image VARCHAR(40);
ALTER TABLE users ADD COLUMN pin_phrase VARCHAR(200);
UPDATE users SET password_changed_at_ms = added_at_ms;

-- What a token opens: FULL (the API), PASSWORD_CHANGE (an expired password's update, or a reset),
-- PIN_SETUP (the security images and the set-PIN call).
ALTER TABLE tokens ADD COLUMN scope VARCHAR(20) NOT NULL DEFAULT 'FULL';

-- Per-company login policy; a company without a row uses the defaults in CompanyPolicy.
CREATE TABLE company_policies (
    company_id                  BIGINT NOT NULL PRIMARY KEY REFERENCES companies(id),
    password_min_length         INTEGER NOT NULL,
    password_max_age_days       INTEGER NOT NULL,
    pin_required                BOOLEAN NOT NULL,
    free_failures               INTEGER NOT NULL,
    failure_delay_seconds       INTEGER NOT NULL,
    failure_delay_max_seconds   INTEGER NOT NULL,
    lock_after_failures         INTEGER NOT NULL
);

-- Forgotten-password resets: an e-mailed code (HMAC under the master key, unique per company while
-- open), its failures and lifetime.
CREATE TABLE password_resets (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    purpose         VARCHAR(20) NOT NULL,
    code_mac        VARCHAR(64) NOT NULL,
    failures        INTEGER NOT NULL,
    state           VARCHAR(20) NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);
CREATE INDEX password_resets_code ON password_resets(company_id, code_mac);

-- Every authentication event. Never holds a secret.
CREATE TABLE audit_events (
    id              ${id_pk},
    at_ms           BIGINT NOT NULL,
    company_id      BIGINT,
    user_id         BIGINT,
    username        VARCHAR(100),
    event           VARCHAR(40) NOT NULL,
    step            VARCHAR(30),
    client_address  VARCHAR(64),
    user_agent      VARCHAR(300),
    detail          VARCHAR(300)
);
CREATE INDEX audit_events_time ON audit_events(at_ms);
CREATE INDEX audit_events_user ON audit_events(user_id, at_ms);
