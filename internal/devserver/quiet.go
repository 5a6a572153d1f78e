package devserver

import (
	"context"
	"log/slog"

	tlog "go.temporal.io/sdk/log"
)

// Quiet keeps the SDK's connection retries during start-up out of the log.
func Quiet(l *slog.Logger) tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(dropBelow{h: l.Handler(), min: slog.LevelError}))
}

type dropBelow struct {
	h   slog.Handler
	min slog.Level
}

func (d dropBelow) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= d.min && d.h.Enabled(ctx, l)
}
func (d dropBelow) Handle(ctx context.Context, r slog.Record) error { return d.h.Handle(ctx, r) }
func (d dropBelow) WithAttrs(a []slog.Attr) slog.Handler            { return dropBelow{d.h.WithAttrs(a), d.min} }
func (d dropBelow) WithGroup(n string) slog.Handler                 { return dropBelow{d.h.WithGroup(n), d.min} }
