-- +goose Up
-- An organization's subscriptions: each (event, payload URL) gets a signed delivery of every event.
CREATE TABLE webhooks (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    event            text NOT NULL,
    payload_url      text NOT NULL,
    enabled          boolean NOT NULL DEFAULT true,
    secret           text NOT NULL,          -- signing key, shown to the client once at creation
    failing_since    timestamptz,            -- first failure since the last success
    disabled_reason  text NOT NULL DEFAULT '',
    deleted_at       timestamptz,            -- deleted webhooks keep their delivery history
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_org_event ON webhooks (organization_id, event) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_org_created_at ON webhooks (organization_id, created_at, id) WHERE deleted_at IS NULL;

-- One delivery per (event occurrence, webhook); body holds the exact bytes every attempt sends.
CREATE TABLE webhook_deliveries (
    id            uuid PRIMARY KEY,
    webhook_id    uuid NOT NULL REFERENCES webhooks (id),
    event         text NOT NULL,
    event_key     text NOT NULL,
    body          text NOT NULL,
    state         text NOT NULL DEFAULT 'PENDING',   -- PENDING, DELIVERED, FAILED
    attempts      int NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz,
    UNIQUE (webhook_id, event_key)
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at, id);

CREATE TABLE webhook_attempts (
    delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id),
    number       int NOT NULL,
    started_at   timestamptz NOT NULL,
    duration_ms  int NOT NULL,
    status_code  int,
    error        text NOT NULL DEFAULT '',
    PRIMARY KEY (delivery_id, number)
);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
