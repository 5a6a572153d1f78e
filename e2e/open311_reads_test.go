package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Who reads what: anyone reads the public requests; a client with its key reads its own private
// ones too, and no other client does. A public feedback's picture opens without a token; a
// private one's never does.
func TestOpen311Privacy(t *testing.T) {
	j := newJurisdiction(t, testkit.BusinessActivityRoads)
	_, private := j.newKey("Confidential CRM", false)
	_, someone := j.newKey("Someone else", true)
	mine, anonymous, other := j.client(private), j.client(""), j.client(someone)

	id := mine.created("xml", form(j.inside(), "general", "description", "Câble arraché", "email", "x@example.net"))
	mine.request(id)
	anonymous.fails("requests/"+id, nil, http.StatusNotFound, "service_request_id was not found")
	other.fails("requests/"+id, nil, http.StatusNotFound, "service_request_id was not found")
	since := url.Values{"start_date": {time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)}}
	expectListed(t, mine, since, id, true)
	expectListed(t, anonymous, since, id, false)
	expectListed(t, other, since, id, false)
	expectListed(t, other, url.Values{"service_request_id": {id}}, id, false)
	// The Keyclic API shows it as a private feedback: its organization reads it, others do not.
	j.admin.Get("/feedbacks/" + id).Expect(http.StatusOK)
	stack.NewUser(t).With(func(c *testkit.Client) { c.App = j.token }).Get("/feedbacks/" + id).ExpectError(http.StatusNotFound)

	// A public feedback posted through the Keyclic API, with a picture: its media_url opens for anyone.
	citizen := stack.NewUser(t).With(func(c *testkit.Client) { c.App = j.token })
	public := citizen.Issue(j.inside(), map[string]any{"visibility": "VISIBILITY_PUBLIC", "description": "Poubelle renversée"})
	citizen.Post("/feedbacks/"+public+"/images", map[string]string{"image": testkit.PNGDataURI(t, 40, 20)}).Expect(http.StatusCreated)
	r := anonymous.request(public)
	media, _ := r["media_url"].(string)
	if r["service_code"] != "general" || r["description"] != "Poubelle renversée" || !strings.HasPrefix(media, "http") {
		t.Fatalf("public request: %v", r)
	}
	u, err := url.Parse(media)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(stack.HTTP.URL + u.Path)
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	observe(t, http.MethodGet, u.Path, resp, png)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("media %s: %d %s", u.Path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// A private feedback's picture: not listed, and its media address is a 404 without a token.
	hidden := citizen.Issue(j.inside(), nil)
	citizen.Post("/feedbacks/"+hidden+"/images", map[string]string{"image": testkit.PNGDataURI(t, 40, 20)}).Expect(http.StatusCreated)
	href := citizen.ImageHrefs("/feedbacks/" + hidden)[0] // /feedbacks/{id}/images/{image}/200/200
	image := strings.Split(href, "/")[4]
	anonymous.fails("requests/"+hidden, nil, http.StatusNotFound, "service_request_id was not found")
	anonymous.do(http.MethodGet, "/open311/v2/media/"+hidden+"/"+image, "", nil).expectError(http.StatusNotFound, "Resource not found")
	anonymous.do(http.MethodGet, "/open311/v2/media/"+public+"/"+image, "", nil).expectError(http.StatusNotFound, "Resource not found")
}

// The default window of 90 days and the cap of 1,000 requests of the specification, and the
// page/page_size extension.
func TestOpen311WindowAndCap(t *testing.T) {
	j := newJurisdiction(t, testkit.BusinessActivityRoads)
	o := j.client("")
	p := j.inside()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := stack.App.Store.Pool.Exec(context.Background(), sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	insert := `INSERT INTO feedbacks (id, application_id, reporter_id, location, geohash, state, public, created_at, updated_at)
		SELECT gen_random_uuid(), $1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, 'ezzz', 'DELIVERED', true, t, t
		FROM (SELECT now() - make_interval(secs => g) - $5::interval AS t FROM generate_series(1, $6::int) g) s`
	exec(insert, j.id, j.admin.PersonID, p.Lon, p.Lat, "0 days", 1001)
	exec(insert, j.id, j.admin.PersonID, p.Lon, p.Lat, "100 days", 1)

	count := func(q url.Values) int {
		t.Helper()
		return len(o.get("requests", "json", q).expect(http.StatusOK).items())
	}
	if n := count(nil); n != 1000 {
		t.Fatalf("default answer: %d requests, want the cap of 1000", n)
	}
	if n := count(url.Values{"page": {"2"}}); n != 1 {
		t.Fatalf("page 2: %d requests, want the one of the last 90 days left", n)
	}
	if n := count(url.Values{"page": {"3"}, "page_size": {"10"}}); n != 10 {
		t.Fatalf("page_size 10: %d requests", n)
	}
	old := url.Values{"start_date": {time.Now().Add(-101 * 24 * time.Hour).UTC().Format(time.RFC3339)},
		"end_date": {time.Now().Add(-99 * 24 * time.Hour).Format("2006-01-02T15:04:05-07:00")}}
	a := o.both("requests", old, http.StatusOK, "requests", "service_requests")
	if n := len(a.items()); n != 1 {
		t.Fatalf("a window 100 days ago: %d requests: %s", n, a.Body)
	}
	// A start date alone spans 90 days from it.
	if n := count(url.Values{"start_date": {old.Get("start_date")}}); n != 1 {
		t.Fatalf("90 days from 101 days ago: %d requests", n)
	}
}

// When matching takes longer than OPEN311_POST_WAIT, POST requests answers a token, which
// tokens/{token} turns into the request's id once it is known.
func TestOpen311Token(t *testing.T) {
	settings := stack.App.APISettings()
	settings.Open311.PostWait = time.Nanosecond
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()
	j := newJurisdiction(t, testkit.BusinessActivityRoads)
	keyID, key := j.newKey("Slow citizens' app", true)
	o := j.client(key)
	o.base = srv.URL

	for _, f := range []string{"json", "xml"} {
		a := o.post(f, form(j.inside(), "general", "description", "Feu tricolore en panne")).expect(http.StatusAccepted)
		var token string
		if f == "json" {
			a.valid("post-request")
			token, _ = a.items()[0]["token"].(string)
		} else {
			n := a.parseXML()
			if n.Name != "service_requests" || n.Children[0].child("token") == nil || n.Children[0].child("service_request_id") != nil {
				t.Fatalf("token answer: %s", a.Body)
			}
			token = n.Children[0].child("token").Text
		}
		if token == "" {
			t.Fatalf("no token: %s", a.Body)
		}
		// Polled in one format: the id may appear between a JSON and an XML read; once it has,
		// the token's answer no longer changes and both formats must agree.
		var id string
		if !testkit.Eventually(10*time.Second, func() bool {
			a := o.get("tokens/"+token, "json", nil).expect(http.StatusOK)
			a.valid("token")
			got := a.items()[0]
			id, _ = got["service_request_id"].(string)
			return got["token"] == token && id != ""
		}) {
			t.Fatalf("token %s never gave the request's id", token)
		}
		if got := o.both("tokens/"+token, nil, http.StatusOK, "token", "service_requests").items()[0]; got["service_request_id"] != id {
			t.Fatalf("token %s: request id %v, then %v", token, id, got["service_request_id"])
		}
		if r := o.request(id); r["status"] != "open" {
			t.Fatalf("request of the token: %v", r)
		}
		// Anyone may read a public request's token; another jurisdiction's client may not.
		j.client("").both("tokens/"+token, nil, http.StatusOK, "token", "service_requests")
		j.client("").with(func(o *o311) { o.jurisdiction = "com.keyclic.app" }).fails("tokens/"+token, nil, http.StatusNotFound, "token was not found")
	}

	// A request no organization could receive: its token says it was not created. (Such a
	// refusal is usually known before the wait ends, and answered at once: the token of a FAILED
	// feedback is recorded directly here.)
	citizen := stack.NewUser(t).With(func(c *testkit.Client) { c.App = j.token })
	citizen.PostIssue(testkit.RandomArea(), map[string]any{"visibility": "VISIBILITY_PUBLIC"}).ExpectError(http.StatusConflict)
	failed := stack.FeedbackIDsOf(t, citizen.PersonID)[0]
	token := uuid.New()
	if _, err := stack.App.Store.Pool.Exec(context.Background(), `INSERT INTO open311_requests (feedback_id, key_id, token) VALUES ($1, $2, $3)`,
		failed, keyID, token); err != nil {
		t.Fatal(err)
	}
	o.fails("tokens/"+token.String(), nil, http.StatusBadRequest, "The request was not created: No organization handles this location.")
}
