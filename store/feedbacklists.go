package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// GeoNear selects the feedbacks within Radius metres of Point (on the sphere).
type GeoNear struct {
	Point  domain.Point
	Radius float64
}

// FeedbackFilter narrows a feedback list. Feedbacks of other applications, and those the viewer
// may not see, are never listed.
type FeedbackFilter struct {
	ApplicationID uuid.UUID
	ViewerID      uuid.UUID      // the caller: the visibility rule is applied for them
	ReporterID    *uuid.UUID     // the feedbacks this person posted
	States        []domain.State // empty: DELIVERED only
	Category      *uuid.UUID
	Organization  *uuid.UUID // feedbacks with a (not withdrawn) report received or delegated to it
	Near          *GeoNear
	GeoHashes     []string // feedbacks whose point lies in any of these cells (valid geohashes)
	Public        *bool    // nil: both visibilities
}

// Feedbacks lists feedbacks, newest first unless the page says otherwise.
//
// The conditions are written for the indexes of migration 00003: application and state first
// (feedbacks_app_state_created_at, which also gives the order), ST_DWithin on the geography column
// (feedbacks_location, GiST), geohash prefixes as LIKE 'prefix%' literals
// (feedbacks_geohash, text_pattern_ops), the reporter (feedbacks_reporter).
func (s *Store) Feedbacks(ctx context.Context, ff FeedbackFilter, p domain.Page) ([]domain.Feedback, int, error) {
	f := &filter{}
	f.where("f.application_id = %s", ff.ApplicationID)
	states := ff.States
	if len(states) == 0 {
		states = []domain.State{domain.FeedbackDelivered}
	}
	if len(states) == 1 {
		// An equality (not = ANY) lets the planner read the index in creation order.
		f.where("f.state = %s", string(states[0]))
	} else {
		names := make([]string, len(states))
		for i, st := range states {
			names[i] = string(st)
		}
		f.where("f.state = ANY (%s)", names)
	}
	if ff.ReporterID != nil {
		f.where("f.reporter_id = %s", *ff.ReporterID)
	}
	if ff.Category != nil {
		f.where("f.category_id = %s", *ff.Category)
	}
	if ff.Public != nil {
		f.where("f.public = %s", *ff.Public)
	}
	if ff.Organization != nil {
		f.where(`f.id IN (SELECT r.feedback_id FROM report_organizations ro JOIN reports r ON r.id = ro.report_id
			WHERE ro.organization_id = %s AND r.state <> %s)`, *ff.Organization, string(domain.ReportWithdrawn))
	}
	if ff.Near != nil {
		f.where("ST_DWithin(f.location, ST_MakePoint(%s, %s)::geography, %s)", ff.Near.Point.Longitude, ff.Near.Point.Latitude, ff.Near.Radius)
	}
	if len(ff.GeoHashes) > 0 {
		cond, err := geoHashPrefixes("f.geohash", ff.GeoHashes)
		if err != nil {
			return nil, 0, err
		}
		f.conds = append(f.conds, cond)
	}
	orgs, err := s.viewerOrganizations(ctx, ff.ApplicationID, ff.ViewerID)
	if err != nil {
		return nil, 0, err
	}
	f.where(feedbackListVisibleTo(len(orgs) > 0), visibleArgs(ff.ViewerID, orgs)...)
	return listPage(ctx, s.Pool, feedbackCols, "feedbacks f", "f", f, p, scanFeedback)
}

// geoHashPrefixes matches column against any of the geohash cells. The prefixes are written as
// literals, not parameters, so that the planner turns each LIKE into an index range even in a
// cached generic plan; they are checked against the geohash alphabet first, so nothing else can
// reach the SQL text.
func geoHashPrefixes(column string, hashes []string) (string, error) {
	likes := make([]string, len(hashes))
	for i, h := range hashes {
		if !domain.ValidGeoHash(h) {
			return "", domain.Invalid("geo_hash", domain.MsgInvalidGeoHash)
		}
		likes[i] = fmt.Sprintf("%s LIKE '%s%%'", column, h)
	}
	return "(" + strings.Join(likes, " OR ") + ")", nil
}

// viewerOrganizations lists the organizations of the application the person is a member of.
func (s *Store) viewerOrganizations(ctx context.Context, appID, personID uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, `SELECT m.organization_id FROM members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.person_id = $1 AND o.application_id = $2`, personID, appID)
	if err != nil {
		return nil, err
	}
	var out []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, id)
	}
	rows.Close()
	return out, rows.Err()
}

// feedbackListVisibleTo is feedbackVisibleTo's rule (public ones, the viewer's own, and those
// reported to an organization the viewer is a member of) with the viewer's organizations looked
// up once beforehand: most people belong to none, and their lists then need no sub-query at all;
// members get an index probe per private feedback instead of a join through members.
func feedbackListVisibleTo(member bool) string {
	if !member {
		return "(f.public OR f.reporter_id = %s)"
	}
	return `(f.public OR f.reporter_id = %s OR EXISTS (
		SELECT 1 FROM reports r JOIN report_organizations ro ON ro.report_id = r.id
		WHERE r.feedback_id = f.id AND ro.organization_id = ANY (%s)))`
}

func visibleArgs(viewer uuid.UUID, orgs []uuid.UUID) []any {
	if len(orgs) == 0 {
		return []any{viewer}
	}
	return []any{viewer, orgs}
}
