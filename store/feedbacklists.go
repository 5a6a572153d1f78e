package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
// The conditions are written for the indexes of migration 00003, and their plans were checked
// with EXPLAIN ANALYZE on a million feedbacks: application and state first
// (feedbacks_app_state_created_at, which also gives the order), ST_DWithin on the geography column
// (feedbacks_location, GiST), geohash prefixes as LIKE 'prefix%' literals (feedbacks_geohash,
// text_pattern_ops), the reporter (feedbacks_reporter). The feedbacks of an organization's reports
// are gathered once into an array of ids that the primary key fetches, so the cost follows the
// size of that set: the planner never bets on walking the whole list in order, probing reports
// for each feedback until a page is full.
func (s *Store) Feedbacks(ctx context.Context, ff FeedbackFilter, p domain.Page) ([]domain.Feedback, int, error) {
	f := &filter{}
	f.where("f.application_id = %s", ff.ApplicationID)
	states := ff.States
	if len(states) == 0 {
		states = []domain.State{domain.FeedbackDelivered}
	}
	// Within a small area, the GiST or geohash index alone finds the candidates; the state is then
	// checked on them, written so that the planner neither also reads the (application, state)
	// index, which covers nearly every feedback, to intersect with them (three times slower at
	// 50 km), nor walks it in creation order hoping to fill the page soon: the page's count needs
	// every candidate (seconds for two geohash cells among 3,000,000 feedbacks). Over a whole
	// region, reading that index in creation order and checking the area fills a page sooner.
	state := "f.state"
	if ff.smallArea() {
		state = "(f.state || '')"
	}
	if len(states) == 1 {
		// An equality (not = ANY) lets the planner read the index in creation order.
		f.where(state+" = %s", string(states[0]))
	} else {
		names := make([]string, len(states))
		for i, st := range states {
			names[i] = string(st)
		}
		f.where(state+" = ANY (%s)", names)
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
		f.where(`f.id = ANY (ARRAY(SELECT r.feedback_id FROM report_organizations ro JOIN reports r ON r.id = ro.report_id
			WHERE ro.organization_id = %s AND r.state <> %s))`, *ff.Organization, string(domain.ReportWithdrawn))
	}
	if ff.Near != nil {
		f.where("ST_DWithin(f.location, ST_MakePoint(%s, %s)::geography, %s)", ff.Near.Point.Longitude, ff.Near.Point.Latitude, ff.Near.Radius)
	}
	var cells []string // small cells alone: read from the covering index, cell by cell
	if len(ff.GeoHashes) > 0 {
		cond, err := geoHashPrefixes("f.geohash", ff.GeoHashes)
		if err != nil {
			return nil, 0, err
		}
		if ff.Near == nil && ff.smallArea() {
			cells = distinctCells(ff.GeoHashes)
		} else {
			f.conds = append(f.conds, cond)
		}
	}
	f.page("f", p)

	// The visibility rule of FeedbackVisible: public feedbacks, the viewer's own, and those
	// reported to an organization the viewer is a member of (most people belong to none).
	q := customPlans{s.Pool}
	list := func() ([]domain.Feedback, int, error) {
		switch {
		case cells != nil:
			return feedbacksInCells(ctx, q, f, cells, p)
		case ff.smallArea():
			return listPageCounted(ctx, q, feedbackCols, "feedbacks f", "f.created_at, f.id", f, p, scanFeedback)
		}
		return listPageOrdered(ctx, q, feedbackCols, "feedbacks f", "f.created_at, f.id", f, p, scanFeedback)
	}
	if (ff.Public != nil && *ff.Public) || (ff.ReporterID != nil && *ff.ReporterID == ff.ViewerID) {
		return list()
	}
	orgs, err := s.viewerOrganizations(ctx, ff.ApplicationID, ff.ViewerID)
	if err != nil {
		return nil, 0, err
	}
	viewer := f.arg(ff.ViewerID)
	open := fmt.Sprintf("(f.public OR f.reporter_id = %s)", viewer)
	if ff.Public != nil { // private ones only: the viewer's own (by feedbacks_reporter), and reported ones
		open = fmt.Sprintf("f.reporter_id = %s", viewer)
	}
	switch {
	case len(orgs) == 0:
		f.conds = append(f.conds, open)
	case ff.narrow():
		// Few candidates: check each one's reports.
		f.conds = append(f.conds, fmt.Sprintf(`(f.public OR f.reporter_id = %s OR EXISTS (
			SELECT 1 FROM reports r JOIN report_organizations ro ON ro.report_id = r.id
			WHERE r.feedback_id = f.id AND ro.organization_id = ANY (%s)))`, viewer, f.arg(orgs)))
	default:
		// Members also see others' private feedbacks reported to their organizations: a disjoint
		// second part, gathered from the reports, so that the first keeps its ordered index scan
		// instead of probing reports for each private feedback of the application.
		reported := fmt.Sprintf(`(NOT f.public AND f.reporter_id <> %s AND f.id = ANY (ARRAY(
			SELECT r.feedback_id FROM report_organizations ro JOIN reports r ON r.id = ro.report_id
			WHERE ro.organization_id = ANY (%s))))`, viewer, f.arg(orgs))
		return feedbacksInTwoParts(ctx, q, f, open, reported, p)
	}
	return list()
}

// Beyond these, a radius or a geohash cell is taken as covering a whole region.
const (
	narrowRadius      = 100_000 // metres
	narrowGeoHashSize = 4       // characters: cells of about 39 × 20 km
)

// narrow reports whether another filter already restricts the list to few candidates (a small
// area, one person, one organization), so that checking each one's visibility costs little.
func (ff FeedbackFilter) narrow() bool {
	return ff.ReporterID != nil || ff.Organization != nil || ff.smallArea()
}

// smallArea reports whether a radius or geohash cells restrict the list to a small area, whose
// feedbacks are all read to sort them: the page and its count are then taken in one statement.
func (ff FeedbackFilter) smallArea() bool {
	if ff.Near != nil && ff.Near.Radius <= narrowRadius {
		return true
	}
	if len(ff.GeoHashes) == 0 {
		return false
	}
	for _, h := range ff.GeoHashes {
		if len(h) < narrowGeoHashSize {
			return false
		}
	}
	return true
}

// feedbacksInTwoParts lists the feedbacks matching f and either of two disjoint conditions: each
// part is counted, and ordered and cut to the page's end, on its own; the page is then taken from
// their union.
func feedbacksInTwoParts(ctx context.Context, q querier, f *filter, a, b string, p domain.Page) ([]domain.Feedback, int, error) {
	var total int
	if err := q.QueryRow(ctx, "SELECT (SELECT count(*) FROM feedbacks f"+f.sqlAnd(a)+") + (SELECT count(*) FROM feedbacks f"+f.sqlAnd(b)+")",
		f.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 || p.Offset() >= total {
		return []domain.Feedback{}, total, nil
	}
	part := func(cond string) string {
		return fmt.Sprintf("(SELECT f.id, f.created_at FROM feedbacks f%s ORDER BY %s LIMIT %d)",
			f.sqlAnd(cond), orderBy("f.created_at, f.id", p), p.Offset()+p.Limit)
	}
	sql := fmt.Sprintf("SELECT %s FROM feedbacks f JOIN (%s UNION ALL %s) u ON u.id = f.id ORDER BY %s LIMIT %d OFFSET %d",
		feedbackCols, part(a), part(b), orderBy("u.created_at, u.id", p), p.Limit, p.Offset())
	items, err := queryAll(ctx, q, sql, f.args, scanFeedback)
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// customPlans runs each query as an unnamed statement, which Postgres plans for the values it is
// given. Cached prepared statements switch to a generic plan after a few runs, and a plan made
// without knowing the radius, the prefixes or the arrays is up to ten times slower on large sets.
type customPlans struct{ querier }

func (c customPlans) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return c.querier.Query(ctx, sql, append([]any{pgx.QueryExecModeDescribeExec}, args...)...)
}

func (c customPlans) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return c.querier.QueryRow(ctx, sql, append([]any{pgx.QueryExecModeDescribeExec}, args...)...)
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
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
