-- +goose Up
-- The wall: every notification a person received, newest first, read or not.
CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    key             text NOT NULL UNIQUE,   -- action occurrence + person: a retry adds no second entry
    person_id       uuid NOT NULL REFERENCES people (id),
    action          text NOT NULL,
    actor_id        uuid REFERENCES people (id),
    object_type     text NOT NULL,
    object_id       uuid NOT NULL,
    data            jsonb NOT NULL DEFAULT '{}',
    read_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_person ON notifications (person_id, created_at DESC, id);

-- A person's phones and browsers, for push notifications.
CREATE TABLE devices (
    id          uuid PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES people (id),
    token       text NOT NULL,
    platform    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (person_id, token)
);

-- Pushes handed to the push sender; with the default recording sender this table is the delivery.
CREATE TABLE pushes (
    id          uuid PRIMARY KEY,
    key         text NOT NULL UNIQUE,
    device_id   uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    person_id   uuid NOT NULL REFERENCES people (id),
    title       text NOT NULL,
    body        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pushes_person ON pushes (person_id, created_at);

-- Transactional outbox: an API change that must notify people writes its notification here in
-- the same transaction; the worker's dispatcher starts one workflow per row (notification/<id>),
-- so a notification is never lost when Temporal is briefly unreachable, nor started twice.
CREATE TABLE outbox (
    id             uuid PRIMARY KEY,
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    dispatched_at  timestamptz
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE dispatched_at IS NULL;

-- +goose Down
DROP TABLE outbox;
DROP TABLE pushes;
DROP TABLE devices;
DROP TABLE notifications;
