-- Which of their accounts a user selected last (PUT /accounts/{id}/select): the selected link has the
-- largest selected_at_ms; NULL when never selected.
ALTER TABLE account_users ADD COLUMN selected_at_ms BIGINT;
