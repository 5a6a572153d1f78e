-- +goose Up
-- A report refused as a duplicate names its original; the original's page lists its duplicates,
-- and the people following a duplicate's feedback are told of the original's outcome.
ALTER TABLE reports ADD COLUMN duplicate_of uuid REFERENCES reports (id);
CREATE INDEX reports_duplicate_of ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- The refusal's checkpoint names the original too: tracking shows why the report was refused.
ALTER TABLE report_checkpoints ADD COLUMN duplicate_of uuid;

-- +goose Down
ALTER TABLE report_checkpoints DROP COLUMN duplicate_of;
DROP INDEX reports_duplicate_of;
ALTER TABLE reports DROP COLUMN duplicate_of;
