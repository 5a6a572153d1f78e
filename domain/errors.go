// Package domain holds the entities, states, rules and errors of Keyclic. It does no I/O.
package domain

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the API layer, which maps each kind to one HTTP status.
type Kind int

const (
	KindInternal        Kind = iota // anything unexpected: 500, details only in the log
	KindInvalid                     // bad input: 400, with one Violation per invalid field
	KindUnauthorized                // missing or bad credentials: 401
	KindForbidden                   // authenticated but not allowed: 403
	KindNotFound                    // no such resource (or not visible to the caller): 404
	KindConflict                    // the request is valid but the resource's state refuses it: 409
	KindGone                        // the resource existed but is no longer usable: 410
	KindUnavailable                 // a dependency is down: 503
	KindTooManyRequests             // the caller must slow down: 429
	KindTimeout                     // the client took too long to send its request: 408
	KindUnprocessable               // understood, but refused as it stands (an idempotency key reused): 422
)

// Violation is one invalid field of a request.
type Violation struct {
	Path string
	Msg  Message
}

// Error is the project's error type: a kind, a translatable message and, for KindInvalid, the fields at fault.
type Error struct {
	Kind       Kind
	Msg        Message
	Violations []Violation
	// Links point at resources the error is about (rel → path), such as the feedback a 409 left
	// FAILED, so that the client can act on it.
	Links map[string]string
	// RetryAfter, when set, tells the client how long to wait before trying again (503, 429).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Violations) == 0 {
		return e.Msg.Key
	}
	s := e.Msg.Key + ":"
	for _, v := range e.Violations {
		s += fmt.Sprintf(" %s=%s", v.Path, v.Msg.Key)
	}
	return s
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var de *Error
	ok := errors.As(err, &de)
	return de, ok
}

// IsKind reports whether err is a domain error of the given kind.
func IsKind(err error, k Kind) bool {
	de, ok := AsError(err)
	return ok && de.Kind == k
}

func NotFound() error               { return &Error{Kind: KindNotFound, Msg: Msg(MsgNotFound)} }
func Forbidden() error              { return &Error{Kind: KindForbidden, Msg: Msg(MsgForbidden)} }
func Unauthorized(key string) error { return &Error{Kind: KindUnauthorized, Msg: Msg(key)} }
func Conflict(key string, args ...any) error {
	return &Error{Kind: KindConflict, Msg: Msg(key, args...)}
}
func Gone(key string, args ...any) error { return &Error{Kind: KindGone, Msg: Msg(key, args...)} }

// Invalid builds a validation error for a single field.
func Invalid(path, key string, args ...any) error {
	return &Error{Kind: KindInvalid, Msg: Msg(MsgValidationFailed), Violations: []Violation{{Path: path, Msg: Msg(key, args...)}}}
}

// Violations collects field errors while a request is validated.
type Violations []Violation

// Add records that the field at path is invalid.
func (vs *Violations) Add(path, key string, args ...any) {
	*vs = append(*vs, Violation{Path: path, Msg: Msg(key, args...)})
}

// Err returns nil when nothing was recorded, else a KindInvalid error.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Msg: Msg(MsgValidationFailed), Violations: vs}
}
