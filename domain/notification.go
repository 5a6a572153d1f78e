package domain

import "github.com/google/uuid"

// Notification actions: each row of the service's notification table.
const (
	ActionUserRegistered     = "userRegistered"
	ActionFeedbackCommented  = "feedbackCommented"
	ActionReportCreated      = "reportCreated"
	ActionReportAccepted     = "reportAccepted"
	ActionReportClosed       = "reportClosed"
	ActionReportRefused      = "reportRefused"
	ActionReportDelegated    = "reportDelegated"
	ActionDocumentAdded      = "documentAdded"
	ActionOperationAssigned  = "operationAssigned"
	ActionOperationResolved  = "operationResolved"
	ActionOperationRemind    = "operationRemind"
	ActionOperationCommented = "operationCommented"
	ActionFeedbackToReview   = "feedbackToReview"
	// ActionReportOverdue is a missed service-level deadline: the escalation, told to the
	// admins of the organization whose deadline it was. Notice.Text names the deadline
	// (BreachAccept or BreachClose).
	ActionReportOverdue = "reportOverdue"
)

// Notice is one occurrence of an action to notify: who acted, on what. Recipients are worked
// out when it is sent, from the notification table's rules.
type Notice struct {
	Action         string
	Key            string     // unique per occurrence: each recipient gets it once
	ActorID        *uuid.UUID // never notified of their own action
	FeedbackID     *uuid.UUID
	ReportID       *uuid.UUID
	OperationID    *uuid.UUID
	OrganizationID *uuid.UUID // the organization an action targets (a delegation's receiver)
	PersonID       *uuid.UUID // the person an action concerns (a registration)
	Number         int        // the reminder's number
	Text           string     // a comment's text
}
