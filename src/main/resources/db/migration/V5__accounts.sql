-- Trading accounts (reference 03-accounts.md §1). A paper account belongs to one company; users
-- reach it through account_users with the documented access types.
CREATE TABLE accounts (
    id                       ${id_pk},
    company_id               BIGINT NOT NULL REFERENCES companies(id),
    clearing_account         VARCHAR(32) NOT NULL,
    margin_type              VARCHAR(16) NOT NULL,
    owner_type               VARCHAR(32) NOT NULL,
    currency                 VARCHAR(8) NOT NULL,
    clearing_firm            VARCHAR(40) NOT NULL,
    enabled                  BOOLEAN NOT NULL,
    per_trade_commission     ${decimal} NOT NULL,
    per_share_commission     ${decimal} NOT NULL,
    per_contract_commission  ${decimal} NOT NULL,
    opening_request_id       VARCHAR(40) NOT NULL,
    form_data                TEXT NOT NULL,
    created_at_ms            BIGINT NOT NULL,
    modified_at_ms           BIGINT NOT NULL
);
CREATE INDEX accounts_company ON accounts (company_id);

CREATE TABLE account_users (
    account_id               BIGINT NOT NULL REFERENCES accounts(id),
    user_id                  BIGINT NOT NULL REFERENCES users(id),
    access_type              VARCHAR(24) NOT NULL,
    alias                    VARCHAR(100),
    added_at_ms              BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX account_users_user ON account_users (user_id);

-- Cash an operator moves in or out (deposits, withdrawals). The trading engine applies each request
-- exactly once, writing its ledger entry in the same transaction that marks the request applied.
CREATE TABLE cash_requests (
    id                       ${id_pk},
    account_id               BIGINT NOT NULL REFERENCES accounts(id),
    amount                   ${decimal} NOT NULL,
    description              VARCHAR(200) NOT NULL,
    requested_at_ms          BIGINT NOT NULL,
    applied_at_ms            BIGINT
);
CREATE INDEX cash_requests_pending ON cash_requests (applied_at_ms, id);
