package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyclic/keyclic/domain"
)

// feedbacksInCells lists the feedbacks matching f in any of the geohash cells (checked, distinct,
// none inside another). Each cell is one range of feedbacks_geohash_covering, which holds every
// column the conditions and the order use: the cells' entries are counted and sorted from the
// index alone, and the table is read for the page's rows only. (Several LIKEs joined by OR would
// be read as a bitmap, which visits the table for every entry.)
func feedbacksInCells(ctx context.Context, q querier, f *filter, cells []string, p domain.Page) ([]domain.Feedback, int, error) {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = fmt.Sprintf("SELECT f.id, f.created_at FROM feedbacks f%s", f.sqlAnd(fmt.Sprintf("f.geohash LIKE '%s%%'", c)))
	}
	hits := strings.Join(parts, " UNION ALL ")
	sql := fmt.Sprintf(`SELECT %s, h.total FROM (SELECT id, created_at, count(*) OVER () AS total FROM (%s) c
		ORDER BY %s LIMIT %d OFFSET %d) h JOIN feedbacks f ON f.id = h.id ORDER BY %s`,
		feedbackCols, hits, orderBy("created_at, id", p), p.Limit, p.Offset(), orderBy("h.created_at, h.id", p))
	return queryCounted(ctx, q, sql, "SELECT count(*) FROM ("+hits+") c", f.args, p, scanFeedback)
}

// distinctCells drops repeated cells and cells inside another listed cell (a longer geohash that
// starts with it), so that no feedback is counted twice; the rest is sorted.
func distinctCells(hashes []string) []string {
	cells := slices.Clone(hashes)
	slices.Sort(cells) // a cell sorts before the cells inside it
	cells = slices.Compact(cells)
	out := cells[:0]
	for _, c := range cells {
		if len(out) > 0 && strings.HasPrefix(c, out[len(out)-1]) {
			continue
		}
		out = append(out, c)
	}
	return out
}
