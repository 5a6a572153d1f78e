package activities

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// PushSender hands a push notification to a device's platform.
type PushSender interface {
	Send(ctx context.Context, d store.Device, title, body string, data map[string]any) error
	// Records reports whether the sender only records (the pushes table is then the delivery).
	Records() bool
}

// RecordingPushSender sends nothing: the push row in Postgres and a log line are the delivery.
// It is the default; a real sender (FCM, APNs) implements PushSender with its credentials.
type RecordingPushSender struct{ Log *slog.Logger }

func (s RecordingPushSender) Send(_ context.Context, d store.Device, title, _ string, _ map[string]any) error {
	s.Log.Info("push recorded", "device", d.ID, "platform", d.Platform, "title", title)
	return nil
}

func (RecordingPushSender) Records() bool { return true }

// NotifyInput is one occurrence of a notification-table action.
type NotifyInput struct {
	Notice domain.Notice
}

// notification is what an action tells its recipients: one message in each language.
type notification struct {
	recipients []uuid.UUID
	subject    string // message key of the subject
	message    string // message key of the text
	args       []any
	objectType string
	objectID   uuid.UUID
	// application is the object's application, looked up from the object itself so that the
	// notice (and so workflow histories) need not carry it; nil for the account's own notices.
	application *uuid.UUID
	channels    domain.Channels // the action's row of the notification table
}

// Notify tells each person the notification table names for the action, except the person
// who acted, on the channels of the action's row (domain.ChannelsOf): the wall, and email and
// push as the person's preferences allow. Every (occurrence, person, channel) is written under
// its own key, so a retried activity repeats nothing that already reached someone.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) error {
	n := in.Notice
	channels, ok := domain.ChannelsOf(n.Action)
	if !ok {
		return fmt.Errorf("notification action %q has no row in the channel table", n.Action)
	}
	nt, err := a.compose(ctx, n)
	if err != nil {
		return err
	}
	nt.channels = channels
	seen := map[uuid.UUID]bool{}
	for _, pid := range nt.recipients {
		if seen[pid] || (n.ActorID != nil && *n.ActorID == pid) {
			continue
		}
		seen[pid] = true
		if err := a.notifyPerson(ctx, n, nt, pid); err != nil {
			return err
		}
		if activity.IsActivity(ctx) {
			// A worker that dies mid-way is noticed within the heartbeat timeout, not the whole run's.
			activity.RecordHeartbeat(ctx, pid.String())
		}
	}
	return nil
}

func (a *Activities) notifyPerson(ctx context.Context, n domain.Notice, nt notification, pid uuid.UUID) error {
	p, err := a.Store.Person(ctx, pid)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	key := n.Key + "/" + pid.String()
	args := make([]string, len(nt.args))
	for i, v := range nt.args {
		args[i] = fmt.Sprint(v)
	}
	if nt.channels.Wall {
		fresh, err := a.Store.AddWallEntry(ctx, store.WallEntry{
			Key: key, PersonID: pid, ApplicationID: nt.application, Action: n.Action, ActorID: n.ActorID, ObjectType: nt.objectType, ObjectID: nt.objectID,
			Data: map[string]any{"message": nt.message, "subject": nt.subject, "args": args},
		})
		if err != nil {
			return err
		}
		if fresh {
			a.countSend(ChannelWall, nil)
		}
	}
	subject := domain.Msg(nt.subject).In(p.Language)
	message := domain.Msg(nt.message, nt.args...).In(p.Language)
	if nt.channels.Mail && p.EmailEnabled {
		if err := a.deliverEmail(ctx, key, p.Email, p.Language, "notification", map[string]string{"Subject": subject, "Message": message}); err != nil {
			return err
		}
	}
	if !nt.channels.Push || !p.PushEnabled || a.Push == nil {
		return nil
	}
	devices, err := a.Store.Devices(ctx, pid, nt.application)
	if err != nil {
		return err
	}
	for _, d := range devices {
		push := store.Push{Key: key + "/" + d.ID.String(), DeviceID: d.ID, PersonID: pid, Title: subject, Body: message,
			Data: map[string]any{"action": n.Action, "object": nt.objectType, "id": nt.objectID.String()}}
		fresh, err := a.Store.ClaimPush(ctx, push)
		if err != nil {
			return err
		}
		if !fresh {
			continue // this device had it from an earlier attempt; the next ones may not
		}
		err = a.Push.Send(ctx, d, push.Title, push.Body, push.Data)
		a.countSend(ChannelPush, err)
		if err != nil {
			if relErr := a.Store.ReleasePush(ctx, push.Key); relErr != nil {
				a.Log.Error("push not released after a failed send", "key", push.Key, "error", relErr)
			}
			return err
		}
	}
	return nil
}

// compose works out the recipients and the message of an action, from the notification table.
func (a *Activities) compose(ctx context.Context, n domain.Notice) (notification, error) {
	nt := notification{message: "notify." + n.Action, subject: "notify." + n.Action + ".subject"}
	switch n.Action {
	case domain.ActionUserRegistered:
		p, err := a.Store.Person(ctx, *n.PersonID)
		nt.recipients, nt.args, nt.objectType, nt.objectID = []uuid.UUID{p.ID}, []any{p.Email}, "Person", p.ID
		return nt, err
	case domain.ActionFeedbackCommented:
		f, err := a.Store.FeedbackByID(ctx, *n.FeedbackID)
		if err != nil {
			return nt, err
		}
		nt.args, nt.objectType, nt.objectID = []any{a.personName(ctx, n.ActorID), excerpt(f.Description), excerpt(n.Text)}, "Feedback", f.ID
		nt.application = &f.ApplicationID
		nt.recipients, err = a.Store.FeedbackFollowers(ctx, f.ID)
		return nt, err
	case domain.ActionOperationAssigned, domain.ActionOperationResolved, domain.ActionOperationRemind, domain.ActionOperationCommented:
		return a.composeOperation(ctx, n, nt)
	case domain.ActionFeedbackToReview:
		return a.composeReview(ctx, n, nt)
	}
	r, f, org, err := a.reportOf(ctx, *n.ReportID)
	if err != nil {
		return nt, err
	}
	nt.objectType, nt.objectID, nt.application = "Report", r.ID, &r.ApplicationID
	switch n.Action {
	case domain.ActionReportCreated:
		// The receiving organization, first of the chain: a delegation made before this notice
		// is sent does not change who received the report.
		if org, err = a.Store.OrganizationByID(ctx, r.Chain[0]); err != nil {
			return nt, err
		}
		nt.args = []any{org.Name, excerpt(f.Description)}
		nt.recipients, err = a.Store.AdminsOf(ctx, org.ID)
		// The reporter made the report: an admin reporting in the organization's place is not told.
		nt.recipients = slices.DeleteFunc(nt.recipients, func(id uuid.UUID) bool { return id == f.ReporterID })
	case domain.ActionDocumentAdded:
		nt.args = []any{a.personName(ctx, n.ActorID), excerpt(f.Description)}
		nt.recipients, err = a.Store.AdminsOf(ctx, r.Treating())
	case domain.ActionReportAccepted, domain.ActionReportClosed, domain.ActionReportRefused:
		nt.args = []any{excerpt(f.Description), org.Name}
		if nt.recipients, err = a.Store.FeedbackFollowers(ctx, f.ID); err != nil {
			return nt, err
		}
		// The reporters and supporters of the report's duplicates follow it as their own.
		var dup []uuid.UUID
		dup, err = a.Store.DuplicateFollowers(ctx, r.ID)
		nt.recipients = append(nt.recipients, dup...)
	case domain.ActionReportOverdue:
		return a.composeOverdue(ctx, n, nt, r, f)
	case domain.ActionReportDelegated:
		// This delegation's receiver, not the organization treating the report when the notice
		// is sent: the report may have been handed on again by then.
		i := delegationOf(n, r.Chain)
		if org, err = a.Store.OrganizationByID(ctx, r.Chain[i]); err != nil {
			return nt, err
		}
		from := org.Name
		if i > 0 {
			if o, err := a.Store.OrganizationByID(ctx, r.Chain[i-1]); err == nil {
				from = o.Name
			}
		}
		nt.args = []any{from, excerpt(f.Description), org.Name}
		nt.recipients, err = a.Store.AdminsOf(ctx, org.ID)
	default:
		return nt, fmt.Errorf("unknown notification action %q", n.Action)
	}
	return nt, err
}

func (a *Activities) composeOperation(ctx context.Context, n domain.Notice, nt notification) (notification, error) {
	op, err := a.Store.OperationByID(ctx, *n.OperationID)
	if err != nil {
		return nt, err
	}
	nt.objectType, nt.objectID = "Operation", op.ID
	r, err := a.Store.ReportByID(ctx, op.ReportID)
	if err != nil {
		return nt, err
	}
	nt.application = &r.ApplicationID
	switch n.Action {
	case domain.ActionOperationAssigned:
		switch {
		case n.PersonID != nil: // the assignee named by the assignment itself
			nt.recipients = []uuid.UUID{*n.PersonID}
		case op.OperatorPersonID != nil:
			nt.recipients = []uuid.UUID{*op.OperatorPersonID}
		}
		nt.args = []any{op.Name, a.personName(ctx, n.ActorID)}
	case domain.ActionOperationResolved:
		nt.recipients, nt.args = []uuid.UUID{op.CreatedBy}, []any{op.Name, a.personName(ctx, n.ActorID)}
	case domain.ActionOperationRemind:
		// The operators: the assigned member, or the treating organization's operators while
		// nobody is; and the feedback's reporter.
		if op.OperatorPersonID != nil {
			nt.recipients = []uuid.UUID{*op.OperatorPersonID}
		} else if nt.recipients, err = a.Store.OperatorsOf(ctx, r.Treating()); err != nil {
			return nt, err
		}
		if reporter, err := a.Store.FeedbackReporter(ctx, r.FeedbackID); err == nil {
			nt.recipients = append(nt.recipients, reporter)
		}
		nt.args = []any{op.Name, n.Number}
	case domain.ActionOperationCommented:
		commenters, err := a.Store.OperationCommenters(ctx, op.ID)
		if err != nil {
			return nt, err
		}
		if op.OperatorPersonID != nil {
			nt.recipients = append(nt.recipients, *op.OperatorPersonID)
		}
		nt.recipients = append(append(nt.recipients, op.CreatedBy), commenters...)
		nt.args = []any{a.personName(ctx, n.ActorID), op.Name, excerpt(n.Text)}
	}
	return nt, nil
}

// delegationOf finds in the chain the organization a delegation notice is about: the notice's
// OrganizationID, or else the occurrence its key ends with (report/<id>/reportDelegated/<organization>);
// the organization treating the report when neither names one of the chain.
func delegationOf(n domain.Notice, chain []uuid.UUID) int {
	to := n.OrganizationID
	if to == nil {
		if id, err := uuid.Parse(n.Key[strings.LastIndexByte(n.Key, '/')+1:]); err == nil {
			to = &id
		}
	}
	if to != nil {
		if i := slices.Index(chain, *to); i >= 0 {
			return i
		}
	}
	return len(chain) - 1
}

// reportOf loads a report, its feedback and the organization treating it.
func (a *Activities) reportOf(ctx context.Context, id uuid.UUID) (domain.Report, domain.Feedback, domain.Organization, error) {
	r, err := a.Store.ReportByID(ctx, id)
	if err != nil {
		return r, domain.Feedback{}, domain.Organization{}, err
	}
	f, err := a.Store.FeedbackByID(ctx, r.FeedbackID)
	if err != nil {
		return r, f, domain.Organization{}, err
	}
	org, err := a.Store.OrganizationByID(ctx, r.Treating())
	return r, f, org, err
}

// personName is how a person is named in a message: their name, or their email's local part.
func (a *Activities) personName(ctx context.Context, id *uuid.UUID) string {
	if id == nil {
		return "Keyclic"
	}
	p, err := a.Store.Person(ctx, *id)
	if err != nil {
		return "Keyclic"
	}
	if name := strings.TrimSpace(p.GivenName + " " + p.FamilyName); name != "" {
		return name
	}
	local, _, _ := strings.Cut(p.Email, "@")
	return local
}

// excerpt shortens a text for a one-line message.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)
	return string(r[:79]) + "…"
}

// emailPeople emails each person once per key (people who turned email off excepted), in their
// language. It serves messages outside the notification table, such as a webhook disabled.
func (a *Activities) emailPeople(ctx context.Context, key string, people []uuid.UUID, tpl string, data map[string]any) error {
	for _, id := range people {
		p, err := a.Store.Person(ctx, id)
		if err != nil {
			return err
		}
		if !p.EmailEnabled {
			continue
		}
		if err := a.deliverEmail(ctx, key+"/"+id.String(), p.Email, p.Language, tpl, data); err != nil {
			return err
		}
	}
	return nil
}
