package api

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// ReportJSON renders a report exactly as GET /reports/{id} answers it (webhook payloads).
func (s *Server) ReportJSON(ctx context.Context, id uuid.UUID) (json.RawMessage, error) {
	r, err := s.store.ReportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := s.renderReports(ctx, []domain.Report{r})
	if err != nil {
		return nil, err
	}
	return marshalLikeResponses(out[0])
}

// OperationJSON renders an operation exactly as GET /operations/{id} answers it, removed
// operations included (the operationRemoved event carries the operation as it was).
func (s *Server) OperationJSON(ctx context.Context, id uuid.UUID) (json.RawMessage, error) {
	o, err := s.store.OperationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := s.renderOperations(ctx, []domain.Operation{o})
	if err != nil {
		return nil, err
	}
	return marshalLikeResponses(out[0])
}

// marshalLikeResponses encodes as hal() does: without escaping &, < and > in strings.
func marshalLikeResponses(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
