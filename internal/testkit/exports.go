package testkit

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/keyclic/keyclic/store"
)

// Helpers for report exports and analytics.

// RoleExport and RoleAnalytics complete the role names of lifecycle.go.
const (
	RoleExport    = "ORGANIZATION:EXPORT"
	RoleAnalytics = "ORGANIZATION:ANALYTICS"
)

// WaitExport polls the export until it reaches state (DONE or FAILED), failing after a minute.
func (c *Client) WaitExport(org, id, state string) *Response {
	c.T.Helper()
	var r *Response
	ok := Eventually(time.Minute, func() bool {
		r = c.Get("/organizations/" + org + "/reports/exports/" + id).Expect(http.StatusOK)
		return r.Str("state") == state || r.Str("state") == "FAILED"
	})
	if !ok || r.Str("state") != state {
		c.T.Fatalf("export %s did not reach %s: %s", id, state, r.Body)
	}
	return r
}

// Unzip reads every entry of a zip archive.
func Unzip(t testing.TB, archive []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("zip entry %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("zip entry %s: %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}

// WorkbookRows opens an .xlsx with excelize and returns the rows of its sheet (header first),
// as Excel would show them.
func WorkbookRows(t testing.TB, xlsx []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %q: %v (sheets: %v)", sheet, err, f.GetSheetList())
	}
	return rows
}

// ExportSeed is an organization filled directly with SQL, for export tests and measurements
// that need more reports than the API makes quickly.
type ExportSeed struct {
	Org, Requester, Reporter, Place, Category uuid.UUID
	RequesterEmail, ReporterEmail             string
}

// SeedOptions shape the reports InsertReports makes.
type SeedOptions struct {
	ImageEvery int       // one image on every ImageEvery-th report (0: none)
	ImageSize  int       // bytes of each image (rounded to 16)
	Start      time.Time // creation time of the first report; each next one a second later
}

// SeedStates are the states InsertReports gives reports, in turn.
var SeedStates = []string{"NEW", "ACCEPTED", "IN_PROGRESS", "ON_HOLD", "CLOSED", "REFUSED"}

// NewExportSeed creates an organization of the default application with a place, a category,
// its admin (the requester of exports) and a reporter.
func NewExportSeed(ctx context.Context, st *store.Store) (ExportSeed, error) {
	s := ExportSeed{Org: uuid.New(), Requester: uuid.New(), Reporter: uuid.New(), Place: uuid.New(), Category: uuid.New()}
	s.RequesterEmail = "requester-" + s.Requester.String()[:8] + "@example.com"
	s.ReporterEmail = "reporter-" + s.Reporter.String()[:8] + "@example.com"
	err := st.InTx(ctx, func(tx pgx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO people (id, email, password_hash) VALUES ($1, $2, 'x'), ($3, $4, 'x')`,
				[]any{s.Requester, s.RequesterEmail, s.Reporter, s.ReporterEmail}},
			{`INSERT INTO organizations (id, application_id, business_activity_id, name) VALUES ($1, $2, $3, $4)`,
				[]any{s.Org, defaultAppID, BusinessActivityRoads, "Seeded " + s.Org.String()[:8]}},
			{`INSERT INTO members (id, organization_id, person_id, roles) VALUES ($1, $2, $3, '{ORGANIZATION:ADMIN}')`,
				[]any{uuid.New(), s.Org, s.Requester}},
			{`INSERT INTO places (id, organization_id, name, polygon) VALUES ($1, $2, 'Seeded place', ST_GeomFromText('POLYGON((0 0, 0 1, 1 1, 1 0, 0 0))', 4326))`,
				[]any{s.Place, s.Org}},
			{`INSERT INTO categories (id, organization_id, name, color, icon) VALUES ($1, $2, 'Seeded category', '#ff0000', 'road')`,
				[]any{s.Category, s.Org}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	return s, err
}

const defaultAppID = "0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000001"

// InsertReports adds n reports received by the seed's organization, in one transaction, all
// server-side (generate_series): report i (from 1) is created at Start + i seconds, is in state
// SeedStates[i % 6], has identification number R-<i>, description "Report <i>", the category
// unless i is a multiple of 4, one operation when i is a multiple of 3, and one image when i is
// a multiple of ImageEvery.
func (s ExportSeed) InsertReports(ctx context.Context, st *store.Store, n int, o SeedOptions) error {
	if o.Start.IsZero() {
		o.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	every, repeat := o.ImageEvery, max(o.ImageSize/16, 1)
	if every <= 0 {
		every = n + 1
	}
	return st.InTx(ctx, func(tx pgx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`CREATE TEMP TABLE seed ON COMMIT DROP AS SELECT i, gen_random_uuid() AS feedback, gen_random_uuid() AS report,
				gen_random_uuid() AS image, $2::timestamptz + i * interval '1 second' AS at FROM generate_series(1, $1) i`,
				[]any{n, o.Start}},
			{`INSERT INTO feedbacks (id, application_id, reporter_id, description, location, geohash, state, created_at, updated_at)
				SELECT feedback, $1, $2, 'Report ' || i, ST_GeogFromText('POINT(0.5 0.5)'), 's00twy01mtw0', 'DELIVERED', at, at FROM seed`,
				[]any{defaultAppID, s.Reporter}},
			{`INSERT INTO reports (id, feedback_id, application_id, organization_id, place_id, category_id, state, description,
					identification_number, created_at, updated_at)
				SELECT report, feedback, $1, $2, $3, CASE WHEN i % 4 = 0 THEN NULL ELSE $4::uuid END, ($5::text[])[i % 6 + 1],
					'Report ' || i, 'R-' || i, at, at + interval '1 hour' FROM seed`,
				[]any{defaultAppID, s.Org, s.Place, s.Category, SeedStates}},
			{`INSERT INTO report_organizations (report_id, organization_id, position, created_at) SELECT report, $1, 0, at FROM seed`,
				[]any{s.Org}},
			{`INSERT INTO operations (id, report_id, organization_id, created_by, name, state, created_at, updated_at)
				SELECT gen_random_uuid(), report, $1, $2, 'Operation ' || i, 'NEW', at, at FROM seed WHERE i % 3 = 0`,
				[]any{s.Org, s.Requester}},
			{`INSERT INTO images (id, content_type, data, width, height, created_at)
				SELECT image, 'image/png', decode(repeat(md5(i::text), $2), 'hex'), 1, 1, at FROM seed WHERE i % $1 = 0`,
				[]any{every, repeat}},
			{`INSERT INTO feedback_images (feedback_id, image_id, created_at) SELECT feedback, image, at FROM seed WHERE i % $1 = 0`,
				[]any{every}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("seed reports: %w", err)
			}
		}
		return nil
	})
}
