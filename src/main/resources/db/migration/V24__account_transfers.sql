-- ACATS account transfer requests (reference 03-accounts.md §3) and their status history. Crater's
-- clearing firm is simulated: a submitted request moves on the market clock (SUBMITTED → PENDING at
-- the next session start → COMPLETE at the one after), or by an operator's approve or reject.
CREATE TABLE account_transfer_requests (
    id                   VARCHAR(40) NOT NULL PRIMARY KEY,
    account_id           BIGINT NOT NULL REFERENCES accounts(id),
    initiated_by         BIGINT NOT NULL REFERENCES users(id),
    status               VARCHAR(16) NOT NULL,
    tif_id               VARCHAR(40) NOT NULL,
    acats_control_number BIGINT NOT NULL,
    form_data            TEXT,
    submitted_at_ms      BIGINT,
    created_at_ms        BIGINT NOT NULL,
    updated_at_ms        BIGINT NOT NULL
);
CREATE INDEX account_transfer_requests_account ON account_transfer_requests (account_id, created_at_ms);
CREATE INDEX account_transfer_requests_open ON account_transfer_requests (status);

CREATE TABLE account_transfer_history (
    id                   ${id_pk},
    request_id           VARCHAR(40) NOT NULL REFERENCES account_transfer_requests(id),
    created_at_ms        BIGINT NOT NULL,
    status               VARCHAR(16) NOT NULL,
    changed_by           VARCHAR(120) NOT NULL,
    comment              VARCHAR(500)
);
CREATE INDEX account_transfer_history_request ON account_transfer_history (request_id, id);
