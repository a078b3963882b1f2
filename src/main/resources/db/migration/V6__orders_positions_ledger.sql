-- Orders, fills, positions and the cash ledger of paper trading (reference 04, 05, 03 §5). The
-- trading engine owns the state; these rows are what it has acknowledged: an order is stored before
-- it is acknowledged, and a fill with its ledger entries and position in the same transaction.
CREATE TABLE orders (
    id                       BIGINT NOT NULL PRIMARY KEY,
    account_id               BIGINT NOT NULL REFERENCES accounts(id),
    user_id                  BIGINT NOT NULL,
    client_id                VARCHAR(64),
    parent_id                BIGINT NOT NULL,
    security_id              INTEGER NOT NULL,
    symbol                   VARCHAR(32) NOT NULL,
    side                     VARCHAR(16) NOT NULL,
    type                     VARCHAR(32) NOT NULL,
    initial_type             VARCHAR(32) NOT NULL,
    time_in_force            VARCHAR(24) NOT NULL,
    quantity                 ${decimal} NOT NULL,
    price                    ${decimal} NOT NULL,
    stop_price               ${decimal} NOT NULL,
    executed_quantity        ${decimal} NOT NULL,
    leaves_quantity          ${decimal} NOT NULL,
    average_price            ${decimal} NOT NULL,
    last_price               ${decimal} NOT NULL,
    last_quantity            ${decimal} NOT NULL,
    status                   VARCHAR(24) NOT NULL,
    execution_status         VARCHAR(24) NOT NULL,
    exec_inst                VARCHAR(24),
    expire_at_ms             BIGINT,
    extended_hours           VARCHAR(16),
    exchange                 VARCHAR(16),
    trailing_stop_amount     ${decimal} NOT NULL,
    trailing_stop_type       VARCHAR(16) NOT NULL,
    trailing_limit_amount    ${decimal} NOT NULL,
    trailing_limit_type      VARCHAR(16) NOT NULL,
    comment                  VARCHAR(500),
    description              VARCHAR(500),
    execution_instructions   TEXT,
    request_json             TEXT NOT NULL,
    state_json               TEXT,
    created_at_ms            BIGINT NOT NULL,
    updated_at_ms            BIGINT NOT NULL,
    transaction_at_ms        BIGINT NOT NULL
);
CREATE INDEX orders_account ON orders (account_id, id);
CREATE UNIQUE INDEX orders_client_id ON orders (account_id, client_id);
CREATE INDEX orders_open ON orders (status);
CREATE INDEX orders_parent ON orders (parent_id);

CREATE TABLE fills (
    id                       BIGINT NOT NULL PRIMARY KEY,
    order_id                 BIGINT NOT NULL REFERENCES orders(id),
    account_id               BIGINT NOT NULL,
    security_id              INTEGER NOT NULL,
    side                     VARCHAR(16) NOT NULL,
    quantity                 ${decimal} NOT NULL,
    price                    ${decimal} NOT NULL,
    commission               ${decimal} NOT NULL,
    at_ms                    BIGINT NOT NULL
);
CREATE INDEX fills_order ON fills (order_id);

-- Every cash movement (TransactionMapModel): Payment, OrderExecution, Commission, OptionExpiration …
CREATE TABLE ledger_entries (
    id                       ${id_pk},
    account_id               BIGINT NOT NULL REFERENCES accounts(id),
    at_ms                    BIGINT NOT NULL,
    type                     VARCHAR(24) NOT NULL,
    security_id              INTEGER NOT NULL,
    order_id                 BIGINT NOT NULL,
    fill_id                  BIGINT,
    quantity                 ${decimal} NOT NULL,
    leaves_quantity          ${decimal} NOT NULL,
    value                    ${decimal} NOT NULL,
    commission_id            VARCHAR(40),
    is_day_trade             BOOLEAN NOT NULL,
    description              VARCHAR(200),
    cash_request_id          BIGINT
);
CREATE INDEX ledger_account ON ledger_entries (account_id, id);
CREATE UNIQUE INDEX ledger_cash_request ON ledger_entries (cash_request_id);

CREATE TABLE positions (
    id                       ${id_pk},
    account_id               BIGINT NOT NULL REFERENCES accounts(id),
    security_id              INTEGER NOT NULL,
    symbol                   VARCHAR(32) NOT NULL,
    quantity                 ${decimal} NOT NULL,
    cost_basis               ${decimal} NOT NULL,
    daily_cost_basis         ${decimal} NOT NULL,
    average_open_price       ${decimal} NOT NULL,
    average_close_price      ${decimal} NOT NULL,
    realized_pl              ${decimal} NOT NULL,
    daily_close_pl           ${decimal} NOT NULL,
    day_quantity             ${decimal} NOT NULL,
    created_at_ms            BIGINT NOT NULL,
    modified_at_ms           BIGINT NOT NULL,
    state_json               TEXT NOT NULL
);
CREATE UNIQUE INDEX positions_account_security ON positions (account_id, security_id);

-- The trading engine's state of each account (cash, settled cash, reservations, unsettled
-- proceeds), written with every change so the engine rebuilds it after a restart.
CREATE TABLE engine_accounts (
    account_id               BIGINT NOT NULL PRIMARY KEY REFERENCES accounts(id),
    state_json               TEXT NOT NULL,
    updated_at_ms            BIGINT NOT NULL
);

-- The user an account was opened for (the opening record's User), kept when owners change.
ALTER TABLE accounts ADD COLUMN opened_by_user_id BIGINT NOT NULL DEFAULT 0;
UPDATE accounts SET opened_by_user_id = (SELECT MIN(user_id) FROM account_users
    WHERE account_users.account_id = accounts.id AND access_type = 'Owner') WHERE EXISTS (SELECT 1 FROM account_users
    WHERE account_users.account_id = accounts.id AND access_type = 'Owner');

-- What became of an operator's cash request when the engine applied it ("applied", or why not).
ALTER TABLE cash_requests ADD COLUMN outcome VARCHAR(200);
