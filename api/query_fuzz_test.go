package api

import (
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// queryContext is a request context carrying rawQuery as a client sent it.
func queryContext(rawQuery string) *gin.Context {
	gin.SetMode(gin.TestMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/feedbacks", RawQuery: rawQuery}, Header: http.Header{}}
	c.Set(ctxApp, domain.Application{ID: uuid.New()})
	c.Set(ctxPerson, uuid.New())
	return c
}

// FuzzQueryFilters: every list's filters, read from any query string, give either violations
// (a 400) or values within the bounds the SQL relies on; never a panic.
func FuzzQueryFilters(f *testing.F) {
	for _, s := range []string{
		"geo_near=+44.85-0.57+1000", "geo_near=%2B44.85-0.57%2B1e9", "geo_near= 44.85 -0.57 1000",
		"geo_near[radius]=1000&geo_near[geo_coordinates]=+44.8-0.5", "geo_near[radius]=NaN&geo_near[geo_point]=+91+0",
		"geo_near[radius]=-1&geo_near=+1+1+1", "geo_hash[]=ezs42&geo_hash[]=EZS4&geo_hash=u", "geo_hash[]=aaaa",
		"page=0&limit=1000&order=ASC", "page=9223372036854775807", "page=10000000&limit=-1", "after=2026-12-04T10:00:00+01:00&before=2026-12-04",
		"after=2026-13-45", "before=0000-01-01T00:00:00Z", "search[name]=%25_%5C&search[email]=a%00b", "state=NEW&state[]=CLOSED&state=nope",
		"category=not-a-uuid&organization=4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36", "visibility[]=VISIBILITY_PUBLIC&visibility=VISIBILITY_PRIVATE",
		"geo_coordinates=+44.8-0.5&geo_elevation=1e309&parents[]=x", "%zz=%zz&&&=", "geo_point=+0+0+0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := queryContext(raw)
		q := newQuery(c)
		p := q.page()
		ff := q.feedbackFilter(c)
		app := uuid.New()
		pf := q.placeFilter(app)
		q.categoryFilter(app)
		q.operationFilter(app)
		q.personSearch()
		q.states(domain.ReportStates)
		q.uuid("place")
		if err := q.err(); err != nil {
			if !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("%q: %v is not a validation error", raw, err)
			}
			return
		}
		if p.Page < 1 || p.Page > domain.MaxPage || p.Limit < 1 || p.Limit > domain.MaxLimit {
			t.Fatalf("%q: page %+v out of bounds", raw, p)
		}
		if n := ff.Near; n != nil && (!n.Point.Valid() || math.IsNaN(n.Radius) || n.Radius <= 0 || n.Radius > maxGeoNearRadius) {
			t.Fatalf("%q: geo_near %+v", raw, *n)
		}
		for _, h := range append(ff.GeoHashes, pf.GeoHashes...) {
			if !domain.ValidGeoHash(h) {
				t.Fatalf("%q: geohash %q", raw, h)
			}
		}
		if pt := pf.Point; pt != nil && !pt.Valid() {
			t.Fatalf("%q: point %+v", raw, *pt)
		}
		if e := pf.Elevation; e != nil && (math.IsNaN(*e) || math.IsInf(*e, 0)) {
			t.Fatalf("%q: elevation %v", raw, *e)
		}
	})
}
