-- Funding (reference 03-accounts.md §4, issue 17): linked bank accounts (ACH relationships) and
-- transfers in and out. Every money move of a transfer is a cash_requests row written in the same
-- transaction as the transfer's state change, so the engine books it exactly once.
CREATE TABLE ach_relationships (
    id                     VARCHAR(36) PRIMARY KEY,
    account_id             BIGINT NOT NULL REFERENCES accounts(id),
    external_id            VARCHAR(40) NOT NULL,
    routing_number         VARCHAR(9) NOT NULL,
    -- The bank account number sealed with the master key, and its last four digits for display.
    account_number_sealed  TEXT NOT NULL,
    account_number_last4   VARCHAR(4) NOT NULL,
    account_owner_name     VARCHAR(100) NOT NULL,
    name                   VARCHAR(100) NOT NULL,
    status                 VARCHAR(16) NOT NULL,
    approval_method        VARCHAR(8) NOT NULL,
    bank_account_type      VARCHAR(8) NOT NULL,
    is_default             BOOLEAN NOT NULL,
    created_at_ms          BIGINT NOT NULL,
    cancel_at_ms           BIGINT,
    cancel_reason          VARCHAR(200),
    -- An HMAC of the two micro-deposit amounts (never the amounts), and the failed guesses so far.
    micro_mac              VARCHAR(64),
    approve_attempts       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ach_relationships_account ON ach_relationships (account_id, created_at_ms);

CREATE TABLE transfers (
    id                     VARCHAR(36) PRIMARY KEY,
    account_id             BIGINT NOT NULL REFERENCES accounts(id),
    external_id            VARCHAR(40) NOT NULL,
    mechanism              VARCHAR(8) NOT NULL,
    is_deposit             BOOLEAN NOT NULL,
    status                 VARCHAR(16) NOT NULL,
    comment                VARCHAR(200),
    amount                 ${decimal} NOT NULL,
    fee                    ${decimal} NOT NULL,
    total_amount           ${decimal} NOT NULL,
    ach_relationship_id    VARCHAR(36),
    details_json           TEXT NOT NULL,
    -- The caller's idempotency key (ClientId or Idempotency-Key) and a digest of what it asked for.
    client_key             VARCHAR(100),
    request_digest         VARCHAR(64),
    created_by             VARCHAR(100) NOT NULL,
    created_at_ms          BIGINT NOT NULL,
    -- When the transfer completes by itself (the session start its funds arrive at).
    due_at_ms              BIGINT NOT NULL,
    transfer_at_ms         BIGINT,
    -- The cash requests: a withdrawal's hold (at once), a deposit's credit (at completion), and the
    -- reversal (a withdrawal's refund on cancel/reject/return, a deposit's debit on return).
    hold_request_id        BIGINT,
    credit_request_id      BIGINT,
    reversal_request_id    BIGINT,
    -- 'due' while a withdrawal's refund waits for its hold to be applied; then 'done' or 'none'.
    reversal_state         VARCHAR(8)
);
CREATE UNIQUE INDEX transfers_client_key ON transfers (account_id, client_key);
CREATE INDEX transfers_account ON transfers (account_id, created_at_ms);
CREATE INDEX transfers_status ON transfers (status, due_at_ms);
