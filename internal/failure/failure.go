// Package failure carries domain errors across Temporal: an activity or an update handler returns
// a domain error, Temporal transports it as an application error, and the API turns it back into
// the same domain error (and so into the same HTTP status and translated message).
package failure

import (
	"errors"
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"

	"github.com/keyclic/keyclic/domain"
)

const typePrefix = "keyclic.kind."

// wireViolation is a domain.Violation in a form the data converter can encode.
type wireViolation struct {
	Path string
	Key  string
	Args []string
}

// ToTemporal wraps a domain error as a non-retryable application error (a rule said no: retrying
// cannot help). Other errors are returned unchanged so that Temporal retries them.
func ToTemporal(err error) error {
	de, ok := domain.AsError(err)
	if !ok || de.Kind == domain.KindInternal || de.Kind == domain.KindUnavailable {
		return err
	}
	vs := make([]wireViolation, len(de.Violations))
	for i, v := range de.Violations {
		vs[i] = wireViolation{Path: v.Path, Key: v.Msg.Key, Args: stringArgs(v.Msg.Args)}
	}
	return temporal.NewNonRetryableApplicationError(de.Msg.Key, typePrefix+strconv.Itoa(int(de.Kind)), nil, stringArgs(de.Msg.Args), vs)
}

// FromTemporal finds a domain error carried inside a Temporal error chain (activity, child
// workflow or update failures all wrap it), or returns nil when there is none.
func FromTemporal(err error) *domain.Error {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		return nil
	}
	t := ae.Type()
	if len(t) <= len(typePrefix) || t[:len(typePrefix)] != typePrefix {
		return nil
	}
	k, convErr := strconv.Atoi(t[len(typePrefix):])
	if convErr != nil {
		return nil
	}
	var args []string
	var vs []wireViolation
	if ae.HasDetails() {
		_ = ae.Details(&args, &vs)
	}
	de := &domain.Error{Kind: domain.Kind(k), Msg: domain.Msg(ae.Message(), anyArgs(args)...)}
	for _, v := range vs {
		de.Violations = append(de.Violations, domain.Violation{Path: v.Path, Msg: domain.Msg(v.Key, anyArgs(v.Args)...)})
	}
	return de
}

// Arguments travel as strings: messages only print them (with %v).
func stringArgs(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = fmt.Sprint(a)
	}
	return out
}

func anyArgs(args []string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}
