package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keyclic/keyclic/domain"
)

// placeCols reads the polygon as GeoJSON: its shortest round-trip numbers give back exactly the
// coordinates that were stored.
const placeCols = `pl.id, pl.organization_id, pl.name, pl.branch_code, ST_AsGeoJSON(pl.polygon, 17), pl.elevation,
	pl.created_at, pl.updated_at`

func scanPlace(r pgx.Row) (domain.Place, error) {
	var p domain.Place
	var geo string
	if err := r.Scan(&p.ID, &p.OrganizationID, &p.Name, &p.BranchCode, &geo, &p.Elevation, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	var err error
	p.Polygon, err = polygonFromGeoJSON(geo)
	return p, err
}

// polygonFromGeoJSON converts PostGIS's GeoJSON ([longitude, latitude] pairs) to a Polygon.
func polygonFromGeoJSON(s string) (domain.Polygon, error) {
	var g struct {
		Type        string        `json:"type"`
		Coordinates [][][]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		return domain.Polygon{}, fmt.Errorf("read place polygon: %w", err)
	}
	if g.Type != "Polygon" {
		return domain.Polygon{}, fmt.Errorf("read place polygon: unexpected geometry %q", g.Type)
	}
	p := domain.Polygon{SRID: domain.SRID, Rings: make([]domain.Ring, len(g.Coordinates))}
	for i, ring := range g.Coordinates {
		p.Rings[i].Points = make([]domain.Point, len(ring))
		for j, c := range ring {
			if len(c) < 2 {
				return domain.Polygon{}, errors.New("read place polygon: short coordinate")
			}
			p.Rings[i].Points[j] = domain.Point{Longitude: c[0], Latitude: c[1]}
		}
	}
	return p, nil
}

// CreatePlace inserts a place whose polygon passed domain.Polygon.Check. PostGIS decides in the
// same statement whether the polygon is valid (no crossing edges, holes inside the boundary):
// an invalid one is a violation on "polygon" and nothing is written.
func (s *Store) CreatePlace(ctx context.Context, p domain.Place) (domain.Place, error) {
	row := s.Pool.QueryRow(ctx, `WITH g AS (SELECT ST_GeomFromText($5, 4326) AS geom)
		INSERT INTO places AS pl (id, organization_id, name, branch_code, polygon, elevation)
		SELECT $1, $2, $3, $4, g.geom, $6 FROM g WHERE ST_IsValid(g.geom)
		RETURNING `+placeCols,
		p.ID, p.OrganizationID, p.Name, p.BranchCode, p.Polygon.WKT(), p.Elevation)
	out, err := scanPlace(row)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return out, domain.Invalid("polygon", domain.MsgInvalidPolygon)
	case errors.As(err, &pgErr) && pgErr.Code == "XX000": // PostGIS refused to build the geometry
		return out, domain.Invalid("polygon", domain.MsgInvalidPolygon)
	case isForeignKeyViolation(err, "places_organization_id_fkey"):
		return out, domain.NotFound()
	}
	return out, err
}

// Place loads a place of an organization of the given application.
func (s *Store) Place(ctx context.Context, appID, id uuid.UUID) (domain.Place, error) {
	p, err := scanPlace(s.Pool.QueryRow(ctx, `SELECT `+placeCols+` FROM places pl JOIN organizations o ON o.id = pl.organization_id
		WHERE pl.id = $1 AND o.application_id = $2`, id, appID))
	return p, notFound(err)
}

// PlaceFilter narrows the place list. Places of other applications are never listed.
type PlaceFilter struct {
	ApplicationID    uuid.UUID
	Organization     *uuid.UUID
	BusinessActivity *uuid.UUID    // places of organizations of this activity
	Point            *domain.Point // places whose polygon covers the point (its boundary included)
	GeoHashes        []string      // places intersecting any of these geohash cells (valid geohashes)
	Elevation        *float64
	// Parent is set when the client asked for the children of a place: places have no
	// hierarchy, so nothing matches.
	Parent           bool
	Name, BranchCode string
}

// Places lists places.
func (s *Store) Places(ctx context.Context, pf PlaceFilter, p domain.Page) ([]domain.Place, int, error) {
	f := &filter{}
	f.where("o.application_id = %s", pf.ApplicationID)
	if pf.Organization != nil {
		f.where("pl.organization_id = %s", *pf.Organization)
	}
	if pf.BusinessActivity != nil {
		f.where("o.business_activity_id = %s", *pf.BusinessActivity)
	}
	if pf.Point != nil {
		f.where("ST_Covers(pl.polygon, ST_SetSRID(ST_MakePoint(%s, %s), 4326))", pf.Point.Longitude, pf.Point.Latitude)
	}
	if len(pf.GeoHashes) > 0 {
		f.where(`pl.id IN (SELECT p2.id FROM places p2, unnest(%s::text[]) AS h(hash)
			WHERE ST_Intersects(p2.polygon, ST_SetSRID(ST_GeomFromGeoHash(h.hash), 4326)))`, pf.GeoHashes)
	}
	if pf.Elevation != nil {
		f.where("pl.elevation = %s", *pf.Elevation)
	}
	if pf.Parent {
		f.where("false")
	}
	f.search("pl.name", pf.Name)
	f.search("pl.branch_code", pf.BranchCode)
	return listPage(ctx, s.Pool, placeCols, "places pl JOIN organizations o ON o.id = pl.organization_id", "pl", f, p, scanPlace)
}

// PlacePatch holds the place fields to change; nil means unchanged.
type PlacePatch struct {
	Name, BranchCode *string
}

// PatchPlace changes a place's name or branch code.
func (s *Store) PatchPlace(ctx context.Context, appID, id uuid.UUID, pp PlacePatch) (domain.Place, error) {
	p, err := scanPlace(s.Pool.QueryRow(ctx, `UPDATE places AS pl SET name = coalesce($3, pl.name),
			branch_code = coalesce($4, pl.branch_code), updated_at = now()
		FROM organizations o
		WHERE pl.id = $1 AND o.id = pl.organization_id AND o.application_id = $2
		RETURNING `+placeCols, id, appID, pp.Name, pp.BranchCode))
	return p, notFound(err)
}
