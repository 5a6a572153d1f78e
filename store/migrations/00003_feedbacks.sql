-- +goose Up
CREATE TABLE categories (
    id                     uuid PRIMARY KEY,
    organization_id        uuid NOT NULL REFERENCES organizations (id),
    name                   text NOT NULL,
    color                  text NOT NULL,
    icon                   text NOT NULL,
    identification_number  text NOT NULL DEFAULT '',
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_org_created_at ON categories (organization_id, created_at, id);

-- A citizen's observation. location is a geography so radius searches are in metres on the
-- sphere; geohash (12 characters) serves geo_hash[] prefix filters.
CREATE TABLE feedbacks (
    id                    uuid PRIMARY KEY,
    application_id        uuid NOT NULL REFERENCES applications (id),
    reporter_id           uuid NOT NULL REFERENCES people (id),
    description           text NOT NULL DEFAULT '',
    location              geography(Point, 4326) NOT NULL,
    elevation             double precision,
    geohash               text NOT NULL,
    category_id           uuid REFERENCES categories (id),
    business_activity_id  uuid REFERENCES business_activities (id),
    public                boolean NOT NULL DEFAULT false,
    pro_mode              boolean NOT NULL DEFAULT false,
    metadata              jsonb NOT NULL DEFAULT '{}',
    state                 text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedbacks_location ON feedbacks USING gist (location);
CREATE INDEX feedbacks_app_state_created_at ON feedbacks (application_id, state, created_at, id);
CREATE INDEX feedbacks_geohash ON feedbacks (application_id, geohash text_pattern_ops);
CREATE INDEX feedbacks_reporter ON feedbacks (reporter_id, created_at);

-- Every state a feedback reached, in order: its tracking.
CREATE TABLE feedback_checkpoints (
    feedback_id  uuid NOT NULL REFERENCES feedbacks (id),
    position     int NOT NULL,
    state        text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (feedback_id, position),
    UNIQUE (feedback_id, state, created_at)  -- a retried write finds its checkpoint already there
);

CREATE TABLE feedback_images (
    feedback_id  uuid NOT NULL REFERENCES feedbacks (id),
    image_id     uuid NOT NULL REFERENCES images (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feedback_id, image_id)
);

CREATE TABLE feedback_comments (
    id           uuid PRIMARY KEY,
    feedback_id  uuid NOT NULL REFERENCES feedbacks (id),
    author_id    uuid NOT NULL REFERENCES people (id),
    text         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_comments_feedback ON feedback_comments (feedback_id, created_at, id);

-- Supports: one per person per feedback.
CREATE TABLE feedback_contributions (
    id           uuid PRIMARY KEY,
    feedback_id  uuid NOT NULL REFERENCES feedbacks (id),
    person_id    uuid NOT NULL REFERENCES people (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (feedback_id, person_id)
);

-- One report per receiving organization. organization_id is the receiver; the organizations with
-- access (receiver and delegates, in chain order) are in report_organizations.
CREATE TABLE reports (
    id                     uuid PRIMARY KEY,
    feedback_id            uuid NOT NULL REFERENCES feedbacks (id),
    application_id         uuid NOT NULL REFERENCES applications (id),
    organization_id        uuid NOT NULL REFERENCES organizations (id),
    place_id               uuid REFERENCES places (id),
    category_id            uuid REFERENCES categories (id),
    state                  text NOT NULL,
    description            text NOT NULL DEFAULT '',
    priority               int NOT NULL DEFAULT 0,
    tags                   text[] NOT NULL DEFAULT '{}',
    identification_number  text NOT NULL DEFAULT '',
    withdrawn_reason       text NOT NULL DEFAULT '',
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (feedback_id, organization_id)
);
CREATE INDEX reports_org_created_at ON reports (organization_id, created_at, id);
CREATE INDEX reports_feedback ON reports (feedback_id);

CREATE TABLE report_checkpoints (
    report_id   uuid NOT NULL REFERENCES reports (id),
    position    int NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (report_id, position),
    UNIQUE (report_id, state, created_at)
);

-- The delegation chain: position 0 is the receiving organization, each next one a delegate.
CREATE TABLE report_organizations (
    report_id        uuid NOT NULL REFERENCES reports (id),
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    position         int NOT NULL,
    delegated_by     uuid REFERENCES people (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, position),
    UNIQUE (report_id, organization_id)
);
CREATE INDEX report_organizations_org ON report_organizations (organization_id, report_id);

-- +goose Down
DROP TABLE report_organizations;
DROP TABLE report_checkpoints;
DROP TABLE reports;
DROP TABLE feedback_contributions;
DROP TABLE feedback_comments;
DROP TABLE feedback_images;
DROP TABLE feedback_checkpoints;
DROP TABLE feedbacks;
DROP TABLE categories;
