package imagetest

import (
	"bytes"
	"image"
	_ "image/png"
	"testing"
)

// The images made here decode as what they claim to be (zlib's checksum included).
func TestZeroPNGDecodes(t *testing.T) {
	for _, c := range []struct {
		w, h         int
		color, depth byte
	}{{1, 1, Gray, 8}, {300, 200, Gray, 8}, {1000, 1100, RGBAlpha, 16}, {777, 333, RGB, 8}} {
		m, _, err := image.Decode(bytes.NewReader(ZeroPNG(c.w, c.h, c.color, c.depth)))
		if err != nil || m.Bounds().Dx() != c.w || m.Bounds().Dy() != c.h {
			t.Fatalf("%+v: %v", c, err)
		}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(HeaderBomb(50000, 60000)))
	if err != nil || cfg.Width != 50000 || cfg.Height != 60000 {
		t.Fatalf("header bomb: %+v %v", cfg, err)
	}
	if _, _, err := image.Decode(bytes.NewReader(HeaderBomb(50, 60))); err == nil {
		t.Fatal("a header bomb has no pixels to decode")
	}
}
