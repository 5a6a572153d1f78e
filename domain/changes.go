package domain

import (
	"time"

	"github.com/google/uuid"
)

// The changes workflows decide and activities write: they travel in workflow payloads and are
// recorded in histories, so they belong here, not to the database layer (a schema change must
// never change a recorded history). Their JSON shape is part of those histories: renaming or
// retyping a field needs a workflow version.

// NewReport is a report the delivery of a feedback creates.
type NewReport struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	PlaceID        uuid.UUID
	State          State
	Checkpoints    []Checkpoint
}

// ReportPatch holds the report fields to change; nil means unchanged.
type ReportPatch struct {
	Description          *string
	Priority             *int
	Tags                 *[]string
	IdentificationNumber *string
}

// OperationPatch holds the operation fields to change; nil means unchanged.
type OperationPatch struct {
	Name, Description, IdentificationNumber *string
	StartDate                               *time.Time
	Duration                                *int
}

// OperationChange is one change of an operation's state or operator.
type OperationChange struct {
	From, To         State
	OperatorMemberID *uuid.UUID // set by an assignment
	OperatorPersonID *uuid.UUID
	Log              LogEntry
}

// LogEntry is one change of an operation: who did what, when, with the data changed.
type LogEntry struct {
	Key      string // unique per change, so a retried write adds no second row
	Action   string
	ActorID  *uuid.UUID
	Data     map[string]any
	LoggedAt time.Time
	Version  int
	ID       uuid.UUID
}
