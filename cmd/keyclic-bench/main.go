// Command keyclic-bench measures the service on this machine, against the real stack (a fresh
// Postgres database and a Temporal engine of its own, as the tests use; -engine dev|server):
//
//	go run ./cmd/keyclic-bench -scenario reads        # GET /feedbacks (geo_near, geo_hash[]) and place matching on 1M feedbacks / 10k places
//	go run ./cmd/keyclic-bench -scenario reads -feedbacks 300000,1000000,3000000  # the same reads at each size, one column per size
//	go run ./cmd/keyclic-bench -scenario posts        # feedbacks posted end to end, next to a bare one-activity workflow
//	go run ./cmd/keyclic-bench -scenario transitions  # report transitions through HTTP, next to a bare Temporal update
//	go run ./cmd/keyclic-bench -scenario lifecycle    # what one whole lifecycle costs Temporal (starts, tasks, activities, events)
//
// It prints a Markdown table of latencies (p50/p99) and throughput.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

func main() {
	scenario := flag.String("scenario", "all", "reads, posts, transitions, lifecycle or all")
	feedbacks := flag.String("feedbacks", "1000000", "feedbacks loaded for the reads scenario: one size, or sizes separated by commas (300000,1000000,3000000), each measured in turn")
	places := flag.Int("places", 10_000, "places loaded for the reads scenario")
	duration := flag.Duration("duration", 20*time.Second, "how long each measurement runs")
	concurrency := flag.Int("concurrency", 8, "concurrent clients")
	engine := flag.String("engine", testkit.Engine(), "Temporal engine: dev (the CLI's dev server) or server (Temporal on Postgres)")
	flag.Parse()
	sizes, err := parseSizes(*feedbacks)
	if err != nil {
		log.Fatal(err)
	}
	os.Setenv("TEMPORAL_ENGINE", *engine)

	ctx := context.Background()
	os.Setenv("KEYCLIC_TEST_LOG", os.Getenv("KEYCLIC_TEST_LOG")) // quiet unless asked
	stack, err := testkit.Start(ctx, "bench")
	if err != nil {
		log.Fatal(err)
	}
	defer stack.Stop()
	b := &bench{stack: stack, duration: *duration, concurrency: *concurrency}
	run := func(name string, f func() error) {
		if *scenario != "all" && *scenario != name {
			return
		}
		if err := f(); err != nil {
			stack.Stop()
			log.Fatalf("%s: %v", name, err)
		}
	}
	fmt.Printf("# keyclic-bench (Temporal engine %s, %d concurrent clients, %s per measurement, Postgres shared_buffers %s)\n\n",
		*engine, b.concurrency, b.duration, b.sharedBuffers(ctx))
	fmt.Println("| measurement | requests | rate (/s) | p50 | p99 |")
	fmt.Println("|---|---:|---:|---:|---:|")
	run("reads", func() error { return b.reads(ctx, sizes, *places) })
	run("posts", func() error { return b.posts(ctx) })
	run("lifecycle", func() error { return b.lifecycle(ctx) })
	run("transitions", func() error { return b.transitions(ctx) })
	for _, f := range b.footer {
		fmt.Print(f)
	}
}

// parseSizes reads "300000,1000000,3000000" as increasing sizes.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || (len(sizes) > 0 && n <= sizes[len(sizes)-1]) {
			return nil, fmt.Errorf("-feedbacks %q: want increasing positive sizes separated by commas", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
