-- Companies own users and application keys (the documented Et-App-Key).
CREATE TABLE companies (
    id              ${id_pk},
    name            VARCHAR(200) NOT NULL,
    name_key        VARCHAR(200) NOT NULL UNIQUE,
    app_key         VARCHAR(100) NOT NULL UNIQUE,
    created_at_ms   BIGINT NOT NULL
);

-- Users log in with (company, username). Secrets are Argon2id PHC strings, never plaintext.
CREATE TABLE users (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    username        VARCHAR(100) NOT NULL,
    username_key    VARCHAR(100) NOT NULL,
    email           VARCHAR(254) NOT NULL,
    phone           VARCHAR(20),
    first_name      VARCHAR(100) NOT NULL,
    middle_name     VARCHAR(100) NOT NULL,
    last_name       VARCHAR(100) NOT NULL,
    salutation      VARCHAR(20) NOT NULL,
    suffix          VARCHAR(20) NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    pin_hash        VARCHAR(255),
    two_factor      VARCHAR(20) NOT NULL,
    enabled         BOOLEAN NOT NULL,
    added_at_ms     BIGINT NOT NULL,
    UNIQUE (company_id, username_key)
);

-- Final bearer tokens, stored as SHA-256 of the token text.
CREATE TABLE tokens (
    id              ${id_pk},
    token_hash      VARCHAR(64) NOT NULL UNIQUE,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    revoked_at_ms   BIGINT
);
CREATE INDEX tokens_user ON tokens(user_id);

-- A login in progress: the interim token (hashed), the step it waits for, and the pending
-- verification code as an HMAC keyed by the interim token itself, so the stored row alone
-- cannot be used to test guesses offline.
CREATE TABLE login_challenges (
    id                  ${id_pk},
    token_hash          VARCHAR(64) NOT NULL UNIQUE,
    user_id             BIGINT NOT NULL REFERENCES users(id),
    company_id          BIGINT NOT NULL REFERENCES companies(id),
    step                VARCHAR(30) NOT NULL,
    code_mac            VARCHAR(64),
    code_expires_at_ms  BIGINT,
    pin_failures        INTEGER NOT NULL,
    code_failures       INTEGER NOT NULL,
    state               VARCHAR(20) NOT NULL,
    created_at_ms       BIGINT NOT NULL,
    expires_at_ms       BIGINT NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges(user_id);

-- Development outbox: messages that would have been sent when no SMTP server is configured.
-- Kept short (see Outbox.MESSAGES_KEPT_MAX) and only ever written in development mode.
CREATE TABLE dev_outbox (
    id              ${id_pk},
    created_at_ms   BIGINT NOT NULL,
    channel         VARCHAR(20) NOT NULL,
    recipient       VARCHAR(254) NOT NULL,
    subject         VARCHAR(300) NOT NULL,
    body            VARCHAR(4000) NOT NULL
);
