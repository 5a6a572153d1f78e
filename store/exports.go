package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const exportCols = `id, organization_id, requester_id, language, filters, state, done, total, file_path, size, error,
	created_at, updated_at, finished_at`

func scanExport(row pgx.Row) (domain.Export, error) {
	var e domain.Export
	var lang, state string
	err := row.Scan(&e.ID, &e.OrganizationID, &e.RequesterID, &lang, &e.Filters, &state, &e.Done, &e.Total, &e.FilePath,
		&e.Size, &e.Error, &e.CreatedAt, &e.UpdatedAt, &e.FinishedAt)
	e.Language, e.State = domain.ParseLang(lang), domain.State(state)
	return e, err
}

// CreateExport records a new export request, PENDING.
func (s *Store) CreateExport(ctx context.Context, e domain.Export) (domain.Export, error) {
	return scanExport(s.Pool.QueryRow(ctx, `INSERT INTO exports (id, organization_id, requester_id, language, filters, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $6) RETURNING `+exportCols,
		e.ID, e.OrganizationID, e.RequesterID, string(e.Language), e.Filters, e.CreatedAt))
}

// Export loads an export of the organization.
func (s *Store) Export(ctx context.Context, orgID, id uuid.UUID) (domain.Export, error) {
	e, err := scanExport(s.Pool.QueryRow(ctx, `SELECT `+exportCols+` FROM exports WHERE id = $1 AND organization_id = $2`, id, orgID))
	return e, notFound(err)
}

// ExportByID loads an export wherever it is (activities know the id only).
func (s *Store) ExportByID(ctx context.Context, id uuid.UUID) (domain.Export, error) {
	e, err := scanExport(s.Pool.QueryRow(ctx, `SELECT `+exportCols+` FROM exports WHERE id = $1`, id))
	return e, notFound(err)
}

// StartExport marks an export RUNNING with no report written yet (a retried build starts over).
// A DONE export is left alone and reported as such.
func (s *Store) StartExport(ctx context.Context, id uuid.UUID, total int, at time.Time) (started bool, err error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE exports SET state = 'RUNNING', done = 0, total = $2, error = '', updated_at = $3
		WHERE id = $1 AND state <> 'DONE'`, id, total, at)
	return tag.RowsAffected() == 1, err
}

// ExportProgress records how many reports the running build has written.
func (s *Store) ExportProgress(ctx context.Context, id uuid.UUID, done int, at time.Time) error {
	// Reports that came to match the filters since the count can make done pass total.
	_, err := s.Pool.Exec(ctx, `UPDATE exports SET done = $2, total = greatest(total, $2), updated_at = $3 WHERE id = $1 AND state = 'RUNNING'`, id, done, at)
	return err
}

// FinishExport records the finished archive: DONE, with its path and size.
func (s *Store) FinishExport(ctx context.Context, id uuid.UUID, done int, path string, size int64, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE exports SET state = 'DONE', done = $2, total = $2, file_path = $3, size = $4, error = '',
		updated_at = $5, finished_at = $5 WHERE id = $1 AND state <> 'DONE'`, id, done, path, size, at)
	return err
}

// FailExport marks an export FAILED (unless it was finished meanwhile); reason is for operators.
func (s *Store) FailExport(ctx context.Context, id uuid.UUID, reason string, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE exports SET state = 'FAILED', error = $2, updated_at = $3, finished_at = $3
		WHERE id = $1 AND state <> 'DONE'`, id, reason, at)
	return err
}

// ExpireExport marks a DONE export EXPIRED once its archive is deleted (idempotent).
func (s *Store) ExpireExport(ctx context.Context, id uuid.UUID, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE exports SET state = 'EXPIRED', file_path = '', updated_at = $2 WHERE id = $1 AND state = 'DONE'`, id, at)
	return err
}

// ExportRow is one report as the export workbook shows it, with the ids of its feedback's images.
type ExportRow struct {
	ID                   uuid.UUID
	IdentificationNumber string
	CreatedAt            time.Time
	UpdatedAt            time.Time
	State                string
	Category             string
	Place                string
	Description          string
	Reporter             string // the reporter's email
	Operations           int    // operations not removed
	Images               []uuid.UUID
}

// ExportCursor is where the previous page ended, in the export's order.
type ExportCursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// ExportReader reads the reports of an export page by page. Each page is its own short query
// (no transaction is held for the whole build: a pool connection per running export would
// starve the API and the other activities). The export covers the reports created up to its
// request (until), each as it is when its page is read; keyset pages on (created_at, id) never
// show a report twice.
type ExportReader struct {
	q       querier
	filters domain.ExportFilters
	orgID   uuid.UUID
	until   time.Time
}

// ExportReader reads the reports of export e.
func (s *Store) ExportReader(e domain.Export) *ExportReader {
	return &ExportReader{q: s.Pool, filters: e.Filters, orgID: e.OrganizationID, until: e.CreatedAt}
}

// where builds the report list's conditions for the export's filters.
func (es *ExportReader) where() *filter {
	f := &filter{}
	ReportFilter{OrganizationID: es.orgID, States: es.filters.States, Place: es.filters.Place, Category: es.filters.Category}.apply(f)
	f.page("r", domain.Page{After: es.filters.After, Before: es.filters.Before})
	f.where("r.created_at <= %s", es.until)
	return f
}

// Count is the number of reports the export covers.
func (es *ExportReader) Count(ctx context.Context) (int, error) {
	f := es.where()
	var n int
	err := es.q.QueryRow(ctx, `SELECT count(*) FROM reports r`+f.sql(), f.args...).Scan(&n)
	return n, err
}

// Page reads up to limit reports after the cursor (from the start when nil), in the export's
// order (creation time, then id): keyset pagination, so that every page costs about the same.
// The reports the organization received are walked along the (organization_id, created_at, id)
// index; the few it was delegated, through the partial index on delegations; both are merged.
func (es *ExportReader) Page(ctx context.Context, after *ExportCursor, limit int) ([]ExportRow, error) {
	f := es.where()
	dir, cmp := "ASC", ">"
	if es.filters.Desc {
		dir, cmp = "DESC", "<"
	}
	if after != nil {
		f.where("(r.created_at, r.id) "+cmp+" (%s, %s)", after.CreatedAt, after.ID)
	}
	org := f.arg(es.orgID)
	order := fmt.Sprintf("ORDER BY r.created_at %s, r.id %s LIMIT %d", dir, dir, limit)
	// The page is cut first; names and counts are then looked up for its rows only.
	sql := fmt.Sprintf(`SELECT r.id, r.identification_number, r.created_at, r.updated_at, r.state,
			coalesce((SELECT c.name FROM categories c WHERE c.id = r.category_id), ''),
			coalesce((SELECT p.name FROM places p WHERE p.id = r.place_id), ''),
			r.description,
			coalesce((SELECT pe.email FROM feedbacks fb JOIN people pe ON pe.id = fb.reporter_id WHERE fb.id = r.feedback_id), ''),
			(SELECT count(*) FROM operations o WHERE o.report_id = r.id AND o.removed_at IS NULL),
			ARRAY(SELECT fi.image_id FROM feedback_images fi WHERE fi.feedback_id = r.feedback_id ORDER BY fi.created_at, fi.image_id)
		FROM (
			SELECT * FROM (
				(SELECT r.* FROM reports r%[1]s AND r.organization_id = %[2]s %[3]s)
				UNION ALL
				(SELECT r.* FROM reports r%[1]s AND r.organization_id <> %[2]s
					AND r.id IN (SELECT report_id FROM report_organizations WHERE organization_id = %[2]s AND position > 0) %[3]s)
			) r %[3]s
		) r
		%[4]s`, f.sql(), org, order, strings.TrimSuffix(order, fmt.Sprintf(" LIMIT %d", limit)))
	rows, err := es.q.Query(ctx, sql, f.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ExportRow, error) {
		var r ExportRow
		err := row.Scan(&r.ID, &r.IdentificationNumber, &r.CreatedAt, &r.UpdatedAt, &r.State, &r.Category, &r.Place,
			&r.Description, &r.Reporter, &r.Operations, &r.Images)
		return r, err
	})
}

// Image reads one image's bytes (one at a time: an export never holds more than one in memory).
func (es *ExportReader) Image(ctx context.Context, id uuid.UUID) (contentType string, data []byte, err error) {
	err = es.q.QueryRow(ctx, `SELECT content_type, data FROM images WHERE id = $1`, id).Scan(&contentType, &data)
	return contentType, data, notFound(err)
}
