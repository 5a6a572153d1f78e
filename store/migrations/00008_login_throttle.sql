-- +goose Up
-- Failed logins, per login name (hashed: the table holds no email), to slow password guessing
-- down across every API instance. Rows older than the window are deleted as logins happen.
CREATE TABLE login_failures (
    login_hash  bytea NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_login ON login_failures (login_hash, at);

-- +goose Down
DROP TABLE login_failures;
