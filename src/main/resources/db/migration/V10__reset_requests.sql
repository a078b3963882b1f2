-- A password-reset code names its request: the e-mailed code is a 6-digit request handle and 8
-- secret digits. The handle is stored only as an HMAC under the master key, like the code, so the
-- store can find the request without holding any part of the code. Wrong tries are counted per
-- request (failures) and the request dies at five.
ALTER TABLE password_resets ADD COLUMN handle_mac VARCHAR(64);
-- Codes sent before this version carry no handle and cannot be matched to their request: they
-- stop working (the owner asks for a new one).
UPDATE password_resets SET state = 'DEAD' WHERE state = 'OPEN';
CREATE UNIQUE INDEX password_resets_open_handle ON password_resets(company_id, handle_mac) WHERE state = 'OPEN';
