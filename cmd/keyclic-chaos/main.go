// Command keyclic-chaos runs the service as production does, under a steady load of whole
// lifecycles, while it kills a worker, kills an API process, restarts Temporal and restarts
// Postgres; then it prints what the answered requests left behind and exits 1 unless every
// effect is there exactly once and no workflow is stuck.
//
//	go run ./cmd/keyclic-chaos -duration 2m -clients 4 -engine server
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/keyclic/keyclic/internal/chaos"
	"github.com/keyclic/keyclic/internal/testkit"
)

func main() {
	duration := flag.Duration("duration", 2*time.Minute, "how long the load runs; the faults fall at 15, 35, 55 and 75 % of it")
	clients := flag.Int("clients", 4, "lifecycles running at once")
	engine := flag.String("engine", testkit.Engine(), "Temporal engine: dev (the CLI's dev server) or server (the Temporal server on Postgres)")
	verbose := flag.Bool("v", false, "show the processes' output")
	flag.Parse()
	os.Setenv("TEMPORAL_ENGINE", *engine)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var output io.Writer
	if *verbose {
		output = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Printf("keyclic-chaos: %d clients, %s of load, Temporal engine %s\n", *clients, *duration, *engine)
	c, err := chaos.Run(ctx, chaos.Options{Duration: *duration, Clients: *clients, Log: log, Output: output})
	if err != nil {
		fmt.Fprintln(os.Stderr, "keyclic-chaos:", err)
		os.Exit(2)
	}
	c.Print(os.Stdout)
	if len(c.Problems()) > 0 {
		os.Exit(1)
	}
}
