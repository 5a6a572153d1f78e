package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/imagetest"
	"github.com/keyclic/keyclic/internal/testkit"
)

// hostileImages are small files whose pixels would cost hundreds of megabytes to decode: valid
// images over the pixel bound, and headers declaring a huge canvas over no data.
func hostileImages() map[string]string {
	return map[string]string{
		"49 megapixels, valid":       testkit.DataURI("image/png", imagetest.ZeroPNG(7000, 7000, imagetest.Gray, 8)),
		"25 megapixels, 16-bit RGBA": testkit.DataURI("image/png", imagetest.ZeroPNG(5000, 5000, imagetest.RGBAlpha, 16)),
		"a side of 20000 pixels":     testkit.DataURI("image/png", imagetest.ZeroPNG(20000, 600, imagetest.Gray, 8)),
		"header of 20000 × 20000":    testkit.DataURI("image/png", imagetest.HeaderBomb(20000, 20000)),
	}
}

// expectPixelBound checks a 400 on the field whose message says the limits.
func expectPixelBound(t *testing.T, r *testkit.Response, field, what string) {
	t.Helper()
	r.ExpectError(http.StatusBadRequest, field)
	if msg := r.Str("_embedded.errors.0.message"); !strings.Contains(msg, "24000000 pixels") || !strings.Contains(msg, "16384") {
		t.Errorf("%s: message %q does not say the limits", what, msg)
	}
}

// Every upload endpoint refuses an image declaring more pixels than the bound with a 400 naming
// the field and saying the limit, and stores nothing.
func TestHostileImagesAreRefusedAndNothingIsStored(t *testing.T) {
	d := stack.NewDesk(t, "Hostile images")
	reporter := d.Citizen.With(func(c *testkit.Client) { c.Lang = "en" })
	f := "/feedbacks/" + reporter.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Hostile ")))
	me := "/people/" + reporter.PersonID
	admin := d.Admin.With(func(c *testkit.Client) { c.Lang = "en" })
	for what, uri := range hostileImages() {
		expectPixelBound(t, reporter.Post(f+"/images", map[string]string{"image": uri}), "image", what)
		expectPixelBound(t, reporter.Patch(me, map[string]string{"image": uri, "givenName": "Changed"}), "image", what)
		name := testkit.Unique("Hostile logo ")
		expectPixelBound(t, admin.Post("/organizations", map[string]any{
			"name": name, "businessActivity": testkit.BusinessActivityRoads, "logo": uri,
		}), "logo", what)
		if n := countOrganizationsNamed(admin, name); n != 0 {
			t.Errorf("%s: the refused organization was created (%d)", what, n)
		}
	}
	if got := reporter.ImageHrefs(f); len(got) != 0 {
		t.Errorf("refused uploads stored images: %v", got)
	}
	reporter.Get(me + "/image/100/100").ExpectError(http.StatusNotFound)
	if got := reporter.Get(me).Expect(http.StatusOK).Str("givenName"); got == "Changed" {
		t.Error("a refused profile change was saved")
	}

	// The largest picture the bound takes is accepted, and shown resized.
	big := testkit.DataURI("image/png", imagetest.ZeroPNG(6000, 4000, imagetest.Gray, 8))
	images := reporter.Post(f+"/images", map[string]string{"image": big}).Expect(http.StatusCreated).Hrefs("_links.images")
	if len(images) != 1 {
		t.Fatalf("images after the upload: %v", images)
	}
	href := strings.TrimSuffix(images[0], "/200/200")
	expectImage(t, reporter, href+"/300/300", "image/png", "png", 300, 200)
}

// An image within the pixel bound whose decoding would need more than the whole decode budget
// (a costlier encoding) is refused, saying how many pixels that encoding may have.
func TestImageCostlierThanTheDecodeBudgetIsRefused(t *testing.T) {
	settings := stack.App.APISettings()
	settings.Images = domain.ImageLimits{Decodes: domain.NewDecodeBudget(8 << 20)}
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()
	u := stack.NewUser(t).With(func(c *testkit.Client) { c.Base, c.Lang = srv.URL, "en" })
	me := "/people/" + u.PersonID

	rgba := testkit.DataURI("image/png", imagetest.ZeroPNG(2000, 1500, imagetest.RGBAlpha, 8)) // 12 MB decoded
	r := u.Patch(me, map[string]string{"image": rgba}).ExpectError(http.StatusBadRequest, "image")
	if msg := r.Str("_embedded.errors.0.message"); !strings.Contains(msg, "needs too much memory") || !strings.Contains(msg, "3000000") {
		t.Errorf("message %q", msg)
	}
	u.Get(me + "/image/100/100").ExpectError(http.StatusNotFound)
	gray := testkit.DataURI("image/png", imagetest.ZeroPNG(2000, 1500, imagetest.Gray, 8)) // 3 MB decoded
	u.Patch(me, map[string]string{"image": gray}).Expect(http.StatusOK)
	expectImage(t, u, me+"/image/100/100", "image/png", "png", 100, 75)
}
