package testkit

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/api"
)

var (
	buildOnce     sync.Once
	keyclicBinary string
	buildErr      error
)

// Binary builds the keyclic command once per test run and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := BuildBinary()
	if err != nil {
		t.Fatalf("build keyclic: %v", err)
	}
	return bin
}

// BuildBinary builds the keyclic command once per process (a test run, a command) and returns
// its path.
func BuildBinary() (string, error) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "keyclic-bin-")
		if err != nil {
			buildErr = err
			return
		}
		keyclicBinary = filepath.Join(dir, "keyclic")
		out, err := exec.Command("go", "build", "-o", keyclicBinary, "github.com/keyclic/keyclic/cmd/keyclic").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	return keyclicBinary, buildErr
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// Isolated is an API server of the stack whose workflows run on a task queue of their own, so
// that only worker processes the test starts (and kills) execute them.
type Isolated struct {
	Stack     *Stack
	TaskQueue string
	HTTP      *httptest.Server
}

// NewIsolated serves the stack's API on a new task queue, with settings changed by tune.
func (s *Stack) NewIsolated(t testing.TB, tune func(*api.Settings)) *Isolated {
	t.Helper()
	settings := s.App.APISettings()
	settings.TaskQueue = "keyclic-isolated-" + uuid.NewString()[:8]
	if tune != nil {
		tune(&settings)
	}
	srv := httptest.NewServer(s.App.NewAPI(settings).Handler())
	t.Cleanup(srv.Close)
	return &Isolated{Stack: s, TaskQueue: settings.TaskQueue, HTTP: srv}
}

// On returns the client talking to this server instead of the stack's.
func (iso *Isolated) On(c *Client) *Client {
	return c.With(func(c *Client) { c.Base = iso.HTTP.URL })
}

// StartWorker starts a worker process polling the isolated task queue. The test's end kills it.
func (iso *Isolated) StartWorker(t testing.TB) *WorkerProcess {
	t.Helper()
	cfg := iso.Stack.App.Config
	w, err := StartWorkerProcess(ProcessOptions{
		Binary: Binary(t), DatabaseURL: cfg.DatabaseURL, TemporalAddress: cfg.TemporalAddress,
		TaskQueue: iso.TaskQueue, DataDir: t.TempDir(), Output: logOutput(),
		// The outbox is shared with the stack, whose dispatcher starts its notifications on the
		// stack's task queue: this worker, killed at will, must not take them onto its own.
		Env: []string{"OUTBOX_DISPATCH=false"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Kill)
	return w
}
