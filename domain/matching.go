package domain

import (
	"slices"

	"github.com/google/uuid"
)

// Candidate is an organization of the feedback's application with a place covering its point.
type Candidate struct {
	OrganizationID     uuid.UUID
	PlaceID            uuid.UUID
	BusinessActivityID *uuid.UUID // nil for an organization without one
	PlaceArea          float64    // smaller is more specific: it wins when one organization has several
}

// MatchRequest is what matching needs to know of the feedback and its reporter.
type MatchRequest struct {
	BusinessActivityID     *uuid.UUID // only organizations of this business activity
	CategoryOrganizationID *uuid.UUID // the reporter chose a category, hence its organization
	ProMode                bool
	AgentOrganizationID    *uuid.UUID // the organization the reporter is an agent of, if any
}

// Receiver is an organization that gets a report, and the state the report starts in.
type Receiver struct {
	OrganizationID uuid.UUID
	PlaceID        uuid.UUID
	State          State
}

// Match applies the matching rules:
//   - pro mode: only for an agent; a point in their organization's places gives that organization
//     an already ACCEPTED report, a point outside gives none;
//   - otherwise one NEW report per organization having a place on the point, narrowed to the
//     business activity and to the chosen category's organization when given;
//   - no organization: a conflict, the feedback fails.
func Match(req MatchRequest, candidates []Candidate) ([]Receiver, error) {
	if req.ProMode {
		if req.AgentOrganizationID == nil {
			return nil, &Error{Kind: KindForbidden, Msg: Msg(MsgProModeNotAgent)}
		}
		for _, c := range byOrganization(candidates) {
			if c.OrganizationID == *req.AgentOrganizationID {
				return []Receiver{{OrganizationID: c.OrganizationID, PlaceID: c.PlaceID, State: ReportAccepted}}, nil
			}
		}
		return nil, Conflict(MsgProModeOutside)
	}
	var out []Receiver
	for _, c := range byOrganization(candidates) {
		if req.BusinessActivityID != nil && (c.BusinessActivityID == nil || *c.BusinessActivityID != *req.BusinessActivityID) {
			continue
		}
		if req.CategoryOrganizationID != nil && c.OrganizationID != *req.CategoryOrganizationID {
			continue
		}
		out = append(out, Receiver{OrganizationID: c.OrganizationID, PlaceID: c.PlaceID, State: ReportNew})
	}
	if len(out) == 0 {
		return nil, Conflict(MsgNoMatchingOrganization)
	}
	return out, nil
}

// byOrganization keeps one candidate per organization (its most specific place), ordered by
// organization id so that the outcome never depends on the order rows came in.
func byOrganization(cs []Candidate) []Candidate {
	sorted := slices.Clone(cs)
	slices.SortFunc(sorted, func(a, b Candidate) int {
		if c := slices.Compare(a.OrganizationID[:], b.OrganizationID[:]); c != 0 {
			return c
		}
		if a.PlaceArea != b.PlaceArea {
			if a.PlaceArea < b.PlaceArea {
				return -1
			}
			return 1
		}
		return slices.Compare(a.PlaceID[:], b.PlaceID[:])
	})
	var out []Candidate
	for i, c := range sorted {
		if i == 0 || c.OrganizationID != sorted[i-1].OrganizationID {
			out = append(out, c)
		}
	}
	return out
}

// ReportID derives a report's id from its feedback and organization, so that creating it again
// (a retried activity, a replayed workflow) finds the same report instead of making a second one.
func ReportID(feedbackID, organizationID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(feedbackID, organizationID[:])
}
