package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// Link is a HAL link with the IRI template mapping Keyclic clients use to read ids.
type Link struct {
	Href        string       `json:"href"`
	IriTemplate *iriTemplate `json:"iriTemplate,omitempty"`
}

type iriTemplate struct {
	Mapping map[string]string `json:"mapping"`
}

// link builds a link to path; mapping names the ids in it ("organization": "<id>").
func link(path string, mapping ...string) *Link {
	l := &Link{Href: path}
	if len(mapping) > 0 {
		m := make(map[string]string, len(mapping)/2)
		for i := 0; i+1 < len(mapping); i += 2 {
			m[mapping[i]] = mapping[i+1]
		}
		l.IriTemplate = &iriTemplate{Mapping: m}
	}
	return l
}

// Links is a resource's _links: each value is a *Link, or a []*Link for a list (images).
type Links map[string]any

// isoTime renders times as ISO 8601 with an explicit offset, as Keyclic clients parse them.
type isoTime time.Time

func (t isoTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000000-07:00") + `"`), nil
}

func isoPtr(t *time.Time) *isoTime {
	if t == nil {
		return nil
	}
	v := isoTime(*t)
	return &v
}

// resource carries the fields every resource shares.
type resource struct {
	Type      string  `json:"type"`
	ID        string  `json:"id"`
	CreatedAt isoTime `json:"createdAt"`
	UpdatedAt isoTime `json:"updatedAt"`
}

func newResource(typ, id string, created, updated time.Time) resource {
	return resource{Type: typ, ID: id, CreatedAt: isoTime(created), UpdatedAt: isoTime(updated)}
}

// collection is a HAL page.
type collection struct {
	Page     int                    `json:"page"`
	Limit    int                    `json:"limit"`
	Pages    int                    `json:"pages"`
	Total    int                    `json:"total"`
	Links    Links                  `json:"_links"`
	Embedded map[string]interface{} `json:"_embedded"`
}

// renderPage builds the page of items with self/first/last/next/previous links that keep the
// request's filters.
func renderPage[T any](c *gin.Context, p domain.Page, total int, items []T) collection {
	pages := p.Pages(total)
	href := func(n int) *Link { return &Link{Href: pageHref(c, p, n)} }
	links := Links{"self": href(p.Page), "first": href(1), "last": href(pages)}
	if p.Page < pages {
		links["next"] = href(p.Page + 1)
	}
	if p.Page > 1 {
		links["previous"] = href(p.Page - 1)
	}
	if items == nil {
		items = []T{}
	}
	return collection{Page: p.Page, Limit: p.Limit, Pages: pages, Total: total, Links: links,
		Embedded: map[string]interface{}{"items": items}}
}

// pageHref is the address of page n of the request's list, keeping its filters.
func pageHref(c *gin.Context, p domain.Page, n int) string {
	q := url.Values{}
	for k, v := range c.Request.URL.Query() {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	q.Set("limit", strconv.Itoa(p.Limit))
	return fmt.Sprintf("%s?%s", c.Request.URL.Path, q.Encode())
}

// renderWithExtras renders resources that need more than their row (checkpoints, images,
// counts): load fetches those for every id of the page at once, so a page costs a few queries,
// not a few per item.
func renderWithExtras[T, X, J any](ctx context.Context, items []T, id func(T) uuid.UUID,
	load func(context.Context, []uuid.UUID) (map[uuid.UUID]*X, error), render func(T, *X) J) ([]J, error) {
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = id(it)
	}
	extras, err := load(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]J, len(items))
	for i, it := range items {
		out[i] = render(it, extras[ids[i]])
	}
	return out, nil
}

// respondList answers a page of a collection: the query's paging (and the violations of the
// filters read before), the store's page of items, and their rendering.
func respondList[T, J any](c *gin.Context, q *query, list func(domain.Page) ([]T, int, error), render func([]T) ([]J, error)) error {
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	items, total, err := list(p)
	if err != nil {
		return err
	}
	out, err := render(items)
	if err != nil {
		return err
	}
	hal(c, http.StatusOK, renderPage(c, p, total, out))
	return nil
}

// each renders the items of a page one by one.
func each[T, J any](render func(T) J) func([]T) ([]J, error) {
	return func(items []T) ([]J, error) {
		out := make([]J, len(items))
		for i, it := range items {
			out[i] = render(it)
		}
		return out, nil
	}
}

// respondOne answers with one resource, rendered as a page's items are; view picks what of it
// is sent (the resource itself, or its tracking).
func respondOne[T, J any](c *gin.Context, status int, item T, render func(context.Context, []T) ([]J, error), view func(J) any) error {
	out, err := render(c, []T{item})
	if err != nil {
		return err
	}
	hal(c, status, view(out[0]))
	return nil
}

// itself is the view of respondOne that sends the whole resource.
func itself[J any](j J) any { return j }
