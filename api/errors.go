package api

import (
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/internal/failure"
	"github.com/keyclic/keyclic/store"
)

const vndContext = "https://github.com/blongden/vnd.error"

type vndError struct {
	Context  string      `json:"@context"`
	Type     string      `json:"@type"`
	Message  string      `json:"message"`
	Path     string      `json:"path,omitempty"`
	Total    *int        `json:"total,omitempty"`
	Links    hal.Links   `json:"_links,omitempty"`
	Embedded *vndErrList `json:"_embedded,omitempty"`
}

type vndErrList struct {
	Errors []vndError `json:"errors"`
}

var statusOf = map[domain.Kind]int{
	domain.KindInvalid:         http.StatusBadRequest,
	domain.KindUnauthorized:    http.StatusUnauthorized,
	domain.KindForbidden:       http.StatusForbidden,
	domain.KindNotFound:        http.StatusNotFound,
	domain.KindConflict:        http.StatusConflict,
	domain.KindGone:            http.StatusGone,
	domain.KindUnavailable:     http.StatusServiceUnavailable,
	domain.KindTooManyRequests: http.StatusTooManyRequests,
	domain.KindTimeout:         http.StatusRequestTimeout,
	domain.KindUnprocessable:   http.StatusUnprocessableEntity,
	domain.KindInternal:        http.StatusInternalServerError,
}

// classify turns any error into a domain error: domain errors pass through, Temporal failures
// carrying one are unwrapped, a dependency that is away is "unavailable" (503 with Retry-After),
// the rest is internal.
func classify(err error) *domain.Error {
	if de, ok := domain.AsError(err); ok {
		return de
	}
	if de := failure.FromTemporal(err); de != nil {
		return de
	}
	if store.IsDataException(err) { // a value the input checks let through, refused by Postgres
		return &domain.Error{Kind: domain.KindInvalid, Msg: domain.Msg(domain.MsgInvalidValue)}
	}
	if dependencyAway(err) {
		return &domain.Error{Kind: domain.KindUnavailable, Msg: domain.Msg(domain.MsgUnavailable), RetryAfter: unavailableRetryAfter}
	}
	return &domain.Error{Kind: domain.KindInternal, Msg: domain.Msg(domain.MsgInternal)}
}

// handler is an endpoint: it writes its answer, or returns the error that handle answers with.
type handler func(c *gin.Context) error

// handle adapts a handler to gin: the one place where a handler's error becomes its answer.
func (s *Server) handle(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// fail answers with the vnd.error form of err. Unexpected errors are logged with the request's
// details and answered with a generic message: internals never reach the client.
func (s *Server) fail(c *gin.Context, err error) {
	de := classify(err)
	status := statusOf[de.Kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method, "route", c.FullPath(), "error", err)
	}
	retryAfter := de.RetryAfter
	if retryAfter <= 0 && status == http.StatusServiceUnavailable {
		retryAfter = unavailableRetryAfter // every 503 says when to come back
	}
	if retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
	}
	if isOpen311(c) { // the specification's errors, in the format the path asks for
		failOpen311(c, de, status)
		_ = c.Error(err)
		return
	}
	c.Header("Content-Type", "application/vnd.error+json; charset=utf-8")
	c.AbortWithStatusJSON(status, renderError(de, langOf(c)))
	_ = c.Error(err)
}

func renderError(de *domain.Error, lang domain.Lang) vndError {
	items := make([]vndError, 0, len(de.Violations)+1)
	for _, v := range de.Violations {
		items = append(items, vndError{Context: vndContext, Type: "Error", Message: v.Msg.In(lang), Path: v.Path})
	}
	typ := "ValidationError"
	if len(items) == 0 {
		typ = "Error"
		items = append(items, vndError{Context: vndContext, Type: "Error", Message: de.Msg.In(lang)})
	}
	total := len(items)
	out := vndError{Context: vndContext, Type: typ, Message: de.Msg.In(lang), Total: &total, Embedded: &vndErrList{Errors: items}}
	if len(de.Links) > 0 {
		out.Links = hal.Links{}
		for rel, href := range de.Links {
			out.Links[rel] = &hal.Link{Href: href}
		}
	}
	return out
}
