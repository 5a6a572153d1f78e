package hal

import "github.com/keyclic/keyclic/domain"

// FeatureCollection is a place's polygon as GeoJSON (RFC 7946), the form the clients read (the
// Swagger file's Place.geo.polygon): one Feature whose Geometry is the Polygon, each position
// [longitude, latitude] in WGS 84, the outer ring first, then the holes. Requests keep sending the
// Seeds' {rings: [{points}], srid} form (or WKT).
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}

type Feature struct {
	Type       string         `json:"type"`
	Geometry   Geometry       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type Geometry struct {
	Type        string         `json:"type"`
	Coordinates [][][2]float64 `json:"coordinates"`
}

// RenderPolygon is the FeatureCollection of a polygon: empty when it has no ring.
func RenderPolygon(p domain.Polygon) FeatureCollection {
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	if len(p.Rings) == 0 {
		return fc
	}
	rings := make([][][2]float64, len(p.Rings))
	for i, r := range p.Rings {
		rings[i] = make([][2]float64, len(r.Points))
		for j, pt := range r.Points {
			rings[i][j] = [2]float64{pt.Longitude, pt.Latitude}
		}
	}
	fc.Features = append(fc.Features, Feature{Type: "Feature", Geometry: Geometry{Type: "Polygon", Coordinates: rings}, Properties: map[string]any{}})
	return fc
}
