-- Paperless settings (e-delivery of documents, reference 03-accounts.md §6): one row per account once
-- its owner stored a default or settings, and one row per documented category (Confirmations,
-- Statements, Tax Documents, Prospectus…) with whether it is delivered electronically.
CREATE TABLE paperless_settings (
    account_id        BIGINT NOT NULL PRIMARY KEY REFERENCES accounts(id),
    id                VARCHAR(40) NOT NULL,
    email             VARCHAR(254),
    supplement_email  VARCHAR(254),
    modified_at_ms    BIGINT NOT NULL
);

CREATE TABLE paperless_options (
    account_id        BIGINT NOT NULL REFERENCES paperless_settings(account_id),
    category_id       VARCHAR(40) NOT NULL,
    is_paperless      BOOLEAN NOT NULL,
    PRIMARY KEY (account_id, category_id)
);
