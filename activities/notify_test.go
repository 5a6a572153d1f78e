package activities_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// keyclicApp and cityApp are the ids of the com.keyclic.app and com.keyclic.city applications
// every database starts with.
var (
	keyclicApp = uuid.MustParse("0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000001")
	cityApp    = uuid.MustParse("0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000002")
)

// countingPush is a push sender that counts what it sends, failing once for the devices in failOnce.
type countingPush struct {
	mu       sync.Mutex
	sent     map[uuid.UUID]int // by device
	failOnce map[uuid.UUID]bool
}

func (p *countingPush) Send(_ context.Context, d store.Device, _, _ string, _ map[string]any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failOnce[d.ID] {
		delete(p.failOnce, d.ID)
		return errors.New("push service unavailable")
	}
	p.sent[d.ID]++
	return nil
}

func (*countingPush) Records() bool { return false }

// notifyFixture is a database with a public feedback: its reporter (two devices), a supporter
// (one device) and a commenter (one device), and activities pushing through a counting sender.
type notifyFixture struct {
	t                              *testing.T
	ctx                            context.Context
	st                             *store.Store
	acts                           *activities.Activities
	push                           *countingPush
	reporter, supporter, commenter domain.Person
	devices                        map[uuid.UUID][]store.Device
	feedback                       domain.Feedback
}

func newNotifyFixture(t *testing.T) *notifyFixture {
	t.Helper()
	st := testkit.StoreForTest(t)
	f := &notifyFixture{t: t, ctx: context.Background(), st: st, push: &countingPush{sent: map[uuid.UUID]int{}, failOnce: map[uuid.UUID]bool{}},
		devices: map[uuid.UUID][]store.Device{}}
	f.acts = &activities.Activities{Store: st, Mailer: activities.RecordingMailer{Log: testkit.Logger()}, Push: f.push, Log: testkit.Logger(), Now: time.Now}
	f.reporter = f.person("reporter@example.com", 2)
	f.supporter = f.person("supporter@example.com", 1)
	f.commenter = f.person("commenter@example.com", 1)
	f.feedback = domain.Feedback{ID: uuid.New(), ApplicationID: keyclicApp, ReporterID: f.reporter.ID, Description: "Banc cassé",
		Point: domain.Point{Latitude: 44.84, Longitude: -0.58}, Public: true, State: domain.FeedbackDelivered, CreatedAt: time.Now()}
	if err := st.InsertFeedback(f.ctx, f.feedback, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddContribution(f.ctx, uuid.Nil, f.feedback.ID, f.supporter.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddFeedbackComment(f.ctx, uuid.Nil, f.feedback.ID, f.commenter.ID, "Pareil devant chez moi", time.Now()); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *notifyFixture) person(email string, devices int) domain.Person {
	f.t.Helper()
	p, err := f.st.CreatePerson(f.ctx, domain.Person{ID: uuid.New(), Email: email, PasswordHash: "hash", Language: domain.French})
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i < devices; i++ {
		d, err := f.st.AddDevice(f.ctx, store.Device{ID: uuid.New(), PersonID: p.ID, Token: uuid.NewString(), Platform: "android"})
		if err != nil {
			f.t.Fatal(err)
		}
		f.devices[p.ID] = append(f.devices[p.ID], d)
	}
	return p
}

// comment is the notice of a comment on the feedback by the commenter.
func (f *notifyFixture) comment() domain.Notice {
	return domain.Notice{Action: domain.ActionFeedbackCommented, Key: "feedback-comment/" + uuid.NewString(),
		ActorID: &f.commenter.ID, FeedbackID: &f.feedback.ID, Text: "Pareil devant chez moi"}
}

// received counts what reached p: wall entries, notification emails, recorded pushes.
func (f *notifyFixture) received(p domain.Person) testkit.Channels {
	f.t.Helper()
	_, wall, err := f.st.Wall(f.ctx, p.ID, keyclicApp, nil, domain.Page{Page: 1, Limit: domain.MaxLimit, Desc: true})
	if err != nil {
		f.t.Fatal(err)
	}
	emails, err := f.st.EmailsTo(f.ctx, p.Email)
	if err != nil {
		f.t.Fatal(err)
	}
	pushes, err := f.st.PushesTo(f.ctx, p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return testkit.Channels{Wall: wall, Email: len(emails), Push: len(pushes)}
}

// sent counts the pushes the sender accepted for p's devices, each device at most once.
func (f *notifyFixture) sent(p domain.Person) (total int) {
	f.t.Helper()
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	for _, d := range f.devices[p.ID] {
		if n := f.push.sent[d.ID]; n != 1 {
			f.t.Errorf("%s's device %s was sent %d pushes, want 1", p.Email, d.ID, n)
		}
		total += f.push.sent[d.ID]
	}
	return total
}

func (f *notifyFixture) expect(p domain.Person, want testkit.Channels) {
	f.t.Helper()
	if got := f.received(p); got != want {
		f.t.Errorf("%s received %+v, want %+v", p.Email, got, want)
	}
}

func TestNotifyTwiceAddsNothing(t *testing.T) {
	f := newNotifyFixture(t)
	comment := f.comment()
	welcome := domain.Notice{Action: domain.ActionUserRegistered, Key: "registered/" + f.reporter.ID.String(), PersonID: &f.reporter.ID}
	for i := 0; i < 2; i++ {
		for _, n := range []domain.Notice{comment, welcome} {
			if err := f.acts.Notify(f.ctx, activities.NotifyInput{Notice: n}); err != nil {
				t.Fatalf("call %d of %s: %v", i+1, n.Action, err)
			}
		}
		// Each recipient has each notice once per channel of its row and device, after either
		// call (the comment on the wall and by push, the welcome by email only); the commenter,
		// who acted, has nothing.
		f.expect(f.reporter, testkit.Channels{Wall: 1, Email: 1, Push: 2})
		f.expect(f.supporter, testkit.Channels{Wall: 1, Push: 1})
		f.expect(f.commenter, testkit.Channels{})
	}
	// The sender was asked once per device and notice: nothing was handed to it again.
	f.push.mu.Lock()
	for _, d := range f.devices[f.reporter.ID] {
		if n := f.push.sent[d.ID]; n != 1 {
			t.Errorf("reporter's device %s was sent %d pushes, want 1 (the comment; the welcome is an email only)", d.ID, n)
		}
	}
	f.push.mu.Unlock()
	if n := f.sent(f.supporter); n != 1 {
		t.Errorf("supporter's pushes sent: %d, want 1", n)
	}
	if n := f.push.sent[f.devices[f.commenter.ID][0].ID]; n != 0 {
		t.Errorf("the commenter's device was sent %d pushes", n)
	}
}

func TestNotifyRetryReachesTheDevicesAFailureSkipped(t *testing.T) {
	f := newNotifyFixture(t)
	// The reporter's second device cannot be reached at the first attempt.
	f.push.failOnce[f.devices[f.reporter.ID][1].ID] = true
	n := f.comment()
	if err := f.acts.Notify(f.ctx, activities.NotifyInput{Notice: n}); err == nil {
		t.Fatal("a failed push did not fail the attempt, so it would not be retried")
	}
	// The retry (the activity's next attempt) sends what is missing, and nothing twice.
	for i := 0; i < 2; i++ {
		if err := f.acts.Notify(f.ctx, activities.NotifyInput{Notice: n}); err != nil {
			t.Fatalf("retry %d: %v", i+1, err)
		}
	}
	f.expect(f.reporter, testkit.Channels{Wall: 1, Push: 2})
	f.expect(f.supporter, testkit.Channels{Wall: 1, Push: 1})
	f.expect(f.commenter, testkit.Channels{})
	if got := f.sent(f.reporter); got != 2 {
		t.Errorf("reporter's pushes sent: %d, want one per device", got)
	}
	if got := f.sent(f.supporter); got != 1 {
		t.Errorf("supporter's pushes sent: %d, want 1", got)
	}
}

// A wall entry belongs to the application of the object it is about, which the activity finds
// from the object itself; its pushes go to that application's devices and to those registered
// before devices had one. The welcome, about the account, is an email only: no wall, no device.
func TestNotifyKeepsTheObjectsApplication(t *testing.T) {
	f := newNotifyFixture(t)
	device := func(app uuid.UUID) store.Device {
		d, err := f.st.AddDevice(f.ctx, store.Device{ID: uuid.New(), PersonID: f.reporter.ID, ApplicationID: &app, Token: uuid.NewString()})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	appDevice, cityDevice := device(keyclicApp), device(cityApp)
	welcome := domain.Notice{Action: domain.ActionUserRegistered, Key: "registered/" + f.reporter.ID.String(), PersonID: &f.reporter.ID}
	for _, n := range []domain.Notice{f.comment(), welcome} {
		if err := f.acts.Notify(f.ctx, activities.NotifyInput{Notice: n}); err != nil {
			t.Fatalf("%s: %v", n.Action, err)
		}
	}

	wall := func(app uuid.UUID) map[string]*uuid.UUID {
		entries, _, err := f.st.Wall(f.ctx, f.reporter.ID, app, nil, domain.Page{Page: 1, Limit: domain.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*uuid.UUID{}
		for _, e := range entries {
			out[e.Action] = e.ApplicationID
		}
		return out
	}
	if got := wall(keyclicApp); len(got) != 1 || got[domain.ActionFeedbackCommented] == nil ||
		*got[domain.ActionFeedbackCommented] != keyclicApp {
		t.Errorf("wall in the feedback's application: %v, want the comment (of that application) only", got)
	}
	if got := wall(cityApp); len(got) != 0 {
		t.Errorf("wall in another application: %v, want nothing", got)
	}

	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	want := map[uuid.UUID]int{appDevice.ID: 1, cityDevice.ID: 0}
	for _, d := range f.devices[f.reporter.ID] { // registered with no application
		want[d.ID] = 1
	}
	for id, n := range want {
		if f.push.sent[id] != n {
			t.Errorf("device %s was sent %d pushes, want %d (app device %s, city device %s)", id, f.push.sent[id], n, appDevice.ID, cityDevice.ID)
		}
	}
}
