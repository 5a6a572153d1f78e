-- +goose Up
-- An organization's working calendar: weekly working hours in its time zone, minus the holidays it
-- lists. Service levels count working time on it. Without hours every hour counts.
CREATE TABLE service_calendars (
    organization_id  uuid PRIMARY KEY REFERENCES organizations (id),
    time_zone        text NOT NULL,
    hours            jsonb NOT NULL DEFAULT '[]',
    holidays         date[] NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The working time an organization gives itself to accept and to close a report: one default row
-- (category_id NULL) and one per category that differs. NULL within: no promise.
CREATE TABLE service_levels (
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    category_id      uuid REFERENCES categories (id),
    accept_within    bigint CHECK (accept_within > 0), -- seconds of working time
    close_within     bigint CHECK (close_within > 0),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX service_levels_one_per_category
    ON service_levels (organization_id, coalesce(category_id, '00000000-0000-0000-0000-000000000000'));

-- Where a report's clocks stand, written by its workflow: the terms it runs on (kept from its
-- start, or from its delegation), each deadline (close_by NULL while the clock is paused), whether
-- it was met once decided, and when a breach was announced (once).
ALTER TABLE reports
    ADD COLUMN service_terms       jsonb,
    ADD COLUMN accept_by           timestamptz,
    ADD COLUMN close_by            timestamptz,
    ADD COLUMN accept_met          boolean,
    ADD COLUMN close_met           boolean,
    ADD COLUMN accept_breached_at  timestamptz,
    ADD COLUMN close_breached_at   timestamptz;
-- The overdue filter reads open reports with a deadline.
CREATE INDEX reports_deadlines ON reports (organization_id, accept_by, close_by)
    WHERE accept_by IS NOT NULL OR close_by IS NOT NULL;

-- +goose Down
DROP INDEX reports_deadlines;
ALTER TABLE reports
    DROP COLUMN service_terms, DROP COLUMN accept_by, DROP COLUMN close_by, DROP COLUMN accept_met,
    DROP COLUMN close_met, DROP COLUMN accept_breached_at, DROP COLUMN close_breached_at;
DROP TABLE service_levels;
DROP TABLE service_calendars;
