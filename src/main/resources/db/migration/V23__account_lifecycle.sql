-- Account lifecycle (issue 17, reference 03-accounts.md §2, §7): opening requests, the simulated
-- clearing firm's KYC investigations, operators' and owners' paper-account resets, each company's
-- opening settings, and each account's value at every session close.

-- POST /user/{userId}/account-requests/open. A paper request opens its account at once; any other
-- provider's waits in the simulated clearing flow (New → SentToClearing → Approved | Rejected), its
-- account opened disabled until an operator approves it.
CREATE TABLE account_requests (
    id                 VARCHAR(40) NOT NULL PRIMARY KEY,
    company_id         BIGINT NOT NULL REFERENCES companies(id),
    user_id            BIGINT NOT NULL REFERENCES users(id),
    account_id         BIGINT REFERENCES accounts(id),
    form_type          VARCHAR(40) NOT NULL,
    account_provider   VARCHAR(40) NOT NULL,
    request_type       VARCHAR(16) NOT NULL,
    status             VARCHAR(24) NOT NULL,
    comment            VARCHAR(500),
    created_at_ms      BIGINT NOT NULL,
    updated_at_ms      BIGINT NOT NULL
);
CREATE INDEX account_requests_user ON account_requests (user_id, created_at_ms);
CREATE INDEX account_requests_account ON account_requests (account_id);

-- The clearing firm's checks of an opening request (03-accounts.md §7), by the account's clearing number.
CREATE TABLE account_investigations (
    id                 VARCHAR(40) NOT NULL PRIMARY KEY,
    request_id         VARCHAR(40) NOT NULL REFERENCES account_requests(id),
    account_id         BIGINT NOT NULL REFERENCES accounts(id),
    status             VARCHAR(24) NOT NULL,
    comment            VARCHAR(500),
    created_at_ms      BIGINT NOT NULL,
    updated_at_ms      BIGINT NOT NULL
);
CREATE INDEX account_investigations_account ON account_investigations (account_id);

-- What a company's new paper accounts open with (operators set it; absent: the defaults).
CREATE TABLE account_opening_settings (
    company_id         BIGINT NOT NULL PRIMARY KEY REFERENCES companies(id),
    starting_cash      ${decimal} NOT NULL,
    margin_type        VARCHAR(16) NOT NULL,
    updated_at_ms      BIGINT NOT NULL
);

-- Paper-account resets (the owner's API call, crater admin account reset). The trading engine
-- applies each once, marking it applied in the transaction that stores what the reset did.
CREATE TABLE account_resets (
    id                 ${id_pk},
    account_id         BIGINT NOT NULL REFERENCES accounts(id),
    user_id            BIGINT NOT NULL,
    starting_cash      ${decimal} NOT NULL,
    requested_by       VARCHAR(120) NOT NULL,
    requested_at_ms    BIGINT NOT NULL,
    applied_at_ms      BIGINT,
    outcome            VARCHAR(200)
);
CREATE INDEX account_resets_pending ON account_resets (applied_at_ms, id);

-- Each account's value at a trading day's regular close (cash booked by then plus the positions
-- held then at that day's closing price). One row per account and day, whichever node takes it.
CREATE TABLE account_value_closes (
    account_id         BIGINT NOT NULL REFERENCES accounts(id),
    close_date         VARCHAR(10) NOT NULL,
    close_at_ms        BIGINT NOT NULL,
    value              ${decimal} NOT NULL,
    taken_at_ms        BIGINT NOT NULL,
    PRIMARY KEY (account_id, close_date)
);
