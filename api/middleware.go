package api

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

const (
	ctxApp    = "keyclic.app"
	ctxPerson = "keyclic.person"
)

// logRequests writes one slog line per request.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	s.log.LogAttrs(c.Request.Context(), levelFor(c.Writer.Status()), "http request",
		slog.String("method", c.Request.Method), slog.String("route", route), slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", time.Since(start)))
}

func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// recoverPanics answers 500 with a vnd.error instead of dropping the connection, and logs the panic.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// setLanguage decides once which language this request's messages use.
func setLanguage(c *gin.Context) {
	c.Set(ctxLang, parseAcceptLanguage(c.GetHeader("Accept-Language")))
	c.Next()
}

// requireApp resolves X-Keyclic-App to an application; every non-security endpoint needs one.
func (s *Server) requireApp(c *gin.Context) {
	key := strings.TrimSpace(c.GetHeader("X-Keyclic-App"))
	if key == "" {
		s.fail(c, domain.Invalid("X-Keyclic-App", domain.MsgAppKeyMissing))
		return
	}
	app, err := s.apps.get(c, s, key)
	if err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			err = domain.Invalid("X-Keyclic-App", domain.MsgAppKeyUnknown)
		}
		s.fail(c, err)
		return
	}
	c.Set(ctxApp, app)
	c.Next()
}

// requireAuth checks the bearer token and records who is calling.
func (s *Server) requireAuth(c *gin.Context) {
	h := c.GetHeader("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		s.fail(c, domain.Unauthorized(domain.MsgTokenMissing))
		return
	}
	id, err := s.tokens.Verify(strings.TrimSpace(raw))
	if err != nil {
		s.fail(c, err)
		return
	}
	// A well-signed token must still name an account: no handler runs for a subject that is none.
	known, err := s.people.exists(c, s, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !known {
		s.fail(c, domain.Unauthorized(domain.MsgTokenInvalid))
		return
	}
	c.Set(ctxPerson, id)
	c.Next()
}

func appOf(c *gin.Context) domain.Application { return c.MustGet(ctxApp).(domain.Application) }
func callerOf(c *gin.Context) uuid.UUID       { return c.MustGet(ctxPerson).(uuid.UUID) }

// appCache keeps applications in memory for a minute: every request resolves its key, and
// applications almost never change.
type appCache struct {
	mu      sync.Mutex
	entries map[string]appEntry
}

type appEntry struct {
	app     domain.Application
	fetched time.Time
}

const appCacheTTL = time.Minute

func (a *appCache) get(c *gin.Context, s *Server, key string) (domain.Application, error) {
	a.mu.Lock()
	e, ok := a.entries[key]
	a.mu.Unlock()
	if ok && time.Since(e.fetched) < appCacheTTL {
		return e.app, nil
	}
	app, err := s.store.ApplicationByToken(c.Request.Context(), key)
	if err != nil {
		return app, err
	}
	a.mu.Lock()
	if a.entries == nil {
		a.entries = map[string]appEntry{}
	}
	a.entries[key] = appEntry{app: app, fetched: time.Now()}
	a.mu.Unlock()
	return app, nil
}

// peopleCache remembers the accounts that authenticated recently, so that checking a token's
// subject costs a query once a minute per person. Accounts are never deleted, so a remembered
// one cannot have gone; unknown subjects are not remembered (they are asked each time).
type peopleCache struct {
	mu    sync.Mutex
	known map[uuid.UUID]time.Time
}

const (
	peopleCacheTTL = time.Minute
	peopleCacheMax = 100_000 // bounded memory: past this, the cache starts again empty
)

func (p *peopleCache) exists(c *gin.Context, s *Server, id uuid.UUID) (bool, error) {
	p.mu.Lock()
	at, ok := p.known[id]
	p.mu.Unlock()
	if ok && time.Since(at) < peopleCacheTTL {
		return true, nil
	}
	found, err := s.store.PersonExists(c.Request.Context(), id)
	if err != nil || !found {
		return false, err
	}
	p.mu.Lock()
	if p.known == nil || len(p.known) >= peopleCacheMax {
		p.known = map[uuid.UUID]time.Time{}
	}
	p.known[id] = time.Now()
	p.mu.Unlock()
	return true, nil
}
