// Package config reads the service's settings from environment variables, each with a default
// that works on a developer's machine.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/keyclic/keyclic/domain"
)

// Config is every setting of the service.
type Config struct {
	DatabaseURL string // DATABASE_URL
	HTTPAddr    string // HTTP_ADDR
	MetricsAddr string // METRICS_ADDR: where GET /metrics answers (see metrics.go); empty: no listener
	// CORS_ALLOWED_ORIGINS: comma-separated origins of the web apps allowed to call the API from
	// a browser ("*" for any: the API authenticates with bearer tokens, not cookies).
	CORSAllowedOrigins []string
	// How long a client may take: to send its headers, to send its body, to read the answer
	// (downloads get more, by size), and to keep an idle connection open.
	HTTPReadHeaderTimeout time.Duration // HTTP_READ_HEADER_TIMEOUT
	HTTPBodyTimeout       time.Duration // HTTP_BODY_TIMEOUT
	HTTPWriteTimeout      time.Duration // HTTP_WRITE_TIMEOUT
	HTTPIdleTimeout       time.Duration // HTTP_IDLE_TIMEOUT

	TemporalEngine    string // TEMPORAL_ENGINE: what `keyclic dev` starts, dev (the CLI's dev server) or server (Temporal on Postgres)
	TemporalAddress   string // TEMPORAL_ADDRESS
	TemporalNamespace string // TEMPORAL_NAMESPACE
	TaskQueue         string // TEMPORAL_TASK_QUEUE

	JWTPrivateKey     string        // JWT_PRIVATE_KEY: PEM text of an RSA private key
	JWTPrivateKeyFile string        // JWT_PRIVATE_KEY_FILE: or its path
	JWTTTL            time.Duration // JWT_TTL

	SendGridAPIKey string // SENDGRID_API_KEY: empty records emails in Postgres and the log instead
	SendGridHost   string // SENDGRID_HOST: the API base URL, so a local fake can stand in
	MailFrom       string // MAIL_FROM
	MailFromName   string // MAIL_FROM_NAME

	PasswordResetTTL      time.Duration // PASSWORD_RESET_TTL
	PasswordResetURL      string        // PASSWORD_RESET_URL: used when the request names no application
	PasswordResetThrottle time.Duration // PASSWORD_RESET_THROTTLE: shortest time between two reset emails to one person
	BcryptCost            int           // BCRYPT_COST
	LoginMaxFailures      int           // LOGIN_MAX_FAILURES: failed logins of one login name tolerated per window (0: no limit)
	LoginFailureWindow    time.Duration // LOGIN_FAILURE_WINDOW

	OperationDefaultDelay     time.Duration // OPERATION_DEFAULT_DELAY: due time of an operation with no start date and duration
	OperationReminderInterval time.Duration // OPERATION_REMINDER_INTERVAL: between reminders of an overdue operation

	WebhookTimeout       time.Duration   // WEBHOOK_TIMEOUT: per delivery attempt
	WebhookSchedule      []time.Duration // WEBHOOK_RETRY_SCHEDULE: waits between attempts, comma-separated
	WebhookRetryAfterCap time.Duration   // WEBHOOK_RETRY_AFTER_CAP: the longest Retry-After honoured
	WebhookDisableAfter  time.Duration   // WEBHOOK_DISABLE_AFTER: a webhook failing this long is disabled
	WebhookRetryJitter   int             // WEBHOOK_RETRY_JITTER: each wait of the schedule varies by up to this percent
	WebhookSecretOverlap time.Duration   // WEBHOOK_SECRET_OVERLAP: how long a rotated-out secret still signs
	WebhookAllowInternal bool            // WEBHOOK_ALLOW_INTERNAL: accept loopback/private targets (development, tests)

	ExportDir             string        // EXPORT_DIR: where export archives are written and downloaded from (default <KEYCLIC_DATA_DIR>/exports)
	ExportAttachmentMax   int64         // EXPORT_ATTACHMENT_MAX: bytes; a larger archive is linked in the email, not attached
	ExportDownloadBaseURL string        // EXPORT_DOWNLOAD_BASE_URL: the API's public URL, base of the emailed download link
	ExportRetention       time.Duration // EXPORT_RETENTION: how long an archive stays downloadable before it is deleted

	ImageMaxPixels    int   // IMAGE_MAX_PIXELS: the most pixels (width × height) an uploaded image may declare
	ImageMaxSide      int   // IMAGE_MAX_SIDE: the longest width or height an uploaded image may declare
	ImageDecodeMemory int64 // IMAGE_DECODE_MEMORY: bytes that image decodes and resizes may hold at once; also the most one upload may cost

	ReviewRequestTTL time.Duration // REVIEW_REQUEST_TTL: how long a review request waits for its answer before it expires

	Open311BaseURL          string        // OPEN311_BASE_URL: the API's public URL, base of the Open311 discovery's endpoint and of media URLs
	Open311PostWait         time.Duration // OPEN311_POST_WAIT: how long an Open311 POST requests waits for matching before answering a token
	Open311Contact          string        // OPEN311_CONTACT: the Open311 discovery's contact
	Open311KeyService       string        // OPEN311_KEY_SERVICE: the Open311 discovery's key_service, how a client gets an API key
	IdempotencyKeyRetention time.Duration // IDEMPOTENCY_KEY_RETENTION: how long an Idempotency-Key and its answer are kept
	// FAULT_PAUSE_BEFORE_ANSWER: fault tests only, never in production: how long a request with
	// an Idempotency-Key waits between its effect and its answer, so that a test can kill the API
	// then (0, the default: no wait).
	FaultPauseBeforeAnswer time.Duration

	OutboxDispatch bool // OUTBOX_DISPATCH: run the outbox dispatcher in this worker

	DataDir   string // KEYCLIC_DATA_DIR: development files (generated JWT key, Temporal's SQLite file)
	LogLevel  slog.Level
	LogFormat string // LOG_FORMAT: text or json
}

// The Temporal engines `keyclic dev` can start (TEMPORAL_ENGINE).
const (
	EngineDev    = "dev"
	EngineServer = "server"
)

// FromEnv reads the configuration; a malformed value is an error, a missing one takes its default.
func FromEnv() (Config, error) {
	r := reader{}
	c := Config{
		DatabaseURL:               r.str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/keyclic?sslmode=disable"),
		HTTPAddr:                  r.str("HTTP_ADDR", ":8080"),
		MetricsAddr:               metricsAddr(),
		CORSAllowedOrigins:        r.list("CORS_ALLOWED_ORIGINS", "*"),
		HTTPReadHeaderTimeout:     r.duration("HTTP_READ_HEADER_TIMEOUT", 10*time.Second),
		HTTPBodyTimeout:           r.duration("HTTP_BODY_TIMEOUT", 30*time.Second),
		HTTPWriteTimeout:          r.duration("HTTP_WRITE_TIMEOUT", 90*time.Second),
		HTTPIdleTimeout:           r.duration("HTTP_IDLE_TIMEOUT", 2*time.Minute),
		TemporalEngine:            r.str("TEMPORAL_ENGINE", EngineDev),
		TemporalNamespace:         r.str("TEMPORAL_NAMESPACE", "default"),
		TaskQueue:                 r.str("TEMPORAL_TASK_QUEUE", "keyclic"),
		JWTPrivateKey:             r.str("JWT_PRIVATE_KEY", ""),
		JWTPrivateKeyFile:         r.str("JWT_PRIVATE_KEY_FILE", ""),
		JWTTTL:                    r.duration("JWT_TTL", 24*time.Hour),
		SendGridAPIKey:            r.str("SENDGRID_API_KEY", ""),
		SendGridHost:              r.str("SENDGRID_HOST", "https://api.sendgrid.com"),
		MailFrom:                  r.str("MAIL_FROM", "no-reply@keyclic.com"),
		MailFromName:              r.str("MAIL_FROM_NAME", "Keyclic"),
		PasswordResetTTL:          r.duration("PASSWORD_RESET_TTL", time.Hour),
		PasswordResetURL:          r.str("PASSWORD_RESET_URL", "https://app.keyclic.com/#/password-reset/"),
		PasswordResetThrottle:     r.duration("PASSWORD_RESET_THROTTLE", time.Minute),
		BcryptCost:                r.integer("BCRYPT_COST", 12),
		LoginMaxFailures:          r.integer("LOGIN_MAX_FAILURES", 10),
		LoginFailureWindow:        r.duration("LOGIN_FAILURE_WINDOW", 15*time.Minute),
		OperationDefaultDelay:     r.duration("OPERATION_DEFAULT_DELAY", 72*time.Hour),
		OperationReminderInterval: r.duration("OPERATION_REMINDER_INTERVAL", 24*time.Hour),
		WebhookTimeout:            r.duration("WEBHOOK_TIMEOUT", 10*time.Second),
		// About 3 days in all (Stripe's horizon), front-loaded like Svix's schedule.
		WebhookSchedule:      r.durations("WEBHOOK_RETRY_SCHEDULE", "5s,5m,30m,2h,5h,10h,10h,12h,12h,12h,12h"),
		WebhookRetryAfterCap: r.duration("WEBHOOK_RETRY_AFTER_CAP", time.Hour),
		WebhookDisableAfter:  r.duration("WEBHOOK_DISABLE_AFTER", 72*time.Hour),
		WebhookRetryJitter:   r.integer("WEBHOOK_RETRY_JITTER", 20),
		WebhookSecretOverlap: r.duration("WEBHOOK_SECRET_OVERLAP", 24*time.Hour),
		WebhookAllowInternal: r.boolean("WEBHOOK_ALLOW_INTERNAL", false),
		OutboxDispatch:       r.boolean("OUTBOX_DISPATCH", true),
		DataDir:              r.str("KEYCLIC_DATA_DIR", "var"),
		LogFormat:            r.str("LOG_FORMAT", "text"),

		// Exports: the directory defaults to exports/ in DataDir (see ExportDirectory).
		ExportDir:             r.str("EXPORT_DIR", ""),
		ExportAttachmentMax:   int64(r.integer("EXPORT_ATTACHMENT_MAX", 10<<20)),
		ExportDownloadBaseURL: r.str("EXPORT_DOWNLOAD_BASE_URL", "http://localhost:8080"),
		ExportRetention:       r.duration("EXPORT_RETENTION", 7*24*time.Hour),

		ImageMaxPixels:    r.integer("IMAGE_MAX_PIXELS", domain.DefaultImageMaxPixels),
		ImageMaxSide:      r.integer("IMAGE_MAX_SIDE", domain.DefaultImageMaxSide),
		ImageDecodeMemory: int64(r.integer("IMAGE_DECODE_MEMORY", domain.DefaultImageDecodeMemory)),

		ReviewRequestTTL: r.duration("REVIEW_REQUEST_TTL", 30*24*time.Hour),

		Open311BaseURL:          r.str("OPEN311_BASE_URL", "http://localhost:8080"),
		Open311PostWait:         r.duration("OPEN311_POST_WAIT", 20*time.Second),
		Open311Contact:          r.str("OPEN311_CONTACT", "Keyclic, contact@keyclic.com"),
		Open311KeyService:       r.str("OPEN311_KEY_SERVICE", "Ask the operator of this service for a key (keyclic open311 keys create)."),
		IdempotencyKeyRetention: r.duration("IDEMPOTENCY_KEY_RETENTION", 24*time.Hour),
		FaultPauseBeforeAnswer:  r.duration("FAULT_PAUSE_BEFORE_ANSWER", 0),
	}
	// Each engine listens on its own port, so that both can run on one machine.
	switch c.TemporalEngine {
	case EngineDev:
		c.TemporalAddress = r.str("TEMPORAL_ADDRESS", "127.0.0.1:7233")
	case EngineServer:
		c.TemporalAddress = r.str("TEMPORAL_ADDRESS", "127.0.0.1:7333")
	default:
		r.errs = append(r.errs, fmt.Errorf("TEMPORAL_ENGINE: want %s or %s, got %q", EngineDev, EngineServer, c.TemporalEngine))
	}
	if err := c.LogLevel.UnmarshalText([]byte(r.str("LOG_LEVEL", "info"))); err != nil {
		r.errs = append(r.errs, fmt.Errorf("LOG_LEVEL: %w", err))
	}
	if c.ExportAttachmentMax < 0 {
		r.errs = append(r.errs, fmt.Errorf("EXPORT_ATTACHMENT_MAX: want a number of bytes, got %d", c.ExportAttachmentMax))
	}
	for _, v := range []struct {
		name string
		n    int64
	}{{"IMAGE_MAX_PIXELS", int64(c.ImageMaxPixels)}, {"IMAGE_MAX_SIDE", int64(c.ImageMaxSide)}, {"IMAGE_DECODE_MEMORY", c.ImageDecodeMemory}} {
		if v.n <= 0 {
			r.errs = append(r.errs, fmt.Errorf("%s: want a positive number, got %d", v.name, v.n))
		}
	}
	if c.WebhookRetryJitter < 0 || c.WebhookRetryJitter > 90 {
		r.errs = append(r.errs, fmt.Errorf("WEBHOOK_RETRY_JITTER: want a percent from 0 to 90, got %d", c.WebhookRetryJitter))
	}
	if len(r.errs) > 0 {
		return c, fmt.Errorf("configuration: %v", r.errs)
	}
	return c, nil
}

// ExportDirectory is where export archives go: EXPORT_DIR, else exports/ in the data directory
// (var/exports by default). API and worker must see the same directory.
func (c Config) ExportDirectory() string {
	if c.ExportDir != "" {
		return c.ExportDir
	}
	return filepath.Join(c.DataDir, "exports")
}

// Logger builds the process's logger.
func (c Config) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

type reader struct{ errs []error }

func (r *reader) str(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.errs = append(r.errs, fmt.Errorf("%s: want a positive duration like 90s or 2h, got %q", name, v))
		return def
	}
	return d
}

func (r *reader) durations(name, def string) []time.Duration {
	v := r.str(name, def)
	var out []time.Duration
	for _, part := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d <= 0 {
			r.errs = append(r.errs, fmt.Errorf("%s: want comma-separated positive durations like 5s,5m,1h, got %q", name, v))
			return nil
		}
		out = append(out, d)
	}
	return out
}

func (r *reader) list(name, def string) []string {
	var out []string
	for _, part := range strings.Split(r.str(name, def), ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (r *reader) boolean(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: want true or false, got %q", name, v))
		return def
	}
	return b
}

func (r *reader) integer(name string, def int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: want an integer, got %q", name, v))
		return def
	}
	return n
}
