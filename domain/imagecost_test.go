package domain

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/keyclic/keyclic/internal/imagetest"
)

// costFixtures are images of every kind the decoders treat differently: JPEG baseline and
// progressive, 4:2:0 and 4:4:4, gray and CMYK; PNG 8- and 16-bit, interlaced, paletted, gray with
// a transparent colour (decoded as NRGBA).
func costFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/images/*.[jp][pn]g")
	if err != nil || len(files) < 10 {
		t.Fatalf("image fixtures: %v %v", files, err)
	}
	out := map[string][]byte{
		"gray.png":        imagetest.ZeroPNG(400, 300, imagetest.Gray, 8),
		"gray-trns.png":   imagetest.WithChunk(imagetest.ZeroPNG(400, 300, imagetest.Gray, 8), "tRNS", []byte{0, 0}),
		"gray16-trns.png": imagetest.WithChunk(imagetest.ZeroPNG(400, 300, imagetest.Gray, 16), "tRNS", []byte{0, 0}),
		"rgba.png":        imagetest.ZeroPNG(400, 300, imagetest.RGBAlpha, 8),
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// The cost charged to the budget before a decode is at least what the decoder allocates, and not
// far above it: an estimate below would let decodes exceed the budget; far above, refuse images
// for nothing.
func TestDecodeCostBoundsTheDecodersAllocations(t *testing.T) {
	for name, data := range costFixtures(t) {
		_, _, cost, err := inspectImage(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runtime.ReadMemStats(&after)
		used := int64(after.TotalAlloc - before.TotalAlloc)
		t.Logf("%-22s allocated %8d, estimated %8d (%.2f)", name, used, cost, float64(cost)/float64(used))
		if used > cost {
			t.Errorf("%s: the decoder allocated %d bytes, over the estimate of %d", name, used, cost)
		}
		if cost > used*3/2+decodeOverhead {
			t.Errorf("%s: estimated %d bytes for %d allocated", name, cost, used)
		}
	}
}
