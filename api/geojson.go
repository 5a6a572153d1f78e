package api

import "github.com/keyclic/keyclic/domain"

// featureCollection is a place's polygon as GeoJSON (RFC 7946), the form the clients read (the
// Swagger file's Place.geo.polygon): one Feature whose geometry is the Polygon, each position
// [longitude, latitude] in WGS 84, the outer ring first, then the holes. Requests keep sending the
// seeds' {rings: [{points}], srid} form (or WKT).
type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string         `json:"type"`
	Geometry   geometry       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geometry struct {
	Type        string         `json:"type"`
	Coordinates [][][2]float64 `json:"coordinates"`
}

// renderPolygon is the FeatureCollection of a polygon: empty when it has no ring.
func renderPolygon(p domain.Polygon) featureCollection {
	fc := featureCollection{Type: "FeatureCollection", Features: []feature{}}
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
	fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: geometry{Type: "Polygon", Coordinates: rings}, Properties: map[string]any{}})
	return fc
}
