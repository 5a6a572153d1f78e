package domain

import (
	"testing"

	"github.com/google/uuid"
)

func TestMatch(t *testing.T) {
	roads, cleaning := uuid.New(), uuid.New()
	a, b := uuid.MustParse("00000000-0000-0000-0000-00000000000a"), uuid.MustParse("00000000-0000-0000-0000-00000000000b")
	placeA1, placeA2, placeB := uuid.New(), uuid.New(), uuid.New()
	both := []Candidate{
		{OrganizationID: b, PlaceID: placeB, BusinessActivityID: &cleaning, PlaceArea: 5},
		{OrganizationID: a, PlaceID: placeA1, BusinessActivityID: &roads, PlaceArea: 10},
		{OrganizationID: a, PlaceID: placeA2, BusinessActivityID: &roads, PlaceArea: 2},
	}
	orgs := func(rs []Receiver) []uuid.UUID {
		var out []uuid.UUID
		for _, r := range rs {
			out = append(out, r.OrganizationID)
		}
		return out
	}

	t.Run("no place", func(t *testing.T) {
		if _, err := Match(MatchRequest{}, nil); !IsKind(err, KindConflict) {
			t.Fatalf("want conflict, got %v", err)
		}
	})
	t.Run("several organizations, one report each, most specific place", func(t *testing.T) {
		rs, err := Match(MatchRequest{}, both)
		if err != nil || len(rs) != 2 || rs[0].OrganizationID != a || rs[1].OrganizationID != b {
			t.Fatalf("got %v, %v", orgs(rs), err)
		}
		if rs[0].PlaceID != placeA2 || rs[0].State != ReportNew {
			t.Fatalf("organization a should get a NEW report on its smallest place: %+v", rs[0])
		}
	})
	t.Run("business activity narrows", func(t *testing.T) {
		rs, err := Match(MatchRequest{BusinessActivityID: &cleaning}, both)
		if err != nil || len(rs) != 1 || rs[0].OrganizationID != b {
			t.Fatalf("got %v, %v", orgs(rs), err)
		}
		other := uuid.New()
		if _, err := Match(MatchRequest{BusinessActivityID: &other}, both); !IsKind(err, KindConflict) {
			t.Fatalf("unknown activity should match nothing, got %v", err)
		}
	})
	t.Run("an organization without business activity", func(t *testing.T) {
		none := append(both, Candidate{OrganizationID: uuid.MustParse("00000000-0000-0000-0000-00000000000c"), PlaceID: uuid.New(), PlaceArea: 1})
		if rs, err := Match(MatchRequest{}, none); err != nil || len(rs) != 3 {
			t.Fatalf("a feedback naming no activity goes to every organization: %v, %v", orgs(rs), err)
		}
		if rs, err := Match(MatchRequest{BusinessActivityID: &cleaning}, none); err != nil || len(rs) != 1 || rs[0].OrganizationID != b {
			t.Fatalf("a feedback naming an activity skips the organization without one: %v, %v", orgs(rs), err)
		}
	})
	t.Run("category chooses its organization", func(t *testing.T) {
		rs, err := Match(MatchRequest{CategoryOrganizationID: &b}, both)
		if err != nil || len(rs) != 1 || rs[0].OrganizationID != b {
			t.Fatalf("got %v, %v", orgs(rs), err)
		}
	})
	t.Run("pro mode inside the agent's organization", func(t *testing.T) {
		rs, err := Match(MatchRequest{ProMode: true, AgentOrganizationID: &b}, both)
		if err != nil || len(rs) != 1 || rs[0].OrganizationID != b || rs[0].State != ReportAccepted {
			t.Fatalf("got %+v, %v", rs, err)
		}
	})
	t.Run("pro mode outside", func(t *testing.T) {
		other := uuid.New()
		if _, err := Match(MatchRequest{ProMode: true, AgentOrganizationID: &other}, both); !IsKind(err, KindConflict) {
			t.Fatalf("want conflict, got %v", err)
		}
	})
	t.Run("pro mode needs an agent", func(t *testing.T) {
		if _, err := Match(MatchRequest{ProMode: true}, both); !IsKind(err, KindForbidden) {
			t.Fatalf("want forbidden, got %v", err)
		}
	})
}

func TestReportIDIsStable(t *testing.T) {
	f, o := uuid.New(), uuid.New()
	first, again := ReportID(f, o), ReportID(f, o)
	if first != again || first == ReportID(o, f) {
		t.Fatal("report ids must be derived deterministically from feedback and organization")
	}
}
