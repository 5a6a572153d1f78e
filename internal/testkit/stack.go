package testkit

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/keyclic/keyclic/config"
	"github.com/keyclic/keyclic/internal/app"
)

// Stack is the whole service running in-process against real Postgres and Temporal.
type Stack struct {
	DB       *Database
	Temporal *Temporal // nil when KEYCLIC_TEST_TEMPORAL_ADDRESS points at a running server
	App      *app.App
	Worker   sdkworker.Worker
	HTTP     *httptest.Server
	// Metrics serves the app's GET /metrics on an address of its own, as METRICS_ADDR does.
	Metrics *httptest.Server
	// Observe is given to every Client of the stack (see Client.Observe).
	Observe func(testing.TB, Exchange)
	dataDir string

	stopDispatcher context.CancelFunc
}

// Start brings the stack up: a fresh database, a Temporal engine of its own (TEMPORAL_ENGINE;
// none when KEYCLIC_TEST_TEMPORAL_ADDRESS is set), a worker on a task queue of its own, and the API.
func Start(ctx context.Context, name string) (*Stack, error) {
	s := &Stack{}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()
	var err error
	if s.DB, err = NewDatabase(ctx, name); err != nil {
		return nil, err
	}
	address := os.Getenv("KEYCLIC_TEST_TEMPORAL_ADDRESS")
	if address == "" {
		if s.Temporal, err = StartTemporal(ctx, TemporalOptions{}); err != nil {
			return nil, err
		}
		address = s.Temporal.Address
	}
	if s.dataDir, err = os.MkdirTemp("", "keyclic-test-"); err != nil {
		return nil, err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	cfg.DatabaseURL = s.DB.URL
	cfg.TemporalAddress = address
	cfg.TaskQueue = "keyclic-test-" + uuid.NewString()[:8]
	cfg.BcryptCost = 4 // the minimum: tests register many people
	cfg.DataDir = s.dataDir
	cfg.JWTPrivateKey, cfg.JWTPrivateKeyFile = "", ""
	cfg.SendGridAPIKey = ""
	// Tests ask for several resets in a row; the throttle has a test of its own.
	cfg.PasswordResetThrottle = 0
	// Test consumers listen on loopback; retries come quickly so failures are seen in seconds.
	cfg.WebhookAllowInternal = true
	cfg.WebhookSchedule = []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	cfg.WebhookTimeout = 2 * time.Second
	if s.App, err = app.New(ctx, cfg, Logger()); err != nil {
		return nil, err
	}
	s.Worker = s.App.NewWorker()
	if err := s.Worker.Start(); err != nil {
		return nil, err
	}
	dctx, cancel := context.WithCancel(context.Background())
	s.stopDispatcher = cancel
	go s.App.Dispatcher().Run(dctx)
	s.HTTP = httptest.NewUnstartedServer(nil)
	s.App.API.ConfigureHTTPServer(s.HTTP.Config) // the production server's timeouts
	s.HTTP.Start()
	s.Metrics = httptest.NewServer(s.App.Metrics.Mux())
	ok = true
	return s, nil
}

// Stop tears everything down, in reverse order.
func (s *Stack) Stop() {
	if s.HTTP != nil {
		s.HTTP.Close()
	}
	if s.Metrics != nil {
		s.Metrics.Close()
	}
	if s.stopDispatcher != nil {
		s.stopDispatcher()
	}
	if s.Worker != nil {
		s.Worker.Stop()
	}
	if s.App != nil {
		s.App.Close()
	}
	if s.Temporal != nil {
		s.Temporal.Stop()
	}
	if s.DB != nil {
		s.DB.Drop()
	}
	if s.dataDir != "" {
		os.RemoveAll(s.dataDir)
	}
}

// Routes lists the API's routes as "METHOD /path/:param".
func (s *Stack) Routes() []string {
	engine, ok := s.HTTP.Config.Handler.(*gin.Engine)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range engine.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Eventually polls cond until it holds or the timeout passes.
func Eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}
