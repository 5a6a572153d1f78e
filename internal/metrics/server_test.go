package metrics_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/metrics"
	"github.com/keyclic/keyclic/internal/testkit"
)

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// The metrics listener answers GET /metrics and nothing else, and stops with its context.
func TestServeAnswersMetricsOnly(t *testing.T) {
	m := metrics.New(slog.New(slog.DiscardHandler))
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, addr) }()
	if !testkit.Eventually(5*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}) {
		t.Fatal("the metrics listener never answered")
	}
	sc := testkit.ScrapeMetrics(t, "http://"+addr+"/metrics")
	if !sc.Has("go_goroutines") || !sc.Has("process_cpu_seconds_total") {
		t.Errorf("runtime families missing from the scrape")
	}
	for _, c := range []struct{ method, path string }{{"GET", "/"}, {"GET", "/healthz"}, {"GET", "/metrics/x"}, {"POST", "/metrics"}} {
		req, _ := http.NewRequest(c.method, "http://"+addr+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			t.Errorf("%s %s: %s, want an error", c.method, c.path, resp.Status)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not stop with its context")
	}
	// No address: nothing is served, and Serve returns at once.
	if err := m.Serve(context.Background(), ""); err != nil {
		t.Fatalf("Serve with no address: %v", err)
	}
	// A busy address is an error, not a silent process without metrics.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := m.Serve(context.Background(), ln.Addr().String()); err == nil {
		t.Fatal("Serve on a busy address succeeded")
	}
}
