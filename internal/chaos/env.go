package chaos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/internal/devserver"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// env is the service as production runs it, with every piece a process of its own that the run
// may kill: a Postgres of its own, a Temporal engine (TEMPORAL_ENGINE), two API processes and
// two worker processes; and a webhook consumer.
type env struct {
	pg       *testkit.PGCluster
	store    *store.Store // the run's own reads, for the checks
	temporal *testkit.Temporal
	tc       client.Client
	bin      string
	dbURL    string
	dataDir  string
	queue    string
	output   io.Writer
	consumer *consumer

	mu      sync.Mutex
	apis    []*testkit.APIProcess
	workers []*testkit.WorkerProcess
}

// processes is how many API and worker processes run at once.
const processes = 2

func startEnv(ctx context.Context, o Options) (e *env, err error) {
	e = &env{output: o.Output, queue: "keyclic-chaos-" + uuid.NewString()[:8]}
	defer func() {
		if err != nil {
			e.stop()
		}
	}()
	if e.bin = o.Binary; e.bin == "" {
		if e.bin, err = testkit.BuildBinary(); err != nil {
			return e, err
		}
	}
	if e.dataDir, err = os.MkdirTemp("", "keyclic-chaos-"); err != nil {
		return e, err
	}
	if e.pg, err = testkit.StartPGCluster(ctx, o.Output); err != nil {
		return e, err
	}
	e.dbURL = e.pg.URL("keyclic")
	if err = store.EnsureDatabase(ctx, e.dbURL); err != nil {
		return e, err
	}
	if e.store, err = store.Open(ctx, e.dbURL); err != nil {
		return e, err
	}
	if err = store.Migrate(ctx, e.store.Pool, slog.New(slog.DiscardHandler)); err != nil {
		return e, err
	}
	if e.temporal, err = testkit.StartTemporal(ctx, testkit.TemporalOptions{Durable: true}); err != nil {
		return e, err
	}
	if e.tc, err = client.Dial(client.Options{HostPort: e.temporal.Address, Logger: devserver.Quiet(o.Log)}); err != nil {
		return e, err
	}
	if e.consumer, err = startConsumer(); err != nil {
		return e, err
	}
	for range processes {
		if err = e.startWorker(); err != nil {
			return e, err
		}
	}
	for range processes {
		p, err := e.startAPI(ctx, "")
		if err != nil {
			return e, err
		}
		e.apis = append(e.apis, p)
	}
	return e, nil
}

// urls are the API processes' addresses: a restarted process listens on its predecessor's.
func (e *env) urls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, len(e.apis))
	for i, p := range e.apis {
		out[i] = p.URL
	}
	return out
}

func (e *env) startAPI(ctx context.Context, addr string) (*testkit.APIProcess, error) {
	return testkit.StartAPIProcess(ctx, testkit.APIProcessOptions{ProcessOptions: e.processOptions(), Addr: addr})
}

// processOptions say what the API and worker processes run against.
func (e *env) processOptions() testkit.ProcessOptions {
	return testkit.ProcessOptions{Binary: e.bin, DatabaseURL: e.dbURL, TemporalAddress: e.temporal.Address,
		TaskQueue: e.queue, DataDir: e.dataDir, Output: e.output}
}

func (e *env) startWorker() error {
	w, err := testkit.StartWorkerProcess(e.processOptions())
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.workers = append(e.workers, w)
	e.mu.Unlock()
	return nil
}

// killWorker kills the oldest worker with SIGKILL and starts another in its place.
func (e *env) killWorker() error {
	e.mu.Lock()
	w := e.workers[0]
	e.workers = e.workers[1:]
	e.mu.Unlock()
	w.Kill()
	return e.startWorker()
}

// killAPI kills the first API process with SIGKILL and starts another on its address.
func (e *env) killAPI(ctx context.Context) error {
	e.mu.Lock()
	p := e.apis[0]
	e.mu.Unlock()
	p.Kill()
	n, err := e.startAPI(ctx, p.Addr)
	if err != nil {
		return fmt.Errorf("start the killed API again: %w", err)
	}
	e.mu.Lock()
	e.apis[0] = n
	e.mu.Unlock()
	return nil
}

func (e *env) stop() {
	e.mu.Lock()
	apis, workers := e.apis, e.workers
	e.mu.Unlock()
	for _, p := range apis {
		p.Kill()
	}
	for _, w := range workers {
		w.Kill()
	}
	if e.consumer != nil {
		e.consumer.close()
	}
	if e.tc != nil {
		e.tc.Close()
	}
	e.temporal.Stop()
	if e.store != nil {
		e.store.Close()
	}
	e.pg.Stop()
	if e.dataDir != "" {
		os.RemoveAll(e.dataDir)
	}
}
