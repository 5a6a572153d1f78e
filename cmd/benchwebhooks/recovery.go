package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/testkit"
)

// measureRecovery waits until every delivery has failed (the consumer is down), brings the
// consumer back, asks for every webhook's failed deliveries again and times their arrival; then,
// as the reference of the same run, times as many first deliveries (reference makes the changes).
func measureRecovery(ctx context.Context, stack *testkit.Stack, admin *benchkit.Client, c *consumer, since time.Time, want int,
	timeout time.Duration, reference func() (time.Time, error)) error {
	log.Printf("waiting for the %d deliveries to fail…", want)
	deadline := time.Now().Add(timeout)
	for {
		var failed int
		if err := stack.App.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE state = 'FAILED' AND created_at >= $1`, since).Scan(&failed); err != nil {
			return err
		}
		if failed >= want {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d deliveries failed within %s", failed, want, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
	rows, err := stack.App.Store.Pool.Query(ctx, `SELECT DISTINCT webhook_id::text FROM webhook_deliveries WHERE created_at >= $1`, since)
	if err != nil {
		return err
	}
	var hooks []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		hooks = append(hooks, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	log.Printf("consumer back; recovering %d deliveries of %d webhooks…", want, len(hooks))
	c.down.Store(false)
	start := time.Now()
	var calls []time.Duration
	for _, h := range hooks {
		t0 := time.Now()
		if err := admin.Do(http.MethodPost, "/webhooks/"+h+"/recover", map[string]string{"since": since.Add(-time.Second).Format(time.RFC3339Nano)}, http.StatusAccepted, nil); err != nil {
			return err
		}
		calls = append(calls, time.Since(t0))
	}
	deadline = time.Now().Add(timeout)
	for c.count() < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := c.snapshot()
	var first, last time.Time
	dup, n := 0, 0
	for _, ts := range got {
		n++
		dup += len(ts) - 1
		if first.IsZero() || ts[0].Before(first) {
			first = ts[0]
		}
		if ts[0].After(last) {
			last = ts[0]
		}
	}
	if n < want {
		return fmt.Errorf("%d of %d recovered deliveries arrived within %s", n, want, timeout)
	}
	elapsed := last.Sub(start)

	log.Printf("reference: %d first deliveries to the consumer, up…", want)
	refStart := time.Now()
	if _, err := reference(); err != nil {
		return err
	}
	deadline = time.Now().Add(timeout)
	for c.count() < 2*want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if c.count() < 2*want {
		return fmt.Errorf("reference: %d of %d deliveries arrived within %s", c.count()-want, want, timeout)
	}
	refRate := float64(want) / time.Since(refStart).Seconds()
	rate := float64(want) / elapsed.Seconds()
	fmt.Printf("\n### Webhook recovery (`go run ./cmd/benchwebhooks %s`)\n\n", strings.Join(os.Args[1:], " "))
	fmt.Printf("%d deliveries failed while their consumer was down (503 to every attempt, the whole retry schedule), then the consumer came back and asked for them again, one `POST /webhooks/{id}/recover` per webhook. %s, %d cores, %s/%s; in-process worker, Temporal dev server, Postgres on the same machine.\n\n",
		want, time.Now().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("| measurement | value |")
	fmt.Println("|---|---:|")
	fmt.Printf("| recovered deliveries per second (recover asked → last delivery received) | %.0f |\n", rate)
	fmt.Printf("| first deliveries per second, same run, consumer up (first change → last delivery) | %.0f |\n", refRate)
	fmt.Printf("| recovered / first | %.2f× |\n", rate/refRate)
	fmt.Printf("| recover asked → first delivery received | %s |\n", ms(first.Sub(start)))
	fmt.Printf("| recover asked → last delivery received | %s |\n", ms(elapsed))
	fmt.Printf("| recover call (HTTP), max | %s |\n", ms(pct(calls, 100)))
	fmt.Printf("| duplicate receipts | %d |\n", dup)
	if dup > 0 {
		os.Exit(1)
	}
	return nil
}
