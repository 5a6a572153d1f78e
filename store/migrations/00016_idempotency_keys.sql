-- +goose Up
-- Idempotency keys: the Idempotency-Key header of a POST or PATCH, one row per key of a caller,
-- shared by every API instance. A request claims its key in one transaction (RUNNING, with a
-- lease its attempt renews while it runs), then records its answer (DONE), which later requests
-- with the same key and the same request are answered with. An attempt whose API died leaves
-- its lease to run out; the next request with the key then runs again, deriving the same ids
-- from seed, so that what the first attempt did is found, not done twice.
CREATE TABLE idempotency_keys (
    scope        text NOT NULL,    -- the caller: 'person:<id>', or 'anonymous' on /security
    key          text NOT NULL,
    fingerprint  bytea NOT NULL,   -- keyed hash of method, path, query, application and body
    seed         uuid NOT NULL,    -- ids the request makes derive from it, the same in every attempt
    state        text NOT NULL CHECK (state IN ('RUNNING', 'DONE')),
    attempt      uuid,             -- RUNNING: the attempt holding the key
    lease_until  timestamptz,      -- RUNNING: the attempt is alive until then
    status       int,              -- DONE: the answer
    header       jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
