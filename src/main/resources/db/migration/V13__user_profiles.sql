-- What PATCH /users/{userId} (the spec's PatchUserModel) adds to a user beyond the names kept in
-- users: a postal address (State and CountryId are the spec's integer codes) and a time zone (an
-- IANA zone id). One row per user who set any of it.
CREATE TABLE user_profiles (
    user_id          BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    street_address1  VARCHAR(200),
    street_address2  VARCHAR(200),
    city             VARCHAR(100),
    state            INTEGER,
    postal_code      VARCHAR(20),
    country_id       INTEGER,
    time_zone        VARCHAR(64),
    modified_at_ms   BIGINT NOT NULL
);
