-- +goose Up
-- Services an organization offers the public (GET /organizations/{organization}/services): a
-- contact point's telephone and the weekly hours it answers, read in the IANA time zone
-- time_zone. hours is [{"day": 0-6 (Sunday 0), "opens": minutes, "closes": minutes}], checked
-- by the API; a range closing at or before it opens runs past midnight.
CREATE TABLE services (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    name             text NOT NULL,
    description      text NOT NULL DEFAULT '',
    telephone        text NOT NULL,
    time_zone        text NOT NULL,
    hours            jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(hours) = 'array'),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_org_created_at ON services (organization_id, created_at, id);

-- +goose Down
DROP TABLE services;
