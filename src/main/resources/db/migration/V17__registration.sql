-- Self-service registration (reference 02-users.md §1). Per company: the host the documented
-- `origin` header must name (none: registration is closed), and which optional fields the
-- registration schema shows ('Unit.Field=required|optional' pairs, comma-separated; none: the
-- documented default units).
CREATE TABLE registration_settings (
    company_id      BIGINT NOT NULL PRIMARY KEY REFERENCES companies(id),
    hostname        VARCHAR(253),
    fields          VARCHAR(2000) NOT NULL,
    modified_at_ms  BIGINT NOT NULL
);

-- A registered user waits here, disabled, until the e-mailed confirmation token (its SHA-256 only
-- is kept) comes back; confirming enables the user once.
CREATE TABLE registrations (
    user_id          BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    token_hash       VARCHAR(64) NOT NULL UNIQUE,
    created_at_ms    BIGINT NOT NULL,
    expires_at_ms    BIGINT NOT NULL,
    confirmed_at_ms  BIGINT
);

-- Registration looks up a company's users by e-mail address (no enumeration: it mails the owner).
CREATE INDEX users_company_email ON users (company_id, LOWER(email));
