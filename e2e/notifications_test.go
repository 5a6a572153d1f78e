package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// Notifications: each row of the notification table (lifecycles.md, Notifications) reaches
// exactly the people it names, on their wall, by email and by push (one per device), in their
// language; never the person who acted, nobody else, and each recipient once. Counts are checked
// after a later notification to the same people has arrived (testkit.ExpectNotes).

func note(action, object string, args ...any) testkit.Note {
	return testkit.Note{Action: action, Object: object, Args: args}
}

func people(cs ...*testkit.Client) []*testkit.Client { return cs }

// withDevices registers n devices of c for pushes.
func withDevices(c *testkit.Client, n int) *testkit.Client {
	c.T.Helper()
	for i := 0; i < n; i++ {
		c.AddDevice(testkit.Unique("token-"), []string{"ios", "android", "web"}[i%3])
	}
	return c
}

func support(c *testkit.Client, feedback string) {
	c.T.Helper()
	c.Post("/feedbacks/"+feedback+"/contributions", nil).Expect(http.StatusCreated)
}

// commentFeedback has c comment on feedback; it returns the text.
func commentFeedback(c *testkit.Client, feedback string) string {
	c.T.Helper()
	text := testkit.Unique("Commentaire ")
	c.Post("/feedbacks/"+feedback+"/comments", map[string]string{"text": text}).Expect(http.StatusCreated)
	return text
}

// commentOperation has c comment on op; it returns the text.
func commentOperation(c *testkit.Client, op string) string {
	c.T.Helper()
	text := testkit.Unique("Note ")
	c.Post("/operations/"+op+"/comments", map[string]string{"text": text}).Expect(http.StatusCreated)
	return text
}

func TestNotifyUserRegistered(t *testing.T) {
	// Nobody existed before: everything that reaches them is new.
	before := testkit.Inboxes{}
	fr := stack.NewUser(t)
	en := stack.NewUserIn(t, "en-US")
	stack.ExpectNotes(t, before,
		testkit.Expect{Note: note(domain.ActionUserRegistered, fr.PersonID, fr.Email), To: people(fr), NotTo: people(en)},
		testkit.Expect{Note: note(domain.ActionUserRegistered, en.PersonID, en.Email), To: people(en), NotTo: people(fr)})

	// The welcome is a "notification" email in the language of the registration.
	for _, tc := range []struct {
		c                 *testkit.Client
		subject, language string
	}{{fr, "Bienvenue sur Keyclic", "fr"}, {en, "Welcome to Keyclic", "en"}} {
		var welcomes []string
		for _, e := range stack.InboxOf(t, tc.c).Emails {
			if e.Subject == "Bienvenue sur Keyclic" || e.Subject == "Welcome to Keyclic" {
				welcomes = append(welcomes, e.Language+": "+e.Subject)
			}
		}
		if !slices.Equal(welcomes, []string{tc.language + ": " + tc.subject}) {
			t.Fatalf("welcome emails to %s: %v, want one %q in %s", tc.c.Email, welcomes, tc.subject, tc.language)
		}
	}
}

// The password change request is a mail only: the reset link, and nothing on the wall or by push.
func TestNotifyPasswordChangeRequest(t *testing.T) {
	u := withDevices(stack.NewUser(t), 1)
	before := stack.InboxOf(t, u)
	stack.Client(t).Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	stack.WaitEmails(t, u.Email, "password_reset", 1)
	stack.Sentinel(t, u)
	got := stack.InboxOf(t, u).Since(before)
	for _, e := range got.Wall {
		if e["verb"] != domain.ActionFeedbackCommented {
			t.Errorf("wall entry after a password change request: %v", e)
		}
	}
	for _, p := range got.Pushes {
		if p.Data["action"] != domain.ActionFeedbackCommented {
			t.Errorf("push after a password change request: %v", p.Data)
		}
	}
}

func TestNotifyFeedbackCommented(t *testing.T) {
	d := stack.NewDesk(t, "Notif commentaires")
	reporter := withDevices(d.Citizen, 2)
	supporter := withDevices(stack.NewUser(t), 1)
	first := withDevices(stack.NewUserIn(t, "en-US"), 1)
	second, outsider := stack.NewUser(t), stack.NewUser(t)
	description := testkit.Unique("Banc cassé ")
	f := reporter.Issue(d.Inside(), testkit.Visibility(true, description))
	support(supporter, f)
	everyone := people(reporter, supporter, first, second, outsider, d.Admin)

	comment := func(c *testkit.Client) (testkit.Inboxes, testkit.Note) {
		t.Helper()
		before := stack.Inboxes(t, everyone...)
		text := commentFeedback(c, f)
		return before, note(domain.ActionFeedbackCommented, f, testkit.NameOf(c), description, text)
	}

	// A first comment reaches the reporter and the supporter; not its author, not the
	// organization that received the feedback, not outsiders.
	before, n := comment(first)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(reporter, supporter), NotTo: people(first, second, outsider, d.Admin)})
	// A second one reaches the first commenter too (in English).
	before, n = comment(second)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(reporter, supporter, first), NotTo: people(second, outsider, d.Admin)})
	// The reporter comments: everyone who commented or supported, not the reporter.
	before, n = comment(reporter)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(supporter, first, second), NotTo: people(reporter, outsider, d.Admin)})
}

func TestNotifyReportCreated(t *testing.T) {
	d := stack.NewDesk(t, "Notif création")
	withDevices(d.Admin, 1)
	admin2, _ := d.Member(testkit.RoleAdmin)
	withDevices(admin2, 2)
	operator, _ := d.Member(testkit.RoleOperator)
	outsider := stack.NewUser(t)
	org := d.Admin.OrganizationName(d.Org)
	everyone := people(d.Admin, admin2, operator, d.Citizen, outsider)

	// A citizen's feedback becomes a report: the organization's admins hear of it, not its other
	// members, not the citizen.
	before := stack.Inboxes(t, everyone...)
	description := testkit.Unique("Nid de poule ")
	report := d.Admin.ReportOf(d.Org, d.Citizen.Issue(d.Inside(), testkit.Visibility(false, description)))
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportCreated, report, org, description),
		To:   people(d.Admin, admin2), NotTo: people(operator, d.Citizen, outsider),
	})

	// An admin who reports in the organization's own place made the report: only the other
	// admins hear of it.
	before = stack.Inboxes(t, everyone...)
	description = testkit.Unique("Panneau tordu ")
	report = d.Admin.ReportOf(d.Org, admin2.Issue(d.Inside(), testkit.Visibility(false, description)))
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportCreated, report, org, description),
		To:   people(d.Admin), NotTo: people(admin2, operator, d.Citizen, outsider),
	})
}

func TestNotifyReportStateChanges(t *testing.T) {
	d := stack.NewDesk(t, "Notif états")
	admin2, _ := d.Member(testkit.RoleAdmin)
	reporter := withDevices(d.Citizen, 1)
	supporter := withDevices(stack.NewUserIn(t, "en-US"), 2)
	commenter, outsider := stack.NewUser(t), stack.NewUser(t)
	org := d.Admin.OrganizationName(d.Org)
	everyone := people(d.Admin, admin2, reporter, supporter, commenter, outsider)
	followers := people(reporter, supporter, commenter)

	// A public feedback, supported by one person and commented by another and by the admin
	// who will act on the report.
	followed := func() (description, report string) {
		t.Helper()
		description = testkit.Unique("Lampadaire éteint ")
		f := reporter.Issue(d.Inside(), testkit.Visibility(true, description))
		support(supporter, f)
		commentFeedback(commenter, f)
		commentFeedback(d.Admin, f)
		return description, d.Admin.ReportOf(d.Org, f)
	}

	// Accepted: the reporter, the supporter and the commenter; not the admin who accepted
	// (although a commenter), not the other admin.
	description, report := followed()
	before := stack.Inboxes(t, everyone...)
	d.Admin.DriveReport(report, "accept")
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportAccepted, report, description, org),
		To:   followers, NotTo: people(d.Admin, admin2, outsider),
	})

	// Put in progress (not notified), then closed by the other admin: the first admin, who
	// commented, hears of it this time.
	before = stack.Inboxes(t, everyone...)
	d.Admin.DriveReport(report, "progress")
	admin2.DriveReport(report, "close")
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportClosed, report, description, org),
		To:   append(people(d.Admin), followers...), NotTo: people(admin2, outsider),
	})
	for _, c := range followers {
		for _, e := range stack.InboxOf(t, c).Since(before[c.PersonID]).Wall {
			// The reporter is also asked to review how the feedback was handled (see reviews_test.go).
			if v := e["verb"]; v != domain.ActionReportClosed && v != domain.ActionFeedbackCommented && !(v == domain.ActionFeedbackToReview && c == reporter) {
				t.Fatalf("%s was told %v (%v) while a report went in progress and closed", c.Email, v, e["message"])
			}
		}
	}

	// Refused: the same people; not the admin who refused.
	description, report = followed()
	before = stack.Inboxes(t, everyone...)
	d.Admin.DriveReport(report, "refuse")
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportRefused, report, description, org),
		To:   followers, NotTo: people(d.Admin, admin2, outsider),
	})
}

func TestNotifyReportDelegated(t *testing.T) {
	a := stack.NewDesk(t, "Notif délégante")
	b := stack.NewDesk(t, "Notif déléguée")
	c := stack.NewDesk(t, "Notif troisième")
	makePartner(a, b)
	makePartner(b, c)
	withDevices(b.Admin, 1)
	b2, _ := b.Member(testkit.RoleAdmin)
	withDevices(b2, 2)
	bOperator, _ := b.Member(testkit.RoleOperator)
	a2, _ := a.Member(testkit.RoleAdmin)
	description := testkit.Unique("Glissière arrachée ")
	report := a.Admin.ReportOf(a.Org, a.Citizen.Issue(a.Inside(), testkit.Visibility(false, description)))
	names := map[string]string{a.Org: a.Admin.OrganizationName(a.Org), b.Org: b.Admin.OrganizationName(b.Org), c.Org: c.Admin.OrganizationName(c.Org)}
	everyone := people(a.Admin, a2, b.Admin, b2, bOperator, c.Admin, a.Citizen)

	// Delegated to B: B's admins; not the admin who delegated, not A's other admin, not B's
	// operator, not the citizen.
	before := stack.Inboxes(t, everyone...)
	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportDelegated, report, names[a.Org], description, names[b.Org]),
		To:   people(b.Admin, b2), NotTo: people(a.Admin, a2, bOperator, c.Admin, a.Citizen),
	})

	// Handed on to C by B's second admin: C's admin only.
	before = stack.Inboxes(t, everyone...)
	delegate(b2, b.Org, report, c.Org).Expect(http.StatusOK)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportDelegated, report, names[b.Org], description, names[c.Org]),
		To:   people(c.Admin), NotTo: people(a.Admin, a2, b.Admin, b2, bOperator, a.Citizen),
	})
}

func TestNotifyReportDelegatedTwiceInARow(t *testing.T) {
	a := stack.NewDesk(t, "Notif coup double A")
	b := stack.NewDesk(t, "Notif coup double B")
	c := stack.NewDesk(t, "Notif coup double C")
	makePartner(a, b)
	makePartner(b, c)
	withDevices(b.Admin, 1)
	names := map[string]string{a.Org: a.Admin.OrganizationName(a.Org), b.Org: b.Admin.OrganizationName(b.Org), c.Org: c.Admin.OrganizationName(c.Org)}
	everyone := people(a.Admin, b.Admin, c.Admin, a.Citizen)

	// Received by A, handed to B, handed on to C, all before the notices are out: each is told
	// to the admins of the organization it concerned then, not of the one treating the report
	// when the notice is sent.
	before := stack.Inboxes(t, everyone...)
	description := testkit.Unique("Chaussée inondée ")
	report := a.Admin.ReportOf(a.Org, a.Citizen.Issue(a.Inside(), testkit.Visibility(false, description)))
	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	delegate(b.Admin, b.Org, report, c.Org).Expect(http.StatusOK)
	stack.ExpectNotes(t, before,
		testkit.Expect{
			Note: note(domain.ActionReportCreated, report, names[a.Org], description),
			To:   people(a.Admin), NotTo: people(b.Admin, c.Admin, a.Citizen),
		},
		testkit.Expect{
			Note: note(domain.ActionReportDelegated, report, names[a.Org], description, names[b.Org]),
			To:   people(b.Admin), NotTo: people(a.Admin, c.Admin, a.Citizen),
		},
		testkit.Expect{
			Note: note(domain.ActionReportDelegated, report, names[b.Org], description, names[c.Org]),
			To:   people(c.Admin), NotTo: people(a.Admin, b.Admin, a.Citizen),
		})
}

func TestNotifyDocumentAdded(t *testing.T) {
	d := newOperationDesk(t, "Notif documents")
	withDevices(d.Admin, 1)
	admin2, _ := d.Member(testkit.RoleAdmin)
	withDevices(admin2, 1)
	description := d.Admin.Description(d.feedback)
	everyone := people(d.Admin, admin2, d.operator, d.member, d.Citizen, d.outsider)
	image := map[string]string{"image": testkit.PNGDataURI(t, 16, 16)}

	// The assigned member adds an image to the operation: the admins of the organization
	// treating the report hear of it, nobody else.
	before := stack.Inboxes(t, everyone...)
	d.operator.Post("/operations/"+d.op+"/images", image).Expect(http.StatusCreated)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionDocumentAdded, d.report, testkit.NameOf(d.operator), description),
		To:   people(d.Admin, admin2), NotTo: people(d.operator, d.member, d.Citizen, d.outsider),
	})

	// An admin adds one: the other admin.
	before = stack.Inboxes(t, everyone...)
	admin2.Post("/operations/"+d.op+"/images", image).Expect(http.StatusCreated)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionDocumentAdded, d.report, testkit.NameOf(admin2), description),
		To:   people(d.Admin), NotTo: people(admin2, d.operator, d.member, d.Citizen, d.outsider),
	})

	// The reporter adds a picture to the delivered feedback: the admins.
	before = stack.Inboxes(t, everyone...)
	d.Citizen.Post("/feedbacks/"+d.feedback+"/images", image).Expect(http.StatusCreated)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionDocumentAdded, d.report, testkit.NameOf(d.Citizen), description),
		To:   people(d.Admin, admin2), NotTo: people(d.Citizen, d.operator, d.member, d.outsider),
	})
}

func TestNotifyDocumentAddedToDelegatedReport(t *testing.T) {
	a := stack.NewDesk(t, "Notif documents A")
	b := stack.NewDesk(t, "Notif documents B")
	makePartner(a, b)
	withDevices(b.Admin, 1)
	description := testkit.Unique("Bouche d'égout ")
	feedback := a.Citizen.Issue(a.Inside(), testkit.Visibility(false, description))
	report := a.Admin.ReportOf(a.Org, feedback)
	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	b.Admin.DriveReport(report, "accept")
	op := b.Admin.CreateOperation(report, testkit.Unique("Sceller "))
	operator, member := b.Member(testkit.RoleOperator)
	b.Admin.Assign(op, member).Expect(http.StatusOK)
	everyone := people(a.Admin, b.Admin, operator, a.Citizen)
	image := map[string]string{"image": testkit.PNGDataURI(t, 16, 16)}

	// The organization treating the report is B: its admin hears of documents, A's does not.
	before := stack.Inboxes(t, everyone...)
	a.Citizen.Post("/feedbacks/"+feedback+"/images", image).Expect(http.StatusCreated)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionDocumentAdded, report, testkit.NameOf(a.Citizen), description),
		To:   people(b.Admin), NotTo: people(a.Admin, operator, a.Citizen),
	})
	before = stack.Inboxes(t, everyone...)
	operator.Post("/operations/"+op+"/images", image).Expect(http.StatusCreated)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionDocumentAdded, report, testkit.NameOf(operator), description),
		To:   people(b.Admin), NotTo: people(a.Admin, operator, a.Citizen),
	})
}

// acceptedReport is a new report of the desk, accepted.
func acceptedReport(d *testkit.Desk) string {
	d.T.Helper()
	_, report := d.NewReport()
	d.Admin.DriveReport(report, "accept")
	return report
}

func TestNotifyOperationAssigned(t *testing.T) {
	d := stack.NewDesk(t, "Notif assignation")
	admin2, admin2Member := d.Member(testkit.RoleAdmin)
	first, firstMember := d.Member(testkit.RoleOperator)
	second, secondMember := d.Member(testkit.RoleOperator)
	withDevices(first, 2)
	withDevices(second, 1)
	name := testkit.Unique("Reboucher ")
	op := d.Admin.CreateOperation(acceptedReport(d), name)
	everyone := people(d.Admin, admin2, first, second, d.Citizen)

	// Assigned: the member assigned only.
	before := stack.Inboxes(t, everyone...)
	d.Admin.Assign(op, firstMember).Expect(http.StatusOK)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionOperationAssigned, op, name, testkit.NameOf(d.Admin)),
		To:   people(first), NotTo: people(d.Admin, admin2, second, d.Citizen),
	})

	// Handed to another member by the other admin: that member only.
	before = stack.Inboxes(t, everyone...)
	admin2.Assign(op, secondMember).Expect(http.StatusOK)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionOperationAssigned, op, name, testkit.NameOf(admin2)),
		To:   people(second), NotTo: people(d.Admin, admin2, first, d.Citizen),
	})

	// An admin who takes the operation is not told of it.
	before = stack.Inboxes(t, everyone...)
	admin2.Assign(op, admin2Member).Expect(http.StatusOK)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note:  note(domain.ActionOperationAssigned, op, name, testkit.NameOf(admin2)),
		NotTo: people(d.Admin, admin2, first, second, d.Citizen),
	})
}

func TestNotifyOperationResolved(t *testing.T) {
	d := stack.NewDesk(t, "Notif résolution")
	withDevices(d.Admin, 2)
	admin2, _ := d.Member(testkit.RoleAdmin)
	operator, member := d.Member(testkit.RoleOperator)
	report := acceptedReport(d)
	everyone := people(d.Admin, admin2, operator, d.Citizen)
	assigned := func() (op, name string) {
		t.Helper()
		name = testkit.Unique("Élaguer ")
		op = d.Admin.CreateOperation(report, name)
		d.Admin.Assign(op, member).Expect(http.StatusOK)
		return op, name
	}
	resolve := func(c *testkit.Client, op string) {
		t.Helper()
		c.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
		c.TransitionOperation(op, "resolve", false).Expect(http.StatusOK)
	}

	// Resolved by the assigned member: the admin who created the operation only.
	op, name := assigned()
	before := stack.Inboxes(t, everyone...)
	resolve(operator, op)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionOperationResolved, op, name, testkit.NameOf(operator)),
		To:   people(d.Admin), NotTo: people(admin2, operator, d.Citizen),
	})

	// Resolved by another admin: the creator still.
	op, name = assigned()
	before = stack.Inboxes(t, everyone...)
	resolve(admin2, op)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionOperationResolved, op, name, testkit.NameOf(admin2)),
		To:   people(d.Admin), NotTo: people(admin2, operator, d.Citizen),
	})

	// Resolved by its creator: nobody.
	op, name = assigned()
	before = stack.Inboxes(t, everyone...)
	resolve(d.Admin, op)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note:  note(domain.ActionOperationResolved, op, name, testkit.NameOf(d.Admin)),
		NotTo: people(d.Admin, admin2, operator, d.Citizen),
	})
}

func TestNotifyOperationCommented(t *testing.T) {
	d := newOperationDesk(t, "Notif commentaires d'opération")
	withDevices(d.Admin, 1)
	withDevices(d.operator, 2)
	admin2, _ := d.Member(testkit.RoleAdmin)
	name := d.Admin.Get("/operations/" + d.op).Expect(http.StatusOK).Str("name")
	everyone := people(d.Admin, admin2, d.operator, d.member, d.Citizen, d.outsider)

	comment := func(c *testkit.Client) (testkit.Inboxes, testkit.Note) {
		t.Helper()
		before := stack.Inboxes(t, everyone...)
		text := commentOperation(c, d.op)
		return before, note(domain.ActionOperationCommented, d.op, testkit.NameOf(c), name, text)
	}

	// A member comments: the assigned member and the admin who created the operation.
	before, n := comment(d.member)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(d.operator, d.Admin), NotTo: people(d.member, admin2, d.Citizen, d.outsider)})
	// The assigned member comments: the creator and the member who commented; not the author.
	before, n = comment(d.operator)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(d.Admin, d.member), NotTo: people(d.operator, admin2, d.Citizen, d.outsider)})
	// Another admin comments: everyone concerned so far.
	before, n = comment(admin2)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(d.operator, d.Admin, d.member), NotTo: people(admin2, d.Citizen, d.outsider)})
	// The creator comments: not the creator.
	before, n = comment(d.Admin)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(d.operator, d.member, admin2), NotTo: people(d.Admin, d.Citizen, d.outsider)})
}

func TestNotifyOperationRemind(t *testing.T) {
	// Operations without a duration are due a second after their start, then reminded hourly:
	// one reminder each within the test.
	iso := stack.NewIsolated(t, func(s *api.Settings) {
		s.Operations.DefaultDelay = domain.Duration(time.Second)
		s.Operations.ReminderInterval = domain.Duration(time.Hour)
	})
	iso.StartWorker(t)
	tomorrow := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)

	// Desk A: an operation assigned to one of two operators.
	a := stack.NewDesk(t, "Notif rappels A")
	reporterA := withDevices(a.Citizen, 1)
	assignee, assigneeMember := a.Member(testkit.RoleOperator)
	withDevices(assignee, 2)
	otherOperator, _ := a.Member(testkit.RoleOperator)
	reportA := iso.On(a.Admin).ReportOf(a.Org, iso.On(reporterA).Issue(a.Inside(), nil))
	iso.On(a.Admin).DriveReport(reportA, "accept")
	nameA := testkit.Unique("Reboucher ")
	// Started tomorrow, so not due before it is assigned; then moved to now.
	opA := iso.On(a.Admin).Post("/operations", map[string]any{"report": reportA, "name": nameA, "startDate": tomorrow}).
		Expect(http.StatusCreated).Str("id")
	iso.On(a.Admin).Assign(opA, assigneeMember).Expect(http.StatusOK)

	// Desk B: an operation nobody is assigned to, in an organization with two operators and an agent.
	b := stack.NewDesk(t, "Notif rappels B")
	reporterB := b.Citizen
	operator1, _ := b.Member(testkit.RoleOperator)
	operator2, _ := b.Member(testkit.RoleOperator)
	withDevices(operator2, 1)
	agent, _ := b.Member(testkit.RoleAgent)
	reportB := iso.On(b.Admin).ReportOf(b.Org, iso.On(reporterB).Issue(b.Inside(), nil))
	iso.On(b.Admin).DriveReport(reportB, "accept")
	nameB := testkit.Unique("Nettoyer ")
	opB := iso.On(b.Admin).Post("/operations", map[string]any{"report": reportB, "name": nameB, "startDate": tomorrow}).
		Expect(http.StatusCreated).Str("id")

	everyone := people(a.Admin, reporterA, assignee, otherOperator, b.Admin, reporterB, operator1, operator2, agent)
	before := stack.Inboxes(t, everyone...)
	now := time.Now().UTC().Format(time.RFC3339)
	iso.On(a.Admin).Patch("/operations/"+opA, map[string]any{"startDate": now}).Expect(http.StatusOK)
	iso.On(b.Admin).Patch("/operations/"+opB, map[string]any{"startDate": now}).Expect(http.StatusOK)
	stack.ExpectNotes(t, before,
		// Assigned: the assigned member and the reporter; not the other operator, not the admin.
		testkit.Expect{
			Note: note(domain.ActionOperationRemind, opA, nameA, 1),
			To:   people(assignee, reporterA), NotTo: people(otherOperator, a.Admin, reporterB, operator1, operator2),
		},
		// Unassigned: the organization's operators and the reporter; not the agent, not the admin.
		testkit.Expect{
			Note: note(domain.ActionOperationRemind, opB, nameB, 1),
			To:   people(operator1, operator2, reporterB), NotTo: people(agent, b.Admin, reporterA, assignee, otherOperator),
		})
}

func TestNotificationPreferences(t *testing.T) {
	d := stack.NewDesk(t, "Notif préférences")
	withDevices(d.Admin, 1)
	reporter := withDevices(d.Citizen, 1)
	// Admins of the desk, so that a report reaches them by mail too, and supporters of a feedback.
	emailOff, _ := d.Member(testkit.RoleAdmin)
	pushOff, _ := d.Member(testkit.RoleAdmin)
	bothOff, _ := d.Member(testkit.RoleAdmin)
	withDevices(emailOff, 1)
	withDevices(pushOff, 1)
	withDevices(bothOff, 2)
	emailOff.SetPreferences(false, true)
	pushOff.SetPreferences(true, false)
	bothOff.SetPreferences(false, false)
	commenter := stack.NewUser(t)
	description := testkit.Unique("Tag sur mur ")
	f := reporter.Issue(d.Inside(), testkit.Visibility(true, description))
	for _, c := range people(emailOff, pushOff, bothOff) {
		support(c, f)
	}
	org := d.Admin.OrganizationName(d.Org)
	everyone := people(d.Admin, reporter, emailOff, pushOff, bothOff, commenter)

	// A comment goes on the wall and by push (never by mail): email off changes nothing, push
	// off leaves the wall.
	before := stack.Inboxes(t, everyone...)
	text := commentFeedback(commenter, f)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionFeedbackCommented, f, testkit.NameOf(commenter), description, text),
		To:   people(reporter, emailOff, pushOff, bothOff), NotTo: people(commenter, d.Admin),
		Want: map[*testkit.Client]testkit.Channels{
			reporter: {Wall: 1, Push: 1},
			emailOff: {Wall: 1, Push: 1},
			pushOff:  {Wall: 1},
			bothOff:  {Wall: 1},
		},
	})

	// A new report goes on every channel: email off leaves the wall and pushes, push off the wall
	// and email, both off the wall only.
	before = stack.Inboxes(t, everyone...)
	reported := testkit.Unique("Poubelle renversée ")
	report := d.Admin.ReportOf(d.Org, reporter.Issue(d.Inside(), testkit.Visibility(false, reported)))
	created := note(domain.ActionReportCreated, report, org, reported)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: created, To: people(d.Admin, emailOff, pushOff, bothOff), NotTo: people(reporter, commenter),
		Want: map[*testkit.Client]testkit.Channels{
			d.Admin:  {Wall: 1, Email: 1, Push: 1},
			emailOff: {Wall: 1, Push: 1},
			pushOff:  {Wall: 1, Email: 1},
			bothOff:  {Wall: 1},
		},
	})

	// Preferences are read when a notification is sent: turned back on, every channel of the row again.
	for _, c := range people(emailOff, pushOff, bothOff) {
		c.SetPreferences(true, true)
	}
	before = stack.Inboxes(t, everyone...)
	text = commentFeedback(commenter, f)
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionFeedbackCommented, f, testkit.NameOf(commenter), description, text),
		To:   people(reporter, emailOff, pushOff, bothOff), NotTo: people(commenter, d.Admin),
		Want: map[*testkit.Client]testkit.Channels{
			reporter: {Wall: 1, Push: 1},
			emailOff: {Wall: 1, Push: 1},
			pushOff:  {Wall: 1, Push: 1},
			bothOff:  {Wall: 1, Push: 2},
		},
	})
	before = stack.Inboxes(t, everyone...)
	reported = testkit.Unique("Poubelle renversée ")
	report = d.Admin.ReportOf(d.Org, reporter.Issue(d.Inside(), testkit.Visibility(false, reported)))
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportCreated, report, org, reported), To: people(d.Admin, emailOff, pushOff, bothOff), NotTo: people(reporter, commenter),
		Want: map[*testkit.Client]testkit.Channels{
			d.Admin:  {Wall: 1, Email: 1, Push: 1},
			emailOff: {Wall: 1, Email: 1, Push: 1},
			pushOff:  {Wall: 1, Email: 1, Push: 1},
			bothOff:  {Wall: 1, Email: 1, Push: 2},
		},
	})
}

// expectWall checks, as c reads it, that the wall (with query) lists exactly ids in that order.
func expectWall(t *testing.T, c *testkit.Client, query string, ids ...string) *testkit.Response {
	t.Helper()
	r := c.Wall(query).Expect(http.StatusOK)
	if got := r.IDs(); !slices.Equal(got, ids) || int(r.Num("total")) != len(ids) {
		t.Fatalf("wall?%s: %v (total %v), want %v; body: %s", query, got, r.Num("total"), ids, r.Body)
	}
	return r
}

func TestNotificationWall(t *testing.T) {
	d := stack.NewDesk(t, "Notif mur")
	u := stack.NewUserIn(t, "en-US")
	// The welcome is an email only: it is not on the wall.
	welcome := note(domain.ActionUserRegistered, u.PersonID, u.Email)
	stack.WaitNote(t, u, testkit.Inbox{}, welcome, testkit.Channels{Email: 1})
	description := testkit.Unique("Trottoir défoncé ")
	f := u.Issue(d.Inside(), testkit.Visibility(true, description))

	// Four comments by four people, each on the wall before the next is made.
	var commenters []*testkit.Client
	var texts []string
	for i := 0; i < 4; i++ {
		c := stack.NewUser(t)
		before := stack.InboxOf(t, u)
		text := commentFeedback(c, f)
		stack.WaitNote(t, u, before, note(domain.ActionFeedbackCommented, f, testkit.NameOf(c), description, text), testkit.Channels{Wall: 1})
		commenters, texts = append(commenters, c), append(texts, text)
	}

	// Newest first, in the reader's language, each with its object and the person who acted.
	all := u.Wall("").Expect(http.StatusOK)
	ids := all.IDs()
	if len(ids) != 4 || all.Num("total") != 4 {
		t.Fatalf("wall: %s", all.Body)
	}
	for i, c := range []*testkit.Client{commenters[3], commenters[2], commenters[1], commenters[0]} {
		n := note(domain.ActionFeedbackCommented, f, testkit.NameOf(c), description, texts[3-i])
		p := fmt.Sprintf("_embedded.items.%d.", i)
		if all.Str(p+"type") != "Notification" || all.Str(p+"verb") != n.Action || all.Str(p+"message") != n.Message(domain.English) ||
			all.Str(p+"subject") != "New comment on a feedback" || all.Str(p+"object.type") != "Feedback" || all.Str(p+"object.id") != f ||
			all.Str(p+"actor") != c.PersonID || all.Str(p+"_links.actor.href") != "/people/"+c.PersonID ||
			all.Str(p+"_links.object.href") != "/feedbacks/"+f ||
			all.Str(p+"_links.self.href") != "/people/"+u.PersonID+"/notifications/"+ids[i] ||
			all.At(p+"read") != false || all.At(p+"readAt") != nil {
			t.Fatalf("wall entry %d, want %s by %s: %s", i, n, c.Email, all.Body)
		}
		if _, err := time.Parse(time.RFC3339, all.Str(p+"time")); err != nil {
			t.Fatalf("wall entry %d time: %v", i, err)
		}
	}
	// Comments only: the welcome is not on the wall.
	if got, want := u.WallVerbs(), []string{domain.ActionFeedbackCommented, domain.ActionFeedbackCommented, domain.ActionFeedbackCommented, domain.ActionFeedbackCommented}; !slices.Equal(got, want) {
		t.Fatalf("wall verbs %v, want %v", got, want)
	}
	newest, second, third, oldest := ids[0], ids[1], ids[2], ids[3]
	expectWall(t, u, "order=asc", oldest, third, second, newest)
	if r := u.Wall("limit=3&page=2").Expect(http.StatusOK); !slices.Equal(r.IDs(), []string{oldest}) || r.Num("total") != 4 {
		t.Fatalf("second page of three: %s", r.Body)
	}

	// All unread; one marked read leaves the unread list, and comes back when marked unread.
	expectWall(t, u, "read=false", newest, second, third, oldest)
	path := "/people/" + u.PersonID + "/notifications/"
	r := u.Patch(path+second, map[string]any{"read": true}).Expect(http.StatusOK)
	if r.Str("id") != second || r.At("read") != true || r.Str("readAt") == "" {
		t.Fatalf("marked read: %s", r.Body)
	}
	expectWall(t, u, "read=false", newest, third, oldest)
	expectWall(t, u, "read=true", second)
	expectWall(t, u, "", newest, second, third, oldest)
	r = u.Patch(path+second, map[string]any{"read": false}).Expect(http.StatusOK)
	if r.At("read") != false || r.At("readAt") != nil {
		t.Fatalf("marked unread: %s", r.Body)
	}
	expectWall(t, u, "read=false", newest, second, third, oldest)
	expectWall(t, u, "read=true")

	// Marking one read twice keeps it read; then all are marked read at once.
	u.Patch(path+third, map[string]any{"read": true}).Expect(http.StatusOK)
	u.Patch(path+third, map[string]any{"read": true}).Expect(http.StatusOK)
	expectWall(t, u, "read=false", newest, second, oldest)
	u.Post("/people/"+u.PersonID+"/notifications/read", nil).Expect(http.StatusNoContent)
	expectWall(t, u, "read=false")
	for _, it := range expectWall(t, u, "", newest, second, third, oldest).List("_embedded.items") {
		if it.(map[string]any)["read"] != true {
			t.Fatalf("not read after marking all: %v", it)
		}
	}

	// Someone else's wall: 403 to read it, mark an entry or mark all; unknown people 404.
	other := commenters[0]
	other.Get("/people/" + u.PersonID + "/notifications").ExpectError(http.StatusForbidden)
	other.Patch(path+newest, map[string]any{"read": false}).ExpectError(http.StatusForbidden)
	other.Post("/people/"+u.PersonID+"/notifications/read", nil).ExpectError(http.StatusForbidden)
	other.Get("/people/" + uuid.NewString() + "/notifications").ExpectError(http.StatusNotFound)
	stack.Client(t).Get("/people/" + u.PersonID + "/notifications").ExpectError(http.StatusUnauthorized)
	// Another person's entry through one's own wall, unknown and malformed entries: 404.
	otherEntry := other.WallEntries()[0]["id"].(string)
	u.Patch(path+otherEntry, map[string]any{"read": false}).ExpectError(http.StatusNotFound)
	other.Patch("/people/"+other.PersonID+"/notifications/"+uuid.NewString(), map[string]any{"read": true}).ExpectError(http.StatusNotFound)
	u.Patch(path+"nope", map[string]any{"read": true}).ExpectError(http.StatusNotFound)
	// Bad bodies and queries: 400.
	for _, body := range []any{map[string]any{}, map[string]any{"read": nil}, map[string]any{"read": "sometimes"}, `{"read": `} {
		u.Patch(path+newest, body).ExpectError(http.StatusBadRequest)
	}
	u.Wall("read=maybe").ExpectError(http.StatusBadRequest, "read")
	// None of it changed anything.
	expectWall(t, u, "read=false")
	if r := u.Patch(path+newest, map[string]any{"read": false}).Expect(http.StatusOK); r.At("read") != false {
		t.Fatalf("marked unread: %s", r.Body)
	}
	expectWall(t, u, "read=false", newest)
}
