-- +goose Up
-- Exports of an organization's reports: an archive (Excel workbook + the reports' images) built by
-- the worker (workflow export/<id>) and emailed to the requester. done/total is the progress the
-- API shows; file_path names the archive under EXPORT_DIR once DONE.
CREATE TABLE exports (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    requester_id     uuid NOT NULL REFERENCES people (id),
    language         text NOT NULL DEFAULT 'fr',
    filters          jsonb NOT NULL DEFAULT '{}',
    state            text NOT NULL DEFAULT 'PENDING',   -- PENDING, RUNNING, DONE, FAILED
    done             int NOT NULL DEFAULT 0,
    total            int NOT NULL DEFAULT 0,
    file_path        text NOT NULL DEFAULT '',
    size             bigint NOT NULL DEFAULT 0,
    error            text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX exports_org_created_at ON exports (organization_id, created_at, id);

-- The reports delegated to an organization (not received): few, found without scanning every
-- report the organization received, so that an export's pages stay cheap.
CREATE INDEX report_organizations_delegated ON report_organizations (organization_id, report_id) WHERE position > 0;

-- Files sent with an email: [{"name", "contentType", "size", "path"}]. The file itself stays on
-- disk (path); the mailer reads it when it sends.
ALTER TABLE emails ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- +goose Down
DROP INDEX report_organizations_delegated;
ALTER TABLE emails DROP COLUMN attachments;
DROP TABLE exports;
