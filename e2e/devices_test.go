package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// pushDevices lists the devices the pushes of n went to, sorted.
func pushDevices(in testkit.Inbox, n testkit.Note) []string {
	out := []string{}
	for _, p := range in.Pushes {
		if p.Data["action"] == n.Action && p.Data["id"] == n.Object {
			out = append(out, p.DeviceID.String())
		}
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestDevices(t *testing.T) {
	u, other := stack.NewUser(t), stack.NewUser(t)
	path := "/people/" + u.PersonID + "/devices"

	// Registered: 201 with the device.
	token := testkit.Unique("fcm-")
	r := u.Post(path, map[string]string{"token": token, "platform": "android"}).Expect(http.StatusCreated)
	first := r.Str("id")
	if r.Str("type") != "Device" || first == "" || r.Str("token") != token || r.Str("platform") != "android" ||
		r.Str("_links.self.href") != path+"/"+first || r.Str("_links.person.href") != "/people/"+u.PersonID {
		t.Fatalf("registered device: %s", r.Body)
	}
	// The same token again is the same device.
	r = u.Post(path, map[string]string{"token": token, "platform": "android"}).Expect(http.StatusCreated)
	if r.Str("id") != first || r.Str("token") != token {
		t.Fatalf("same token registered again: %s, want device %s", r.Body, first)
	}
	// Another token (the platform is optional) is another device.
	second := u.Post(path, map[string]string{"token": testkit.Unique("apns-")}).Expect(http.StatusCreated).Str("id")
	if second == "" || second == first {
		t.Fatalf("second device %q, first %q", second, first)
	}
	// The same token for another person is that person's own device.
	othersDevice := other.AddDevice(token, "android")
	if othersDevice == first || othersDevice == second {
		t.Fatalf("another person's device with the same token: %s", othersDevice)
	}

	// Refused: no token (400), someone else's devices (403), unknown people (404), anonymous (401).
	for _, body := range []any{map[string]any{}, map[string]any{"token": ""}, map[string]any{"token": "  "}, map[string]any{"token": nil},
		map[string]any{"platform": "ios"}, map[string]any{"token": 42}} {
		u.Post(path, body).ExpectError(http.StatusBadRequest, "token")
	}
	u.Post(path, map[string]string{"token": testkit.Unique("t-"), "platform": strings.Repeat("x", 51)}).ExpectError(http.StatusBadRequest, "platform")
	u.Post(path, `{"token": `).ExpectError(http.StatusBadRequest)
	other.Post(path, map[string]string{"token": testkit.Unique("t-")}).ExpectError(http.StatusForbidden)
	other.Delete(path + "/" + first).ExpectError(http.StatusForbidden)
	other.Post("/people/"+uuid.NewString()+"/devices", map[string]string{"token": "t"}).ExpectError(http.StatusNotFound)
	stack.Client(t).Post(path, map[string]string{"token": "t"}).ExpectError(http.StatusUnauthorized)

	// A notification is pushed once to each device (the token registered twice is one device).
	d := stack.NewDesk(t, "Appareils")
	description := testkit.Unique("Feu tricolore ")
	f := u.Issue(d.Inside(), testkit.Visibility(true, description))
	commenter := stack.NewUser(t)
	before := stack.Inboxes(t, u, commenter)
	text := commentFeedback(commenter, f)
	n := note(domain.ActionFeedbackCommented, f, testkit.NameOf(commenter), description, text)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(u), NotTo: people(commenter),
		Want: map[*testkit.Client]testkit.Channels{u: {Wall: 1, Push: 2}}})
	if got, want := pushDevices(stack.InboxOf(t, u).Since(before[u.PersonID]), n), sorted(first, second); !slices.Equal(got, want) {
		t.Fatalf("pushes went to %v, want %v", got, want)
	}

	// Removed: 204, then 404; unknown and malformed devices, or another person's, 404.
	u.Delete(path + "/" + second).Expect(http.StatusNoContent)
	u.Delete(path + "/" + second).ExpectError(http.StatusNotFound)
	u.Delete(path + "/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	u.Delete(path + "/nope").ExpectError(http.StatusNotFound)
	u.Delete(path + "/" + othersDevice).ExpectError(http.StatusNotFound)
	other.Delete("/people/" + other.PersonID + "/devices/" + othersDevice).Expect(http.StatusNoContent)

	// A removed device gets no more pushes.
	before = stack.Inboxes(t, u, commenter)
	text = commentFeedback(commenter, f)
	n = note(domain.ActionFeedbackCommented, f, testkit.NameOf(commenter), description, text)
	stack.ExpectNotes(t, before, testkit.Expect{Note: n, To: people(u), NotTo: people(commenter),
		Want: map[*testkit.Client]testkit.Channels{u: {Wall: 1, Push: 1}}})
	if got := pushDevices(stack.InboxOf(t, u).Since(before[u.PersonID]), n); !slices.Equal(got, []string{first}) {
		t.Fatalf("pushes after removing a device went to %v, want only %s", got, first)
	}
}
