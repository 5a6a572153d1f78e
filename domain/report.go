package domain

import (
	"slices"
	"time"

	"github.com/google/uuid"
)

// Report states. WITHDRAWN is reached by a report whose feedback another organization accepted
// first; it then leaves the organization's lists.
const (
	ReportNew        State = "NEW"
	ReportAccepted   State = "ACCEPTED"
	ReportRefused    State = "REFUSED"
	ReportInProgress State = "IN_PROGRESS"
	ReportOnHold     State = "ON_HOLD"
	ReportClosed     State = "CLOSED"
	ReportWithdrawn  State = "WITHDRAWN"
)

// ReportStates lists the states a client can filter on.
var ReportStates = []State{ReportNew, ReportAccepted, ReportRefused, ReportInProgress, ReportOnHold, ReportClosed}

// ReportMachine is the report lifecycle, in the order clients are shown transitions.
var ReportMachine = Machine{Resource: "Report", Transitions: []Transition{
	{Name: "accept", From: []State{ReportNew}, To: ReportAccepted},
	{Name: "refuse", From: []State{ReportNew, ReportAccepted}, To: ReportRefused},
	{Name: "hold", From: []State{ReportAccepted}, To: ReportOnHold},
	{Name: "progress", From: []State{ReportAccepted, ReportOnHold}, To: ReportInProgress},
	{Name: "close", From: []State{ReportInProgress}, To: ReportClosed},
}}

// ReportFinal reports whether a report's lifecycle is over.
func ReportFinal(s State) bool {
	return s == ReportRefused || s == ReportClosed || s == ReportWithdrawn
}

// Report is the professional side of a feedback, for one receiving organization.
type Report struct {
	ID                   uuid.UUID
	FeedbackID           uuid.UUID
	ApplicationID        uuid.UUID
	OrganizationID       uuid.UUID // the receiving organization
	PlaceID              *uuid.UUID
	CategoryID           *uuid.UUID
	State                State
	Description          string
	Priority             int
	Tags                 []string
	IdentificationNumber string
	// Chain lists the organizations with access, in delegation order: the receiver first, the
	// organization treating the report now last.
	Chain []uuid.UUID
	// DuplicateOf is the original of a report refused as its duplicate.
	DuplicateOf *uuid.UUID
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Deadlines are where its service-level clocks stand, as its workflow wrote them.
	Deadlines ReportDeadlines
}

// Treating is the organization that works the report now (the last delegate).
func (r Report) Treating() uuid.UUID { return r.Chain[len(r.Chain)-1] }

// InChain reports whether the organization has access to the report.
func (r Report) InChain(org uuid.UUID) bool { return slices.Contains(r.Chain, org) }
