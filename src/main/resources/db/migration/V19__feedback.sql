-- Users' feedback (POST /feedbacks, reference 10 §2), kept for operators (crater admin feedback) and
-- e-mailed to the company's support address when it has one.
CREATE TABLE company_support (
    company_id      BIGINT NOT NULL PRIMARY KEY REFERENCES companies(id),
    support_email   VARCHAR(254) NOT NULL,
    modified_at_ms  BIGINT NOT NULL
);

CREATE TABLE feedbacks (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    subject         VARCHAR(200) NOT NULL,
    comment         VARCHAR(4000) NOT NULL,
    contacts        VARCHAR(200) NOT NULL,
    build_version   VARCHAR(100) NOT NULL,
    user_agent      VARCHAR(300) NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    -- 'sent', 'failed' (the mail was not accepted) or 'none' (no support address then)
    mail_state      VARCHAR(10) NOT NULL
);
CREATE INDEX feedbacks_company ON feedbacks (company_id, id);
CREATE INDEX feedbacks_user ON feedbacks (user_id, created_at_ms);

-- Its attachments, as sent (base64 text: one type on both stores).
CREATE TABLE feedback_files (
    feedback_id     BIGINT NOT NULL REFERENCES feedbacks(id),
    position        INTEGER NOT NULL,
    name            VARCHAR(100) NOT NULL,
    type            VARCHAR(10) NOT NULL,
    size_bytes      BIGINT NOT NULL,
    data_base64     TEXT NOT NULL,
    PRIMARY KEY (feedback_id, position)
);

-- A company's mobile-app settings (GET /applications/mobile/settings, reference 02 §2 #4): keys an
-- operator set, over the documented defaults.
CREATE TABLE mobile_settings (
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    name            VARCHAR(100) NOT NULL,
    value           VARCHAR(4000) NOT NULL,
    PRIMARY KEY (company_id, name)
);

-- A company's UI entitlements (access settings, reference 02 §5): GET /access-types/{category}/allowed
-- lists them, …/value maps each name to its Options value.
CREATE TABLE access_types (
    id              ${id_pk},
    company_id      BIGINT NOT NULL REFERENCES companies(id),
    category        VARCHAR(30) NOT NULL,
    name            VARCHAR(100) NOT NULL,
    name_key        VARCHAR(100) NOT NULL,
    description     VARCHAR(200) NOT NULL,
    options         VARCHAR(4000) NOT NULL,
    options_type    VARCHAR(20) NOT NULL,
    UNIQUE (company_id, category, name_key)
);
