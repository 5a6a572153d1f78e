package api

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/image/draw"

	"github.com/keyclic/keyclic/domain"
)

// pattern is a picture with smooth areas, translucent ones and hard edges.
func pattern(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x/40 + y/40) % 2 * 255), 255}
			if x > w/2 {
				c.A = uint8(64 + y*191/h)
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// Scaling in bands gives the picture one Catmull-Rom pass gives: to a rounding, but at hard edges
// where the kernel overshoots, clamped between the passes (no visible difference). Thumbnails
// are made in one pass; larger pictures in several bands each way.
func TestScaleIntoMatchesOnePass(t *testing.T) {
	src := pattern(1601, 1201)
	for _, size := range [][2]int{{800, 601}, {300, 225}, {17, 13}, {1, 1}} {
		banded := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		scaleInto(banded, src)
		whole := image.NewRGBA(banded.Bounds())
		draw.CatmullRom.Scale(whole, whole.Bounds(), src, src.Bounds(), draw.Src, nil)
		off, total := 0, 0
		for i := range banded.Pix {
			d := abs(int(banded.Pix[i]) - int(whole.Pix[i]))
			total += d
			if d > 2 {
				off++
			}
		}
		if off*100 > len(banded.Pix) || total > len(banded.Pix)/2 {
			t.Errorf("%v: %d of %d channels differ by more than 2 from one Catmull-Rom pass, by %.2f on average",
				size, off, len(banded.Pix), float64(total)/float64(len(banded.Pix)))
		}
	}
}

func abs(n int) int { return max(n, -n) }

// Its scratch is a band's: one pass would keep 32 bytes per sample of the destination's width
// by the source's height (here 2048 × 3000 × 32 = 196 MB).
func TestScaleIntoKeepsLittleScratch(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes the scaler's buffer pool drop buffers")
	}
	src := image.NewGray(image.Rect(0, 0, 4000, 3000))
	dst := image.NewRGBA(image.Rect(0, 0, 2048, 1536))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	scaleInto(dst, src)
	runtime.ReadMemStats(&after)
	used := int64(after.TotalAlloc - before.TotalAlloc)
	if limit := scaleCost(3000, 2048, 1536); used > limit {
		t.Errorf("scaling allocated %d bytes, over the %d charged for it", used, limit)
	}
}

// resizeRequest runs sendResized on a request that lasts d.
func resizeRequest(s *Server, img domain.Image, d time.Duration) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	c.Request = httptest.NewRequest(http.MethodGet, "/people/x/image/100/100", nil).WithContext(ctx)
	c.Request.Header.Set("Accept-Language", "en")
	c.Params = gin.Params{{Key: "width", Value: "100"}, {Key: "height", Value: "100"}}
	s.sendResized(c, img)
	return w
}

// A resize waits for room in the decode budget as long as the request lasts, then answers 503
// with a Retry-After, not 500; with room, it answers the picture.
func TestResizeWaitsForTheDecodeBudget(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, pattern(400, 300)); err != nil {
		t.Fatal(err)
	}
	img := domain.Image{ContentType: "image/png", Data: b.Bytes(), Width: 400, Height: 300}
	budget := domain.NewDecodeBudget(64 << 20)
	s := &Server{settings: Settings{Images: domain.ImageLimits{Decodes: budget}}, log: slog.New(slog.DiscardHandler)}
	release, err := budget.Acquire(context.Background(), budget.Size())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w := resizeRequest(s, img, 100*time.Millisecond)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "Too many images") {
		t.Fatalf("with the budget taken: %d, Retry-After %q, %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if waited := time.Since(start); waited < 90*time.Millisecond {
		t.Errorf("answered after %v, before the request's time ran out", waited)
	}
	release()
	w = resizeRequest(s, img, 10*time.Second)
	if w.Code != http.StatusOK {
		t.Fatalf("with room: %d %s", w.Code, w.Body)
	}
	if cfg, err := png.DecodeConfig(w.Body); err != nil || cfg.Width != 100 || cfg.Height != 75 {
		t.Fatalf("resized to %+v, %v", cfg, err)
	}
}
