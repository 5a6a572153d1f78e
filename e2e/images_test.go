package e2e

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// expectImage fetches an image and checks its type and size.
func expectImage(t *testing.T, c *testkit.Client, path, contentType, format string, width, height int) *testkit.Response {
	t.Helper()
	r := c.Get(path).Expect(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != contentType {
		t.Fatalf("%s: Content-Type %q, want %q", path, ct, contentType)
	}
	f, w, h := r.DecodeImage()
	if f != format || w != width || h != height {
		t.Fatalf("%s: %s %dx%d, want %s %dx%d", path, f, w, h, format, width, height)
	}
	return r
}

// badImages are data URIs the service must refuse.
func badImages(t *testing.T) map[string]string {
	text := []byte("Bonjour, ceci n'est pas une image.\n")
	png := testkit.PNG(t, 4, 4)
	return map[string]string{
		"empty":             "",
		"not a data URI":    "https://example.com/picture.png",
		"raw base64":        base64.StdEncoding.EncodeToString(png),
		"not base64 marked": "data:image/png," + string(png[:8]),
		"bad base64":        "data:image/png;base64,***not base64***",
		"text file":         testkit.DataURI("text/plain", text),
		"text as png":       testkit.DataURI("image/png", text),
		"truncated png":     testkit.DataURI("image/png", png[:30]),
		"gif":               testkit.DataURI("image/gif", testkit.GIF(t, 10, 10)),
		"gif labelled png":  testkit.DataURI("image/png", testkit.GIF(t, 10, 10)),
		"huge canvas":       testkit.DataURI("image/png", testkit.HugePNG(t, 30000, 30000)),
		"svg":               testkit.DataURI("image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)),
	}
}

func TestPersonImage(t *testing.T) {
	u := stack.NewUser(t)
	me := "/people/" + u.PersonID
	u.Get(me + "/image/100/100").ExpectError(http.StatusNotFound)

	original := testkit.PNG(t, 400, 200)
	r := u.Patch(me, map[string]any{"image": testkit.DataURI("image/png", original)}).Expect(http.StatusOK)
	link := r.Str("_links.image.href")
	if !strings.HasPrefix(link, me+"/image/") {
		t.Fatalf("image link %q: %s", link, r.Body)
	}
	if got := u.Get(me).Expect(http.StatusOK).Str("_links.image.href"); got != link {
		t.Fatalf("image link read back %q, want %q", got, link)
	}
	expectImage(t, u, link, "image/png", "png", 200, 100) // the link works as given

	// scaled to fit in the box, aspect kept
	expectImage(t, u, me+"/image/100/100", "image/png", "png", 100, 50)
	expectImage(t, u, me+"/image/100/1000", "image/png", "png", 100, 50)
	expectImage(t, u, me+"/image/1000/50", "image/png", "png", 100, 50)
	expectImage(t, u, me+"/image/3/3", "image/png", "png", 3, 2)
	// never enlarged
	full := expectImage(t, u, me+"/image/1000/1000", "image/png", "png", 400, 200)
	if !bytes.Equal(full.Body, original) {
		t.Fatalf("the unscaled image differs from the upload")
	}
	expectImage(t, u, me+"/image/400/200", "image/png", "png", 400, 200)
	// anyone signed in can see someone's picture
	expectImage(t, stack.NewUser(t), me+"/image/40/40", "image/png", "png", 40, 20)

	for _, size := range []string{"0/100", "100/0", "99999/100", "100/99999", "abc/100", "-5/100", "1.5/100"} {
		u.Get(me + "/image/" + size).ExpectError(http.StatusBadRequest)
	}
	u.Get(me+"/image/0/100").ExpectError(http.StatusBadRequest, "width")
	u.Get(me+"/image/100/99999").ExpectError(http.StatusBadRequest, "height")
	u.Get("/people/" + uuid.NewString() + "/image/100/100").ExpectError(http.StatusNotFound)
	u.Get("/people/nobody/image/100/100").ExpectError(http.StatusNotFound)
	stack.NewUser(t).With(func(c *testkit.Client) { c.Token = "" }).Get(me + "/image/100/100").ExpectError(http.StatusUnauthorized)

	// a JPEG replaces the PNG and is served as a JPEG
	u.Patch(me, map[string]any{"image": testkit.DataURI("image/jpeg", testkit.JPEG(t, 90, 180))}).Expect(http.StatusOK)
	expectImage(t, u, me+"/image/50/50", "image/jpeg", "jpeg", 25, 50)
	// the label is not trusted: the bytes decide the type
	u.Patch(me, map[string]any{"image": testkit.DataURI("image/jpeg", original)}).Expect(http.StatusOK)
	expectImage(t, u, me+"/image/100/100", "image/png", "png", 100, 50)
	// clients that strip the base64 padding are accepted
	unpadded := strings.TrimRight(testkit.DataURI("image/png", testkit.PNG(t, 31, 17)), "=")
	u.Patch(me, map[string]any{"image": unpadded}).Expect(http.StatusOK)
	expectImage(t, u, me+"/image/1000/1000", "image/png", "png", 31, 17)
}

func TestPersonImageRefused(t *testing.T) {
	u := stack.NewUser(t)
	me := "/people/" + u.PersonID
	for name, uri := range badImages(t) {
		t.Run(name, func(t *testing.T) {
			u := u.With(func(c *testkit.Client) { c.T = t })
			u.Patch(me, map[string]any{"image": uri}).ExpectError(http.StatusBadRequest, "image")
		})
	}
	u.Patch(me, map[string]any{"image": 12}).ExpectError(http.StatusBadRequest, "image")
	// nothing was stored
	if r := u.Get(me).Expect(http.StatusOK); r.At("_links.image") != nil {
		t.Fatalf("a refused upload left an image link: %s", r.Body)
	}
	u.Get(me + "/image/100/100").ExpectError(http.StatusNotFound)

	// with a picture in place, a refused upload keeps it, and the other fields of the request are not applied
	u.Patch(me, map[string]any{"image": testkit.PNGDataURI(t, 60, 30), "givenName": "Before"}).Expect(http.StatusOK)
	u.Patch(me, map[string]any{"image": testkit.DataURI("image/gif", testkit.GIF(t, 10, 10)), "givenName": "After"}).
		ExpectError(http.StatusBadRequest, "image")
	expectImage(t, u, me+"/image/1000/1000", "image/png", "png", 60, 30)
	if got := u.Get(me).Expect(http.StatusOK).Str("givenName"); got != "Before" {
		t.Fatalf("a refused request changed givenName to %q", got)
	}
}

func TestOrganizationLogo(t *testing.T) {
	admin := stack.NewUser(t)
	name := testkit.Unique("Logo ")
	r := admin.Post("/organizations", map[string]any{
		"name": name, "businessActivity": testkit.BusinessActivityRoads, "logo": testkit.PNGDataURI(t, 300, 300),
	}).Expect(http.StatusCreated)
	org := r.Str("id")
	logo := "/organizations/" + org + "/logo/"
	if link := r.Str("_links.logo.href"); !strings.HasPrefix(link, logo) {
		t.Fatalf("logo link %q: %s", link, r.Body)
	}
	expectImage(t, admin, logo+"50/50", "image/png", "png", 50, 50)
	expectImage(t, admin, logo+"1000/1000", "image/png", "png", 300, 300)
	expectImage(t, admin, r.Str("_links.logo.href"), "image/png", "png", 200, 200)
	// logos are public to the application's users
	expectImage(t, stack.NewUser(t), logo+"20/10", "image/png", "png", 10, 10)
	admin.Get(logo+"0/50").ExpectError(http.StatusBadRequest, "width")
	admin.Get(logo+"50/5000").ExpectError(http.StatusBadRequest, "height")
	inCity(admin).Get(logo + "50/50").ExpectError(http.StatusNotFound)
	admin.Get("/organizations/" + uuid.NewString() + "/logo/50/50").ExpectError(http.StatusNotFound)
	admin.Get("/organizations/nope/logo/50/50").ExpectError(http.StatusNotFound)

	// an organization without logo, given one by PATCH
	plain := admin.CreateOrganization(testkit.Unique("Sans logo "))
	plainLogo := "/organizations/" + plain + "/logo/"
	if r := admin.Get("/organizations/" + plain).Expect(http.StatusOK); r.At("_links.logo") != nil {
		t.Fatalf("an organization without logo has a logo link: %s", r.Body)
	}
	admin.Get(plainLogo + "50/50").ExpectError(http.StatusNotFound)
	r = admin.Patch("/organizations/"+plain, map[string]any{"logo": testkit.DataURI("image/jpeg", testkit.JPEG(t, 200, 100))}).Expect(http.StatusOK)
	if !strings.HasPrefix(r.Str("_links.logo.href"), plainLogo) {
		t.Fatalf("logo link after PATCH: %s", r.Body)
	}
	expectImage(t, admin, plainLogo+"50/50", "image/jpeg", "jpeg", 50, 25)

	// the logo changes with a later PATCH, and other patches keep it
	admin.Patch("/organizations/"+plain, map[string]any{"logo": testkit.PNGDataURI(t, 40, 80)}).Expect(http.StatusOK)
	expectImage(t, admin, plainLogo+"1000/1000", "image/png", "png", 40, 80)
	admin.Patch("/organizations/"+plain, map[string]any{"description": "keeps its logo"}).Expect(http.StatusOK)
	expectImage(t, admin, plainLogo+"20/20", "image/png", "png", 10, 20)
}

func TestOrganizationLogoRefused(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.Post("/organizations", map[string]any{
		"name": testkit.Unique("Logo refusé "), "businessActivity": testkit.BusinessActivityRoads, "logo": testkit.PNGDataURI(t, 64, 32),
	}).Expect(http.StatusCreated).Str("id")
	path := "/organizations/" + org
	before := admin.Get(path).Expect(http.StatusOK)
	beforeLogo := admin.Get(path + "/logo/1000/1000").Expect(http.StatusOK).Body

	for name, uri := range badImages(t) {
		if uri == "" {
			continue // an empty logo means "no change"
		}
		t.Run(name, func(t *testing.T) {
			admin := admin.With(func(c *testkit.Client) { c.T = t })
			created := testkit.Unique("Logo invalide ")
			admin.Post("/organizations", map[string]any{"name": created, "businessActivity": testkit.BusinessActivityRoads, "logo": uri}).
				ExpectError(http.StatusBadRequest, "logo")
			if n := countOrganizationsNamed(admin, created); n != 0 {
				t.Fatalf("a refused creation made %d organizations", n)
			}
			admin.Patch(path, map[string]any{"logo": uri, "name": "Renamed"}).ExpectError(http.StatusBadRequest, "logo")
		})
	}
	// both errors are reported at once
	admin.Post("/organizations", map[string]any{"businessActivity": testkit.BusinessActivityRoads, "logo": "nope"}).
		ExpectError(http.StatusBadRequest, "name", "logo")

	// nobody but an admin changes the logo
	member := stack.NewUser(t)
	admin.AddMember(org, member.PersonID, roleOperator)
	member.Patch(path, map[string]any{"logo": testkit.PNGDataURI(t, 5, 5)}).ExpectError(http.StatusForbidden)
	stack.NewUser(t).Patch(path, map[string]any{"logo": testkit.PNGDataURI(t, 5, 5)}).ExpectError(http.StatusForbidden)

	assertSameOrganization(t, before, admin.Get(path).Expect(http.StatusOK))
	if after := admin.Get(path + "/logo/1000/1000").Expect(http.StatusOK).Body; !bytes.Equal(after, beforeLogo) {
		t.Fatalf("a refused request changed the logo")
	}
	expectImage(t, admin, path+"/logo/1000/1000", "image/png", "png", 64, 32)
}

// TestImageSizeLimits checks the bounds of the requested box.
func TestImageSizeLimits(t *testing.T) {
	u := stack.NewUser(t)
	me := "/people/" + u.PersonID
	u.Patch(me, map[string]any{"image": testkit.PNGDataURI(t, 10, 10)}).Expect(http.StatusOK)
	expectImage(t, u, me+"/image/4096/4096", "image/png", "png", 10, 10)
	u.Get(me+"/image/4097/4096").ExpectError(http.StatusBadRequest, "width")
	u.Get(me+"/image/0/0").ExpectError(http.StatusBadRequest, "width", "height")
}
