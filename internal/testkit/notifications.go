package testkit

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// Helpers for the notification table: walls, notification emails and pushes.

// NotifyTimeout bounds how long tests wait for a notification: notifications are sent by
// workflows after the request that caused them has been answered.
const NotifyTimeout = 30 * time.Second

// NotificationTemplate is the email template of every notification-table message.
const NotificationTemplate = "notification"

// Note is one notification as its recipients should get it: the action (the wall entry's verb
// and the push's data.action), the id of the object it is about, and the arguments of its
// message (see domain.MsgNotify…), so that its subject and message can be told in each language.
type Note struct {
	Action string
	Object string
	Args   []any
}

// Subject is the note's subject in lang (the email's subject, the push's title).
func (n Note) Subject(l domain.Lang) string {
	return domain.Msg("notify." + n.Action + ".subject").In(l)
}

// Message is the note's message in lang (the wall entry's message, the push's body, in the email's text).
func (n Note) Message(l domain.Lang) string { return domain.Msg("notify."+n.Action, n.Args...).In(l) }

func (n Note) String() string { return fmt.Sprintf("%s on %s", n.Action, n.Object) }

// Channels counts notifications by channel: wall entries, emails, pushes.
type Channels struct{ Wall, Email, Push int }

func (c Channels) atLeast(want Channels) bool {
	return c.Wall >= want.Wall && c.Email >= want.Email && c.Push >= want.Push
}

// LangOf is the language c's requests ask for (its Accept-Language; French without one), which
// is also the language of a person registered through c.
func LangOf(c *Client) domain.Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(c.Lang)), "en") {
		return domain.English
	}
	return domain.French
}

// NewUserIn registers a person with Accept-Language lang ("en-US", "fr-FR") and logs them in;
// the returned client keeps asking for lang.
func (s *Stack) NewUserIn(t testing.TB, lang string) *Client {
	t.Helper()
	c := s.Client(t)
	c.Lang = lang
	c.Email = "user-" + uuid.NewString()[:12] + "@example.com"
	c.Password = "correct horse battery"
	r := c.Post("/security/register", map[string]string{"email": c.Email, "password": c.Password}).Expect(http.StatusCreated)
	c.PersonID = r.Str("id")
	c.Token = c.Post("/security/login", map[string]string{"login": c.Email, "password": c.Password}).Expect(http.StatusOK).Str("accessToken")
	return c
}

// NameOf is how messages name the person of c: their given and family names, or the local part
// of their email when they have none.
func NameOf(c *Client) string {
	c.T.Helper()
	r := c.Get("/people/" + c.PersonID).Expect(http.StatusOK)
	if name := strings.TrimSpace(r.Str("givenName") + " " + r.Str("familyName")); name != "" {
		return name
	}
	local, _, _ := strings.Cut(r.Str("email"), "@")
	return local
}

// OrganizationName reads the name of org as c (a member) sees it.
func (c *Client) OrganizationName(org string) string {
	c.T.Helper()
	return c.Get("/organizations/" + org).Expect(http.StatusOK).Str("name")
}

// Description reads a feedback's description as c sees it.
func (c *Client) Description(feedback string) string {
	c.T.Helper()
	return c.Get("/feedbacks/" + feedback).Expect(http.StatusOK).Str("description")
}

// SetPreferences turns c's email and push notifications on or off.
func (c *Client) SetPreferences(email, push bool) {
	c.T.Helper()
	r := c.Patch("/people/"+c.PersonID, map[string]any{
		"preferencesMessageEmailEnabled": email, "preferencesMessagePushEnabled": push,
	}).Expect(http.StatusOK)
	if r.At("preferences.messageEmailEnabled") != email || r.At("preferences.messagePushEnabled") != push {
		c.T.Fatalf("preferences not changed to email %v, push %v: %s", email, push, r.Body)
	}
}

// AddDevice registers a device of c for pushes and returns its id.
func (c *Client) AddDevice(token, platform string) string {
	c.T.Helper()
	r := c.Post("/people/"+c.PersonID+"/devices", map[string]string{"token": token, "platform": platform}).Expect(http.StatusCreated)
	if r.Str("type") != "Device" || r.Str("id") == "" || r.Str("token") != token {
		c.T.Fatalf("registered device: %s", r.Body)
	}
	return r.Str("id")
}

// Wall reads c's own wall with an optional query ("read=false&order=asc").
func (c *Client) Wall(query string) *Response {
	c.T.Helper()
	path := "/people/" + c.PersonID + "/notifications"
	if query != "" {
		path += "?" + query
	}
	return c.Get(path)
}

// WallEntries reads c's whole wall, every page, newest first.
func (c *Client) WallEntries() []map[string]any {
	c.T.Helper()
	var out []map[string]any
	for page := 1; ; page++ {
		r := c.Wall(fmt.Sprintf("limit=%d&page=%d", domain.MaxLimit, page)).Expect(http.StatusOK)
		items := r.List("_embedded.items")
		for _, it := range items {
			out = append(out, it.(map[string]any))
		}
		if len(items) == 0 || len(out) >= int(r.Num("total")) {
			return out
		}
	}
}

// WallVerbs lists the verbs of c's wall entries, newest first.
func (c *Client) WallVerbs() []string {
	c.T.Helper()
	var out []string
	for _, e := range c.WallEntries() {
		out = append(out, fmt.Sprint(e["verb"]))
	}
	return out
}

// Inbox is everything that reached a person: wall entries (as the person reads them),
// notification emails and pushes.
type Inbox struct {
	Wall   []map[string]any
	Emails []store.Email
	Pushes []store.Push
}

// InboxOf reads what reached the person of c.
func (s *Stack) InboxOf(t testing.TB, c *Client) Inbox {
	t.Helper()
	in := Inbox{Wall: c.WallEntries()}
	emails, err := s.App.Store.EmailsTo(context.Background(), c.Email)
	if err != nil {
		t.Fatalf("read emails to %s: %v", c.Email, err)
	}
	for _, e := range emails {
		if e.Template == NotificationTemplate {
			in.Emails = append(in.Emails, e)
		}
	}
	if in.Pushes, err = s.App.Store.PushesTo(context.Background(), uuid.MustParse(c.PersonID)); err != nil {
		t.Fatalf("read pushes to %s: %v", c.PersonID, err)
	}
	return in
}

// Since is what reached the person after before was read.
func (in Inbox) Since(before Inbox) Inbox {
	seenWall, seenEmail, seenPush := map[any]bool{}, map[uuid.UUID]bool{}, map[string]bool{}
	for _, e := range before.Wall {
		seenWall[e["id"]] = true
	}
	for _, e := range before.Emails {
		seenEmail[e.ID] = true
	}
	for _, p := range before.Pushes {
		seenPush[p.Key] = true
	}
	var out Inbox
	for _, e := range in.Wall {
		if !seenWall[e["id"]] {
			out.Wall = append(out.Wall, e)
		}
	}
	for _, e := range in.Emails {
		if !seenEmail[e.ID] {
			out.Emails = append(out.Emails, e)
		}
	}
	for _, p := range in.Pushes {
		if !seenPush[p.Key] {
			out.Pushes = append(out.Pushes, p)
		}
	}
	return out
}

// Matches counts notifications of an inbox, by channel, as Match finds them.
type Matches struct {
	Exact Channels // n, told in the reader's language
	Any   Channels // n, told in any language
	Kind  Channels // of n's action and object, whatever they say (emails: as Any)
}

// Match counts the notifications of the inbox that are n. A recipient must have as many of
// each sort as expected; someone else none.
func (in Inbox) Match(n Note, lang domain.Lang) Matches {
	var m Matches
	subject, message := n.Subject(lang), n.Message(lang)
	subjects := map[string]bool{n.Subject(domain.French): true, n.Subject(domain.English): true}
	messages := map[any]bool{n.Message(domain.French): true, n.Message(domain.English): true}
	for _, e := range in.Wall {
		obj, _ := e["object"].(map[string]any)
		if e["verb"] != n.Action || obj["id"] != n.Object {
			continue
		}
		m.Kind.Wall++
		if messages[e["message"]] && subjects[fmt.Sprint(e["subject"])] {
			m.Any.Wall++
		}
		if e["message"] == message && e["subject"] == subject {
			m.Exact.Wall++
		}
	}
	for _, e := range in.Emails {
		if !subjects[e.Subject] || !containsAny(e.TextBody, n) {
			continue
		}
		m.Kind.Email++
		m.Any.Email++
		if e.Subject == subject && e.Language == string(lang) && strings.Contains(e.TextBody, message) {
			m.Exact.Email++
		}
	}
	for _, p := range in.Pushes {
		if p.Data["action"] != n.Action || p.Data["id"] != n.Object {
			continue
		}
		m.Kind.Push++
		if messages[p.Body] && subjects[p.Title] {
			m.Any.Push++
		}
		if p.Title == subject && p.Body == message {
			m.Exact.Push++
		}
	}
	return m
}

// containsAny reports whether text holds the note's message in one of the languages.
func containsAny(text string, n Note) bool {
	return strings.Contains(text, n.Message(domain.French)) || strings.Contains(text, n.Message(domain.English))
}

// Describe lists an inbox for a failure message.
func (in Inbox) Describe() string {
	var b strings.Builder
	for _, e := range in.Wall {
		obj, _ := e["object"].(map[string]any)
		fmt.Fprintf(&b, "\n  wall: %v on %v: %q", e["verb"], obj["id"], e["message"])
	}
	for _, e := range in.Emails {
		fmt.Fprintf(&b, "\n  email (%s) %q: %q", e.Language, e.Subject, e.TextBody)
	}
	for _, p := range in.Pushes {
		fmt.Fprintf(&b, "\n  push to %s: %v on %v: %q", p.DeviceID, p.Data["action"], p.Data["id"], p.Body)
	}
	if b.Len() == 0 {
		return " (nothing)"
	}
	return b.String()
}

// Inboxes are people's inboxes by person id, read before an action to tell what it brought.
type Inboxes map[string]Inbox

// Inboxes reads what reached each of people so far.
func (s *Stack) Inboxes(t testing.TB, people ...*Client) Inboxes {
	t.Helper()
	out := Inboxes{}
	for _, c := range people {
		out[c.PersonID] = s.InboxOf(t, c)
	}
	return out
}

// Row is one row of the notification table of lifecycles.md: the channels its notification
// goes out on.
type Row struct{ Push, Wall, Mail bool }

// NotificationTable is the documentation's table (lifecycles.md, Notifications), written out
// here for the tests on their own, so that a wrong row in the service fails them.
var NotificationTable = map[string]Row{
	domain.ActionUserRegistered:     {Mail: true},
	domain.ActionFeedbackCommented:  {Push: true, Wall: true},
	domain.ActionReportCreated:      {Push: true, Wall: true, Mail: true},
	domain.ActionReportAccepted:     {Push: true, Wall: true},
	domain.ActionReportClosed:       {Push: true, Wall: true},
	domain.ActionReportRefused:      {Push: true, Wall: true},
	domain.ActionReportDelegated:    {Push: true, Wall: true, Mail: true},
	domain.ActionDocumentAdded:      {Push: true, Wall: true},
	domain.ActionOperationAssigned:  {Push: true, Wall: true, Mail: true},
	domain.ActionOperationResolved:  {Push: true, Wall: true},
	domain.ActionOperationRemind:    {Push: true, Wall: true},
	domain.ActionOperationCommented: {Push: true, Wall: true},
	domain.ActionFeedbackToReview:   {Push: true, Wall: true},
	// Beyond the documentation's table: a missed service-level deadline reaches admins every way.
	domain.ActionReportOverdue: {Push: true, Wall: true, Mail: true},
}

// ReachFor is what one notification of action brings the person of c: the channels of the
// action's row, as the person's preferences and devices allow (see Reach).
func (s *Stack) ReachFor(t testing.TB, c *Client, action string) Channels {
	t.Helper()
	row, ok := NotificationTable[action]
	if !ok {
		t.Fatalf("no row for %q in testkit.NotificationTable", action)
	}
	all := s.Reach(t, c)
	var want Channels
	if row.Wall {
		want.Wall = all.Wall
	}
	if row.Mail {
		want.Email = all.Email
	}
	if row.Push {
		want.Push = all.Push
	}
	return want
}

// Reach is what a notification sent on every channel would bring the person of c of c's
// application, by their preferences and devices: a wall entry, an email unless they turned
// email off, a push per device of that application unless they turned push off. A row of the
// table uses some of these channels only (ReachFor).
func (s *Stack) Reach(t testing.TB, c *Client) Channels {
	t.Helper()
	r := c.Get("/people/" + c.PersonID).Expect(http.StatusOK)
	want := Channels{Wall: 1}
	if r.At("preferences.messageEmailEnabled") == true {
		want.Email = 1
	}
	if r.At("preferences.messagePushEnabled") == true {
		app, err := s.App.Store.ApplicationByToken(context.Background(), c.App)
		if err != nil {
			t.Fatal(err)
		}
		devices, err := s.App.Store.Devices(context.Background(), uuid.MustParse(c.PersonID), &app.ID)
		if err != nil {
			t.Fatal(err)
		}
		want.Push = len(devices)
	}
	return want
}

// WaitNote waits until the person of c got n (in c's language) on every channel of want,
// counting only what came after before, and returns what came.
func (s *Stack) WaitNote(t testing.TB, c *Client, before Inbox, n Note, want Channels) Inbox {
	t.Helper()
	var got Inbox
	var exact Channels
	ok := Eventually(NotifyTimeout, func() bool {
		got = s.InboxOf(t, c).Since(before)
		exact = got.Match(n, LangOf(c)).Exact
		return exact.atLeast(want)
	})
	if !ok {
		t.Fatalf("%s (%s): got %+v of %s, want %+v; received:%s", c.Email, LangOf(c), exact, n, want, got.Describe())
	}
	return got
}

// Expect is what a notification should do: reach exactly the people of To, each once on each
// channel of its row that their preferences and devices allow (or as Want says), and none of NotTo.
type Expect struct {
	Note  Note
	To    []*Client
	NotTo []*Client
	Want  map[*Client]Channels // what a recipient gets, when not what Reach says
}

// ExpectNotes checks the notifications an action made since before (see Inboxes): each
// recipient gets the note, in their language, on the channels expected; then a later, unrelated
// notification is sent to everyone concerned and waited for, so that a duplicate or a stray
// notification of the action would have arrived by then; and then counts must be exact: each
// recipient got it once per channel, told once in any language, and nothing else of its action
// and object (unless expected too); the others got none of it.
func (s *Stack) ExpectNotes(t testing.TB, before Inboxes, exps ...Expect) {
	t.Helper()
	want := func(e Expect, c *Client) Channels {
		if w, ok := e.Want[c]; ok {
			return w
		}
		return s.ReachFor(t, c, e.Note.Action)
	}
	type kindOf struct{ person, action, object string }
	kinds := map[kindOf]Channels{} // what each person should get of an action and object, in all
	var everyone []*Client
	seen := map[string]bool{}
	for _, e := range exps {
		for _, c := range append(append([]*Client{}, e.To...), e.NotTo...) {
			if !seen[c.PersonID] {
				seen[c.PersonID] = true
				everyone = append(everyone, c)
			}
		}
		for _, c := range e.To {
			w := want(e, c)
			k := kindOf{c.PersonID, e.Note.Action, e.Note.Object}
			kinds[k] = Channels{Wall: kinds[k].Wall + w.Wall, Email: kinds[k].Email + w.Email, Push: kinds[k].Push + w.Push}
			s.WaitNote(t, c, before[c.PersonID], e.Note, w)
		}
	}
	s.Sentinel(t, everyone...)
	for _, e := range exps {
		for _, c := range e.To {
			got := s.InboxOf(t, c).Since(before[c.PersonID])
			m, w := got.Match(e.Note, LangOf(c)), want(e, c)
			if kind := kinds[kindOf{c.PersonID, e.Note.Action, e.Note.Object}]; m.Exact != w || m.Any != w || m.Kind.Wall != kind.Wall || m.Kind.Push != kind.Push {
				t.Errorf("%s (%s): got %s: %+v told in their language, %+v in any, %+v of its action and object; want %+v; received:%s",
					c.Email, LangOf(c), e.Note, m.Exact, m.Any, m.Kind, w, got.Describe())
			}
		}
		for _, c := range e.NotTo {
			got := s.InboxOf(t, c).Since(before[c.PersonID])
			m := got.Match(e.Note, LangOf(c))
			_, expected := kinds[kindOf{c.PersonID, e.Note.Action, e.Note.Object}]
			if m.Any != (Channels{}) || !expected && m.Kind != (Channels{}) {
				t.Errorf("%s is not a recipient of %s but got %+v of it (%+v of its action and object); received:%s",
					c.Email, e.Note, m.Any, m.Kind, got.Describe())
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// Sentinel sends people a notification of their own (a comment on a public feedback they
// support, from a desk of its own) and waits until each has it on every channel they should
// (wall and push): whatever an earlier action was going to send them has been sent by then.
func (s *Stack) Sentinel(t testing.TB, people ...*Client) {
	t.Helper()
	d := s.NewDesk(t, "Témoin")
	description := Unique("Témoin ")
	f := d.Citizen.Issue(d.Inside(), Visibility(true, description))
	before := Inboxes{}
	for _, c := range people {
		before[c.PersonID] = s.InboxOf(t, c)
		c.Post("/feedbacks/"+f+"/contributions", nil).Expect(http.StatusCreated)
	}
	text := Unique("Vu ")
	d.Citizen.Post("/feedbacks/"+f+"/comments", map[string]string{"text": text}).Expect(http.StatusCreated)
	n := Note{Action: domain.ActionFeedbackCommented, Object: f, Args: []any{NameOf(d.Citizen), description, text}}
	for _, c := range people {
		s.WaitNote(t, c, before[c.PersonID], n, s.ReachFor(t, c, n.Action))
	}
}
