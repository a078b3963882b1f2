-- The agreements a company's users must sign (reference 02-users.md §4; the spec's
-- AgreementItemResource Type: Platform, Quotemedia, Quodd), each with its current version. A
-- revised agreement (a higher version) is unsigned again for everyone; a retired one is asked no more.
CREATE TABLE agreements (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    type            VARCHAR(20) NOT NULL,
    name            VARCHAR(200) NOT NULL,
    url             VARCHAR(500),
    can_skip        BOOLEAN NOT NULL,
    version         INTEGER NOT NULL,
    retired         BOOLEAN NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    modified_at_ms  BIGINT NOT NULL
);
CREATE INDEX agreements_company ON agreements (company_id);

-- Who signed which version of an agreement, and when (the server's clock).
CREATE TABLE agreement_signatures (
    user_id         BIGINT NOT NULL REFERENCES users(id),
    agreement_id    BIGINT NOT NULL REFERENCES agreements(id),
    version         INTEGER NOT NULL,
    signed_at_ms    BIGINT NOT NULL,
    PRIMARY KEY (user_id, agreement_id, version)
);

-- A user's trade-ticket defaults (GET/PUT /users/{userId}/settings/trading) as the JSON of the
-- spec's UserTradingSettingsModel; no row: the documented defaults.
CREATE TABLE user_trading_settings (
    user_id         BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    settings        VARCHAR(4000) NOT NULL,
    modified_at_ms  BIGINT NOT NULL
);
