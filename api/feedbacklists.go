package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) feedbackListRoutes(g *gin.RouterGroup) {
	g.GET("/feedbacks", s.handle(s.listFeedbacks))
	g.GET("/people/:person/feedbacks", s.handle(s.listPersonFeedbacks))
}

// maxGeoNearRadius is half the Earth's circumference: a larger radius selects nothing more, so it
// is clamped to this rather than refused.
const maxGeoNearRadius = 20_040_000.0

// listFeedbacks lists the application's feedbacks the caller may see (DELIVERED ones unless
// state says otherwise).
func (s *Server) listFeedbacks(c *gin.Context) error {
	q := newQuery(c)
	return s.respondFeedbacks(c, q, q.feedbackFilter(c))
}

// listPersonFeedbacks lists the feedbacks a person posted. Anyone may list someone's feedbacks;
// the private ones show only to those allowed to see them (the person, and members of an
// organization that received a report).
func (s *Server) listPersonFeedbacks(c *gin.Context) error {
	id, err := pathID(c, "person")
	if err != nil {
		return err
	}
	if _, err := s.store.Person(c, id); err != nil {
		return err
	}
	q := newQuery(c)
	f := q.feedbackFilter(c)
	f.ReporterID = &id
	return s.respondFeedbacks(c, q, f)
}

// feedbackFilter reads the filters both feedback lists accept.
func (q *query) feedbackFilter(c *gin.Context) store.FeedbackFilter {
	return store.FeedbackFilter{
		ApplicationID: appOf(c).ID,
		ViewerID:      callerOf(c),
		States:        q.states(domain.FeedbackStates),
		Category:      q.uuid("category"),
		Organization:  q.uuid("organization"),
		Near:          q.geoNear(),
		GeoHashes:     q.feedbackGeoHashes(),
		Public:        q.visibility(),
	}
}

func (s *Server) respondFeedbacks(c *gin.Context, q *query, f store.FeedbackFilter) error {
	return respondList(c, q, func(p domain.Page) ([]domain.Feedback, int, error) { return s.store.Feedbacks(c, f, p) },
		func(fs []domain.Feedback) ([]hal.Feedback, error) { return s.renderFeedbacks(c, fs) })
}

// geoNear reads the proximity filter in either form: the documented
// geo_near[radius]=1000&geo_near[geo_coordinates]=+44.8-0.5, or the compact geo_near=+44.8-0.5+1000
// the mobile client sends (latitude, longitude, radius in metres). A malformed value is a
// violation naming the parameter that carries it.
func (q *query) geoNear() *store.GeoNear {
	// An empty parameter is no filter, as for every other parameter. Values are not trimmed: an
	// unescaped '+' arrives as a space, which the parsers read back as '+'.
	get := func(name string) (string, bool) {
		v := q.c.Query(name)
		return v, strings.TrimSpace(v) != ""
	}
	compact, hasCompact := get("geo_near")
	radius, hasRadius := get("geo_near[radius]")
	coordsName := "geo_near[geo_coordinates]"
	coords, hasCoords := get(coordsName)
	if !hasCoords {
		if v, ok := get("geo_near[geo_point]"); ok {
			coordsName, coords, hasCoords = "geo_near[geo_point]", v, true
		}
	}
	switch {
	case hasCompact && (hasRadius || hasCoords):
		// Two searches at once: refuse rather than guess which one the client meant.
		q.vs.Add("geo_near", domain.MsgInvalidGeoNear)
		return nil
	case hasCompact:
		p, r, ok := domain.ParseGeoNear(compact)
		if !ok {
			q.vs.Add("geo_near", domain.MsgInvalidGeoNear)
			return nil
		}
		return &store.GeoNear{Point: p, Radius: min(r, maxGeoNearRadius)}
	case hasRadius || hasCoords:
		r, okRadius := parseRadius(radius)
		if !okRadius {
			q.vs.Add("geo_near[radius]", domain.MsgInvalidGeoNear)
		}
		p, okPoint := domain.ParseGeoCoordinates(coords)
		if !okPoint {
			q.vs.Add(coordsName, domain.MsgInvalidGeoPoint)
		}
		if !okRadius || !okPoint {
			return nil
		}
		return &store.GeoNear{Point: p, Radius: min(r, maxGeoNearRadius)}
	}
	return nil
}

// parseRadius reads a positive, finite number of metres.
func parseRadius(s string) (float64, bool) {
	r, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return 0, false
	}
	return r, true
}

// feedbackGeoHashes reads geo_hash[] (or repeated geo_hash), lowercased; a value outside the
// geohash alphabet, or longer than 12 characters, is a violation on geo_hash.
func (q *query) feedbackGeoHashes() []string {
	var out []string
	for _, v := range q.repeatable("geo_hash") {
		v = strings.ToLower(v)
		if !domain.ValidGeoHash(v) {
			q.vs.Add("geo_hash", domain.MsgInvalidGeoHash)
			return nil
		}
		out = append(out, v)
	}
	return out
}

// visibility reads visibility[] (or visibility): nil when absent or when both are asked for.
func (q *query) visibility() *bool {
	public, private := false, false
	for _, v := range q.repeatable("visibility") {
		switch v {
		case domain.VisibilityPublic:
			public = true
		case domain.VisibilityPrivate:
			private = true
		default:
			q.vs.Add("visibility", domain.MsgInvalidChoice, domain.VisibilityPublic+", "+domain.VisibilityPrivate)
			return nil
		}
	}
	if public == private {
		return nil
	}
	return &public
}
