// Package app assembles the service from its configuration: one Postgres pool, one Temporal
// client, the activities, the HTTP API and the worker. cmd/keyclic and the tests both use it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/config"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/internal/metrics"
	"github.com/keyclic/keyclic/internal/tracing"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/worker"
	"github.com/keyclic/keyclic/workflows"
)

// App is the assembled service.
type App struct {
	Config     config.Config
	Log        *slog.Logger
	Store      *store.Store
	Temporal   client.Client
	Activities *activities.Activities
	Tokens     *api.Tokens
	API        *api.Server
	// Images are the upload limits and the process's one decode budget, shared by every API
	// server built from this app.
	Images domain.ImageLimits
	// Metrics is this process's Prometheus registry, served on METRICS_ADDR (RunMetrics).
	Metrics *metrics.Metrics
}

// New connects to Postgres and Temporal and builds the API and activities.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	traces, err := tracing.TemporalInterceptor()
	if err != nil {
		st.Close()
		return nil, err
	}
	m := newMetrics(st, log)
	tc, err := client.DialContext(ctx, client.Options{
		HostPort:       cfg.TemporalAddress,
		Namespace:      cfg.TemporalNamespace,
		Logger:         tlog.NewStructuredLogger(log.With("component", "temporal")),
		MetricsHandler: m.TemporalHandler(), // the worker built from this client reports through it too
		// Traces follow starts and updates into workflows: the workers built from tc trace too.
		Interceptors: []interceptor.ClientInterceptor{traces},
	})
	if err != nil {
		m.Close()
		st.Close()
		return nil, fmt.Errorf("connect to temporal at %s: %w", cfg.TemporalAddress, err)
	}
	key, err := api.LoadSigningKey(cfg.JWTPrivateKey, cfg.JWTPrivateKeyFile, cfg.DataDir, log)
	if err != nil {
		tc.Close()
		m.Close()
		st.Close()
		return nil, err
	}
	hooks := activities.WebhookSettings{
		Timeout: cfg.WebhookTimeout, Schedule: cfg.WebhookSchedule, RetryAfterCap: cfg.WebhookRetryAfterCap,
		DisableAfter: cfg.WebhookDisableAfter, AllowInternal: cfg.WebhookAllowInternal, Jitter: cfg.WebhookRetryJitter,
	}
	acts := &activities.Activities{
		Store:         st,
		Mailer:        newMailer(cfg, log),
		Push:          activities.RecordingPushSender{Log: log},
		Settings:      activities.Settings{PasswordResetURL: cfg.PasswordResetURL},
		Log:           log,
		Now:           time.Now,
		Webhooks:      hooks,
		WebhookClient: activities.NewWebhookClient(hooks),
		Reviews:       activities.ReviewSettings{RequestTTL: cfg.ReviewRequestTTL},
		Counters:      m,
	}
	acts.Exports = activities.ExportSettings{
		Dir: cfg.ExportDirectory(), AttachmentMax: cfg.ExportAttachmentMax, DownloadBaseURL: cfg.ExportDownloadBaseURL,
	}
	a := &App{Config: cfg, Log: log, Store: st, Temporal: tc, Activities: acts, Tokens: api.NewTokens(key, cfg.JWTTTL), Metrics: m}
	a.Images = domain.ImageLimits{MaxPixels: cfg.ImageMaxPixels, MaxSide: cfg.ImageMaxSide, Decodes: domain.NewDecodeBudget(cfg.ImageDecodeMemory)}
	a.API = a.NewAPI(a.APISettings())
	// Webhook payloads are rendered from the database by the shapes the API answers with; export
	// links are signed with the service's key. Neither needs the API server.
	acts.Renderer = hal.Payloads{Store: st}
	acts.Links = api.ExportLinks{Tokens: a.Tokens, Store: st, Retention: cfg.ExportRetention}
	return a, nil
}

// APISettings derives the API's settings from the configuration.
func (a *App) APISettings() api.Settings {
	return api.Settings{
		TaskQueue: a.Config.TaskQueue, PasswordResetTTL: a.Config.PasswordResetTTL, BcryptCost: a.Config.BcryptCost,
		Operations: workflows.OperationSettings{
			DefaultDelay: domain.Duration(a.Config.OperationDefaultDelay), ReminderInterval: domain.Duration(a.Config.OperationReminderInterval),
		},
		CORSOrigins: a.Config.CORSAllowedOrigins, PasswordResetThrottle: a.Config.PasswordResetThrottle,
		LoginMaxFailures: a.Config.LoginMaxFailures, LoginFailureWindow: a.Config.LoginFailureWindow,
		ExportRetention: a.Config.ExportRetention,
		HTTP: api.HTTPTimeouts{
			ReadHeader: a.Config.HTTPReadHeaderTimeout, Body: a.Config.HTTPBodyTimeout,
			Write: a.Config.HTTPWriteTimeout, Idle: a.Config.HTTPIdleTimeout,
		},
		Images: a.Images,
		Open311: api.Open311Settings{
			BaseURL: a.Config.Open311BaseURL, PostWait: a.Config.Open311PostWait,
			Contact: a.Config.Open311Contact, KeyService: a.Config.Open311KeyService,
		},
		IdempotencyRetention:   a.Config.IdempotencyKeyRetention,
		FaultPauseBeforeAnswer: a.Config.FaultPauseBeforeAnswer,
		Metrics:                a.Metrics.GinMiddleware(),
		Webhooks: api.WebhookSettings{
			AllowInternal: a.Config.WebhookAllowInternal, Schedule: a.Config.WebhookSchedule, RetryAfterCap: a.Config.WebhookRetryAfterCap,
			SecretOverlap: a.Config.WebhookSecretOverlap, Jitter: a.Config.WebhookRetryJitter,
		},
	}
}

// NewAPI builds an API server sharing this app's connections (tests use it to vary settings).
func (a *App) NewAPI(settings api.Settings) *api.Server {
	return api.NewServer(a.Store, a.Temporal, a.Tokens, settings, a.Log)
}

func newMailer(cfg config.Config, log *slog.Logger) activities.Mailer {
	if cfg.SendGridAPIKey == "" {
		return activities.RecordingMailer{Log: log}
	}
	return activities.SendGridMailer{APIKey: cfg.SendGridAPIKey, Host: cfg.SendGridHost, From: cfg.MailFrom, FromName: cfg.MailFromName}
}

// Close releases the connections.
func (a *App) Close() {
	a.Temporal.Close()
	a.Metrics.Close()
	a.Store.Close()
}

// NewWorker builds the worker for the configured task queue.
func (a *App) NewWorker() sdkworker.Worker {
	return worker.New(a.Temporal, a.Config.TaskQueue, a.Activities)
}

// RunWorker polls until ctx ends, then stops gracefully. The outbox dispatcher runs beside it.
func (a *App) RunWorker(ctx context.Context) error {
	w := a.NewWorker()
	if err := w.Start(); err != nil {
		return err
	}
	a.Log.Info("worker started", "task_queue", a.Config.TaskQueue)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if a.Config.OutboxDispatch {
			a.Dispatcher().Run(ctx)
		}
	}()
	<-ctx.Done()
	w.Stop()
	<-done
	return nil
}

// Dispatcher is the outbox dispatcher of this app.
func (a *App) Dispatcher() *worker.Dispatcher {
	return &worker.Dispatcher{Store: a.Store, Temporal: a.Temporal, TaskQueue: a.Config.TaskQueue, Log: a.Log}
}

// RunHTTP serves the API until ctx ends, then drains requests for up to 15 seconds.
func (a *App) RunHTTP(ctx context.Context) error {
	srv := &http.Server{Addr: a.Config.HTTPAddr}
	a.API.ConfigureHTTPServer(srv)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.Log.Info("api listening", "addr", a.Config.HTTPAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
