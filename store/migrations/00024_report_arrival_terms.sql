-- +goose Up
-- A report takes its organization's service terms when it arrives, in the transaction that
-- creates it: levels changed a moment later (before its workflow starts its clocks) are not its.
-- true: service_terms holds what it arrived with (NULL: nothing was promised). Reports created
-- before read false, and their workflow reads the organization's levels as it did.
ALTER TABLE reports ADD COLUMN arrival_terms_taken boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE reports DROP COLUMN arrival_terms_taken;
