package domain

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Feedback states.
const (
	FeedbackNew             State = "NEW"
	FeedbackPublished       State = "PUBLISHED"
	FeedbackPendingMatching State = "PENDING_MATCHING"
	FeedbackSucceed         State = "SUCCEED"
	FeedbackFailed          State = "FAILED"
	FeedbackOutForDelivery  State = "OUT_FOR_DELIVERY"
	FeedbackDelivered       State = "DELIVERED"
)

// FeedbackStates lists every feedback state (to validate filters).
var FeedbackStates = []State{FeedbackNew, FeedbackPublished, FeedbackPendingMatching, FeedbackSucceed, FeedbackFailed, FeedbackOutForDelivery, FeedbackDelivered}

// FeedbackMachine is the feedback lifecycle. The feedback workflow walks it; the only transition
// a client may ask for is "process" on a FAILED feedback (matching again).
var FeedbackMachine = Machine{Resource: "Feedback", Transitions: []Transition{
	{Name: "publish", From: []State{FeedbackNew}, To: FeedbackPublished},
	{Name: "process", From: []State{FeedbackPublished, FeedbackFailed}, To: FeedbackPendingMatching},
	{Name: "success", From: []State{FeedbackPendingMatching}, To: FeedbackSucceed},
	{Name: "fail", From: []State{FeedbackPendingMatching}, To: FeedbackFailed},
	{Name: "dispatch", From: []State{FeedbackSucceed}, To: FeedbackOutForDelivery},
	{Name: "deliver", From: []State{FeedbackOutForDelivery}, To: FeedbackDelivered},
}}

// FeedbackClientMachine holds the transitions clients may request.
var FeedbackClientMachine = Machine{Resource: "Feedback", Transitions: []Transition{
	{Name: "process", From: []State{FeedbackFailed}, To: FeedbackPendingMatching},
}}

// Visibility of a feedback.
const (
	VisibilityPublic  = "VISIBILITY_PUBLIC"
	VisibilityPrivate = "VISIBILITY_PRIVATE"
)

// Feedback is a citizen's geolocated observation.
type Feedback struct {
	ID                 uuid.UUID
	ApplicationID      uuid.UUID
	ReporterID         uuid.UUID
	Description        string
	Point              Point
	Elevation          *float64
	CategoryID         *uuid.UUID
	BusinessActivityID *uuid.UUID
	Public             bool
	ProMode            bool
	Metadata           json.RawMessage
	State              State
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Checkpoint is a state reached at a time, as tracking shows it. Key names the workflow step
// that reached it, so that the step run again (its workflow task lost after the write) finds
// it written instead of adding it twice; empty in histories recorded before keys existed.
type Checkpoint struct {
	State State     `json:"state"`
	At    time.Time `json:"at"`
	Key   string    `json:"key,omitempty"`
	// DuplicateOf is read from the store only (a report refused as a duplicate of this one);
	// workflows never carry it.
	DuplicateOf *uuid.UUID `json:"-"`
}
