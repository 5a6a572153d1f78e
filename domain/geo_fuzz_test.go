package domain

import (
	"encoding/json"
	"math"
	"testing"
)

// The parsers of untrusted input answer a value or a refusal, never a panic, and a value they
// accept is one the database can take.

func FuzzGeoQueryParsers(f *testing.F) {
	for _, s := range []string{"+44.85-0.57", " 44.85-0.57+1000", "+44.85-0.57+1e999", "-90-180", "+91+0", "+0+0+0",
		"+44.8.5-0.57", "+" + string(make([]byte, 400)), "+1" + "0000000000000000000000000000000000000000" + "+1+1", "u0", "ezs42", "EZS42"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, ok := ParseGeoCoordinates(s); ok && (!p.Valid() || !finite(p.Latitude) || !finite(p.Longitude)) {
			t.Fatalf("ParseGeoCoordinates(%q) accepted %+v", s, p)
		}
		if p, r, ok := ParseGeoNear(s); ok && (!p.Valid() || !finite(r) || r <= 0) {
			t.Fatalf("ParseGeoNear(%q) accepted %+v radius %v", s, p, r)
		}
		if e, ok := ParseElevation(s); ok && !finite(e) {
			t.Fatalf("ParseElevation(%q) accepted %v", s, e)
		}
		if ValidGeoHash(s) && (len(s) > MaxGeoHashLength || len(s) == 0) {
			t.Fatalf("ValidGeoHash(%q)", s)
		}
	})
}

// A polygon that passes Check has finite coordinates on the Earth, closed rings, and the WKT
// sent to PostGIS reads back as the same polygon.
func checkedRoundTrip(t *testing.T, p Polygon) {
	var vs Violations
	p.Check(&vs, "polygon")
	err := vs.Err()
	if err != nil {
		if !IsKind(err, KindInvalid) {
			t.Fatalf("Check: %v is not a validation error", err)
		}
		return
	}
	for _, r := range p.Rings {
		for _, pt := range r.Points {
			if !pt.Valid() || math.IsNaN(pt.Latitude) || math.IsNaN(pt.Longitude) {
				t.Fatalf("Check accepted point %+v", pt)
			}
		}
	}
	back, err := ParsePolygonWKT("polygon", p.WKT())
	if err != nil {
		t.Fatalf("WKT %q does not read back: %v", p.WKT(), err)
	}
	if len(back.Rings) != len(p.Rings) {
		t.Fatalf("WKT %q: %d rings back, want %d", p.WKT(), len(back.Rings), len(p.Rings))
	}
	for i := range p.Rings {
		if len(back.Rings[i].Points) != len(p.Rings[i].Points) {
			t.Fatalf("WKT %q ring %d: %d points back", p.WKT(), i, len(back.Rings[i].Points))
		}
		for j := range p.Rings[i].Points {
			if back.Rings[i].Points[j] != p.Rings[i].Points[j] {
				t.Fatalf("WKT %q ring %d point %d: %+v back, want %+v", p.WKT(), i, j, back.Rings[i].Points[j], p.Rings[i].Points[j])
			}
		}
	}
}

func FuzzPolygonJSON(f *testing.F) {
	for _, s := range []string{
		`{"srid":4326,"rings":[{"points":[{"latitude":44.83,"longitude":-0.6},{"latitude":44.83,"longitude":-0.55},{"latitude":44.86,"longitude":-0.55},{"latitude":44.83,"longitude":-0.6}]}]}`,
		`{"srid":4326,"rings":[]}`, `{"srid":3857,"rings":[{"points":[]}]}`,
		`{"srid":4326,"rings":[{"points":[{"latitude":1e308,"longitude":-1e308},{},{},{"latitude":1e308,"longitude":-1e308}]}]}`,
		`{"srid":4326,"rings":[{"points":[{"latitude":-0,"longitude":0},{"latitude":5e-324,"longitude":0},{"latitude":0,"longitude":1},{"latitude":-0,"longitude":0}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Polygon
		if json.Unmarshal(b, &p) != nil {
			return
		}
		checkedRoundTrip(t, p)
	})
}

func FuzzParsePolygonWKT(f *testing.F) {
	for _, s := range []string{
		"POLYGON((-0.6 44.83,-0.55 44.83,-0.55 44.86,-0.6 44.83))", "SRID=4326;POLYGON((0 0,1 0,1 1,0 0),(0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.1))",
		"POLYGON EMPTY", "POLYGON((0 0,1 0,1 1,0 0),)", "POLYGON((NaN 0,1 0,1 1,NaN 0))", "SRID=99999999999999999999;POLYGON((0 0))",
		"polygon ( ( 0 0 , 1e2 0 , 1 1 , 0 0 ) )", "POLYGON((0 0,1 0,1 1,0 0)(0 0,1 0,1 1,0 0))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePolygonWKT("polygon", s)
		if err != nil {
			if !IsKind(err, KindInvalid) {
				t.Fatalf("ParsePolygonWKT(%q): %v is not a validation error", s, err)
			}
			return
		}
		checkedRoundTrip(t, p)
	})
}
