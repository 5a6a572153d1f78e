package domain

// ActionPasswordChangeRequested is the notification table's "Password change request" row. Its
// email (the reset link) is sent by the password-reset workflow, not as a Notice: it is listed
// here so that the table below is the whole table.
const ActionPasswordChangeRequested = "passwordChangeRequested"

// Channels are the ways a notification reaches a person: a push to their devices, an entry on
// their wall, an email. A person's preferences may turn push and email off; they never add one.
type Channels struct {
	Push, Wall, Mail bool
}

// notificationChannels is the Push, Wall and Mail columns of the notification table
// (lifecycles.md, Notifications): one line per row. An action missing here is sent nowhere.
var notificationChannels = map[string]Channels{
	ActionUserRegistered:          {Mail: true},
	ActionPasswordChangeRequested: {Mail: true},
	ActionFeedbackCommented:       {Push: true, Wall: true},
	ActionReportCreated:           {Push: true, Wall: true, Mail: true},
	ActionReportAccepted:          {Push: true, Wall: true},
	ActionReportClosed:            {Push: true, Wall: true},
	ActionReportRefused:           {Push: true, Wall: true},
	ActionReportDelegated:         {Push: true, Wall: true, Mail: true},
	ActionDocumentAdded:           {Push: true, Wall: true},
	ActionOperationAssigned:       {Push: true, Wall: true, Mail: true},
	ActionOperationResolved:       {Push: true, Wall: true},
	ActionOperationRemind:         {Push: true, Wall: true},
	ActionOperationCommented:      {Push: true, Wall: true},
	ActionFeedbackToReview:        {Push: true, Wall: true},
	// Not a row of the documentation's table: a service-level breach reaches admins every way.
	ActionReportOverdue: {Push: true, Wall: true, Mail: true},
}

// ChannelsOf returns the channels the notification table gives an action, and whether it has a row.
func ChannelsOf(action string) (Channels, bool) {
	c, ok := notificationChannels[action]
	return c, ok
}
