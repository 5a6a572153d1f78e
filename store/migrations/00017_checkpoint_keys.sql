-- +goose Up
-- A checkpoint carries the key of the workflow step that reached it (the update that made a
-- transition, the run and step of a feedback's processing). A workflow task that is lost after
-- its write (a worker killed, Temporal restarted) runs again with a later workflow time but the
-- same keys: its write finds the checkpoint already there instead of adding a second one.
-- Checkpoints written before this migration have no key.
ALTER TABLE feedback_checkpoints ADD COLUMN key text;
ALTER TABLE report_checkpoints ADD COLUMN key text;
ALTER TABLE operation_checkpoints ADD COLUMN key text;
CREATE UNIQUE INDEX feedback_checkpoints_key ON feedback_checkpoints (feedback_id, key);
CREATE UNIQUE INDEX report_checkpoints_key ON report_checkpoints (report_id, key);
CREATE UNIQUE INDEX operation_checkpoints_key ON operation_checkpoints (operation_id, key);

-- +goose Down
DROP INDEX operation_checkpoints_key;
DROP INDEX report_checkpoints_key;
DROP INDEX feedback_checkpoints_key;
ALTER TABLE operation_checkpoints DROP COLUMN key;
ALTER TABLE report_checkpoints DROP COLUMN key;
ALTER TABLE feedback_checkpoints DROP COLUMN key;
