package activities_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

const exportBase = "https://api.example.test"

// exportFixture is a database with a seeded organization and activities that write exports to
// a directory of the test's own, reading a few reports per page so that tests cross pages.
type exportFixture struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	acts *activities.Activities
	dir  string
	seed testkit.ExportSeed

	mu    sync.Mutex
	beats []activities.ExportProgress
}

func newExportFixture(t *testing.T, mailer activities.Mailer, attachmentMax int64) *exportFixture {
	t.Helper()
	st := testkit.StoreForTest(t)
	if mailer == nil {
		mailer = activities.RecordingMailer{Log: testkit.Logger()}
	}
	f := &exportFixture{t: t, ctx: context.Background(), st: st, dir: t.TempDir(),
		acts: &activities.Activities{Store: st, Mailer: mailer, Log: testkit.Logger(), Now: time.Now}}
	f.acts.Exports = activities.ExportSettings{Dir: f.dir, AttachmentMax: attachmentMax, DownloadBaseURL: exportBase, PageSize: 7}
	var err error
	if f.seed, err = testkit.NewExportSeed(f.ctx, st); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *exportFixture) insertReports(n int, o testkit.SeedOptions) {
	f.t.Helper()
	if err := f.seed.InsertReports(f.ctx, f.st, n, o); err != nil {
		f.t.Fatal(err)
	}
}

func (f *exportFixture) newExport(lang domain.Lang, filters domain.ExportFilters) domain.Export {
	f.t.Helper()
	e, err := f.st.CreateExport(f.ctx, domain.Export{ID: uuid.New(), OrganizationID: f.seed.Org, RequesterID: f.seed.Requester,
		Language: lang, Filters: filters, CreatedAt: time.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// build runs BuildExport as Temporal runs it (heartbeats recorded in f.beats).
func (f *exportFixture) build(id uuid.UUID) (activities.BuildExportResult, error) {
	f.t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	// Every heartbeat reaches the listener (the SDK otherwise sends one per throttle interval).
	env.SetWorkerOptions(worker.Options{DefaultHeartbeatThrottleInterval: time.Nanosecond, MaxHeartbeatThrottleInterval: time.Nanosecond})
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var p activities.ExportProgress
		if err := details.Get(&p); err == nil {
			f.mu.Lock()
			f.beats = append(f.beats, p)
			f.mu.Unlock()
		}
	})
	v, err := env.ExecuteActivity(f.acts.BuildExport, activities.BuildExportInput{ExportID: id})
	var res activities.BuildExportResult
	if err == nil {
		err = v.Get(&res)
	}
	return res, err
}

func (f *exportFixture) export(id uuid.UUID) domain.Export {
	f.t.Helper()
	e, err := f.st.ExportByID(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *exportFixture) archive(e domain.Export) map[string][]byte {
	f.t.Helper()
	b, err := os.ReadFile(e.FilePath)
	if err != nil {
		f.t.Fatal(err)
	}
	return testkit.Unzip(f.t, b)
}

// seeded is what the workbook must say of report i of InsertReports.
type seeded struct {
	id                       uuid.UUID
	number, created, updated string
	state, category          string
	operations               string
	image                    uuid.UUID // uuid.Nil when none
	imageData                []byte
}

// reports reads back the seeded reports by number (R-i), with what the export must show.
func (f *exportFixture) reports() map[string]seeded {
	f.t.Helper()
	rows, err := f.st.Pool.Query(f.ctx, `SELECT r.id, r.identification_number, r.created_at, r.updated_at, r.state, coalesce(c.name, ''),
			(SELECT count(*) FROM operations o WHERE o.report_id = r.id), coalesce(fi.image_id, '00000000-0000-0000-0000-000000000000'),
			coalesce(i.data, '')
		FROM reports r LEFT JOIN categories c ON c.id = r.category_id
		LEFT JOIN feedback_images fi ON fi.feedback_id = r.feedback_id LEFT JOIN images i ON i.id = fi.image_id
		WHERE r.organization_id = $1`, f.seed.Org)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]seeded{}
	for rows.Next() {
		var s seeded
		var created, updated time.Time
		var ops int
		if err := rows.Scan(&s.id, &s.number, &created, &updated, &s.state, &s.category, &ops, &s.image, &s.imageData); err != nil {
			f.t.Fatal(err)
		}
		s.created, s.updated = created.UTC().Format("2006-01-02 15:04:05"), updated.UTC().Format("2006-01-02 15:04:05")
		s.operations = strconv.Itoa(ops)
		out[s.number] = s
	}
	return out
}

// checkRows compares the workbook with the seeded reports, which must be exactly numbers, in order.
func (f *exportFixture) checkRows(files map[string][]byte, numbers []int) {
	f.t.Helper()
	rows := testkit.WorkbookRows(f.t, files["reports.xlsx"], "Reports")
	want := []string{"id", "identificationNumber", "createdAt", "updatedAt", "state", "category", "place", "description", "reporter", "operations"}
	if len(rows) == 0 || !slices.Equal(rows[0], want) {
		f.t.Fatalf("header %v, want %v", rows[:min(len(rows), 1)], want)
	}
	if len(rows)-1 != len(numbers) {
		f.t.Fatalf("%d report rows, want %d", len(rows)-1, len(numbers))
	}
	all := f.reports()
	for k, i := range numbers {
		s := all["R-"+strconv.Itoa(i)]
		wantRow := []string{s.id.String(), s.number, s.created, s.updated, s.state, s.category, "Seeded place",
			"Report " + strconv.Itoa(i), f.seed.ReporterEmail, s.operations}
		if !slices.Equal(rows[k+1], wantRow) {
			f.t.Errorf("row %d:\n got %q\nwant %q", k+2, rows[k+1], wantRow)
		}
	}
}

func seq(from, to, step int) []int {
	var out []int
	for i := from; (step > 0 && i <= to) || (step < 0 && i >= to); i += step {
		out = append(out, i)
	}
	return out
}

func TestBuildExportWritesEveryReportAndImage(t *testing.T) {
	f := newExportFixture(t, nil, 10<<20)
	f.insertReports(25, testkit.SeedOptions{ImageEvery: 4, ImageSize: 4096})
	e := f.newExport(domain.French, domain.ExportFilters{})

	res, err := f.build(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	e = f.export(e.ID)
	if res.Reports != 25 || e.State != domain.ExportDone || e.Done != 25 || e.Total != 25 || e.FinishedAt == nil {
		t.Fatalf("result %+v, export %+v", res, e)
	}
	if fi, err := os.Stat(e.FilePath); err != nil || fi.Size() != e.Size || res.Size != e.Size || filepath.Dir(e.FilePath) != f.dir {
		t.Fatalf("archive %s (%v): recorded size %d, result %d", e.FilePath, err, e.Size, res.Size)
	}
	files := f.archive(e)
	f.checkRows(files, seq(1, 25, 1)) // oldest first: the filters ask asc

	// Every report's image, under the report's id, byte for byte; nothing else.
	images := 0
	for _, s := range f.reports() {
		if s.image == uuid.Nil {
			continue
		}
		images++
		name := "images/" + s.id.String() + "/" + s.image.String() + ".png"
		if got, ok := files[name]; !ok || string(got) != string(s.imageData) || len(got) != 4096 {
			t.Errorf("%s: %d bytes in the archive (present: %v), want the image's %d", name, len(got), ok, len(s.imageData))
		}
	}
	if images != 6 || len(files) != images+1 {
		t.Errorf("%d images seeded, archive holds %d entries", images, len(files))
	}

	// Progress was heartbeaten page by page (7 reports a page), from 0 of 25 on. The SDK batches
	// heartbeats in time windows, so which ones arrive is not fixed: only their values are.
	if len(f.beats) == 0 || f.beats[0] != (activities.ExportProgress{Done: 0, Total: 25}) {
		t.Fatalf("first heartbeats %v, want {0 25} first", f.beats)
	}
	last := 0
	for _, b := range f.beats {
		if b.Total != 25 || b.Done < last || !slices.Contains([]int{0, 7, 14, 21, 25}, b.Done) {
			t.Fatalf("heartbeats %v: each must say 25 in all and a page boundary, never going back", f.beats)
		}
		last = b.Done
	}
	if parts, _ := filepath.Glob(filepath.Join(f.dir, "*.part")); len(parts) != 0 {
		t.Errorf("parts left behind: %v", parts)
	}
}

func TestBuildExportAppliesFiltersAndOrder(t *testing.T) {
	f := newExportFixture(t, nil, 10<<20)
	f.insertReports(40, testkit.SeedOptions{})
	// NEW reports are those with i % 6 == 0; the category is missing when i % 4 == 0.
	cat := f.seed.Category
	after := time.Date(2024, 1, 1, 0, 0, 6, 0, time.UTC) // report 6 on
	before := time.Date(2024, 1, 1, 0, 0, 36, 0, time.UTC)
	e := f.newExport(domain.English, domain.ExportFilters{States: []domain.State{domain.ReportNew, domain.ReportClosed}, Category: &cat,
		After: &after, Before: &before, Desc: true})
	if _, err := f.build(e.ID); err != nil {
		t.Fatal(err)
	}
	var want []int
	for i := 36; i >= 6; i-- {
		if (i%6 == 0 || i%6 == 4) && i%4 != 0 {
			want = append(want, i)
		}
	}
	f.checkRows(f.archive(f.export(e.ID)), want)
	if got := f.export(e.ID); got.Total != len(want) || got.Done != len(want) {
		t.Fatalf("progress %d/%d, want %d", got.Done, got.Total, len(want))
	}
}

// A retried attempt starts over: the part a dead attempt left and its progress are discarded.
// A finished export is never rebuilt, even if the reports changed since.
func TestBuildExportRetryStartsOverAndDoneIsKept(t *testing.T) {
	f := newExportFixture(t, nil, 10<<20)
	f.insertReports(10, testkit.SeedOptions{ImageEvery: 5, ImageSize: 64})
	e := f.newExport(domain.French, domain.ExportFilters{})
	stale := filepath.Join(f.dir, e.ID.String()+"-dead.part")
	if err := os.WriteFile(stale, []byte("half an archive"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Pool.Exec(f.ctx, `UPDATE exports SET state = 'RUNNING', done = 7, total = 10 WHERE id = $1`, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.build(e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the dead attempt's part is still there (%v)", err)
	}
	e = f.export(e.ID)
	first, err := os.ReadFile(e.FilePath)
	if err != nil {
		t.Fatal(err)
	}
	f.checkRows(testkit.Unzip(t, first), seq(1, 10, 1))

	// Five more reports arrive; building again changes nothing.
	f.insertReports(5, testkit.SeedOptions{Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	f.beats = nil
	res, err := f.build(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(e.FilePath)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reports != 10 || res.Size != e.Size || string(again) != string(first) || len(f.beats) != 0 {
		t.Fatalf("rebuilt a finished export: result %+v, archive changed %v, %d heartbeats", res, string(again) != string(first), len(f.beats))
	}
	if got := f.export(e.ID); got.UpdatedAt != e.UpdatedAt || got.Total != 10 {
		t.Fatalf("finished export changed: %+v", got)
	}
}

func TestExportEmailAttachesOrLinksTheArchive(t *testing.T) {
	for _, tc := range []struct {
		name     string
		max      int64
		lang     domain.Lang
		subject  string
		attached bool
	}{
		{"small archive attached, French", 10 << 20, domain.French, "Votre export des signalements de Seeded", true},
		{"large archive linked, English", 100, domain.English, "Your export of Seeded", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newExportFixture(t, nil, tc.max)
			f.insertReports(3, testkit.SeedOptions{})
			e := f.newExport(tc.lang, domain.ExportFilters{})
			if _, err := f.build(e.ID); err != nil {
				t.Fatal(err)
			}
			for range 2 { // a retry sends nothing more
				if err := f.acts.SendExportEmail(f.ctx, activities.SendExportEmailInput{ExportID: e.ID}); err != nil {
					t.Fatal(err)
				}
			}
			e = f.export(e.ID)
			es, err := f.st.EmailsTo(f.ctx, f.seed.RequesterEmail)
			if err != nil || len(es) != 1 {
				t.Fatalf("emails %+v (%v), want one", es, err)
			}
			m := es[0]
			if m.Template != "export_ready" || m.IdempotencyKey != "export/"+e.ID.String() || !strings.HasPrefix(m.Subject, tc.subject) ||
				m.Language != string(tc.lang) {
				t.Fatalf("email %q (%s, key %s, %s)", m.Subject, m.Template, m.IdempotencyKey, m.Language)
			}
			link := exportBase + "/organizations/" + f.seed.Org.String() + "/reports/exports/" + e.ID.String() + "/download"
			if tc.attached {
				want := store.Attachment{Name: e.FileName(), ContentType: "application/zip", Size: e.Size, Path: e.FilePath}
				if len(m.Attachments) != 1 || m.Attachments[0] != want {
					t.Fatalf("attachments %+v, want %+v", m.Attachments, want)
				}
				if strings.Contains(m.TextBody, link) || !strings.Contains(m.TextBody, e.FileName()) {
					t.Errorf("an attached archive's email names the file, not a link:\n%s", m.TextBody)
				}
			} else {
				if len(m.Attachments) != 0 {
					t.Fatalf("a %d-byte archive over a %d-byte limit was attached: %+v", e.Size, tc.max, m.Attachments)
				}
				if !strings.Contains(m.TextBody, link) || !strings.Contains(m.HTMLBody, `href="`+link+`"`) {
					t.Errorf("email has no download link %s:\n%s\n%s", link, m.TextBody, m.HTMLBody)
				}
			}
		})
	}
}

func TestExportEmailWhenFailedOrUnfinished(t *testing.T) {
	f := newExportFixture(t, nil, 10<<20)
	e := f.newExport(domain.English, domain.ExportFilters{})
	err := f.acts.SendExportEmail(f.ctx, activities.SendExportEmailInput{ExportID: e.ID})
	if err == nil {
		t.Fatal("an unfinished export was announced")
	}
	if err := f.acts.FailExport(f.ctx, activities.FailExportInput{ExportID: e.ID, Reason: "disk full"}); err != nil {
		t.Fatal(err)
	}
	if got := f.export(e.ID); got.State != domain.ExportFailed || got.Error != "disk full" {
		t.Fatalf("after FailExport: %+v", got)
	}
	if err := f.acts.SendExportEmail(f.ctx, activities.SendExportEmailInput{ExportID: e.ID}); err != nil {
		t.Fatal(err)
	}
	es, _ := f.st.EmailsTo(f.ctx, f.seed.RequesterEmail)
	if len(es) != 1 || es[0].Template != "export_failed" || len(es[0].Attachments) != 0 || !strings.Contains(es[0].Subject, "failed") {
		t.Fatalf("emails after a failure: %+v", es)
	}
}

// SendGrid gets the archive inline, base64-encoded, with its name and type.
func TestSendGridMailerAttachesTheArchive(t *testing.T) {
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	f := newExportFixture(t, activities.SendGridMailer{APIKey: "SG.k", Host: srv.URL, From: "noreply@keyclic.test"}, 10<<20)
	f.insertReports(4, testkit.SeedOptions{ImageEvery: 2, ImageSize: 256})
	e := f.newExport(domain.French, domain.ExportFilters{})
	if _, err := f.build(e.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.acts.SendExportEmail(f.ctx, activities.SendExportEmailInput{ExportID: e.ID}); err != nil {
		t.Fatal(err)
	}
	var payload struct {
		Attachments []struct{ Content, Type, Filename, Disposition string }
	}
	if err := json.Unmarshal(body, &payload); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	e = f.export(e.ID)
	archive, err := os.ReadFile(e.FilePath)
	if err != nil {
		t.Fatal(err)
	}
	if len(payload.Attachments) != 1 {
		t.Fatalf("SendGrid got attachments %+v", payload.Attachments)
	}
	a := payload.Attachments[0]
	got, err := base64.StdEncoding.DecodeString(a.Content)
	if err != nil || string(got) != string(archive) || a.Type != "application/zip" || a.Filename != e.FileName() || a.Disposition != "attachment" {
		t.Fatalf("attachment %s (%s, %s): %d bytes (%v), want the %d-byte archive", a.Filename, a.Type, a.Disposition, len(got), err, len(archive))
	}
	es, _ := f.st.EmailsTo(f.ctx, f.seed.RequesterEmail)
	if len(es) != 1 || es[0].Status != store.EmailSent || len(es[0].Attachments) != 1 {
		t.Fatalf("emails %+v", es)
	}
}

// The export holds what the report list held when it was asked for: reports received and
// reports delegated to the organization, merged in creation order across pages, withdrawn ones
// left out.
func TestBuildExportIncludesDelegatedReports(t *testing.T) {
	f := newExportFixture(t, nil, 10<<20)
	f.insertReports(12, testkit.SeedOptions{})
	partner, err := testkit.NewExportSeed(f.ctx, f.st)
	if err != nil {
		t.Fatal(err)
	}
	// The partner's reports are created half a second after each of the first six of ours.
	if err := partner.InsertReports(f.ctx, f.st, 6, testkit.SeedOptions{Start: time.Date(2024, 1, 1, 0, 0, 0, 5e8, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Pool.Exec(f.ctx, `INSERT INTO report_organizations (report_id, organization_id, position)
		SELECT id, $2, 1 FROM reports WHERE organization_id = $1 AND identification_number IN ('R-1', 'R-3', 'R-4', 'R-6')`,
		partner.Org, f.seed.Org); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Pool.Exec(f.ctx, `UPDATE reports SET state = 'WITHDRAWN' WHERE organization_id = $1 AND identification_number = 'R-5'`,
		f.seed.Org); err != nil {
		t.Fatal(err)
	}
	var want []string
	rows, err := f.st.Pool.Query(f.ctx, `SELECT r.id::text FROM reports r WHERE state <> 'WITHDRAWN'
		AND r.id IN (SELECT report_id FROM report_organizations WHERE organization_id = $1) ORDER BY r.created_at, r.id`, f.seed.Org)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	rows.Close()
	if len(want) != 15 {
		t.Fatalf("set-up: %d reports listed, want 12 - 1 withdrawn + 4 delegated", len(want))
	}

	e := f.newExport(domain.French, domain.ExportFilters{})
	// Reports created after the request are not part of it.
	if err := f.seed.InsertReports(f.ctx, f.st, 3, testkit.SeedOptions{Start: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.build(e.ID); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range testkit.WorkbookRows(t, f.archive(f.export(e.ID))["reports.xlsx"], "Reports")[1:] {
		got = append(got, row[0])
	}
	if !slices.Equal(got, want) {
		t.Fatalf("exported\n%v\nwant\n%v", got, want)
	}
	if e := f.export(e.ID); e.Total != 15 || e.Done != 15 {
		t.Fatalf("progress %d/%d, want 15/15", e.Done, e.Total)
	}
}
