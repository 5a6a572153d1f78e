-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE applications (
    id                  uuid PRIMARY KEY,
    token               text NOT NULL UNIQUE,
    name                text NOT NULL,
    version             text NOT NULL DEFAULT '1.0.0',
    password_reset_url  text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE business_activities (
    id               uuid PRIMARY KEY,
    name             text NOT NULL,
    alternate_name   text NOT NULL DEFAULT '',
    metadata_schema  jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX business_activities_created_at ON business_activities (created_at, id);

-- Uploaded pictures (logos, avatars, feedback and operation images), kept in the database so a
-- backup of Postgres is a backup of everything.
CREATE TABLE images (
    id            uuid PRIMARY KEY,
    content_type  text NOT NULL,
    data          bytea NOT NULL,
    width         int NOT NULL,
    height        int NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE people (
    id                     uuid PRIMARY KEY,
    email                  text NOT NULL,
    password_hash          text NOT NULL,
    given_name             text NOT NULL DEFAULT '',
    family_name            text NOT NULL DEFAULT '',
    job_title              text NOT NULL DEFAULT '',
    opt_in                 boolean NOT NULL DEFAULT false,
    email_enabled          boolean NOT NULL DEFAULT true,
    push_enabled           boolean NOT NULL DEFAULT true,
    language               text NOT NULL DEFAULT 'fr',
    image_id               uuid REFERENCES images (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX people_email_key ON people (lower(email));
CREATE INDEX people_created_at ON people (created_at, id);
CREATE INDEX people_email_trgm ON people USING gin (email gin_trgm_ops);
CREATE INDEX people_family_name_trgm ON people USING gin (family_name gin_trgm_ops);
CREATE INDEX people_given_name_trgm ON people USING gin (given_name gin_trgm_ops);

CREATE TABLE organizations (
    id                          uuid PRIMARY KEY,
    application_id              uuid NOT NULL REFERENCES applications (id),
    business_activity_id        uuid NOT NULL REFERENCES business_activities (id),
    name                        text NOT NULL,
    alternate_name              text NOT NULL DEFAULT '',
    description                 text NOT NULL DEFAULT '',
    billing_email_address       text NOT NULL DEFAULT '',
    notification_email_address  text NOT NULL DEFAULT '',
    enabled                     boolean NOT NULL DEFAULT true,
    logo_id                     uuid REFERENCES images (id),
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_app_created_at ON organizations (application_id, created_at, id);
CREATE INDEX organizations_name_trgm ON organizations USING gin (name gin_trgm_ops);

CREATE TABLE members (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    person_id        uuid NOT NULL REFERENCES people (id),
    roles            text[] NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, person_id)
);
CREATE INDEX members_person ON members (person_id, created_at);
CREATE INDEX members_org_created_at ON members (organization_id, created_at, id);
-- A person is the agent of one organization at most: the database enforces it, so two
-- concurrent role changes cannot both win.
CREATE UNIQUE INDEX members_one_agency ON members (person_id) WHERE 'ORGANIZATION:AGENT' = ANY (roles);

-- Password reset requests; each is driven by its workflow (password-reset/<id>), which expires it.
CREATE TABLE password_resets (
    id          uuid PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES people (id),
    token_hash  bytea UNIQUE,
    state       text NOT NULL DEFAULT 'PENDING',   -- PENDING, USED, EXPIRED, SUPERSEDED
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_person ON password_resets (person_id) WHERE state = 'PENDING';

-- Every email the service sends, keyed so that a retried activity never sends one twice.
-- With no SendGrid key configured this table is the outbox people read in development and tests.
CREATE TABLE emails (
    id               uuid PRIMARY KEY,
    idempotency_key  text NOT NULL UNIQUE,
    to_address       text NOT NULL,
    language         text NOT NULL,
    template         text NOT NULL,
    subject          text NOT NULL,
    text_body        text NOT NULL,
    html_body        text NOT NULL,
    status           text NOT NULL,               -- RECORDED (no provider), PENDING, SENT
    provider_id      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX emails_to ON emails (lower(to_address), created_at);

-- Demo data: the applications and business activities every installation starts with.
INSERT INTO applications (id, token, name, version, password_reset_url) VALUES
    ('0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000001', 'com.keyclic.app', 'Keyclic', '1.0.0', 'https://app.keyclic.com/#/password-reset/'),
    ('0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000002', 'com.keyclic.city', 'Keyclic City', '1.0.0', 'https://city.keyclic.com/#/password-reset/'),
    ('0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000003', 'com.keyclic.highway', 'Keyclic Highway', '1.0.0', 'https://highway.keyclic.com/#/password-reset/');

INSERT INTO business_activities (id, name, alternate_name) VALUES
    ('4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36', 'Voirie', 'Road network'),
    ('4bff7cb9-0fd2-4b44-9b0e-f6d17bb40002', 'Propreté', 'Cleaning'),
    ('4bff7cb9-0fd2-4b44-9b0e-f6d17bb40003', 'Éclairage public', 'Street lighting'),
    ('4bff7cb9-0fd2-4b44-9b0e-f6d17bb40004', 'Espaces verts', 'Parks and green spaces'),
    ('4bff7cb9-0fd2-4b44-9b0e-f6d17bb40005', 'Autoroute', 'Highway maintenance');

-- +goose Down
DROP TABLE emails;
DROP TABLE password_resets;
DROP TABLE members;
DROP TABLE organizations;
DROP TABLE people;
DROP TABLE images;
DROP TABLE business_activities;
DROP TABLE applications;
