package domain

import (
	"context"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/imagetest"
)

func dataURI(mime string, b []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b)
}

// expectViolation checks that err is a 400 on path with the message key, and returns the
// message in English.
func expectViolation(t *testing.T, err error, path, key string) string {
	t.Helper()
	de, ok := AsError(err)
	if !ok || de.Kind != KindInvalid || len(de.Violations) != 1 || de.Violations[0].Path != path || de.Violations[0].Msg.Key != key {
		t.Fatalf("got %v, want a violation %s on %q", err, key, path)
	}
	return de.Violations[0].Msg.In(English)
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// An image whose header declares more pixels, or a longer side, than the limits is refused from
// the header: nothing is decoded (it allocates next to nothing), and the message says the limit.
func TestImageOverThePixelBoundIsRefusedFromItsHeader(t *testing.T) {
	lim := ImageLimits{MaxPixels: DefaultImageMaxPixels, MaxSide: DefaultImageMaxSide, Decodes: NewDecodeBudget(DefaultImageDecodeMemory)}
	cases := map[string][]byte{
		// complete, valid files: their pixels would decode
		"49 megapixels":   imagetest.ZeroPNG(7000, 7000, imagetest.Gray, 8),
		"a side too long": imagetest.ZeroPNG(20000, 500, imagetest.Gray, 8),
		"16-bit, 25 MP":   imagetest.ZeroPNG(5000, 5000, imagetest.RGBAlpha, 16),
		"header 20000²":   imagetest.HeaderBomb(20000, 20000),
		"header 1×10^9":   imagetest.HeaderBomb(1, 1_000_000_000),
		"header 100000²":  imagetest.HeaderBomb(100000, 100000),
	}
	for name, png := range cases {
		uri := dataURI("image/png", png)
		var err error
		start := time.Now()
		used := allocated(func() { _, err = ParseImageDataURI(context.Background(), "image", uri, lim) })
		msg := expectViolation(t, err, "image", MsgImageTooManyPixels)
		if !strings.Contains(msg, "24000000") || !strings.Contains(msg, "16384") {
			t.Errorf("%s: message %q does not say the limits", name, msg)
		}
		if limit := int64(1<<20 + 4*len(uri)); used > limit {
			t.Errorf("%s: refusing it allocated %d bytes: it was decoded", name, used)
		}
		t.Logf("%s (%d bytes): refused in %v, %d bytes allocated", name, len(png), time.Since(start), used)
	}
}

// The limits are the configured ones, not constants.
func TestImagePixelBoundIsConfigurable(t *testing.T) {
	png := dataURI("image/png", imagetest.ZeroPNG(300, 200, imagetest.Gray, 8))
	if _, err := ParseImageDataURI(context.Background(), "logo", png, ImageLimits{MaxPixels: 60000, MaxSide: 300}); err != nil {
		t.Fatalf("at the limits: %v", err)
	}
	_, err := ParseImageDataURI(context.Background(), "logo", png, ImageLimits{MaxPixels: 59999})
	if msg := expectViolation(t, err, "logo", MsgImageTooManyPixels); !strings.Contains(msg, "300 × 200") || !strings.Contains(msg, "59999") {
		t.Errorf("message %q", msg)
	}
	_, err = ParseImageDataURI(context.Background(), "logo", png, ImageLimits{MaxSide: 299})
	expectViolation(t, err, "logo", MsgImageTooManyPixels)
}

// Within the limits, an image is decoded whole: a valid header over truncated pixels is refused.
func TestImageWithinTheBoundIsDecoded(t *testing.T) {
	lim := ImageLimits{Decodes: NewDecodeBudget(DefaultImageDecodeMemory)}
	png := imagetest.ZeroPNG(3000, 2000, imagetest.Gray, 8)
	img, err := ParseImageDataURI(context.Background(), "image", dataURI("image/png", png), lim)
	if err != nil || img.Width != 3000 || img.Height != 2000 || img.ContentType != "image/png" {
		t.Fatalf("got %+v, %v", img.Width, err)
	}
	_, err = ParseImageDataURI(context.Background(), "image", dataURI("image/png", png[:len(png)/2]), lim)
	expectViolation(t, err, "image", MsgInvalidImage)
}

// An image whose decoding would need more than the whole budget is refused, saying how many
// pixels its encoding may have; a cheaper encoding of the same size is accepted.
func TestImageCostlierThanTheBudgetIsRefused(t *testing.T) {
	lim := ImageLimits{Decodes: NewDecodeBudget(10 << 20)}
	rgba := dataURI("image/png", imagetest.ZeroPNG(2000, 1500, imagetest.RGBAlpha, 8)) // 12 MB decoded
	_, err := ParseImageDataURI(context.Background(), "image", rgba, lim)
	msg := expectViolation(t, err, "image", MsgImageTooCostly)
	if !strings.Contains(msg, "at most 2") || !strings.Contains(msg, "3000000") {
		t.Errorf("message %q does not say the limit for this encoding and the image's pixels", msg)
	}
	gray := dataURI("image/png", imagetest.ZeroPNG(2000, 1500, imagetest.Gray, 8)) // 3 MB decoded
	if _, err := ParseImageDataURI(context.Background(), "image", gray, lim); err != nil {
		t.Fatalf("gray image within the budget: %v", err)
	}
}

// An upload waits for room in the budget as long as its request lasts, then is a 503 with a
// Retry-After; one refused from its header does not wait at all.
func TestImageUploadWaitsForTheBudget(t *testing.T) {
	budget := NewDecodeBudget(8 << 20)
	lim := ImageLimits{Decodes: budget}
	release, err := budget.Acquire(context.Background(), budget.Size())
	if err != nil {
		t.Fatal(err)
	}
	png := dataURI("image/png", imagetest.ZeroPNG(100, 100, imagetest.Gray, 8))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = ParseImageDataURI(ctx, "image", png, lim)
	if de, ok := AsError(err); !ok || de.Kind != KindUnavailable || de.RetryAfter <= 0 {
		t.Fatalf("with the budget taken: %v, want a 503 with a retry delay", err)
	}
	if waited := time.Since(start); waited < 90*time.Millisecond {
		t.Errorf("gave up after %v, before the request's time ran out", waited)
	}
	_, err = ParseImageDataURI(context.Background(), "image", dataURI("image/png", imagetest.HeaderBomb(30000, 30000)), lim)
	expectViolation(t, err, "image", MsgImageTooManyPixels)

	done := make(chan error, 1)
	go func() {
		_, err := ParseImageDataURI(context.Background(), "image", png, lim)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("decoded while the budget was taken: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("once the budget is free: %v", err)
	}
}
