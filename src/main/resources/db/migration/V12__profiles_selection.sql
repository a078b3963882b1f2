-- What a user edits of themselves beyond names (PatchUserModel: address and time zone), and which of
-- their accounts they selected last (PUT /accounts/{id}/select): the selected link has the largest
-- selected_at_ms.
CREATE TABLE user_profiles (
    user_id             BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    time_zone           VARCHAR(64),
    street_address1     VARCHAR(200),
    street_address2     VARCHAR(200),
    city                VARCHAR(100),
    state               INTEGER,
    postal_code         VARCHAR(20),
    country_id          INTEGER,
    modified_at_ms      BIGINT NOT NULL
);

ALTER TABLE account_users ADD COLUMN selected_at_ms BIGINT;
