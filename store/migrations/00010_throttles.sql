-- +goose Up
-- Throttles decide in one statement (or one transaction holding a row lock), so that requests
-- arriving together on any number of API instances are counted one after the other.

-- Login attempts per login name (hashed: the table holds no email), known or not. Each attempt
-- is counted before its password is checked, in the row's current window (which starts with the
-- first attempt after the previous window ended); a successful login deletes the row. Rows of
-- windows long over are deleted as logins happen.
CREATE TABLE login_throttles (
    login_hash    bytea PRIMARY KEY,
    attempts      int NOT NULL,
    window_start  timestamptz NOT NULL
);
CREATE INDEX login_throttles_window ON login_throttles (window_start);

-- The failures counted so far carry over: each login name's window starts at its oldest one.
INSERT INTO login_throttles (login_hash, attempts, window_start)
    SELECT login_hash, count(*), min(at) FROM login_failures GROUP BY login_hash;
DROP TABLE login_failures;

-- The last reset request of each person that was given an email: a new request takes the slot
-- only when claimed_at is older than PASSWORD_RESET_THROTTLE, in the transaction recording the
-- request. request_id lets a request whose workflow could not start give its slot back.
CREATE TABLE password_reset_throttles (
    person_id   uuid PRIMARY KEY REFERENCES people (id),
    request_id  uuid NOT NULL,
    claimed_at  timestamptz NOT NULL
);

-- Pending requests held the throttle until now: each person's latest one keeps holding it.
INSERT INTO password_reset_throttles (person_id, request_id, claimed_at)
    SELECT DISTINCT ON (person_id) person_id, id, created_at FROM password_resets
    WHERE state = 'PENDING' ORDER BY person_id, created_at DESC;

-- +goose Down
DROP TABLE password_reset_throttles;

CREATE TABLE login_failures (
    login_hash  bytea NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_login ON login_failures (login_hash, at);
INSERT INTO login_failures (login_hash, at)
    SELECT login_hash, window_start FROM login_throttles, generate_series(1, attempts);
DROP TABLE login_throttles;
