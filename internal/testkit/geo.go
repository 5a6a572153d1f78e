package testkit

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
)

// LatLon is a WGS 84 position used to build test polygons.
type LatLon struct{ Lat, Lon float64 }

// Ring renders positions as a polygon ring in the API's object form.
func Ring(points []LatLon) map[string]any {
	pts := make([]map[string]float64, len(points))
	for i, p := range points {
		pts[i] = map[string]float64{"latitude": p.Lat, "longitude": p.Lon}
	}
	return map[string]any{"points": pts}
}

// Polygon builds a polygon in the API's object form: the first ring is the boundary, the others
// are holes.
func Polygon(rings ...[]LatLon) map[string]any {
	rs := make([]map[string]any, len(rings))
	for i, r := range rings {
		rs[i] = Ring(r)
	}
	return map[string]any{"rings": rs, "srid": 4326}
}

// Box is the closed ring of the rectangle between the south-west and north-east corners.
func Box(south, west, north, east float64) []LatLon {
	return []LatLon{{south, west}, {south, east}, {north, east}, {north, west}, {south, west}}
}

// RandomArea returns a south-west corner picked at random, so that geographic tests sharing a
// database each work in an area of their own. It keeps away from the poles, the antimeridian and
// the zero lines (5 degrees at least), so that an area of a degree crosses none of them.
func RandomArea() LatLon {
	return LatLon{Lat: randomSigned(5, 60), Lon: randomSigned(5, 170)}
}

// randomSigned returns a number whose magnitude is in [lo, hi), of either sign.
func randomSigned(lo, hi float64) float64 {
	v := lo + rand.Float64()*(hi-lo)
	if rand.IntN(2) == 0 {
		return -v
	}
	return v
}

// Offset returns the position moved by the given degrees.
func (p LatLon) Offset(dLat, dLon float64) LatLon { return LatLon{p.Lat + dLat, p.Lon + dLon} }

// GeoCoordinates formats a position the way geo_coordinates expects it ("+44.85-0.57"),
// escaped for a query string.
func GeoCoordinates(p LatLon) string {
	return url.QueryEscape(signed(p.Lat) + signed(p.Lon))
}

func signed(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v >= 0 {
		s = "+" + s
	}
	return s
}

// GeoHash encodes a position as a geohash of precision characters.
func GeoHash(p LatLon, precision int) string {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	latLo, latHi, lonLo, lonHi := -90.0, 90.0, -180.0, 180.0
	out := make([]byte, 0, precision)
	bit, ch, even := 0, 0, true
	for len(out) < precision {
		if even {
			mid := (lonLo + lonHi) / 2
			if p.Lon >= mid {
				ch |= 1 << (4 - bit)
				lonLo = mid
			} else {
				lonHi = mid
			}
		} else {
			mid := (latLo + latHi) / 2
			if p.Lat >= mid {
				ch |= 1 << (4 - bit)
				latLo = mid
			} else {
				latHi = mid
			}
		}
		even = !even
		if bit++; bit == 5 {
			out = append(out, alphabet[ch])
			bit, ch = 0, 0
		}
	}
	return string(out)
}

// CreatePlace creates a place of org whose polygon has the given rings (boundary first) and
// returns its id.
func (c *Client) CreatePlace(org, name string, rings ...[]LatLon) string {
	c.T.Helper()
	return c.Post("/organizations/"+org+"/places", map[string]any{"name": name, "polygon": Polygon(rings...)}).
		Expect(http.StatusCreated).Str("id")
}

// CreateCategory creates a category of org and returns its id.
func (c *Client) CreateCategory(org, name, color, icon string) string {
	c.T.Helper()
	return c.Post("/organizations/"+org+"/categories", map[string]string{"name": name, "color": color, "icon": icon}).
		Expect(http.StatusCreated).Str("id")
}

// Pt is the position at lat, lon.
func Pt(lat, lon float64) LatLon { return LatLon{Lat: lat, Lon: lon} }
