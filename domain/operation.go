package domain

import (
	"time"

	"github.com/google/uuid"
)

// Operation states.
const (
	OperationNew        State = "NEW"
	OperationAssigned   State = "ASSIGNED"
	OperationInProgress State = "IN_PROGRESS"
	OperationResolved   State = "RESOLVED"
)

// OperationStates lists the states a client can filter on.
var OperationStates = []State{OperationNew, OperationAssigned, OperationInProgress, OperationResolved}

// OperationMachine is the operation lifecycle. Assigning again before RESOLVED hands the
// operation to another member, who then starts it.
var OperationMachine = Machine{Resource: "Operation", Transitions: []Transition{
	{Name: "assign", From: []State{OperationNew, OperationAssigned, OperationInProgress}, To: OperationAssigned},
	{Name: "progress", From: []State{OperationAssigned}, To: OperationInProgress},
	{Name: "resolve", From: []State{OperationInProgress}, To: OperationResolved},
}}

// OperationClientMachine holds the transitions the transition endpoints accept ("assign" has its
// own endpoint, as it needs a member).
var OperationClientMachine = Machine{Resource: "Operation", Transitions: OperationMachine.Transitions[1:]}

// Operation is a task on a report, assigned to a member of the organization treating it.
type Operation struct {
	ID                   uuid.UUID
	ReportID             uuid.UUID
	OrganizationID       uuid.UUID
	CreatedBy            uuid.UUID
	OperatorMemberID     *uuid.UUID
	OperatorPersonID     *uuid.UUID
	Name                 string
	Description          string
	IdentificationNumber string
	StartDate            *time.Time
	Duration             *int // minutes
	State                State
	Removed              bool
	CreatedAt            time.Time
	UpdatedAt            time.Time

	// OperatorOrganizationID is the organization of the assigned member (read, never written):
	// the report may have been delegated since the operation was created, and assigned there.
	OperatorOrganizationID *uuid.UUID
}

// DueAt is when the operation should be resolved: its start date plus its duration, or its
// creation plus the default delay when it has neither.
func (o Operation) DueAt(defaultDelay time.Duration) time.Time {
	start := o.CreatedAt
	if o.StartDate != nil {
		start = *o.StartDate
	}
	if o.Duration != nil {
		return start.Add(time.Duration(*o.Duration) * time.Minute)
	}
	return start.Add(defaultDelay)
}
