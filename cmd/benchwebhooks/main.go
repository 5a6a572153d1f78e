// Command benchwebhooks measures webhook deliveries on this machine, against the real stack (a
// fresh Postgres database and a Temporal dev server of its own, as the tests use; the worker runs
// in-process):
//
//	go run ./cmd/benchwebhooks -n 1000 -webhooks 2 -concurrency 8           # as fast as it goes: throughput
//	go run ./cmd/benchwebhooks -n 400 -webhooks 2 -concurrency 4 -rate 5    # a steady load: delays
//	go run ./cmd/benchwebhooks -n 1000 -webhooks 1 -recover                 # a consumer back from an outage
//
// It subscribes webhooks (reportStateChanged) to a local consumer that answers 200 at once,
// drives n report state changes through HTTP (accept, hold, progress, close on n/4 reports, from
// concurrent clients), and reports deliveries per second and the delay from each state change
// (the HTTP response of the transition) to the consumer's receipt of its delivery, p50 and p99.
// It prints a Markdown table. With -recover, the consumer is down (503) while the changes are
// made, until every delivery has failed; it then comes back and asks for them all again
// (POST /webhooks/{id}/recover), and the table shows how fast they arrive.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/testkit"
)

func main() {
	n := flag.Int("n", 1000, "report state changes to make (a multiple of 4: accept, hold, progress, close per report)")
	hooks := flag.Int("webhooks", 2, "webhooks subscribed to reportStateChanged (each change is delivered to each)")
	concurrency := flag.Int("concurrency", 8, "concurrent API clients")
	rate := flag.Float64("rate", 0, "state changes per second offered, all clients together (0: as fast as the clients go)")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up waiting for deliveries after this")
	recovery := flag.Bool("recover", false, "the consumer is down until every delivery has failed, then recovers them all")
	flag.Parse()
	if *n < 4 || *hooks < 1 || *concurrency < 1 {
		log.Fatal("want -n >= 4, -webhooks >= 1, -concurrency >= 1")
	}
	reports := (*n + 3) / 4

	ctx := context.Background()
	stack, err := testkit.Start(ctx, "benchwebhooks")
	if err != nil {
		log.Fatal(err)
	}
	defer stack.Stop()
	fail := func(format string, args ...any) {
		stack.Stop()
		log.Fatalf(format, args...)
	}

	// The consumer: records when each delivery arrives, keyed by webhook, report and state.
	c, err := newConsumer()
	if err != nil {
		fail("consumer: %v", err)
	}
	defer c.close()
	c.down.Store(*recovery)

	api := benchkit.NewClient(stack.HTTP.URL)
	admin, _, err := api.User()
	if err != nil {
		fail("admin: %v", err)
	}
	var org struct{ ID string }
	if err := admin.Do(http.MethodPost, "/organizations", map[string]string{"name": "Bench webhooks " + uuid.NewString()[:8],
		"businessActivity": testkit.BusinessActivityRoads}, http.StatusCreated, &org); err != nil {
		fail("organization: %v", err)
	}
	corner := testkit.RandomArea()
	const size = 0.5
	if err := admin.Do(http.MethodPost, "/organizations/"+org.ID+"/places", map[string]any{"name": "Bench square",
		"polygon": testkit.Polygon(testkit.Box(corner.Lat, corner.Lon, corner.Lat+size, corner.Lon+size))}, http.StatusCreated, nil); err != nil {
		fail("place: %v", err)
	}
	for i := range *hooks {
		if err := admin.Do(http.MethodPost, "/organizations/"+org.ID+"/webhooks", map[string]any{"event": "reportStateChanged",
			"payloadUrl": c.url(fmt.Sprintf("/hook/%d", i))}, http.StatusCreated, nil); err != nil {
			fail("webhook: %v", err)
		}
	}

	// Setup, not measured: one report per four changes.
	log.Printf("posting %d feedbacks…", reports)
	citizens := make([]*benchkit.Client, *concurrency)
	for i := range citizens {
		if citizens[i], _, err = api.User(); err != nil {
			fail("citizen: %v", err)
		}
	}
	made := reports
	if *recovery {
		made *= 2 // the second half: the same changes with the consumer up, the reference
	}
	ids := make([]string, made)
	var g errgroup.Group
	g.SetLimit(*concurrency)
	for i := range made {
		g.Go(func() error {
			var f struct{ ID string }
			p := corner.Offset(rand.Float64()*size, rand.Float64()*size)
			if err := citizens[i%len(citizens)].Do(http.MethodPost, "/feedbacks/issues", testkit.IssueBody(p, nil), http.StatusCreated, &f); err != nil {
				return err
			}
			return stack.App.Store.Pool.QueryRow(ctx, `SELECT id::text FROM reports WHERE feedback_id = $1`, f.ID).Scan(&ids[i])
		})
	}
	if err := g.Wait(); err != nil {
		fail("feedbacks: %v", err)
	}

	// Measured: the state changes, each report's one after the other, from concurrent clients.
	log.Printf("making %d state changes, %d deliveries expected…", reports*4, reports*4**hooks)
	pace := func() {}
	if *rate > 0 {
		tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
		defer tick.Stop()
		pace = func() { <-tick.C }
	}
	start := time.Now()
	all, err := makeChanges(admin, ids[:reports], *concurrency, pace)
	if err != nil {
		fail("transitions: %v", err)
	}
	changesDone := time.Since(start)
	want := len(all) * *hooks
	if *recovery {
		reference := func() (time.Time, error) {
			_, err := makeChanges(admin, ids[reports:], *concurrency, pace)
			return time.Now(), err
		}
		if err := measureRecovery(ctx, stack, admin, c, start, want, *timeout, reference); err != nil {
			fail("recovery: %v", err)
		}
		return
	}
	deadline := time.Now().Add(*timeout)
	for c.count() < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := c.snapshot()
	if len(got) < want {
		fail("%d deliveries of %d arrived within %s", len(got), want, *timeout)
	}

	// Delays: from the transition's answer to each receipt of its delivery.
	var delays, transitions []time.Duration
	var last time.Time
	dup := 0
	for _, ch := range all {
		transitions = append(transitions, ch.answered.Sub(ch.sent))
		for h := range *hooks {
			rs := got[key{fmt.Sprintf("/hook/%d", h), ch.report, ch.state}]
			if len(rs) == 0 {
				fail("no delivery of %s %s to webhook %d", ch.report, ch.state, h)
			}
			dup += len(rs) - 1
			delays = append(delays, rs[0].Sub(ch.answered))
			if rs[0].After(last) {
				last = rs[0]
			}
		}
	}
	elapsed := last.Sub(start)
	perSecond := float64(want) / elapsed.Seconds()

	offered := "as fast as they go"
	if *rate > 0 {
		offered = fmt.Sprintf("paced at %g/s", *rate)
	}
	fmt.Printf("\n### Webhook deliveries (`go run ./cmd/benchwebhooks %s`)\n\n", strings.Join(os.Args[1:], " "))
	fmt.Printf("%d report state changes over HTTP from %d concurrent clients (%s), each delivered to %d webhooks on a local consumer answering 200: %d deliveries. %s, %d cores, %s/%s; in-process worker, Temporal dev server, Postgres on the same machine.\n\n",
		len(all), *concurrency, offered, *hooks, want, time.Now().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("| measurement | value |")
	fmt.Println("|---|---:|")
	fmt.Printf("| deliveries per second (first change sent → last delivery received) | %.0f |\n", perSecond)
	fmt.Printf("| state change → delivery received, p50 | %s |\n", ms(pct(delays, 50)))
	fmt.Printf("| state change → delivery received, p99 | %s |\n", ms(pct(delays, 99)))
	fmt.Printf("| state change → delivery received, max | %s |\n", ms(pct(delays, 100)))
	fmt.Printf("| transition (HTTP), p50 / p99 | %s / %s |\n", ms(pct(transitions, 50)), ms(pct(transitions, 99)))
	fmt.Printf("| state changes per second | %.0f |\n", float64(len(all))/changesDone.Seconds())
	fmt.Printf("| duplicate receipts | %d |\n", dup)
	if dup > 0 {
		os.Exit(1)
	}
}

// change is one state change of a report, and when its transition was sent and answered.
type change struct {
	report, state  string
	sent, answered time.Time
}

// makeChanges accepts, holds, progresses and closes each report, each report's changes one after
// the other, from concurrent clients.
func makeChanges(admin *benchkit.Client, ids []string, concurrency int, pace func()) ([]change, error) {
	steps := []struct{ transition, state string }{{"accept", "ACCEPTED"}, {"hold", "ON_HOLD"}, {"progress", "IN_PROGRESS"}, {"close", "CLOSED"}}
	changes := make([][]change, concurrency)
	var g errgroup.Group
	for w := range concurrency {
		g.Go(func() error {
			for i := w; i < len(ids); i += concurrency {
				for _, s := range steps {
					pace()
					t0 := time.Now()
					var r struct{ State string }
					if err := admin.Do(http.MethodPost, "/reports/"+ids[i]+"/workflow/transition", map[string]string{"transition": s.transition}, http.StatusOK, &r); err != nil {
						return err
					}
					if r.State != s.state {
						return fmt.Errorf("report %s: %s answered %s, want %s", ids[i], s.transition, r.State, s.state)
					}
					changes[w] = append(changes[w], change{report: ids[i], state: s.state, sent: t0, answered: time.Now()})
				}
			}
			return nil
		})
	}
	err := g.Wait()
	var all []change
	for _, cs := range changes {
		all = append(all, cs...)
	}
	return all, err
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s), i)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }

// consumer is a webhook endpoint answering 200 at once, recording arrival times.
type consumer struct {
	srv  *http.Server
	addr string
	down atomic.Bool // answers 503 to everything, records nothing
	mu   sync.Mutex
	n    int
	at   map[key][]time.Time
}

type key struct{ path, report, state string }

func newConsumer() (*consumer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &consumer{addr: ln.Addr().String(), at: map[key][]time.Time{}}
	c.srv = &http.Server{Handler: http.HandlerFunc(c.handle), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *consumer) url(path string) string { return "http://" + c.addr + path }
func (c *consumer) close()                 { _ = c.srv.Close() }

func (c *consumer) handle(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	if c.down.Load() {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var body struct {
		Event   string
		Payload struct{ ID, State string }
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil || body.Event != "reportStateChanged" {
		http.Error(w, "unexpected delivery", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	k := key{r.URL.Path, body.Payload.ID, body.Payload.State}
	c.at[k] = append(c.at[k], now)
	c.n++
	c.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (c *consumer) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *consumer) snapshot() map[key][]time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[key][]time.Time, len(c.at))
	for k, v := range c.at {
		out[k] = slices.Clone(v)
	}
	return out
}
