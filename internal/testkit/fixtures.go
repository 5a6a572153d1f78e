package testkit

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Unique returns prefix followed by a random fragment, for names and emails that no other test
// of the shared database uses.
func Unique(prefix string) string {
	return prefix + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
}

// testPattern is a small picture with some variation, so that encoders do real work.
func testPattern(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 255 / max(1, w-1)), G: uint8(y * 255 / max(1, h-1)), B: 128, A: 255})
		}
	}
	return img
}

// PNG encodes a w×h PNG picture.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testPattern(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// JPEG encodes a w×h JPEG picture.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testPattern(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// HugePNG is a tiny file whose header declares a w×h canvas: decoding it would exhaust memory.
func HugePNG(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := PNG(t, 1, 1)
	// signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4)
	if string(b[12:16]) != "IHDR" {
		t.Fatal("unexpected PNG layout")
	}
	binary.BigEndian.PutUint32(b[16:20], w)
	binary.BigEndian.PutUint32(b[20:24], h)
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// GIF encodes a w×h GIF picture (a format the service refuses).
func GIF(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testPattern(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// DataURI wraps data in a base64 data URI labelled with mime.
func DataURI(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// PNGDataURI is a w×h PNG picture as a data URI, the way clients upload images.
func PNGDataURI(t testing.TB, w, h int) string {
	t.Helper()
	return DataURI("image/png", PNG(t, w, h))
}

// DecodeImage decodes an image answer, failing the test unless it is one; it returns the format
// ("png", "jpeg") and the size.
func (r *Response) DecodeImage() (format string, width, height int) {
	r.T.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(r.Body))
	if err != nil {
		r.T.Fatalf("%s: body is not an image: %v (%d bytes)", r.req, err, len(r.Body))
	}
	return format, cfg.Width, cfg.Height
}

// MemberIDOf returns the id of person's membership of org, as listed to c (who must be a member),
// or "" when person is not a member.
func (c *Client) MemberIDOf(org string, person *Client) string {
	c.T.Helper()
	r := c.Get("/organizations/" + org + "/members?limit=100&search[email]=" + person.Email).Expect(http.StatusOK)
	for _, it := range r.List("_embedded.items") {
		m := it.(map[string]any)
		links, _ := m["_links"].(map[string]any)
		p, _ := links["person"].(map[string]any)
		tmpl, _ := p["iriTemplate"].(map[string]any)
		mapping, _ := tmpl["mapping"].(map[string]any)
		if mapping["person"] == person.PersonID {
			return m["id"].(string)
		}
	}
	return ""
}
