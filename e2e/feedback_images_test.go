package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

func TestFeedbackImages(t *testing.T) {
	d := stack.NewDesk(t, "Feedback images")
	reporter, outsider := d.Citizen, stack.NewUser(t)
	f := reporter.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Images ")))
	path := "/feedbacks/" + f
	if got := reporter.ImageHrefs(path); len(got) != 0 {
		t.Fatalf("new feedback has images %v", got)
	}

	// The reporter adds a PNG: 201 with the feedback, which now links it.
	r := reporter.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 400, 200)}).Expect(http.StatusCreated)
	if r.Str("type") != "Feedback" || r.Str("id") != f {
		t.Fatalf("answer to an image upload: %s", r.Body)
	}
	images := r.Hrefs("_links.images")
	if len(images) != 1 || !strings.HasPrefix(images[0], path+"/images/") || r.Str("_links.image.href") != images[0] {
		t.Fatalf("images after one upload: %v; body: %s", images, r.Body)
	}
	png := r.MappingOf("_links.images.0", "image")
	if _, ok := domain.ParseUUID(png); !ok || images[0] != path+"/images/"+png+"/200/200" {
		t.Fatalf("image link %v does not name its image: %s", images[0], r.Body)
	}
	// A JPEG too; the feedback lists both, oldest first, and the lists show them.
	r = reporter.Post(path+"/images", map[string]string{"image": testkit.DataURI("image/jpeg", testkit.JPEG(t, 64, 64))}).Expect(http.StatusCreated)
	jpg := r.MappingOf("_links.images.1", "image")
	if got := r.Hrefs("_links.images"); len(got) != 2 || got[0] != images[0] || jpg == "" || jpg == png {
		t.Fatalf("images after two uploads: %v", got)
	}
	l := outsider.Get("/people/" + reporter.PersonID + "/feedbacks").Expect(http.StatusOK)
	if got := l.Hrefs("_embedded.items.0._links.images"); l.Str("_embedded.items.0.id") != f || len(got) != 2 {
		t.Fatalf("listed feedback's images: %v; body: %s", got, l.Body)
	}

	// Anyone who sees the (public) feedback gets the images, scaled to fit and never enlarged.
	img := outsider.Get(images[0]).Expect(http.StatusOK)
	if format, w, h := img.DecodeImage(); format != "png" || w != 200 || h != 100 {
		t.Fatalf("image at 200×200: %s %d×%d", format, w, h)
	}
	if ct := img.Header.Get("Content-Type"); ct != "image/png" {
		t.Fatalf("content type %q", ct)
	}
	if format, w, h := outsider.Get(path + "/images/" + png + "/50/50").Expect(http.StatusOK).DecodeImage(); format != "png" || w != 50 || h != 25 {
		t.Fatalf("image at 50×50: %s %d×%d", format, w, h)
	}
	if format, w, h := outsider.Get(path + "/images/" + jpg + "/1000/1000").Expect(http.StatusOK).DecodeImage(); format != "jpeg" || w != 64 || h != 64 {
		t.Fatalf("jpeg at 1000×1000: %s %d×%d", format, w, h)
	}
	outsider.Get(path+"/images/"+png+"/0/50").ExpectError(http.StatusBadRequest, "width")
	outsider.Get(path+"/images/"+png+"/50/99999").ExpectError(http.StatusBadRequest, "height")
	outsider.Get(path + "/images/" + uuid.NewString() + "/50/50").ExpectError(http.StatusNotFound)
	outsider.Get(path + "/images/not-an-id/50/50").ExpectError(http.StatusNotFound)

	// Someone else may not add images (403), and nothing changes.
	outsider.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusForbidden)
	d.Admin.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusForbidden)

	// Bad uploads: 400 on image, and nothing changes.
	tooLarge := append(testkit.PNG(t, 8, 8), bytes.Repeat([]byte{0}, domain.MaxImageBytes)...)
	bad := []any{
		map[string]string{},
		map[string]string{"image": ""},
		map[string]string{"image": "iVBORw0KGgo="},
		map[string]string{"image": "data:image/png;base64,@@@"},
		map[string]string{"image": testkit.DataURI("text/plain", []byte("hello, world"))},
		map[string]string{"image": testkit.DataURI("image/gif", testkit.GIF(t, 8, 8))},
		map[string]string{"image": testkit.DataURI("image/png", testkit.HugePNG(t, 100000, 100000))},
		map[string]string{"image": testkit.DataURI("image/png", tooLarge)},
		map[string]any{"image": 12},
	}
	for _, body := range bad {
		reporter.Post(path+"/images", body).ExpectError(http.StatusBadRequest, "image")
	}
	reporter.Post(path+"/images", "not json").ExpectError(http.StatusBadRequest)
	if got := reporter.ImageHrefs(path); len(got) != 2 {
		t.Fatalf("refused uploads changed the images: %v", got)
	}

	// Unknown or malformed feedback: 404.
	reporter.Post("/feedbacks/"+uuid.NewString()+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusNotFound)
	reporter.Post("/feedbacks/nope/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusNotFound)

	// An image of one feedback is not found under another.
	other := reporter.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Other ")))
	outsider.Get("/feedbacks/" + other + "/images/" + png + "/50/50").ExpectError(http.StatusNotFound)
}

func TestPrivateFeedbackImages(t *testing.T) {
	d := stack.NewDesk(t, "Private images")
	reporter, outsider := d.Citizen, stack.NewUser(t)
	f := reporter.Issue(d.Inside(), testkit.Visibility(false, testkit.Unique("Private images ")))
	path := "/feedbacks/" + f
	r := reporter.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 30, 30)}).Expect(http.StatusCreated)
	href := r.Hrefs("_links.images")[0]

	// Those who may not see the feedback get 404, for its images too, and cannot add one.
	outsider.Get(href).ExpectError(http.StatusNotFound)
	outsider.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusNotFound)
	asApp(reporter, "com.keyclic.city").Get(href).ExpectError(http.StatusNotFound)
	asApp(reporter, "com.keyclic.city").Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusNotFound)
	// The receiving organization sees it, but only the reporter adds images.
	if _, w, h := d.Admin.Get(href).Expect(http.StatusOK).DecodeImage(); w != 30 || h != 30 {
		t.Fatalf("image as the receiving organization sees it: %d×%d", w, h)
	}
	d.Admin.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).ExpectError(http.StatusForbidden)
	if got := reporter.ImageHrefs(path); len(got) != 1 || got[0] != href {
		t.Fatalf("refused uploads changed the images: %v", got)
	}
}
