package open311

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

func TestLeadAndStatuses(t *testing.T) {
	for _, tc := range []struct {
		states      []domain.State
		lead        domain.State
		status, fms string
	}{
		{nil, domain.ReportNew, StatusOpen, FMSOpen},
		{[]domain.State{domain.ReportNew, domain.ReportNew}, domain.ReportNew, StatusOpen, FMSOpen},
		{[]domain.State{domain.ReportNew, domain.ReportAccepted}, domain.ReportAccepted, StatusOpen, FMSActionScheduled},
		{[]domain.State{domain.ReportOnHold}, domain.ReportOnHold, StatusOpen, FMSInvestigating},
		{[]domain.State{domain.ReportRefused, domain.ReportInProgress}, domain.ReportInProgress, StatusOpen, FMSInProgress},
		// One organization refused, another still has to decide: still open.
		{[]domain.State{domain.ReportRefused, domain.ReportNew}, domain.ReportNew, StatusOpen, FMSOpen},
		{[]domain.State{domain.ReportRefused, domain.ReportClosed}, domain.ReportClosed, StatusClosed, FMSFixed},
		{[]domain.State{domain.ReportRefused}, domain.ReportRefused, StatusClosed, FMSNoFurtherAction},
	} {
		lead := Lead(tc.states)
		if lead != tc.lead || Status(lead) != tc.status || ExtendedStatus(lead) != tc.fms {
			t.Errorf("%v: lead %s (%s, %s), want %s (%s, %s)", tc.states, lead, Status(lead), ExtendedStatus(lead), tc.lead, tc.status, tc.fms)
		}
	}
}

// Changes: what delivery set up is no change; a withdrawal after another organization accepted
// changes nothing; each later state that changes the request's status is one update.
func TestChanges(t *testing.T) {
	f, a, b := uuid.New(), uuid.New(), uuid.New()
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	cp := func(r uuid.UUID, pos int, s domain.State, minutes int) Checkpoint {
		return Checkpoint{ReportID: r, Position: pos, State: s, At: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	cps := []Checkpoint{
		cp(b, 1, domain.ReportWithdrawn, 2), cp(a, 0, domain.ReportNew, 0), cp(b, 0, domain.ReportNew, 0),
		cp(a, 1, domain.ReportAccepted, 1), cp(a, 2, domain.ReportInProgress, 3), cp(a, 3, domain.ReportClosed, 4),
	}
	var got []string
	for _, c := range Changes(f, cps) {
		got = append(got, ExtendedStatus(c.Lead))
		if c.UpdateID != UpdateID(f, c.ReportID, c.Position) || c.ReportID != a {
			t.Errorf("change %+v", c)
		}
	}
	if want := []string{FMSActionScheduled, FMSInProgress, FMSFixed}; !slices.Equal(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	// Created accepted at once (pro mode): where it starts, not a change.
	if ch := Changes(f, []Checkpoint{cp(a, 0, domain.ReportNew, 0), cp(a, 1, domain.ReportAccepted, 0)}); len(ch) != 0 {
		t.Fatalf("pro mode delivery: %v", ch)
	}
	if first := UpdateID(f, a, 1); first == UpdateID(f, a, 2) || first == UpdateID(f, b, 1) || first != UpdateID(f, a, 1) {
		t.Fatal("update ids are not stable and distinct")
	}
}

func TestFormats(t *testing.T) {
	for name, want := range map[string]Format{"services.json": JSON, "services.xml": XML} {
		if _, f, ok := SplitFormat(name); !ok || f != want {
			t.Errorf("%s: %s %v", name, f, ok)
		}
	}
	if _, _, ok := SplitFormat("services"); ok {
		t.Error("a name without suffix has a format")
	}
	b, err := Encode(XML, Errors{{Code: 403, Description: "api_key <missing> & more"}})
	if err != nil || string(b) != `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<errors><error><code>403</code><description>api_key &lt;missing&gt; &amp; more</description></error></errors>` {
		t.Fatalf("%s %v", b, err)
	}
	b, err = Encode(JSON, Errors{{Code: 403, Description: "a & b"}})
	if err != nil || string(b) != `[{"code":403,"description":"a & b"}]`+"\n" {
		t.Fatalf("%s %v", b, err)
	}
}
