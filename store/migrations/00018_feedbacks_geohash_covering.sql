-- +goose NO TRANSACTION
-- +goose Up
-- The geohash index carries what a list of small cells filters and sorts on, so that the page and
-- its count are read from the index alone (an index-only scan per cell), and only the page's own
-- rows from the table: a read costs the index entries of its cells, not a table page for each
-- feedback in them. Built concurrently: writes to feedbacks go on while it is built.
CREATE INDEX CONCURRENTLY IF NOT EXISTS feedbacks_geohash_covering ON feedbacks (application_id, geohash text_pattern_ops)
    INCLUDE (state, public, reporter_id, category_id, created_at, id);
DROP INDEX CONCURRENTLY IF EXISTS feedbacks_geohash;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS feedbacks_geohash ON feedbacks (application_id, geohash text_pattern_ops);
DROP INDEX CONCURRENTLY IF EXISTS feedbacks_geohash_covering;
