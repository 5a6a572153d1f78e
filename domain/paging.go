package domain

import "time"

const (
	DefaultLimit = 10
	MaxLimit     = 100
	// MaxPage keeps every offset far from integer overflow (and offsets past a billion rows
	// mean nothing to a client paging through a collection).
	MaxPage = 10_000_000
)

// Page selects one page of a collection, with the filters every collection shares.
type Page struct {
	Page   int
	Limit  int
	Desc   bool       // order by creation time, newest first unless the client asks asc
	After  *time.Time // created at or after
	Before *time.Time // created at or before
}

// Offset is the number of rows before this page.
func (p Page) Offset() int { return (p.Page - 1) * p.Limit }

// Pages is the number of pages needed for total items (at least 1, as clients expect).
func (p Page) Pages(total int) int {
	if total <= 0 {
		return 1
	}
	return (total + p.Limit - 1) / p.Limit
}
