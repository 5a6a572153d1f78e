-- +goose Up
-- A webhook's secret can be rotated: the one it replaces keeps signing deliveries beside the new
-- one until previous_secret_until, so that a consumer still verifying with it sees no failed check.
ALTER TABLE webhooks ADD COLUMN previous_secret text;
ALTER TABLE webhooks ADD COLUMN previous_secret_until timestamptz;

-- +goose Down
ALTER TABLE webhooks DROP COLUMN previous_secret_until;
ALTER TABLE webhooks DROP COLUMN previous_secret;
