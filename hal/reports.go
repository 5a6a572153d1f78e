package hal

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

type Report struct {
	Resource
	Description          string         `json:"description"`
	Priority             int            `json:"priority"`
	Tags                 []string       `json:"tags"`
	IdentificationNumber string         `json:"identificationNumber"`
	State                domain.State   `json:"state"`
	Links                Links          `json:"_links"`
	Embedded             ReportEmbedded `json:"_embedded"`
}

type ReportEmbedded struct {
	StateTransitions []string `json:"stateTransitions"`
	Tracking         Tracking `json:"tracking"`
	// DelegationChain is every organization with access, in delegation order: the receiving
	// organization first, the one treating the report now last.
	DelegationChain []OrganizationItem `json:"delegationChain"`
	ServiceLevel    ReportServiceLevel `json:"serviceLevel"`
}

// ReportServiceLevel is where a report stands against the service levels it runs on, read at
// the request: each deadline (null without one, closeBy null while on hold), whether it was met
// (null while undecided and not passed), and whether the report is overdue.
type ReportServiceLevel struct {
	AcceptBy  *Time `json:"acceptBy"`
	AcceptMet *bool `json:"acceptMet"`
	CloseBy   *Time `json:"closeBy"`
	CloseMet  *bool `json:"closeMet"`
	Overdue   bool  `json:"overdue"`
}

func renderReportServiceLevel(r domain.Report, now time.Time) ReportServiceLevel {
	st := r.Deadlines.StatusAt(r.State, now)
	return ReportServiceLevel{AcceptBy: TimePtr(st.AcceptBy), AcceptMet: st.AcceptMet, CloseBy: TimePtr(st.CloseBy), CloseMet: st.CloseMet, Overdue: st.Overdue}
}

// OrganizationItem names an organization of a report's chain.
type OrganizationItem struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Links Links  `json:"_links"`
}

func ReportLink(id uuid.UUID) *Link { return NewLink("/reports/"+id.String(), "report", id.String()) }

// ReportTransitions lists what may be done now: "close" only once every operation is resolved.
func ReportTransitions(r domain.Report, x *store.ReportExtras) []string {
	ts := domain.ReportMachine.Allowed(r.State)
	if x.Resolved < x.Operations {
		ts = slices.DeleteFunc(ts, func(t string) bool { return t == "close" })
	}
	return ts
}

// RenderReportAt renders reports as read at now (their service level depends on it).
func RenderReportAt(now time.Time) func(domain.Report, *store.ReportExtras) Report {
	return func(r domain.Report, x *store.ReportExtras) Report { return renderReport(r, x, now) }
}

func renderReport(r domain.Report, x *store.ReportExtras, now time.Time) Report {
	id := r.ID.String()
	links := Links{
		"self":         ReportLink(r.ID),
		"feedback":     FeedbackLink(r.FeedbackID),
		"operations":   NewLink("/reports/"+id+"/operations", "report", id),
		"organization": OrganizationLink(r.OrganizationID),
		"tracking":     NewLink("/reports/"+id+"/tracking", "report", id),
	}
	if r.CategoryID != nil {
		links["category"] = NewLink("/categories/"+r.CategoryID.String(), "category", r.CategoryID.String())
	}
	if r.PlaceID != nil {
		links["place"] = NewLink("/places/"+r.PlaceID.String(), "place", r.PlaceID.String())
	}
	duplicateLinks(links, r, x)
	// The last handover, one link each as the clients read them; the whole chain is embedded.
	if n := len(r.Chain); n > 1 {
		links["delegatedFrom"], links["delegatedTo"] = OrganizationLink(r.Chain[n-2]), OrganizationLink(r.Chain[n-1])
	}
	chain := make([]OrganizationItem, len(r.Chain))
	for i, o := range r.Chain {
		chain[i] = OrganizationItem{Type: "Organization", ID: o.String(), Links: Links{"self": OrganizationLink(o)}}
	}
	return Report{
		Resource:    NewResource("Report", id, r.CreatedAt, r.UpdatedAt),
		Description: r.Description, Priority: r.Priority, Tags: r.Tags, IdentificationNumber: r.IdentificationNumber,
		State: r.State, Links: links,
		Embedded: ReportEmbedded{
			StateTransitions: ReportTransitions(r, x),
			Tracking:         RenderTracking(r.State, x.Resolved, x.Operations, x.Checkpoints),
			DelegationChain:  chain,
			ServiceLevel:     renderReportServiceLevel(r, now),
		},
	}
}
