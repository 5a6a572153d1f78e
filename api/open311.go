package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/open311"
	"github.com/keyclic/keyclic/store"
)

// Open311 GeoReport v2 under /open311/v2/: each method in XML and JSON, chosen by the resource's
// suffix. A jurisdiction is an application (jurisdiction_id is its key). Writes need an API key
// of the jurisdiction; reads show the public feedbacks, and with a key the client's own too.

const open311Prefix = "/open311/"

// Open311Settings configure the Open311 endpoints.
type Open311Settings struct {
	BaseURL    string        // the API's public URL: base of the discovery's endpoint and of media URLs
	PostWait   time.Duration // how long POST requests waits for matching before answering a token
	Contact    string        // discovery's contact
	KeyService string        // discovery's key_service: how a client gets a key
}

func (s *Server) open311Routes(r *gin.Engine) {
	g := r.Group("/open311/v2")
	for _, f := range []string{".xml", ".json"} {
		g.GET("/discovery"+f, s.open311Discovery)
		g.GET("/services"+f, s.handle(s.open311Services))
		g.GET("/requests"+f, s.handle(s.open311Requests))
		g.POST("/requests"+f, s.handle(s.open311PostRequest))
		g.GET("/servicerequestupdates"+f, s.handle(s.open311Updates))
	}
	g.GET("/services/:resource", s.handle(s.open311Service))
	g.GET("/requests/:resource", s.handle(s.open311Request))
	g.GET("/tokens/:resource", s.handle(s.open311Token))
	g.GET("/media/:feedback/:image", s.handle(s.open311Media))
}

func isOpen311(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, open311Prefix) }

// open311Answer writes a document in the format the path asks for.
func (s *Server) open311Answer(c *gin.Context, status int, d open311.Document) {
	f := open311.FormatOfPath(c.Request.URL.Path)
	b, err := open311.Encode(f, d)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(status, f.ContentType(), b)
}

// open311Status is the status of an error answer: the specification's 400, 403 and 404 for bad
// input, a missing or bad key and an unknown resource; others keep their own.
func open311Status(de *domain.Error, status int) int {
	switch de.Kind {
	case domain.KindInvalid:
		return http.StatusBadRequest
	case domain.KindUnauthorized, domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	}
	return status
}

// failOpen311 answers an error as the specification's list of {code, description}, one per
// invalid parameter ("lat: This value should be..."), in the format the path asks for.
func failOpen311(c *gin.Context, de *domain.Error, status int) {
	status = open311Status(de, status)
	lang := langOf(c)
	var errs open311.Errors
	for _, v := range de.Violations {
		d := v.Msg.In(lang)
		if v.Path != "" {
			d = v.Path + ": " + d
		}
		errs = append(errs, open311.Error{Code: status, Description: d})
	}
	if len(errs) == 0 {
		errs = open311.Errors{{Code: status, Description: de.Msg.In(lang)}}
	}
	f := open311.FormatOfPath(c.Request.URL.Path)
	b, err := open311.Encode(f, errs)
	if err != nil { // a list of strings always encodes
		c.AbortWithStatus(status)
		return
	}
	c.Abort()
	c.Data(status, f.ContentType(), b)
}

// resourceOf reads a path parameter "<name>.<format>"; a resource without a format is unknown.
func resourceOf(c *gin.Context) (string, error) {
	name, _, ok := open311.SplitFormat(c.Param("resource"))
	if !ok || name == "" {
		return "", &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgRouteNotFound)}
	}
	return name, nil
}

// open311Caller is who asks: a jurisdiction, and the client when a valid key was given.
type open311Caller struct {
	app domain.Application
	key *store.Open311Key
}

// reader is the account whose private requests the caller may read (none without a key).
func (oc open311Caller) reader() uuid.UUID {
	if oc.key == nil {
		return uuid.Nil
	}
	return oc.key.PersonID
}

// open311Jurisdiction resolves jurisdiction_id: required when the server has several
// applications (400), unknown ones are 404.
func (s *Server) open311Jurisdiction(ctx context.Context, c *gin.Context, id string) (domain.Application, error) {
	if id == "" {
		app, ok, err := s.store.SoleApplication(ctx)
		if err != nil {
			return app, err
		}
		if !ok {
			return app, domain.Invalid("jurisdiction_id", domain.MsgOpen311JurisdictionMissing)
		}
		return app, nil
	}
	app, err := s.apps.get(c, s, id)
	if domain.IsKind(err, domain.KindNotFound) {
		return app, &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgOpen311JurisdictionUnknown, id)}
	}
	return app, err
}

// open311Authenticate resolves the jurisdiction and the key. A key that is given must be valid
// for the jurisdiction (403); required says whether one must be given.
func (s *Server) open311Authenticate(c *gin.Context, jurisdiction, apiKey string, required bool) (open311Caller, error) {
	app, err := s.open311Jurisdiction(c, c, jurisdiction)
	if err != nil {
		return open311Caller{}, err
	}
	oc := open311Caller{app: app}
	if apiKey == "" {
		if required {
			return oc, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgOpen311KeyMissing)}
		}
		return oc, nil
	}
	k, err := s.store.Open311KeyByHash(c, open311.HashKey(apiKey))
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && k.ApplicationID != app.ID) {
		return oc, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgOpen311KeyInvalid)}
	}
	if err != nil {
		return oc, err
	}
	oc.key = &k
	return oc, nil
}

// open311KeyParams reads and checks api_key and jurisdiction_id of a read's query.
func (s *Server) open311Reader(c *gin.Context) (open311Caller, error) {
	key, jurisdiction, err := open311.ParseKeyQuery(c.Request.URL.Query())
	if err != nil {
		return open311Caller{}, err
	}
	return s.open311Authenticate(c, jurisdiction, key, false)
}
