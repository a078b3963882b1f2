-- Phone binding state (PhoneNumberState: NotLinked, Active, Suspended, NotVerified).
ALTER TABLE users ADD COLUMN phone_state VARCHAR(20) NOT NULL DEFAULT 'NotLinked';
-- The authenticator-app secret, encrypted with the server's master key (AES-256-GCM); the last
-- accepted time step, so a code is accepted at most once.
ALTER TABLE users ADD COLUMN totp_secret_enc VARCHAR(200);
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- An authenticator enrolment waiting for its first code.
CREATE TABLE totp_enrolments (
    user_id         BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    secret_enc      VARCHAR(200) NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);

-- Single-use recovery codes: SHA-256 of 80-bit random codes.
CREATE TABLE recovery_codes (
    id              ${id_pk},
    user_id         BIGINT NOT NULL REFERENCES users(id),
    code_hash       VARCHAR(64) NOT NULL,
    used_at_ms      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Every code sent by e-mail or SMS, for the resend throttle (30 s apart, 5 an hour per user).
CREATE TABLE code_sends (
    id              ${id_pk},
    user_id         BIGINT NOT NULL REFERENCES users(id),
    channel         VARCHAR(20) NOT NULL,
    sent_at_ms      BIGINT NOT NULL
);
CREATE INDEX code_sends_user_time ON code_sends(user_id, sent_at_ms);

-- A phone number waiting for its SMS code (Subscriptions API, "m_Item2" is the id). The code is
-- kept as an HMAC under the master key.
CREATE TABLE phone_verifications (
    id              ${id_pk},
    user_id         BIGINT NOT NULL REFERENCES users(id),
    phone           VARCHAR(20) NOT NULL,
    code_mac        VARCHAR(64) NOT NULL,
    failures        INTEGER NOT NULL,
    state           VARCHAR(20) NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);
CREATE INDEX phone_verifications_user ON phone_verifications(user_id);

-- Notification subscriptions that differ from the defaults (Channel x SubscriptionType).
CREATE TABLE subscriptions (
    user_id             BIGINT NOT NULL REFERENCES users(id),
    channel             VARCHAR(20) NOT NULL,
    subscription_type   VARCHAR(30) NOT NULL,
    state               VARCHAR(20) NOT NULL,
    PRIMARY KEY (user_id, channel, subscription_type)
);

-- A code sent to prove the current second factor before a security setting changes (one pending
-- per user), kept as an HMAC under the master key.
CREATE TABLE settings_codes (
    user_id         BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    code_mac        VARCHAR(64) NOT NULL,
    failures        INTEGER NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);
