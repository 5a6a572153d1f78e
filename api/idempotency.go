package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// Idempotency keys, as Stripe's API has them: a POST or PATCH sent with an Idempotency-Key is
// run once; the same key with the same request (method, path, query, application and body, from
// the same caller) within the retention period is answered with the first answer again, marked
// Idempotent-Replayed; the same key with another request is a 422; while the first is running,
// a 409 with Retry-After. Answers 2xx and 4xx are kept; a 5xx, a 408 and a 429 are not (nothing
// was decided: the next request with the key runs again). Keys live in Postgres, shared by
// every API instance.
//
// A request that runs takes the key's seed, from which the ids of what it makes derive (a
// feedback, an operation, a Temporal update...). A request cut by a dying API leaves its key
// RUNNING until its lease runs out; the next request with the key then runs again under the
// same ids, finds what the first one did (Temporal answers a repeated update id with the first
// outcome, an insert finds its row), and answers with that, instead of doing it twice.
const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
	maxIdempotencyKey = 255
	// idempotencyLease is how long a running request holds its key without renewing it: the
	// longest a retry waits (409) after the API running the first attempt died.
	idempotencyLease = 10 * time.Second
	// idempotencySweepEvery spaces the deletions of expired keys (by any request, per process).
	idempotencySweepEvery = time.Minute
	idempotencySweepBatch = 1000
	// recordTimeout bounds writing the key's outcome, even when the request's time is over.
	recordTimeout = 5 * time.Second
)

const ctxKeyed = "keyclic.keyed"

// keyedRequest is a request running under an idempotency key.
type keyedRequest struct {
	seed    uuid.UUID
	resumed bool
}

// keptHeaders are the headers of an answer replayed with it; the others (CORS, dates) are the
// replay's own.
var keptHeaders = []string{"Content-Type", "Location", "Content-Disposition", "Cache-Control"}

// idempotent runs a POST or PATCH with an Idempotency-Key at most once per key, or answers it
// with the first answer (see above). Routes without a caller are scoped to "anonymous": their
// keys, random as they should be, do not meet, and a replay answers only the same body.
func (s *Server) idempotent(c *gin.Context) {
	values, sent := c.Request.Header[idempotencyHeader]
	if !sent || (c.Request.Method != http.MethodPost && c.Request.Method != http.MethodPatch) {
		c.Next()
		return
	}
	key, err := checkIdempotencyKey(values)
	if err != nil {
		s.fail(c, err)
		return
	}
	if notRecorded[c.FullPath()] {
		c.Next()
		return
	}
	scope := "anonymous"
	if id, ok := c.Get(ctxPerson); ok {
		scope = "person:" + id.(uuid.UUID).String()
	}
	k := store.IdempotencyKey{Scope: scope, Key: key, Fingerprint: s.fingerprint(c)}
	attempt := uuid.New()
	claim, err := s.store.ClaimIdempotencyKey(c, k, attempt, idempotencyLease, s.settings.IdempotencyRetention)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sweepIdempotencyKeys()
	switch claim.Outcome {
	case store.ClaimMismatch:
		s.fail(c, &domain.Error{Kind: domain.KindUnprocessable, Msg: domain.Msg(domain.MsgValidationFailed),
			Violations: []domain.Violation{{Path: idempotencyHeader, Msg: domain.Msg(domain.MsgIdempotencyKeyReused)}}})
		return
	case store.ClaimBusy:
		s.fail(c, &domain.Error{Kind: domain.KindConflict, Msg: domain.Msg(domain.MsgIdempotencyKeyBusy), RetryAfter: claim.RetryAfter})
		return
	case store.ClaimReplay:
		replay(c, claim.Answer)
		return
	}
	if claim.Resumed {
		s.log.WarnContext(c, "resuming a request whose attempt stopped without an answer", "route", c.FullPath())
	}
	c.Set(ctxKeyed, &keyedRequest{seed: claim.Seed, resumed: claim.Resumed})
	s.runKeyed(c, k, attempt)
}

// notRecorded are the routes whose answer is never kept: a login has nothing to do twice, and
// its answer is a credential the service keeps nowhere.
var notRecorded = map[string]bool{"/security/login": true}

// checkIdempotencyKey accepts one key of 1 to 255 visible ASCII characters.
func checkIdempotencyKey(values []string) (string, error) {
	bad := domain.Invalid(idempotencyHeader, domain.MsgIdempotencyKeyInvalid, maxIdempotencyKey)
	if len(values) != 1 || values[0] == "" || len(values[0]) > maxIdempotencyKey {
		return "", bad
	}
	for i := 0; i < len(values[0]); i++ {
		if b := values[0][i]; b <= ' ' || b > '~' {
			return "", bad
		}
	}
	return values[0], nil
}

// runKeyed runs the request holding its key, keeps its answer when it is one to keep, and only
// then sends it: a client that receives an answer finds it again with the key.
func (s *Server) runKeyed(c *gin.Context, k store.IdempotencyKey, attempt uuid.UUID) {
	stopRenewing := s.renewLease(k, attempt)
	rec := &recorder{ResponseWriter: c.Writer, status: http.StatusOK}
	c.Writer = rec
	answered := false
	defer func() {
		stopRenewing()
		c.Writer = rec.ResponseWriter
		if !answered { // a panic: recoverPanics answers 500, and the key is released
			s.releaseKey(c, k, attempt)
		}
	}()
	c.Next()
	if p := s.settings.FaultPauseBeforeAnswer; p > 0 {
		time.Sleep(p) // fault tests kill the process here: after the effect, before the answer
	}
	answered = true
	a := store.RecordedAnswer{Status: rec.status, Header: map[string]string{}, Body: rec.body.Bytes()}
	for _, h := range keptHeaders {
		if v := rec.Header().Get(h); v != "" {
			a.Header[h] = v
		}
	}
	if kept(a.Status) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), recordTimeout)
		ok, err := s.store.RecordIdempotentAnswer(ctx, k.Scope, k.Key, attempt, a)
		cancel()
		if err != nil || !ok {
			// The answer still goes out; a retry with the key finds what was done, by its ids.
			s.log.WarnContext(c, "answer of an idempotent request not kept", "route", c.FullPath(), "held", ok, "error", err)
		}
	} else {
		s.releaseKey(c, k, attempt)
	}
	rec.send()
}

// kept reports whether an answer decides the request for good: 2xx, 3xx and 4xx, except a
// request too slow to arrive (408) or asked to slow down (429). A 5xx is not kept: a dependency
// was away, and the request may run again.
func kept(status int) bool {
	return status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
}

// releaseKey lets the next request with the key run again, as soon as it comes.
func (s *Server) releaseKey(c *gin.Context, k store.IdempotencyKey, attempt uuid.UUID) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), recordTimeout)
	defer cancel()
	if err := s.store.ReleaseIdempotencyKey(ctx, k.Scope, k.Key, attempt); err != nil {
		// Its lease runs out on its own.
		s.log.WarnContext(c, "idempotency key not released", "route", c.FullPath(), "error", err)
	}
}

// renewLease renews the attempt's lease on its key until the returned function is called.
func (s *Server) renewLease(k store.IdempotencyKey, attempt uuid.UUID) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(idempotencyLease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), idempotencyLease/3)
				held, err := s.store.RenewIdempotencyLease(ctx, k.Scope, k.Key, attempt, idempotencyLease)
				cancel()
				if err == nil && !held {
					s.log.Warn("idempotency key taken over by another attempt", "scope", k.Scope)
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// sweepIdempotencyKeys deletes expired keys in the background, at most once a minute.
func (s *Server) sweepIdempotencyKeys() {
	now := time.Now().UnixNano()
	last := s.keysSweptAt.Load()
	if now-last < int64(idempotencySweepEvery) || !s.keysSweptAt.CompareAndSwap(last, now) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.store.DeleteExpiredIdempotencyKeys(ctx, s.settings.IdempotencyRetention, idempotencySweepBatch); err != nil {
			s.log.Warn("expired idempotency keys not deleted", "error", err)
		}
	}()
}

// replay answers with a kept answer.
func replay(c *gin.Context, a store.RecordedAnswer) {
	for h, v := range a.Header {
		c.Header(h, v)
	}
	c.Header(replayedHeader, "true")
	c.Status(a.Status)
	if len(a.Body) > 0 {
		_, _ = c.Writer.Write(a.Body)
	}
	c.Abort()
}

// fingerprint identifies the request a key was sent with: its method, path, query, application
// and body (JSON compared as values, so that key order and spacing do not matter). It is keyed
// with a secret of the service, so that the table does not let anyone test guesses of a body
// (a password) against it.
func (s *Server) fingerprint(c *gin.Context) []byte {
	h := hmac.New(sha256.New, s.fingerprintKey)
	for _, part := range []string{c.Request.Method, c.Request.URL.EscapedPath(), c.Request.URL.Query().Encode(),
		strings.TrimSpace(c.GetHeader("X-Keyclic-App"))} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	v, _ := c.Get(ctxBody)
	body, _ := v.([]byte)
	h.Write(canonicalJSON(body))
	return h.Sum(nil)
}

// canonicalJSON is body with object keys sorted and spaces removed, numbers kept as written;
// anything else than one JSON value is left as it is.
func canonicalJSON(body []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || d.More() {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// newID is the id of something a request makes: random, or, under an idempotency key, derived
// from the key's seed and what it is for, so that every attempt of the request names the same
// thing. Derived ids are version 8 (SHA-256) UUIDs, never equal to a random (version 4) one.
func newID(c *gin.Context, purpose string) uuid.UUID {
	if k := keyedOf(c); k != nil {
		return uuid.NewHash(sha256.New(), k.seed, []byte(purpose), 8)
	}
	return uuid.New()
}

func keyedOf(c *gin.Context) *keyedRequest {
	v, ok := c.Get(ctxKeyed)
	if !ok {
		return nil
	}
	return v.(*keyedRequest)
}

// resumed reports whether an earlier attempt of this request stopped without an answer: what it
// did may be there already, under the same ids.
func resumed(c *gin.Context) bool {
	k := keyedOf(c)
	return k != nil && k.resumed
}

// recorder holds a keyed request's answer until it is kept, then sends it.
type recorder struct {
	gin.ResponseWriter
	status  int
	written bool
	body    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if code > 0 && !r.written {
		r.status = code
	}
}
func (r *recorder) WriteHeaderNow()                   { r.written = true }
func (r *recorder) Write(b []byte) (int, error)       { r.written = true; return r.body.Write(b) }
func (r *recorder) WriteString(s string) (int, error) { r.written = true; return r.body.WriteString(s) }
func (r *recorder) Status() int                       { return r.status }
func (r *recorder) Written() bool                     { return r.written }
func (r *recorder) Flush()                            {}
func (r *recorder) Size() int {
	if !r.written {
		return -1
	}
	return r.body.Len()
}

// send writes the held answer to the client.
func (r *recorder) send() {
	r.ResponseWriter.WriteHeader(r.status)
	r.ResponseWriter.WriteHeaderNow()
	if r.body.Len() > 0 {
		_, _ = r.ResponseWriter.Write(r.body.Bytes())
	}
}

// isViolation reports whether err is a validation error whose one violation has message key.
func isViolation(err error, key string) bool {
	de, ok := domain.AsError(err)
	return ok && len(de.Violations) == 1 && de.Violations[0].Msg.Key == key
}
