package domain

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Place is an area where an organization acts: feedbacks inside it are reported to the organization.
type Place struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	BranchCode     string
	Polygon        Polygon
	Elevation      *float64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// SRID is the only spatial reference the service speaks: WGS 84.
const SRID = 4326

// Polygon is a WGS 84 polygon: the first ring is the outer boundary, the others are holes.
// Each ring is closed (its last point repeats its first).
type Polygon struct {
	Rings []Ring `json:"rings"`
	SRID  int    `json:"srid"`
}

// Ring is one closed line of a polygon.
type Ring struct {
	Points []Point `json:"points"`
}

// MinRingPoints is the fewest points a closed ring can have (a triangle plus the closing point).
const MinRingPoints = 4

// Check records a violation for each structural fault of the polygon: no ring, a ring too
// short or not closed, a coordinate off the Earth, a spatial reference other than WGS 84.
// Whether the rings cross each other is left to PostGIS (ST_IsValid).
func (p Polygon) Check(vs *Violations, path string) {
	if p.SRID != SRID {
		vs.Add(path, MsgInvalidSRID, SRID)
	}
	if len(p.Rings) == 0 {
		vs.Add(path, MsgPolygonNoRing)
		return
	}
	for i, r := range p.Rings {
		for j, pt := range r.Points {
			at := fmt.Sprintf("%s.rings[%d].points[%d]", path, i, j)
			if !(pt.Latitude >= -90 && pt.Latitude <= 90) {
				vs.Add(at+".latitude", MsgOutOfRange, -90, 90)
			}
			if !(pt.Longitude >= -180 && pt.Longitude <= 180) {
				vs.Add(at+".longitude", MsgOutOfRange, -180, 180)
			}
		}
		switch {
		case len(r.Points) < MinRingPoints:
			vs.Add(path, MsgRingTooShort, i+1, MinRingPoints)
		case r.Points[0] != r.Points[len(r.Points)-1]:
			vs.Add(path, MsgRingNotClosed, i+1)
		}
	}
}

// WKT renders the polygon as Well-Known Text (longitude before latitude), the form PostGIS reads.
func (p Polygon) WKT() string {
	var b strings.Builder
	b.WriteString("POLYGON(")
	for i, r := range p.Rings {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j, pt := range r.Points {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(pt.Longitude, 'f', -1, 64))
			b.WriteByte(' ')
			b.WriteString(strconv.FormatFloat(pt.Latitude, 'f', -1, 64))
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

// wktPolygon matches "POLYGON(...)" or "POLYGON EMPTY", optionally preceded by "SRID=n;" (EWKT).
var wktPolygon = regexp.MustCompile(`(?is)^\s*(?:SRID\s*=\s*(\d+)\s*;\s*)?POLYGON\s*(?:(EMPTY)|(\(.*\)))\s*$`)

// ParsePolygonWKT reads a polygon written as WKT, "POLYGON((lon lat, lon lat, ...), (...))", or
// EWKT with an SRID prefix. It only reads the text: call Check on the result to validate it.
// A text that is not a polygon is a violation at path.
func ParsePolygonWKT(path, s string) (Polygon, error) {
	bad := Invalid(path, MsgInvalidWKT)
	m := wktPolygon.FindStringSubmatch(s)
	if m == nil {
		return Polygon{}, bad
	}
	p := Polygon{SRID: SRID}
	if m[1] != "" {
		srid, err := strconv.Atoi(m[1])
		if err != nil {
			return Polygon{}, bad
		}
		p.SRID = srid
	}
	if m[2] != "" { // EMPTY
		return p, nil
	}
	body := strings.TrimSpace(m[3])
	body = strings.TrimSpace(body[1 : len(body)-1]) // strip the outer parentheses
	for body != "" {
		if body[0] != '(' {
			return Polygon{}, bad
		}
		end := strings.IndexByte(body, ')')
		if end < 0 {
			return Polygon{}, bad
		}
		ring, ok := parseWKTRing(body[1:end])
		if !ok {
			return Polygon{}, bad
		}
		p.Rings = append(p.Rings, ring)
		body = strings.TrimSpace(body[end+1:])
		if body == "" {
			break
		}
		if body[0] != ',' {
			return Polygon{}, bad
		}
		body = strings.TrimSpace(body[1:])
		if body == "" { // a trailing comma
			return Polygon{}, bad
		}
	}
	if len(p.Rings) == 0 {
		return Polygon{}, bad
	}
	return p, nil
}

// parseWKTRing reads "lon lat, lon lat, ...".
func parseWKTRing(s string) (Ring, bool) {
	var r Ring
	for _, pair := range strings.Split(s, ",") {
		f := strings.Fields(pair)
		if len(f) != 2 {
			return Ring{}, false
		}
		lon, err1 := strconv.ParseFloat(f[0], 64)
		lat, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil || !finite(lon) || !finite(lat) {
			return Ring{}, false
		}
		r.Points = append(r.Points, Point{Latitude: lat, Longitude: lon})
	}
	return r, true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// ParseElevation reads an elevation in metres given as query text; it must be a finite number.
func ParseElevation(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && finite(f)
}

// MaxGeoHashLength is the longest geohash accepted (12 characters locate to a few centimetres).
const MaxGeoHashLength = 12

var geoHashRe = regexp.MustCompile(fmt.Sprintf(`^[0-9b-hj-km-np-z]{1,%d}$`, MaxGeoHashLength))

// ValidGeoHash reports whether s is a geohash: 1 to 12 characters of the geohash base32 alphabet
// (digits and lowercase letters except a, i, l and o).
func ValidGeoHash(s string) bool { return geoHashRe.MatchString(s) }
