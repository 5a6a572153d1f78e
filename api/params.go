package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// pathID reads a UUID path parameter; a malformed one is a 404 (no such resource), never a 500.
func pathID(c *gin.Context, name string) (uuid.UUID, error) {
	id, ok := domain.ParseUUID(c.Param(name))
	if !ok {
		return uuid.Nil, domain.NotFound()
	}
	return id, nil
}

// query reads the parameters of a collection request, collecting every violation at once.
type query struct {
	c  *gin.Context
	vs domain.Violations
}

func newQuery(c *gin.Context) *query { return &query{c: c} }

// err returns the violations found so far.
func (q *query) err() error { return q.vs.Err() }

// page reads page, limit, order, after and before.
func (q *query) page() domain.Page {
	p := domain.Page{Page: 1, Limit: domain.DefaultLimit, Desc: true}
	if v, ok := q.c.GetQuery("page"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > domain.MaxPage {
			q.vs.Add("page", domain.MsgOutOfRange, 1, domain.MaxPage)
		} else {
			p.Page = n
		}
	}
	if v, ok := q.c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			q.vs.Add("limit", domain.MsgOutOfRange, 1, domain.MaxLimit)
		case n > domain.MaxLimit:
			p.Limit = domain.MaxLimit
		default:
			p.Limit = n
		}
	}
	switch strings.ToLower(q.c.Query("order")) {
	case "", "desc":
	case "asc":
		p.Desc = false
	default:
		q.vs.Add("order", domain.MsgInvalidOrder)
	}
	p.After = q.time("after")
	p.Before = q.time("before")
	return p
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"}

// time reads an ISO 8601 date. An unescaped '+' arrives as a space and is read back as '+'.
func (q *query) time(name string) *time.Time {
	v, ok := q.c.GetQuery(name)
	if !ok || v == "" {
		return nil
	}
	if t, ok := parseTime(strings.ReplaceAll(v, " ", "+")); ok {
		return &t
	}
	q.vs.Add(name, domain.MsgInvalidDate)
	return nil
}

// parseTime reads an ISO 8601 time in any of the forms clients send.
func parseTime(v string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// uuid reads an optional identifier filter.
func (q *query) uuid(name string) *uuid.UUID {
	v, ok := q.c.GetQuery(name)
	if !ok || v == "" {
		return nil
	}
	id, valid := domain.ParseUUID(v)
	if !valid {
		q.vs.Add(name, domain.MsgInvalidUUID)
		return nil
	}
	return &id
}

// search reads search[field].
func (q *query) search(field string) string {
	return strings.TrimSpace(q.c.Query("search[" + field + "]"))
}

// point reads geo_coordinates, or its alias geo_point.
func (q *query) point() *domain.Point {
	for _, name := range []string{"geo_coordinates", "geo_point"} {
		v, ok := q.c.GetQuery(name)
		if !ok || v == "" {
			continue
		}
		p, valid := domain.ParseGeoCoordinates(v)
		if !valid {
			q.vs.Add(name, domain.MsgInvalidGeoPoint)
			return nil
		}
		return &p
	}
	return nil
}

// boolean reads an optional true/false (or 1/0) parameter; nil when absent.
func (q *query) boolean(name string) *bool {
	v, ok := q.c.GetQuery(name)
	if !ok || v == "" {
		return nil
	}
	switch v {
	case "true", "1":
		b := true
		return &b
	case "false", "0":
		return new(bool)
	}
	q.vs.Add(name, domain.MsgInvalidBool)
	return nil
}
