-- Operator keys: a company's credential for the sandbox-control routes (/api/v1.0/crater/sandbox/…),
-- created, listed and revoked with `crater admin company operator-key`. The key itself is printed once
-- and never stored: only its SHA-256, like bearer tokens. A name is unique among a company's live keys.
CREATE TABLE operator_keys (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    name            VARCHAR(100) NOT NULL,
    name_key        VARCHAR(100) NOT NULL,
    key_hash        VARCHAR(64) NOT NULL UNIQUE,
    created_at_ms   BIGINT NOT NULL,
    revoked_at_ms   BIGINT
);
CREATE UNIQUE INDEX operator_keys_live_name ON operator_keys (company_id, name_key) WHERE revoked_at_ms IS NULL;

-- The operator key that took an audited action (null for logins and for `crater admin`).
ALTER TABLE audit_events ADD COLUMN operator_key_id BIGINT;
