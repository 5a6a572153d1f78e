-- +goose Up
-- Areas where an organization acts. Matching a feedback to organizations is a point-in-polygon
-- query on this table, served by the GiST index.
CREATE TABLE places (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    name             text NOT NULL,
    branch_code      text NOT NULL DEFAULT '',
    polygon          geometry(Polygon, 4326) NOT NULL,
    elevation        double precision,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX places_polygon ON places USING gist (polygon);
CREATE INDEX places_org_created_at ON places (organization_id, created_at, id);

-- Partnerships are one-way: organization_id may delegate reports to partner_id.
CREATE TABLE relationships (
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    partner_id       uuid NOT NULL REFERENCES organizations (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, partner_id),
    CHECK (organization_id <> partner_id)
);

-- +goose Down
DROP TABLE relationships;
DROP TABLE places;
