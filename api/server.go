// Package api is the HTTP interface: Gin routes, middleware, handlers and HAL rendering. Reads
// go to Postgres directly; changes of stateful resources go through their Temporal workflows.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

// Settings are the API-side parts of the configuration.
type Settings struct {
	TaskQueue        string
	PasswordResetTTL time.Duration
	// PasswordResetThrottle is the shortest time between two reset emails to one person (0: none).
	PasswordResetThrottle time.Duration
	// ExportRetention is how long an export's archive stays downloadable (0: kept).
	ExportRetention time.Duration
	// LoginMaxFailures failed logins of one login name within LoginFailureWindow make the next
	// ones wait (429) until the window has passed (0: no limit).
	LoginMaxFailures   int
	LoginFailureWindow time.Duration
	BcryptCost         int
	Operations         workflows.OperationSettings
	Webhooks           WebhookSettings
	CORSOrigins        []string // browser origins allowed to call the API; "*" for any
	HTTP               HTTPTimeouts
	// Images bounds uploads and the memory of decodes and resizes (zero limits: the defaults).
	Images domain.ImageLimits
	// Open311 configures the Open311 GeoReport v2 endpoints.
	Open311 Open311Settings
	// IdempotencyRetention is how long an Idempotency-Key and its answer are kept (0: 24h).
	IdempotencyRetention time.Duration
	// RequestTimeout bounds each handler's work, database and Temporal calls (0: 30s).
	RequestTimeout time.Duration
	// FaultPauseBeforeAnswer makes a request with an Idempotency-Key wait this long between its
	// effect and its answer, so that fault tests can kill the process then (0: never).
	FaultPauseBeforeAnswer time.Duration
	// Metrics counts and times every request (nil: not measured); it runs before any other
	// middleware, so that it sees their answers too.
	Metrics gin.HandlerFunc
}

// Server holds what handlers need. One Temporal client per process, shared with the worker.
type Server struct {
	store    *store.Store
	temporal client.Client
	tokens   *Tokens
	settings Settings
	log      *slog.Logger
	apps     appCache
	people   peopleCache
	now      func() time.Time
	// dummyHash is compared against when a login names an unknown email, so that the answer
	// takes as long as for a known one.
	dummyHash []byte
	// fingerprintKey keys the hashes of requests sent with an idempotency key.
	fingerprintKey []byte
	keysSweptAt    atomic.Int64 // when this process last deleted expired idempotency keys (unix ns)
}

// NewServer builds the API.
func NewServer(st *store.Store, tc client.Client, tokens *Tokens, settings Settings, log *slog.Logger) *Server {
	if settings.IdempotencyRetention <= 0 {
		settings.IdempotencyRetention = DefaultIdempotencyRetention
	}
	if settings.RequestTimeout <= 0 {
		settings.RequestTimeout = defaultRequestTimeout
	}
	s := &Server{store: st, temporal: tc, tokens: tokens, settings: settings, log: log, now: time.Now}
	s.dummyHash = mustHash("not-a-real-password", settings.BcryptCost)
	s.fingerprintKey = tokens.derivedKey("idempotency fingerprints")
	return s
}

// DefaultIdempotencyRetention is how long idempotency keys are kept by default, as Stripe does.
const DefaultIdempotencyRetention = 24 * time.Hour

// defaultRequestTimeout bounds each handler's work (database and Temporal calls).
const defaultRequestTimeout = 30 * time.Second

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if s.settings.Metrics != nil {
		r.Use(s.settings.Metrics)
	}
	r.Use(traceRequests(), s.logRequests, s.recoverPanics, s.cors(), setLanguage, s.refuseBadQueryText, s.readBody, s.withTimeout)
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgRouteNotFound)})
	})
	r.NoMethod(func(c *gin.Context) {
		if isOpen311(c) {
			failOpen311(c, &domain.Error{Msg: domain.Msg(domain.MsgMethodNotAllowed)}, http.StatusMethodNotAllowed)
			return
		}
		c.Status(http.StatusMethodNotAllowed)
		c.Header("Content-Type", "application/vnd.error+json; charset=utf-8")
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, renderError(&domain.Error{Msg: domain.Msg(domain.MsgMethodNotAllowed)}, langOf(c)))
	})

	// Idempotency keys are claimed once the caller is known: after authentication.
	sec := r.Group("/security", s.idempotent)
	s.securityRoutes(sec)
	s.downloadRoutes(r)
	s.healthRoutes(r)
	s.openAPIRoutes(r)
	s.docsRoutes(r)
	// Open311 clients authenticate with their API key, not with the Keyclic headers.
	s.open311Routes(r)

	// The application's own description is read before anyone logs in: the clients send the
	// application header alone, and the Swagger file declares no bearer token for it.
	s.applicationRoutes(r.Group("/", s.requireApp))

	api := r.Group("/", s.requireApp, s.requireAuth, s.idempotent)
	s.peopleRoutes(api)
	s.organizationRoutes(api)
	s.memberRoutes(api)
	s.businessActivityRoutes(api)
	s.placeRoutes(api)
	s.categoryRoutes(api)
	s.duplicateHintRoutes(api)
	s.relationshipRoutes(api)
	s.feedbackRoutes(api)
	s.reportRoutes(api)
	s.operationRoutes(api)
	s.webhookRoutes(api)
	s.notificationRoutes(api)
	s.feedbackListRoutes(api)
	s.feedbackImageRoutes(api)
	s.commentRoutes(api)
	s.contributionRoutes(api)
	s.operationImageRoutes(api)
	s.reportingRoutes(api)
	s.reviewRoutes(api)
	s.serviceRoutes(api)
	s.serviceLevelRoutes(api)
	return r
}

func (s *Server) withTimeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.settings.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// hal answers with a HAL resource.
func writeHAL(c *gin.Context, status int, v any) {
	c.Header("Content-Type", "application/hal+json; charset=utf-8")
	c.PureJSON(status, v) // links keep their & unescaped
}

// cors lets the configured web apps call the API from a browser: bearer tokens, no cookies.
func (s *Server) cors() gin.HandlerFunc {
	cfg := cors.Config{
		AllowMethods: []string{"GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"},
		AllowHeaders: []string{"Authorization", "Content-Type", "Accept", "Accept-Language", "X-Keyclic-App", "X-Keyclic-App-Version",
			idempotencyHeader},
		ExposeHeaders: []string{"Content-Disposition", "Retry-After", replayedHeader},
		MaxAge:        12 * time.Hour,
	}
	if len(s.settings.CORSOrigins) == 0 || slices.Contains(s.settings.CORSOrigins, "*") {
		cfg.AllowAllOrigins = true
	} else {
		cfg.AllowOrigins = s.settings.CORSOrigins
	}
	return cors.New(cfg)
}
