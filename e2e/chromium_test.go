package e2e

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// headlessChromium starts Debian's Chromium (installed by scripts/ensure-chromium.sh, which
// `make test` runs) with a new empty profile, and returns a tab's context, cancelled at the
// end of the test. The flags keep Chromium from calling any host of its own: this machine's
// network refuses them, and a test must see only the requests of the page it opens.
func headlessChromium(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "chromium"
	}
	path, err := exec.LookPath(exe)
	if err != nil {
		t.Fatalf("no Chromium (%v): run scripts/ensure-chromium.sh, or set CHROMIUM to its binary", err)
	}
	// chromedp's defaults (headless, no first run, no background networking, no sync, ...) and
	// the rest of what a closed network and a root user need.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}
