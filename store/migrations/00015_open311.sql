-- +goose Up
-- Open311 GeoReport v2 (/open311/v2/): the API keys of the clients that post service requests,
-- and what such a request carries beyond its feedback.

-- A key belongs to an application (the Open311 jurisdiction) and names the client using it. The
-- client reports through an account of its own (person_id, which cannot log in: its password
-- hash is no bcrypt hash), shared by every key of the same client name in the application, so
-- that a new key sees the requests posted with the previous one. Only a SHA-256 of the key is
-- kept: the key itself is shown once, when it is created.
CREATE TABLE open311_keys (
    id              uuid PRIMARY KEY,
    application_id  uuid NOT NULL REFERENCES applications (id),
    client          text NOT NULL CHECK (client <> ''),
    person_id       uuid NOT NULL REFERENCES people (id),
    key_hash        bytea NOT NULL UNIQUE,
    public          boolean NOT NULL DEFAULT true,  -- visibility of the feedbacks posted with the key
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
CREATE INDEX open311_keys_application ON open311_keys (application_id, created_at, id);
CREATE INDEX open311_keys_client ON open311_keys (application_id, client);

-- One row per request posted over Open311. feedback_id has no foreign key on purpose: the row is
-- written before the feedback's workflow records the feedback, so that a token can be answered
-- at once; the handler deletes it when the workflow cannot be started, and reads join feedbacks.
-- The contact (email, names, phone) identifies the person the client reports for: it is never
-- shown by the Keyclic API nor by an Open311 answer, and never becomes an account.
CREATE TABLE open311_requests (
    feedback_id  uuid PRIMARY KEY,
    key_id       uuid NOT NULL REFERENCES open311_keys (id),
    token        uuid NOT NULL UNIQUE,
    email        text NOT NULL DEFAULT '',
    first_name   text NOT NULL DEFAULT '',
    last_name    text NOT NULL DEFAULT '',
    phone        text NOT NULL DEFAULT '',
    device_id    text NOT NULL DEFAULT '',
    account_id   text NOT NULL DEFAULT '',
    address      text NOT NULL DEFAULT '',
    address_id   text NOT NULL DEFAULT '',
    media_url    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_requests_key ON open311_requests (key_id);

-- servicerequestupdates reads report checkpoints by time across an application.
CREATE INDEX report_checkpoints_created_at ON report_checkpoints (created_at);

-- +goose Down
DROP INDEX report_checkpoints_created_at;
DROP TABLE open311_requests;
DROP TABLE open311_keys;
