package domain

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"testing"

	"github.com/keyclic/keyclic/internal/imagetest"
)

// fuzzLimits keep the fuzzer's decodes small.
var fuzzLimits = ImageLimits{MaxPixels: 1 << 20, MaxSide: 2048, Decodes: NewDecodeBudget(32 << 20)}

// imageSeeds are valid images of every kind, broken ones and bombs.
func imageSeeds(f *testing.F) [][]byte {
	png := imagetest.ZeroPNG(64, 48, imagetest.RGBAlpha, 8)
	seeds := [][]byte{
		png,
		png[:len(png)/2], // truncated pixels
		png[:33],         // the header alone
		imagetest.HeaderBomb(20000, 20000),
		imagetest.HeaderBomb(1, 5_000_000),
		imagetest.ZeroPNG(2048, 600, imagetest.Gray, 16),
		imagetest.WithChunk(imagetest.ZeroPNG(30, 20, imagetest.Gray, 8), "tRNS", []byte{0, 0}),
		[]byte("GIF89a\x01\x00\x01\x00"),
		[]byte("not an image"),
	}
	for _, data := range costFixtures(f) {
		seeds = append(seeds, data)
		if i := bytes.Index(data, []byte{0xff, 0xc0}); i > 0 { // a baseline frame relabelled progressive
			p := bytes.Clone(data)
			p[i+1] = 0xc2
			seeds = append(seeds, p)
		}
	}
	return seeds
}

// Whatever the client sends, the answer is an image within the limits or a 400 on the field;
// never a panic, never another error.
func FuzzParseImageDataURI(f *testing.F) {
	for _, s := range imageSeeds(f) {
		f.Add(s, false)
	}
	for _, s := range []string{"", "data:", "data:image/png;base64,", "data:image/png;base64,@@@", "data:image/png,abc",
		"data:image/png;base64,iVBORw0KGgo", "https://example.com/a.png", "data:;base64,=="} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, raw bool) {
		s := string(data)
		if !raw {
			s = "data:image/png;base64," + base64.StdEncoding.EncodeToString(data)
		}
		img, err := ParseImageDataURI(context.Background(), "image", s, fuzzLimits)
		if err != nil {
			de, ok := AsError(err)
			if !ok || de.Kind != KindInvalid || len(de.Violations) != 1 || de.Violations[0].Path != "image" {
				t.Fatalf("error %v, want a 400 on image", err)
			}
			if msg := de.Violations[0].Msg.In(English); msg == "" || msg == de.Violations[0].Msg.Key {
				t.Fatalf("untranslated message %q", de.Violations[0].Msg.Key)
			}
			return
		}
		if img.ContentType != "image/png" && img.ContentType != "image/jpeg" {
			t.Fatalf("accepted a %q", img.ContentType)
		}
		if img.Width < 1 || img.Height < 1 || img.Width > fuzzLimits.MaxSide || img.Height > fuzzLimits.MaxSide ||
			img.Width*img.Height > fuzzLimits.MaxPixels {
			t.Fatalf("accepted a %d×%d image", img.Width, img.Height)
		}
		m, _, err := image.Decode(bytes.NewReader(img.Data))
		if err != nil || m.Bounds().Dx() != img.Width || m.Bounds().Dy() != img.Height {
			t.Fatalf("the accepted image does not decode as %d×%d: %v", img.Width, img.Height, err)
		}
	})
}

// The cost charged before a decode bounds what the decoder allocates, for any file it reads: a
// file whose header the estimate misreads would let decodes exceed the budget.
func FuzzImageDecodeCost(f *testing.F) {
	for _, s := range imageSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, cost, err := inspectImage(data)
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > fuzzLimits.MaxPixels ||
			cfg.Width > fuzzLimits.MaxSide || cfg.Height > fuzzLimits.MaxSide {
			return
		}
		if used := allocated(func() { _, _, _ = image.Decode(bytes.NewReader(data)) }); used > cost {
			t.Fatalf("%d×%d %v: the decoder allocated %d bytes, over the estimate of %d", cfg.Width, cfg.Height, cfg.ColorModel, used, cost)
		}
	})
}
