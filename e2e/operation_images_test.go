package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

func TestOperationImages(t *testing.T) {
	d := newOperationDesk(t, "Operation images")
	path := "/operations/" + d.op
	upload := func(c *testkit.Client, w, h int) *testkit.Response {
		t.Helper()
		return c.Post(path+"/images", map[string]string{"image": testkit.PNGDataURI(t, w, h)})
	}
	logs := d.Admin.LogActions(d.op)

	// The assigned member adds an image: 201 with the operation, which links it, and a log entry.
	r := upload(d.operator, 300, 150).Expect(http.StatusCreated)
	if r.Str("type") != "Operation" || r.Str("id") != d.op {
		t.Fatalf("answer to an operation image: %s", r.Body)
	}
	hrefs := r.Hrefs("_links.images")
	first := r.MappingOf("_links.images.0", "image")
	if len(hrefs) != 1 || first == "" || hrefs[0] != path+"/images/"+first+"/200/200" {
		t.Fatalf("operation images: %v; body: %s", hrefs, r.Body)
	}
	// An admin of the treating organization too.
	r = upload(d.Admin, 40, 40).Expect(http.StatusCreated)
	second := r.MappingOf("_links.images.1", "image")
	if got := r.Hrefs("_links.images"); len(got) != 2 || second == "" || second == first {
		t.Fatalf("operation images after two uploads: %v", got)
	}
	after := d.Admin.LogActions(d.op)
	if !slices.Equal(after, append(slices.Clone(logs), "image", "image")) {
		t.Fatalf("log actions %v before, %v after two images", logs, after)
	}
	entries := d.Admin.Get(path + "/logs?limit=100").Expect(http.StatusOK)
	if got := entries.Str(fmt.Sprintf("_embedded.items.%d.data.image", len(after)-2)); got != first {
		t.Fatalf("image log entry names %q, want %q: %s", got, first, entries.Body)
	}

	// Any member of the organization sees the images, scaled.
	if format, w, h := d.member.Get(hrefs[0]).Expect(http.StatusOK).DecodeImage(); format != "png" || w != 200 || h != 100 {
		t.Fatalf("operation image at 200×200: %s %d×%d", format, w, h)
	}
	if _, w, h := d.member.Get(path + "/images/" + second + "/100/100").Expect(http.StatusOK).DecodeImage(); w != 40 || h != 40 {
		t.Fatalf("small image not enlarged: %d×%d", w, h)
	}
	d.outsider.Get(hrefs[0]).ExpectError(http.StatusNotFound)
	d.Citizen.Get(hrefs[0]).ExpectError(http.StatusNotFound)
	d.member.Get(path + "/images/" + uuid.NewString() + "/100/100").ExpectError(http.StatusNotFound)
	d.member.Get(path+"/images/"+first+"/-1/100").ExpectError(http.StatusBadRequest, "width")

	// Refused: a member neither assigned nor admin (403), outsiders (404), bad images (400).
	upload(d.member, 8, 8).ExpectError(http.StatusForbidden)
	upload(d.outsider, 8, 8).ExpectError(http.StatusNotFound)
	upload(asApp(d.Admin, "com.keyclic.city"), 8, 8).ExpectError(http.StatusNotFound)
	d.operator.Post(path+"/images", map[string]string{"image": testkit.DataURI("image/gif", testkit.GIF(t, 8, 8))}).
		ExpectError(http.StatusBadRequest, "image")
	d.operator.Post(path+"/images", map[string]string{}).ExpectError(http.StatusBadRequest, "image")
	d.member.Delete(path + "/images/" + first).ExpectError(http.StatusForbidden)
	d.outsider.Delete(path + "/images/" + first).ExpectError(http.StatusNotFound)
	d.operator.Delete(path + "/images/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	d.operator.Delete(path + "/images/nope").ExpectError(http.StatusNotFound)
	if got := d.member.ImageHrefs(path); len(got) != 2 {
		t.Fatalf("refused requests changed the images: %v", got)
	}
	if got := d.Admin.LogActions(d.op); !slices.Equal(got, after) {
		t.Fatalf("refused requests changed the log: %v, was %v", got, after)
	}

	// The assigned member removes an image: 204, logged, gone.
	d.operator.Delete(path + "/images/" + first).Expect(http.StatusNoContent)
	if got := d.member.ImageHrefs(path); len(got) != 1 || !strings.Contains(got[0], second) {
		t.Fatalf("images after a removal: %v", got)
	}
	d.member.Get(hrefs[0]).ExpectError(http.StatusNotFound)
	d.operator.Delete(path + "/images/" + first).ExpectError(http.StatusNotFound)
	final := d.Admin.LogActions(d.op)
	if !slices.Equal(final, append(slices.Clone(after), "image_remove")) {
		t.Fatalf("log actions after a removal: %v", final)
	}
	// An admin removes the other one.
	d.Admin.Delete(path + "/images/" + second).Expect(http.StatusNoContent)
	if got := d.member.ImageHrefs(path); len(got) != 0 {
		t.Fatalf("images after removing both: %v", got)
	}

	// An image of one operation is not found under another.
	other := d.Admin.CreateOperation(d.report, testkit.Unique("Signaliser "))
	r = upload(d.Admin, 8, 8).Expect(http.StatusCreated)
	img := r.MappingOf("_links.images.0", "image")
	d.Admin.Get("/operations/" + other + "/images/" + img + "/10/10").ExpectError(http.StatusNotFound)
	d.Admin.Delete("/operations/" + other + "/images/" + img).ExpectError(http.StatusNotFound)
	if got := d.member.ImageHrefs(path); len(got) != 1 {
		t.Fatalf("a removal under another operation changed the images: %v", got)
	}

	// A removed operation's images are gone with it, and it takes no more.
	d.Admin.Delete(path).Expect(http.StatusNoContent)
	upload(d.Admin, 8, 8).ExpectError(http.StatusNotFound)
	d.Admin.Get(path + "/images/" + img + "/10/10").ExpectError(http.StatusNotFound)
	d.Admin.Delete(path + "/images/" + img).ExpectError(http.StatusNotFound)
}

func TestOperationImagesBeforeAssignment(t *testing.T) {
	d := stack.NewDesk(t, "Unassigned operation images")
	_, report := d.NewReport()
	d.Admin.DriveReport(report, "accept")
	op := d.Admin.CreateOperation(report, testkit.Unique("Nettoyer "))
	operator, _ := d.Member(testkit.RoleOperator)
	// An operator not (yet) assigned may not add images; the admin may.
	operator.Post("/operations/"+op+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).
		ExpectError(http.StatusForbidden)
	if got := operator.ImageHrefs("/operations/" + op); len(got) != 0 {
		t.Fatalf("a refused upload added images: %v", got)
	}
	d.Admin.Post("/operations/"+op+"/images", map[string]string{"image": testkit.PNGDataURI(t, 8, 8)}).Expect(http.StatusCreated)
	if got := operator.ImageHrefs("/operations/" + op); len(got) != 1 {
		t.Fatalf("images after the admin's upload: %v", got)
	}
}
