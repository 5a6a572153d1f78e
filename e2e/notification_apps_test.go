package e2e

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// A notification belongs to the application of the object it is about: another application's
// wall does not list it, cannot mark it read, and its pushes go only to the devices registered
// through that application.

const cityApp = "com.keyclic.city"

// cityDesk is an organization of com.keyclic.city with a square place, administered by a new
// person; it returns the admin (as a city client) and a point inside the place.
func cityDesk(t *testing.T, name string) (*testkit.Client, testkit.LatLon) {
	t.Helper()
	admin := asApp(stack.NewUser(t), cityApp)
	org := admin.CreateOrganizationIn(testkit.Unique(name+" "), testkit.BusinessActivityRoads)
	corner := testkit.RandomArea()
	admin.CreatePlace(org, testkit.Unique("Place "), testkit.Box(corner.Lat, corner.Lon, corner.Lat+0.1, corner.Lon+0.1))
	return admin, corner.Offset(0.05, 0.05)
}

// commentedIssue has reporter post a public feedback at p and a new person of the reporter's
// application comment on it; it waits until the comment is on the reporter's wall as the
// reporter's application shows it, and returns the feedback and the note.
func commentedIssue(t *testing.T, reporter *testkit.Client, p testkit.LatLon, want testkit.Channels) (string, testkit.Note) {
	t.Helper()
	description := testkit.Unique("Lampadaire ")
	f := reporter.Issue(p, testkit.Visibility(true, description))
	commenter := asApp(stack.NewUser(t), reporter.App)
	before := stack.InboxOf(t, reporter)
	text := commentFeedback(commenter, f)
	n := note(domain.ActionFeedbackCommented, f, testkit.NameOf(commenter), description, text)
	stack.WaitNote(t, reporter, before, n, want)
	return f, n
}

// wallEntryAbout finds the id of the entry of c's wall about object, as c's application lists it.
func wallEntryAbout(c *testkit.Client, object string) string {
	c.T.Helper()
	for _, e := range c.WallEntries() {
		if obj, _ := e["object"].(map[string]any); obj["id"] == object {
			return e["id"].(string)
		}
	}
	c.T.Fatalf("no entry about %s on the wall of %s in %s", object, c.Email, c.App)
	return ""
}

func TestNotificationsStayInTheirApplication(t *testing.T) {
	u := stack.NewUser(t) // com.keyclic.app
	city := asApp(u, cityApp)

	// A comment on u's feedback in each application.
	fApp, _ := commentedIssue(t, u, stack.NewDesk(t, "Mur app").Inside(), testkit.Channels{Wall: 1})
	_, cityPoint := cityDesk(t, "Mur city")
	fCity, _ := commentedIssue(t, city, cityPoint, testkit.Channels{Wall: 1})
	inApp, inCity := wallEntryAbout(u, fApp), wallEntryAbout(city, fCity)

	// Each application lists its own entry, not the other's.
	expectWall(t, u, "", inApp)
	expectWall(t, city, "", inCity)
	expectWall(t, city, "read=false", inCity)

	// The other application's entry cannot be marked: the same 404 as an entry that does not exist.
	path := "/people/" + u.PersonID + "/notifications/"
	unknown := city.Patch(path+uuid.NewString(), map[string]any{"read": true}).ExpectError(http.StatusNotFound)
	for _, tc := range []struct {
		c     *testkit.Client
		entry string
	}{{city, inApp}, {u, inCity}} {
		for _, read := range []bool{true, false} {
			r := tc.c.Patch(path+tc.entry, map[string]any{"read": read}).ExpectError(http.StatusNotFound)
			if r.Str("message") != unknown.Str("message") {
				t.Fatalf("%s marking another application's entry: %s, want the answer to an unknown entry: %s", tc.c.App, r.Body, unknown.Body)
			}
		}
	}
	// Nothing changed: every entry is still unread, in each application.
	expectWall(t, u, "read=false", inApp)
	expectWall(t, city, "read=false", inCity)

	// All read in the city application: its entry, not the other application's.
	city.Post("/people/"+u.PersonID+"/notifications/read", nil).Expect(http.StatusNoContent)
	expectWall(t, city, "read=false")
	expectWall(t, city, "read=true", inCity)
	expectWall(t, u, "read=false", inApp)
	expectWall(t, u, "read=true")

	// In its own application the entry is marked as before.
	if r := u.Patch(path+inApp, map[string]any{"read": true}).Expect(http.StatusOK); r.Str("id") != inApp || r.At("read") != true {
		t.Fatalf("marked read in its application: %s", r.Body)
	}
	expectWall(t, u, "read=false")
	expectWall(t, city, "read=true", inCity)
}

// Push tokens are issued per application installation: a device belongs to the application it
// was registered through, receives the pushes of that application only, and is removed there.
func TestDevicesBelongToTheirApplication(t *testing.T) {
	u := stack.NewUser(t)
	city := asApp(u, cityApp)
	appDevice := u.AddDevice(testkit.Unique("token-app-"), "ios")
	cityDevice := city.AddDevice(testkit.Unique("token-city-"), "android")

	// A notification of each application is pushed to that application's device alone.
	_, appNote := commentedIssue(t, u, stack.NewDesk(t, "Push app").Inside(), testkit.Channels{Wall: 1, Push: 1})
	_, cityPoint := cityDesk(t, "Push city")
	_, cityNote := commentedIssue(t, city, cityPoint, testkit.Channels{Wall: 1, Push: 1})
	// A later notification (com.keyclic.app) has arrived on every channel: pushes of the two
	// above, had they gone to more devices, would have been written by then.
	stack.Sentinel(t, u)
	all := stack.InboxOf(t, u)
	if got := pushDevices(all, appNote); !slices.Equal(got, []string{appDevice}) {
		t.Fatalf("pushes of %s went to %v, want only the app's device %s", appNote, got, appDevice)
	}
	if got := pushDevices(all, cityNote); !slices.Equal(got, []string{cityDevice}) {
		t.Fatalf("pushes of %s went to %v, want only the city's device %s", cityNote, got, cityDevice)
	}

	// Another application's device is not found there; each is removed in its own.
	for _, tc := range []struct {
		c      *testkit.Client
		device string
	}{{city, appDevice}, {u, cityDevice}} {
		tc.c.Delete("/people/" + u.PersonID + "/devices/" + tc.device).ExpectError(http.StatusNotFound)
	}
	u.Delete("/people/" + u.PersonID + "/devices/" + appDevice).Expect(http.StatusNoContent)
	city.Delete("/people/" + u.PersonID + "/devices/" + cityDevice).Expect(http.StatusNoContent)
}
