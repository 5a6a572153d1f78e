package hal

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// Marshal encodes as the API's answers are encoded: without escaping &, < and > in strings.
func Marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Payloads renders webhook payloads from the database alone: a worker needs no API to send
// them, and each is the resource exactly as its GET answers it.
type Payloads struct {
	Store *store.Store
	// Now is when a payload is rendered (a report's service level is read at it); nil is the clock.
	Now func() time.Time
}

func (p Payloads) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// ReportJSON renders a report as GET /reports/{id} answers it.
func (p Payloads) ReportJSON(ctx context.Context, id uuid.UUID) (json.RawMessage, error) {
	r, err := p.Store.ReportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := RenderWithExtras(ctx, []domain.Report{r}, func(r domain.Report) uuid.UUID { return r.ID }, p.Store.ReportExtrasFor, RenderReportAt(p.now()))
	if err != nil {
		return nil, err
	}
	return Marshal(out[0])
}

// OperationJSON renders an operation as GET /operations/{id} answers it, removed operations
// included (the operationRemoved event carries the operation as it was).
func (p Payloads) OperationJSON(ctx context.Context, id uuid.UUID) (json.RawMessage, error) {
	o, err := p.Store.OperationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := RenderWithExtras(ctx, []domain.Operation{o}, func(o domain.Operation) uuid.UUID { return o.ID }, p.Store.OperationExtrasFor, RenderOperation)
	if err != nil {
		return nil, err
	}
	return Marshal(out[0])
}
