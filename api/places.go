package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) placeRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/places", s.handle(s.createPlace))
	g.GET("/organizations/:organization/places", s.handle(s.listOrganizationPlaces))
	g.GET("/places", s.handle(s.listPlaces))
	g.GET("/places/:place", s.handle(s.getPlace))
	g.PATCH("/places/:place", s.handle(s.patchPlace))
}

type placeData struct {
	Name       *string         `json:"name"`
	BranchCode *string         `json:"branchCode"`
	Polygon    json.RawMessage `json:"polygon"`
	Elevation  *float64        `json:"elevation"`
}

// polygonData is the object form of a polygon; pointers tell a missing field from a zero.
type polygonData struct {
	Rings *[]struct {
		Points *[]struct {
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
		} `json:"points"`
	} `json:"rings"`
	SRID *int `json:"srid"`
}

// readPolygon reads the polygon of a request, given as an object
// {"rings":[{"points":[{"latitude":..,"longitude":..},...]}],"srid":4326} or as WKT text
// "POLYGON((lon lat, ...))", and records a violation for each fault of its structure.
func readPolygon(vs *domain.Violations, path string, raw json.RawMessage) domain.Polygon {
	var p domain.Polygon
	before := len(*vs)
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		vs.Add(path, domain.MsgNotBlank)
		return p
	}
	if raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			vs.Add(path, domain.MsgInvalidWKT)
			return p
		}
		text = strings.TrimSpace(text)
		switch {
		case text == "":
			vs.Add(path, domain.MsgNotBlank)
			return p
		case strings.HasPrefix(text, "{"): // the object form, sent as a JSON string
			raw = json.RawMessage(text)
		default:
			wkt, err := domain.ParsePolygonWKT(path, text)
			if de, isDomain := domain.AsError(err); isDomain {
				*vs = append(*vs, de.Violations...)
				return wkt
			}
			wkt.Check(vs, path)
			return wkt
		}
	}
	if raw[0] != '{' {
		vs.Add(path, domain.MsgInvalidType, "object")
		return p
	}
	var in polygonData
	if err := json.Unmarshal(raw, &in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			vs.Add(path, domain.MsgInvalidType, jsonTypeName(typeErr.Type.String()))
		} else {
			vs.Add(path, domain.MsgInvalidJSON)
		}
		return p
	}
	p.SRID = domain.SRID
	if in.SRID != nil {
		p.SRID = *in.SRID
	}
	if in.Rings != nil {
		for i, r := range *in.Rings {
			ring := domain.Ring{Points: []domain.Point{}}
			if r.Points != nil {
				for j, pt := range *r.Points {
					at := fmt.Sprintf("%s.rings[%d].points[%d]", path, i, j)
					if pt.Latitude == nil {
						vs.Add(at+".latitude", domain.MsgNotNull)
					}
					if pt.Longitude == nil {
						vs.Add(at+".longitude", domain.MsgNotNull)
					}
					if pt.Latitude != nil && pt.Longitude != nil {
						ring.Points = append(ring.Points, domain.Point{Latitude: *pt.Latitude, Longitude: *pt.Longitude})
					}
				}
			}
			p.Rings = append(p.Rings, ring)
		}
	}
	if len(*vs) > before { // missing coordinates: the rings are not worth checking further
		return p
	}
	p.Check(vs, path)
	return p
}

// createPlace adds a place to an organization (its admins only).
func (s *Server) createPlace(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in placeData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckText("name", in.Name, true, 255)
	vs.CheckText("branchCode", in.BranchCode, false, 255)
	poly := readPolygon(&vs, "polygon", in.Polygon)
	if err := vs.Err(); err != nil {
		return err
	}
	id := newID(c, "place")
	p, err := s.store.CreatePlace(c, domain.Place{
		ID: id, OrganizationID: o.ID, Name: *trimmed(in.Name), BranchCode: deref(trimmed(in.BranchCode)),
		Polygon: poly, Elevation: in.Elevation,
	})
	if store.IsDuplicateID(err) { // made by an earlier attempt of this request
		p, err = s.store.Place(c, o.ApplicationID, id)
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusCreated, hal.RenderPlace(p))
	return nil
}

func (s *Server) listPlaces(c *gin.Context) error {
	q := newQuery(c)
	f := q.placeFilter(appOf(c).ID)
	f.Organization = q.uuid("organization")
	return s.respondPlaces(c, q, f)
}

func (s *Server) listOrganizationPlaces(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	f := q.placeFilter(o.ApplicationID)
	f.Organization = &o.ID
	return s.respondPlaces(c, q, f)
}

// placeFilter reads the filters both place lists accept.
func (q *query) placeFilter(appID uuid.UUID) store.PlaceFilter {
	f := store.PlaceFilter{
		ApplicationID:    appID,
		BusinessActivity: q.uuid("business_activity"),
		Point:            q.point(),
		GeoHashes:        q.placeGeoHashes(),
		Elevation:        q.geoElevation("geo_elevation"),
		Name:             q.search("name"),
		BranchCode:       q.search("branchCode"),
	}
	if q.uuid("parent") != nil {
		f.Parent = true
	}
	if len(q.uuidList("parents")) > 0 {
		f.Parent = true
	}
	return f
}

// repeatable returns the values of a repeatable parameter, sent as name[]=a&name[]=b or name=a&name=b.
func (q *query) repeatable(name string) []string {
	var out []string
	for _, v := range append(q.c.QueryArray(name+"[]"), q.c.QueryArray(name)...) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// placeGeoHashes reads geo_hash[] (lowercased); a malformed geohash is a violation on geo_hash.
func (q *query) placeGeoHashes() []string {
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

// uuidList reads a repeatable identifier parameter; a malformed one is a violation on name.
func (q *query) uuidList(name string) []uuid.UUID {
	var out []uuid.UUID
	for _, v := range q.repeatable(name) {
		id, ok := domain.ParseUUID(v)
		if !ok {
			q.vs.Add(name, domain.MsgInvalidUUID)
			return nil
		}
		out = append(out, id)
	}
	return out
}

// geoElevation reads a number of metres.
func (q *query) geoElevation(name string) *float64 {
	v, ok := q.c.GetQuery(name)
	if !ok || strings.TrimSpace(v) == "" {
		return nil
	}
	e, valid := domain.ParseElevation(v)
	if !valid {
		q.vs.Add(name, domain.MsgInvalidType, "number")
		return nil
	}
	return &e
}

func (s *Server) respondPlaces(c *gin.Context, q *query, f store.PlaceFilter) error {
	return respondList(c, q, func(p domain.Page) ([]domain.Place, int, error) { return s.store.Places(c, f, p) }, each(hal.RenderPlace))
}

// pathPlace loads the place named in the path, within the request's application.
func (s *Server) pathPlace(c *gin.Context) (domain.Place, error) {
	id, err := pathID(c, "place")
	if err != nil {
		return domain.Place{}, err
	}
	return s.store.Place(c, appOf(c).ID, id)
}

func (s *Server) getPlace(c *gin.Context) error {
	p, err := s.pathPlace(c)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderPlace(p))
	return nil
}

type placePatch struct {
	Name       *string `json:"name"`
	BranchCode *string `json:"branchCode"`
}

// patchPlace renames a place or changes its branch code (admins of its organization only).
func (s *Server) patchPlace(c *gin.Context) error {
	p, err := s.pathPlace(c)
	if err != nil {
		return err
	}
	if _, err := s.requireAdmin(c, p.OrganizationID); err != nil {
		return err
	}
	var in placePatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckText("name", in.Name, in.Name != nil, 255) // a place always keeps a name
	vs.CheckText("branchCode", in.BranchCode, false, 255)
	if err := vs.Err(); err != nil {
		return err
	}
	p, err = s.store.PatchPlace(c, appOf(c).ID, p.ID, store.PlacePatch{Name: trimmed(in.Name), BranchCode: trimmed(in.BranchCode)})
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderPlace(p))
	return nil
}
