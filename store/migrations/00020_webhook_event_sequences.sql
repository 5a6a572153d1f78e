-- +goose Up
-- Each event of a resource (a report, an operation) sent to webhooks gets the next number of that
-- resource, once: a retry of the event finds its number by the event's key. Consumers compare
-- numbers to drop an older state that arrives after a newer one.
CREATE TABLE webhook_event_sequences (
    event_key   text PRIMARY KEY,
    resource_id uuid NOT NULL,
    sequence    bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (resource_id, sequence)
);

-- +goose Down
DROP TABLE webhook_event_sequences;
