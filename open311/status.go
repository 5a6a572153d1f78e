package open311

import (
	"encoding/binary"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// A service request is a delivered feedback; its status follows its reports (one per receiving
// organization). Withdrawn reports (another organization accepted first) no longer count. The
// report that stands for the request is the most advanced of those still being dealt with, or,
// once all are over, a closed one before a refused one.

// Open and closed are GeoReport's statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// FixMyStreet's extended statuses (the "Open311 FMS Complete Spec"), as servicerequestupdates
// gives them.
const (
	FMSOpen            = "OPEN"
	FMSActionScheduled = "ACTION_SCHEDULED"
	FMSInvestigating   = "INVESTIGATING"
	FMSInProgress      = "IN_PROGRESS"
	FMSFixed           = "FIXED"
	FMSNoFurtherAction = "NO_FURTHER_ACTION"
)

// progress ranks the states of a report still being dealt with.
var progress = map[domain.State]int{
	domain.ReportNew: 1, domain.ReportAccepted: 2, domain.ReportOnHold: 3, domain.ReportInProgress: 4,
}

// Lead is the state that stands for a request whose live reports are in these states.
func Lead(states []domain.State) domain.State {
	lead, rank := domain.ReportNew, 0
	closed, refused := false, false
	for _, s := range states {
		switch s {
		case domain.ReportClosed:
			closed = true
		case domain.ReportRefused:
			refused = true
		default:
			if r := progress[s]; r > rank {
				lead, rank = s, r
			}
		}
	}
	switch {
	case rank > 0:
		return lead
	case closed:
		return domain.ReportClosed
	case refused:
		return domain.ReportRefused
	}
	return domain.ReportNew
}

// Status is GeoReport's status of a request led by this state.
func Status(lead domain.State) string {
	if lead == domain.ReportClosed || lead == domain.ReportRefused {
		return StatusClosed
	}
	return StatusOpen
}

// ExtendedStatus is FixMyStreet's status of a request led by this state: an accepted report's
// action is scheduled, one on hold is being looked into, a closed one is fixed, a refused one
// will see no further action.
func ExtendedStatus(lead domain.State) string {
	switch lead {
	case domain.ReportAccepted:
		return FMSActionScheduled
	case domain.ReportOnHold:
		return FMSInvestigating
	case domain.ReportInProgress:
		return FMSInProgress
	case domain.ReportClosed:
		return FMSFixed
	case domain.ReportRefused:
		return FMSNoFurtherAction
	}
	return FMSOpen
}

// StatusNote is the message saying where a request led by this state stands (its argument: the
// organization).
func StatusNote(lead domain.State) string {
	switch lead {
	case domain.ReportAccepted:
		return domain.MsgOpen311Accepted
	case domain.ReportOnHold:
		return domain.MsgOpen311OnHold
	case domain.ReportInProgress:
		return domain.MsgOpen311InProgress
	case domain.ReportClosed:
		return domain.MsgOpen311Closed
	case domain.ReportRefused:
		return domain.MsgOpen311Refused
	}
	return domain.MsgOpen311Received
}

// Checkpoint is a state a report of a request reached.
type Checkpoint struct {
	ReportID uuid.UUID
	Position int
	State    domain.State
	At       time.Time
}

// Change is a checkpoint that changed the request's extended status.
type Change struct {
	UpdateID string
	ReportID uuid.UUID
	Position int
	Lead     domain.State
	At       time.Time
}

// Changes replays a request's report checkpoints in time order and returns each that changed
// its extended status. What the delivery set up at once (a report created, or created accepted
// in pro mode) is where the request starts, not a change. Checkpoints of one instant are taken
// together: the request's status is read after all of them.
func Changes(feedbackID uuid.UUID, cps []Checkpoint) []Change {
	cps = slices.Clone(cps)
	slices.SortStableFunc(cps, func(a, b Checkpoint) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := slices.Compare(a.ReportID[:], b.ReportID[:]); c != 0 {
			return c
		}
		return a.Position - b.Position
	})
	current := map[uuid.UUID]domain.State{}
	var out []Change
	prev := ""
	for i := 0; i < len(cps); {
		j := i
		for j < len(cps) && cps[j].At.Equal(cps[i].At) {
			current[cps[j].ReportID] = cps[j].State
			j++
		}
		var live []domain.State
		for _, s := range current {
			if s != domain.ReportWithdrawn {
				live = append(live, s)
			}
		}
		lead := Lead(live)
		status := ExtendedStatus(lead)
		if prev != "" && status != prev {
			last := cps[j-1]
			out = append(out, Change{UpdateID: UpdateID(feedbackID, last.ReportID, last.Position), ReportID: last.ReportID,
				Position: last.Position, Lead: lead, At: last.At})
		}
		prev = status
		i = j
	}
	return out
}

// UpdateID names the update a checkpoint made: the same on every read.
func UpdateID(feedbackID, reportID uuid.UUID, position int) string {
	b := make([]byte, 0, 24)
	b = append(b, reportID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(position))
	return uuid.NewSHA1(feedbackID, b).String()
}
