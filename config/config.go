// Package config reads the service's settings from environment variables, each with a default
// that works on a developer's machine.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"
)

// Config is every setting of the service.
type Config struct {
	DatabaseURL string // DATABASE_URL
	HTTPAddr    string // HTTP_ADDR

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

	PasswordResetTTL time.Duration // PASSWORD_RESET_TTL
	PasswordResetURL string        // PASSWORD_RESET_URL: used when the request names no application
	BcryptCost       int           // BCRYPT_COST

	OperationDefaultDelay     time.Duration // OPERATION_DEFAULT_DELAY: due time of an operation with no start date and duration
	OperationReminderInterval time.Duration // OPERATION_REMINDER_INTERVAL: between reminders of an overdue operation

	DataDir   string // KEYCLIC_DATA_DIR: development files (generated JWT key, Temporal's SQLite file)
	LogLevel  slog.Level
	LogFormat string // LOG_FORMAT: text or json
}

// FromEnv reads the configuration; a malformed value is an error, a missing one takes its default.
func FromEnv() (Config, error) {
	r := reader{}
	c := Config{
		DatabaseURL:               r.str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/keyclic?sslmode=disable"),
		HTTPAddr:                  r.str("HTTP_ADDR", ":8080"),
		TemporalAddress:           r.str("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
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
		BcryptCost:                r.integer("BCRYPT_COST", 12),
		OperationDefaultDelay:     r.duration("OPERATION_DEFAULT_DELAY", 72*time.Hour),
		OperationReminderInterval: r.duration("OPERATION_REMINDER_INTERVAL", 24*time.Hour),
		DataDir:                   r.str("KEYCLIC_DATA_DIR", "var"),
		LogFormat:                 r.str("LOG_FORMAT", "text"),
	}
	if err := c.LogLevel.UnmarshalText([]byte(r.str("LOG_LEVEL", "info"))); err != nil {
		r.errs = append(r.errs, fmt.Errorf("LOG_LEVEL: %w", err))
	}
	if len(r.errs) > 0 {
		return c, fmt.Errorf("configuration: %v", r.errs)
	}
	return c, nil
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
