package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

func exportsPath(org string) string { return "/organizations/" + org + "/reports/exports" }

// excelTime is how the workbook shows an API time: UTC, whole seconds.
func excelTime(t *testing.T, iso string) string {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, iso)
	if err != nil {
		t.Fatalf("time %q: %v", iso, err)
	}
	return v.UTC().Truncate(time.Second).Format("2006-01-02 15:04:05")
}

// expectedRow is what the workbook must say of a report, read through the API.
func expectedRow(t *testing.T, d *testkit.Desk, report, category, place, reporter string, operations int) []string {
	t.Helper()
	r := d.Admin.Get("/reports/" + report).Expect(http.StatusOK)
	return []string{r.Str("id"), r.Str("identificationNumber"), excelTime(t, r.Str("createdAt")), excelTime(t, r.Str("updatedAt")),
		r.Str("state"), category, place, r.Str("description"), reporter, strconv.Itoa(operations)}
}

// download fetches a finished export's archive and checks how it is served.
func download(t *testing.T, c *testkit.Client, r *testkit.Response) []byte {
	t.Helper()
	href := r.Str("_links.download.href")
	if href != r.Str("_links.self.href")+"/download" {
		t.Fatalf("download link %q: %s", href, r.Body)
	}
	d := c.Get(href).Expect(http.StatusOK)
	if ct := d.Header.Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("archive served as %q", ct)
	}
	cd := d.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="keyclic-export-`) || !strings.HasSuffix(cd, `.zip"`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if int(r.Num("size")) != len(d.Body) {
		t.Fatalf("export says %v bytes, download has %d", r.Num("size"), len(d.Body))
	}
	return d.Body
}

func TestExportWorkbookImagesAndEmail(t *testing.T) {
	d := stack.NewDesk(t, "Export")
	place := d.Admin.Get("/places/" + d.Place).Expect(http.StatusOK).Str("name")
	category := testkit.Unique("Voirie ")
	catID := d.Admin.CreateCategory(d.Org, category, "#336699", "fa-road")
	exporter, _ := d.Member(testkit.RoleExport)
	exporter.Lang = "en-US"

	// r1: NEW, with a category, a number and two images; r2: ACCEPTED with an operation;
	// r3: CLOSED. Another organization's report must not show.
	f1 := d.Citizen.Issue(d.Inside(), map[string]any{"category": catID})
	r1 := d.Admin.ReportOf(d.Org, f1)
	d.Admin.Patch("/reports/"+r1, map[string]any{"identificationNumber": "RPT-0001"}).Expect(http.StatusOK)
	img1 := d.Citizen.Post("/feedbacks/"+f1+"/images", map[string]string{"image": testkit.PNGDataURI(t, 400, 200)}).
		Expect(http.StatusCreated).MappingOf("_links.images.0", "image")
	img2 := d.Citizen.Post("/feedbacks/"+f1+"/images", map[string]string{"image": testkit.DataURI("image/jpeg", testkit.JPEG(t, 64, 64))}).
		Expect(http.StatusCreated).MappingOf("_links.images.1", "image")
	r2 := d.ReportIn("accept")
	d.Admin.CreateOperation(r2, "Boucher le trou")
	r3 := d.ReportIn("accept", "progress", "close")
	stack.NewDesk(t, "Elsewhere").ReportIn()

	r := exporter.Post(exportsPath(d.Org)+"?order=asc", nil).Expect(http.StatusAccepted)
	id := r.Str("id")
	if _, ok := domain.ParseUUID(id); !ok || r.Str("type") != "Export" || r.Str("state") != "PENDING" ||
		r.Num("progress.done") != 0 || r.Num("progress.total") != 0 || r.Str("createdAt") == "" || r.Str("updatedAt") == "" ||
		r.Str("_links.self.href") != exportsPath(d.Org)+"/"+id || r.Str("_links.organization.href") != "/organizations/"+d.Org ||
		r.At("_links.download") != nil {
		t.Fatalf("202 answer: %s", r.Body)
	}
	if got := stack.WorkflowStatus(t, "export/"+id); got == "" {
		t.Fatalf("no workflow export/%s", id)
	}

	r = exporter.WaitExport(d.Org, id, "DONE")
	if r.Num("progress.done") != 3 || r.Num("progress.total") != 3 {
		t.Fatalf("finished export: %s", r.Body)
	}
	archive := download(t, exporter, r)
	files := testkit.Unzip(t, archive)

	// One row per report of the organization, oldest first as asked, each as the API shows it.
	rows := testkit.WorkbookRows(t, files["reports.xlsx"], "Reports")
	want := [][]string{
		{"id", "identificationNumber", "createdAt", "updatedAt", "state", "category", "place", "description", "reporter", "operations"},
		expectedRow(t, d, r1, category, place, d.Citizen.Email, 0),
		expectedRow(t, d, r2, "", place, d.Citizen.Email, 1),
		expectedRow(t, d, r3, "", place, d.Citizen.Email, 0),
	}
	if len(rows) != len(want) {
		t.Fatalf("workbook rows:\n%q\nwant:\n%q", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, rows[i], want[i])
		}
	}
	if want[1][1] != "RPT-0001" || want[1][4] != "NEW" || want[2][4] != "ACCEPTED" || want[3][4] != "CLOSED" {
		t.Fatalf("the reports are not as set up: %q", want)
	}

	// The feedback's two images, as stored, under the report's id; nothing else.
	for _, img := range []struct{ id, ext string }{{img1, ".png"}, {img2, ".jpg"}} {
		var stored []byte
		if err := stack.App.Store.Pool.QueryRow(context.Background(), `SELECT data FROM images WHERE id = $1`, img.id).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		name := "images/" + r1 + "/" + img.id + img.ext
		if got, ok := files[name]; !ok || string(got) != string(stored) {
			t.Errorf("%s: in archive %v, %d bytes, want the stored %d", name, ok, len(got), len(stored))
		}
	}
	if len(files) != 3 {
		t.Errorf("archive entries: %d, want the workbook and 2 images", len(files))
	}

	// The requester (not the admin) is emailed once, in English, with the archive attached.
	var mail []string
	testkit.Eventually(30*time.Second, func() bool {
		es, err := stack.App.Store.EmailsTo(context.Background(), exporter.Email)
		if err != nil {
			t.Fatal(err)
		}
		mail = nil
		for _, e := range es {
			if e.Template == "export_ready" {
				mail = append(mail, e.IdempotencyKey)
				if e.IdempotencyKey != "export/"+id || !strings.HasPrefix(e.Subject, "Your export of") || len(e.Attachments) != 1 {
					t.Fatalf("export email: key %s, subject %q, attachments %+v", e.IdempotencyKey, e.Subject, e.Attachments)
				}
				a := e.Attachments[0]
				attached, err := os.ReadFile(a.Path)
				if err != nil || a.ContentType != "application/zip" || a.Size != int64(len(archive)) || string(attached) != string(archive) ||
					!strings.HasPrefix(a.Name, "keyclic-export-") {
					t.Fatalf("attachment %+v (%v): not the downloaded archive", a, err)
				}
			}
		}
		return len(mail) > 0
	})
	if len(mail) != 1 {
		t.Fatalf("export emails to the requester: %v, want one", mail)
	}
	adminMail, err := stack.App.Store.EmailsTo(context.Background(), d.Admin.Email)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range adminMail {
		if e.Template == "export_ready" {
			t.Fatalf("the admin got the exporter's export email: %s", e.Subject)
		}
	}
}

// The filters are the report list's; page and limit do not narrow an export; the default order
// is the list's (newest first).
func TestExportFilters(t *testing.T) {
	d := stack.NewDesk(t, "Export filters")
	r1 := d.ReportIn()
	r2 := d.ReportIn("accept")
	r3 := d.ReportIn()
	r4 := d.ReportIn("refuse")

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"state[]=NEW&state[]=REFUSED&page=2&limit=1", []string{r4, r3, r1}},
		{"state=ACCEPTED", []string{r2}},
		{"order=asc&place=" + d.Place, []string{r1, r2, r3, r4}},
		{"category=" + uuid.NewString(), nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			id := d.Admin.Post(exportsPath(d.Org)+"?"+tc.query, nil).Expect(http.StatusAccepted).Str("id")
			r := d.Admin.WaitExport(d.Org, id, "DONE")
			if int(r.Num("progress.total")) != len(tc.want) {
				t.Fatalf("progress %v/%v, want %d reports", r.Num("progress.done"), r.Num("progress.total"), len(tc.want))
			}
			rows := testkit.WorkbookRows(t, testkit.Unzip(t, download(t, d.Admin, r))["reports.xlsx"], "Reports")
			var got []string
			for _, row := range rows[1:] {
				got = append(got, row[0])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("exported reports %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExportPermissions(t *testing.T) {
	d := stack.NewDesk(t, "Export rights")
	d.ReportIn()
	path := exportsPath(d.Org)
	analyst, _ := d.Member(testkit.RoleAnalytics)
	operator, _ := d.Member(testkit.RoleOperator)
	agent, _ := d.Member(testkit.RoleAgent)
	plain, _ := d.Member()
	exporter, _ := d.Member(testkit.RoleExport)
	outsider := stack.NewUser(t)
	other := stack.NewDesk(t, "Other exports")

	refused := map[string]*testkit.Client{"analyst": analyst, "operator": operator, "agent": agent, "member without role": plain,
		"outsider": outsider, "reporter": d.Citizen, "other organization's admin": other.Admin}
	for who, c := range refused {
		if r := c.Post(path, nil); r.Status != http.StatusForbidden {
			t.Errorf("%s asked for an export: %d %s", who, r.Status, r.Body)
		}
	}
	stack.Client(t).Post(path, nil).ExpectError(http.StatusUnauthorized)
	d.Admin.Post("/organizations/"+uuid.NewString()+"/reports/exports", nil).ExpectError(http.StatusNotFound)

	// Bad filters: 400 naming each, and no export is made.
	for query, paths := range map[string][]string{
		"state=LOST":                        {"state"},
		"place=nowhere":                     {"place"},
		"category=42":                       {"category"},
		"after=yesterday":                   {"after"},
		"before=2024-13-45":                 {"before"},
		"order=sideways":                    {"order"},
		"limit=0":                           {"limit"},
		"state=NEW&place=x&order=up&page=0": {"place", "order", "page"},
	} {
		d.Admin.Post(path+"?"+query, nil).ExpectError(http.StatusBadRequest, paths...)
	}
	var n int
	if err := stack.App.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM exports WHERE organization_id = $1`, d.Org).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d exports recorded (%v) after refusals, want none", n, err)
	}

	// Admins and exporters may; each sees the organization's exports, nobody else does.
	byAdmin := d.Admin.Post(path, nil).Expect(http.StatusAccepted).Str("id")
	byExporter := exporter.Post(path, nil).Expect(http.StatusAccepted).Str("id")
	d.Admin.WaitExport(d.Org, byExporter, "DONE")
	exporter.WaitExport(d.Org, byAdmin, "DONE")
	for who, c := range refused {
		for _, sub := range []string{"", "/download"} {
			if r := c.Get(path + "/" + byAdmin + sub); r.Status != http.StatusForbidden {
				t.Errorf("%s read export%s: %d %s", who, sub, r.Status, r.Body)
			}
		}
	}
	// Through another organization's path, or with an unknown or malformed id: 404.
	other.Admin.Get(exportsPath(other.Org) + "/" + byAdmin).ExpectError(http.StatusNotFound)
	other.Admin.Get(exportsPath(other.Org) + "/" + byAdmin + "/download").ExpectError(http.StatusNotFound)
	d.Admin.Get(path + "/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	d.Admin.Get(path + "/not-a-uuid").ExpectError(http.StatusNotFound)

	// An export not finished has no download (409); one whose file is gone, 410.
	pending, err := stack.App.Store.CreateExport(context.Background(), domain.Export{ID: uuid.New(), OrganizationID: uuid.MustParse(d.Org),
		RequesterID: uuid.MustParse(d.Admin.PersonID), Language: domain.French, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	r := d.Admin.Get(path + "/" + pending.ID.String()).Expect(http.StatusOK)
	if r.Str("state") != "PENDING" || r.At("_links.download") != nil {
		t.Fatalf("pending export: %s", r.Body)
	}
	d.Admin.Get(path + "/" + pending.ID.String() + "/download").ExpectError(http.StatusConflict).ExpectMessageContains("PENDING")
	if _, err := stack.App.Store.Pool.Exec(context.Background(), `UPDATE exports SET state = 'DONE', file_path = $2 WHERE id = $1`,
		pending.ID, fmt.Sprintf("%s/missing-%s.zip", os.TempDir(), pending.ID)); err != nil {
		t.Fatal(err)
	}
	d.Admin.Get(path + "/" + pending.ID.String() + "/download").ExpectError(http.StatusGone)
}
