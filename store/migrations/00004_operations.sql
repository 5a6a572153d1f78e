-- +goose Up
-- Tasks created by an admin on a report and assigned to a member (operator or admin).
CREATE TABLE operations (
    id                     uuid PRIMARY KEY,
    report_id              uuid NOT NULL REFERENCES reports (id),
    organization_id        uuid NOT NULL REFERENCES organizations (id),  -- the organization treating the report when it was created
    created_by             uuid NOT NULL REFERENCES people (id),
    operator_member_id     uuid REFERENCES members (id) ON DELETE SET NULL,
    operator_person_id     uuid REFERENCES people (id),
    name                   text NOT NULL DEFAULT '',
    description            text NOT NULL DEFAULT '',
    identification_number  text NOT NULL DEFAULT '',
    start_date             timestamptz,
    duration               int,           -- minutes
    state                  text NOT NULL,
    removed_at             timestamptz,   -- removed operations keep their history but leave every list
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operations_report ON operations (report_id, created_at, id) WHERE removed_at IS NULL;
CREATE INDEX operations_org ON operations (organization_id, created_at, id) WHERE removed_at IS NULL;
CREATE INDEX operations_operator ON operations (operator_person_id, created_at, id) WHERE removed_at IS NULL;

CREATE TABLE operation_checkpoints (
    operation_id  uuid NOT NULL REFERENCES operations (id),
    position      int NOT NULL,
    state         text NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (operation_id, position),
    UNIQUE (operation_id, state, created_at)
);

-- Every change of an operation: who, when, what. key makes a retried write a no-op.
CREATE TABLE operation_logs (
    id            uuid PRIMARY KEY,
    operation_id  uuid NOT NULL REFERENCES operations (id),
    key           text NOT NULL UNIQUE,
    action        text NOT NULL,
    actor_id      uuid REFERENCES people (id),
    data          jsonb NOT NULL DEFAULT '{}',
    version       int NOT NULL,
    logged_at     timestamptz NOT NULL
);
CREATE INDEX operation_logs_operation ON operation_logs (operation_id, version);

CREATE TABLE operation_images (
    operation_id  uuid NOT NULL REFERENCES operations (id),
    image_id      uuid NOT NULL REFERENCES images (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (operation_id, image_id)
);

CREATE TABLE operation_comments (
    id            uuid PRIMARY KEY,
    operation_id  uuid NOT NULL REFERENCES operations (id),
    author_id     uuid NOT NULL REFERENCES people (id),
    text          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operation_comments_operation ON operation_comments (operation_id, created_at, id);

-- +goose Down
DROP TABLE operation_comments;
DROP TABLE operation_images;
DROP TABLE operation_logs;
DROP TABLE operation_checkpoints;
DROP TABLE operations;
