-- +goose Up
-- An organization may be created without a business activity: the seeds' own example of
-- POST /organizations sends none. Such an organization has none: it receives the feedbacks that
-- name no business activity, and none of those that name one (matching compares the activity).
ALTER TABLE organizations ALTER COLUMN business_activity_id DROP NOT NULL;

-- +goose Down
-- The column was required before: organizations without an activity are given the first seeded
-- one (Voirie) so that the constraint can come back.
UPDATE organizations SET business_activity_id = '4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36' WHERE business_activity_id IS NULL;
ALTER TABLE organizations ALTER COLUMN business_activity_id SET NOT NULL;
