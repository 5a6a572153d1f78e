package e2e

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Open311 GeoReport v2 (/open311/v2/): every method in XML and JSON, checked against the
// GeoReport v2 JSON Schemas, and a request followed through its whole life.

// metadataActivity creates a business activity whose metadata schema defines one attribute of
// each kind, and returns its id.
func metadataActivity(t *testing.T) string {
	t.Helper()
	var id string
	err := stack.App.Store.Pool.QueryRow(context.Background(), `INSERT INTO business_activities (id, name, alternate_name, metadata_schema)
		VALUES (gen_random_uuid(), $1, 'Street lighting (test)', $2) RETURNING id::text`, testkit.Unique("Éclairage "),
		`{"properties": {
			"lamp": {"type": "string", "title": "Numéro du candélabre"},
			"kind": {"type": "string", "enum": ["off", "flickering", "on by day"]},
			"height": {"type": "number"},
			"count": {"type": "integer"},
			"urgent": {"type": "boolean"},
			"seen": {"type": "string", "format": "date-time"},
			"sides": {"type": "array", "items": {"type": "string", "enum": ["north", "south"]}}
		}, "required": ["kind"]}`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOpen311Discovery(t *testing.T) {
	o := &o311{t: t, base: stack.HTTP.URL}
	j := o.both("discovery", nil, http.StatusOK, "discovery", "discovery").valid("discovery").(map[string]any)
	ep := j["endpoints"].([]any)[0].(map[string]any)
	if ep["specification"] != "http://wiki.open311.org/GeoReport_v2" || !strings.HasSuffix(ep["url"].(string), "/open311/v2") ||
		!slices.Equal(toStrings(ep["formats"]), []string{"text/xml", "application/json"}) {
		t.Fatalf("discovery: %v", j)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestOpen311Services(t *testing.T) {
	activity := metadataActivity(t)
	j := newJurisdiction(t, activity)
	potholes := j.admin.CreateCategory(j.org, "Nid de poule", "#ff0000", "fa-road")
	o := j.client("")

	// The jurisdiction's services: any problem, its organizations' business activity, their categories.
	a := o.both("services", nil, http.StatusOK, "services", "services")
	var codes []string
	byCode := map[string]map[string]any{}
	for _, s := range a.items() {
		codes = append(codes, s["service_code"].(string))
		byCode[s["service_code"].(string)] = s
	}
	if !slices.Equal(codes, []string{"general", activity, potholes}) {
		t.Fatalf("services %v: %s", codes, a.Body)
	}
	if byCode[activity]["metadata"] != true || byCode[activity]["service_name"] != "Street lighting (test)" ||
		byCode[potholes]["metadata"] != true || byCode[potholes]["service_name"] != "Nid de poule" ||
		byCode[potholes]["group"] == nil || byCode["general"]["metadata"] != false || byCode[potholes]["type"] != "realtime" {
		t.Fatalf("services: %s", a.Body)
	}

	// A service's definition: its business activity's metadata schema as attributes, by code.
	def := o.both("services/"+potholes, nil, http.StatusOK, "service-definition", "service_definition").valid("service-definition").(map[string]any)
	var attrs []string
	for _, it := range def["attributes"].([]any) {
		m := it.(map[string]any)
		attrs = append(attrs, m["code"].(string)+":"+m["datatype"].(string)+":"+map[bool]string{true: "required", false: "optional"}[m["required"].(bool)])
	}
	if want := []string{"count:number:optional", "height:number:optional", "kind:singlevaluelist:required", "lamp:string:optional",
		"seen:datetime:optional", "sides:multivaluelist:optional", "urgent:singlevaluelist:optional"}; !slices.Equal(attrs, want) {
		t.Fatalf("attributes %v, want %v", attrs, want)
	}
	general := o.both("services/general", nil, http.StatusOK, "service-definition", "service_definition").valid("service-definition").(map[string]any)
	if len(general["attributes"].([]any)) != 0 {
		t.Fatalf("general service: %v", general)
	}

	// French by default.
	fr := o.with(func(o *o311) { o.lang = "" }).get("services", "json", nil).expect(http.StatusOK).items()
	if fr[0]["service_name"] != "Signalement" {
		t.Fatalf("French services: %v", fr)
	}

	// Errors: an unknown service (404), no or an unknown jurisdiction (400, 404), a bad key (403).
	o.fails("services/nope", nil, http.StatusNotFound, "service_code was not found")
	o.with(func(o *o311) { o.jurisdiction = "" }).fails("services", nil, http.StatusBadRequest, "jurisdiction_id was not provided")
	o.with(func(o *o311) { o.jurisdiction = "org.example.unknown" }).fails("services", nil, http.StatusNotFound, "jurisdiction_id was not found")
	o.with(func(o *o311) { o.key = "o311_not-a-key" }).fails("services", nil, http.StatusForbidden, "api_key")
	other := newJurisdiction(t, testkit.BusinessActivityRoads)
	_, otherKey := other.newKey("Elsewhere", true)
	o.with(func(o *o311) { o.key = otherKey }).fails("services/general", nil, http.StatusForbidden, "api_key")
	// A resource without its format suffix is no resource (XML, the required format).
	o.do(http.MethodGet, "/open311/v2/services/general?jurisdiction_id="+j.token, "", nil).expectError(http.StatusNotFound, "No route")
}

// A request posted over Open311 is accepted, worked and closed through the Keyclic API, and
// the Open311 requests and servicerequestupdates answers follow every change.
func TestOpen311Lifecycle(t *testing.T) {
	activity := metadataActivity(t)
	j := newJurisdiction(t, activity)
	_, key := j.newKey("FixMyStreet", true)
	o := j.client(key)
	since := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	window := url.Values{"start_date": {since}}

	id := o.created("json", form(j.inside(), activity,
		"description", "Lampadaire éteint rue des Lilas", "email", "Jeanne.Martin@example.net", "first_name", "Jeanne",
		"last_name", "Martin", "phone", "+33 6 12 34 56 78", "address_string", "12 rue des Lilas, Bordeaux", "address_id", "A-17",
		"device_id", "device-1", "account_id", "acct-9", "media_url", "https://photos.example.net/lamp.jpg",
		"attribute[kind]", "flickering", "attribute[height]", "6.5", "attribute[count]", "2", "attribute[urgent]", "true",
		"attribute[seen]", "2026-12-01T21:00:00+01:00", "attribute[sides][]", "north", "attribute[sides][]", "south", "attribute[lamp]", "L-42"))

	r := o.request(id)
	if r["status"] != "open" || r["service_code"] != activity || r["service_name"] != "Street lighting (test)" ||
		r["description"] != "Lampadaire éteint rue des Lilas" || r["address"] != "12 rue des Lilas, Bordeaux" || r["address_id"] != "A-17" ||
		r["lat"] != j.inside().Lat || r["long"] != j.inside().Lon || r["media_url"] != "https://photos.example.net/lamp.jpg" ||
		r["agency_responsible"] == nil || !strings.HasPrefix(r["status_notes"].(string), "Received by Mairie") ||
		r["expected_datetime"] != nil || r["requested_datetime"] == nil || r["updated_datetime"] == nil {
		t.Fatalf("new request: %v", r)
	}
	if got := o.updates(id, window); len(got) != 0 {
		t.Fatalf("updates of a new request: %v", got)
	}
	// Listed among the open ones, not the closed ones.
	expectListed(t, o, url.Values{"status": {"open"}, "start_date": {since}}, id, true)
	expectListed(t, o, url.Values{"status": {"closed"}, "start_date": {since}}, id, false)

	// The organization sees the feedback with its attributes as metadata, reported by the
	// client's account: neither the contact's email nor phone shows, to anyone.
	report := j.admin.ReportOf(j.org, id)
	fb := j.admin.Get("/feedbacks/" + id).Expect(http.StatusOK)
	meta, _ := fb.At("metadata").(map[string]any)
	if meta["kind"] != "flickering" || meta["height"] != "6.5" || meta["count"] != "2" || meta["urgent"] != "true" ||
		meta["seen"] != "2026-12-01T20:00:00Z" || meta["lamp"] != "L-42" || meta["sides"] != "north,south" {
		t.Fatalf("feedback metadata: %s", fb.Body)
	}
	reporter := fb.MappingOf("_links.reporter", "person")
	for _, body := range [][]byte{fb.Body, j.admin.Get("/people/" + reporter).Expect(http.StatusOK).Body, j.admin.Get("/reports/" + report).Expect(http.StatusOK).Body,
		o.get("requests/"+id, "json", nil).Body, o.get("requests/"+id, "xml", nil).Body} {
		for _, secret := range []string{"jeanne.martin", "Jeanne.Martin", "12 34 56 78", "device-1", "acct-9"} {
			if strings.Contains(string(body), secret) {
				t.Fatalf("%q shows: %s", secret, body)
			}
		}
	}

	// Accepted: action scheduled.
	j.admin.DriveReport(report, "accept")
	r = o.request(id)
	if r["status"] != "open" || !strings.HasPrefix(r["status_notes"].(string), "Accepted by Mairie") {
		t.Fatalf("accepted: %v", r)
	}
	expectUpdates(t, o, id, window, "ACTION_SCHEDULED ACCEPTED")

	// On hold, then in progress.
	j.admin.DriveReport(report, "hold")
	expectUpdates(t, o, id, window, "ACTION_SCHEDULED ACCEPTED", "INVESTIGATING ON_HOLD")
	j.admin.DriveReport(report, "progress")
	expectUpdates(t, o, id, window, "ACTION_SCHEDULED ACCEPTED", "INVESTIGATING ON_HOLD", "IN_PROGRESS IN_PROGRESS")

	// An operation with a start and a duration gives the expected datetime.
	op := j.admin.Post("/operations", map[string]any{"report": report, "name": "Changer la lampe", "startDate": "2030-05-04T08:00:00+02:00", "duration": 90}).
		Expect(http.StatusCreated).Str("id")
	r = o.request(id)
	if r["expected_datetime"] != "2030-05-04T07:30:00Z" || r["status"] != "open" {
		t.Fatalf("expected datetime: %v", r)
	}
	j.admin.Assign(op, j.admin.MemberIDOf(j.org, j.admin)).Expect(http.StatusOK)
	j.admin.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	j.admin.TransitionOperation(op, "resolve", false).Expect(http.StatusOK)
	// Operations change no status: no update until the report closes.
	expectUpdates(t, o, id, window, "ACTION_SCHEDULED ACCEPTED", "INVESTIGATING ON_HOLD", "IN_PROGRESS IN_PROGRESS")

	// Closed: fixed, and listed among the closed ones.
	testkit.Eventually(5*time.Second, func() bool {
		return j.admin.TransitionReport(report, "close", false).Status == http.StatusOK
	})
	j.admin.Get("/reports/" + report).Expect(http.StatusOK).ExpectState("CLOSED")
	r = o.request(id)
	if r["status"] != "closed" || !strings.HasPrefix(r["status_notes"].(string), "Dealt with and closed by Mairie") {
		t.Fatalf("closed: %v", r)
	}
	expectUpdates(t, o, id, window, "ACTION_SCHEDULED ACCEPTED", "INVESTIGATING ON_HOLD", "IN_PROGRESS IN_PROGRESS", "FIXED CLOSED")
	expectListed(t, o, url.Values{"status": {"closed"}, "start_date": {since}}, id, true)
	expectListed(t, o, url.Values{"status": {"open"}, "start_date": {since}}, id, false)

	// Update ids are stable, and a window after the changes holds none of them.
	first := o.get("servicerequestupdates", "json", window).expect(http.StatusOK).items()
	again := o.get("servicerequestupdates", "json", window).expect(http.StatusOK).items()
	if len(first) != 4 || first[0]["update_id"] != again[0]["update_id"] || first[0]["update_id"] == first[1]["update_id"] {
		t.Fatalf("update ids: %v / %v", first, again)
	}
	later := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	if got := o.updates(id, url.Values{"start_date": {later}}); len(got) != 0 {
		t.Fatalf("updates after the changes: %v", got)
	}

	// The XML request carries the same values.
	x := o.get("requests/"+id, "xml", nil).expect(http.StatusOK).parseXML()
	if x.Children[0].child("status").Text != "closed" || x.Children[0].child("service_code").Text != activity {
		t.Fatalf("XML request: %+v", x)
	}
}

func expectUpdates(t *testing.T, o *o311, id string, q url.Values, want ...string) {
	t.Helper()
	if got := o.updates(id, q); !slices.Equal(got, want) {
		t.Fatalf("updates %v, want %v", got, want)
	}
}

func expectListed(t *testing.T, o *o311, q url.Values, id string, want bool) {
	t.Helper()
	a := o.both("requests", q, http.StatusOK, "requests", "service_requests")
	listed := slices.ContainsFunc(a.items(), func(r map[string]any) bool { return r["service_request_id"] == id })
	if listed != want {
		t.Fatalf("requests %v: listed %v, want %v: %s", q, listed, want, a.Body)
	}
}
