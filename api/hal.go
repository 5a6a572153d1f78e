package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
)

// collection is a HAL page.
type collection struct {
	Page     int                    `json:"page"`
	Limit    int                    `json:"limit"`
	Pages    int                    `json:"pages"`
	Total    int                    `json:"total"`
	Links    hal.Links              `json:"_links"`
	Embedded map[string]interface{} `json:"_embedded"`
}

// renderPage builds the page of items with self/first/last/next/previous links that keep the
// request's filters.
func renderPage[T any](c *gin.Context, p domain.Page, total int, items []T) collection {
	pages := p.Pages(total)
	href := func(n int) *hal.Link { return &hal.Link{Href: pageHref(c, p, n)} }
	links := hal.Links{"self": href(p.Page), "first": href(1), "last": href(pages)}
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
	writeHAL(c, http.StatusOK, renderPage(c, p, total, out))
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
	writeHAL(c, status, view(out[0]))
	return nil
}

// itself is the view of respondOne that sends the whole resource.
func itself[J any](j J) any { return j }
