package domain

import (
	"regexp"
	"strconv"
)

// Point is a WGS 84 position (srid 4326).
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Valid reports whether the coordinates are on Earth.
func (p Point) Valid() bool {
	return p.Latitude >= -90 && p.Latitude <= 90 && p.Longitude >= -180 && p.Longitude <= 180
}

// signedNumbers matches the compact query form: "+44.85-0.57" or "+44.85-0.57+1000".
var signedNumbers = regexp.MustCompile(`^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)(?:([+-]\d+(?:\.\d+)?))?$`)

// ParseGeoCoordinates parses "+lat+lon" (signs are the only separators; a leading space is
// what a '+' becomes when a client forgets to escape it, so it is read as '+').
func ParseGeoCoordinates(s string) (Point, bool) {
	m := signedNumbers.FindStringSubmatch(fixPlus(s))
	if m == nil || m[3] != "" {
		return Point{}, false
	}
	return pointFrom(m[1], m[2])
}

// ParseGeoNear parses the compact "+lat+lon+radius" form of geo_near.
func ParseGeoNear(s string) (Point, float64, bool) {
	m := signedNumbers.FindStringSubmatch(fixPlus(s))
	if m == nil || m[3] == "" {
		return Point{}, 0, false
	}
	p, ok := pointFrom(m[1], m[2])
	r, err := strconv.ParseFloat(m[3], 64)
	if !ok || err != nil || r <= 0 {
		return Point{}, 0, false
	}
	return p, r, true
}

func pointFrom(lat, lon string) (Point, bool) {
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	p := Point{Latitude: la, Longitude: lo}
	return p, err1 == nil && err2 == nil && p.Valid()
}

func fixPlus(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == ' ' {
			b[i] = '+'
		}
	}
	return string(b)
}
