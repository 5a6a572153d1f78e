package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// filter accumulates WHERE conditions and their positional arguments.
type filter struct {
	conds []string
	args  []any
}

// arg adds a query argument and returns its placeholder.
func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return fmt.Sprintf("$%d", len(f.args))
}

// where adds a condition; %s verbs in cond are replaced by placeholders for args, in order.
func (f *filter) where(cond string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		ph[i] = f.arg(a)
	}
	f.conds = append(f.conds, fmt.Sprintf(cond, ph...))
}

// search adds a case-insensitive substring match on column.
func (f *filter) search(column, text string) {
	if text == "" {
		return
	}
	f.where(column+" ILIKE %s", "%"+likeEscape(text)+"%")
}

// page adds the created-at window shared by every collection.
func (f *filter) page(alias string, p domain.Page) {
	if p.After != nil {
		f.where(alias+".created_at >= %s", *p.After)
	}
	if p.Before != nil {
		f.where(alias+".created_at <= %s", *p.Before)
	}
}

func (f *filter) sql() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// sqlAnd is the WHERE clause with one more condition, which f keeps out of its own.
func (f *filter) sqlAnd(extra string) string {
	return " WHERE " + strings.Join(append(slices.Clone(f.conds), extra), " AND ")
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// listPage runs "SELECT cols FROM from WHERE ... ORDER BY created_at, id LIMIT/OFFSET" and a
// count, scanning each row with scan. alias is the table alias carrying created_at and id.
func listPage[T any](ctx context.Context, q querier, cols, from, alias string, f *filter, p domain.Page, scan func(pgx.Row) (T, error)) ([]T, int, error) {
	f.page(alias, p)
	return listPageOrdered(ctx, q, cols, from, alias+".created_at, "+alias+".id", f, p, scan)
}

// listPageOrdered is listPage with an explicit ordering (columns, each sorted in the page's direction).
func listPageOrdered[T any](ctx context.Context, q querier, cols, from, orderCols string, f *filter, p domain.Page, scan func(pgx.Row) (T, error)) ([]T, int, error) {
	order := orderBy(orderCols, p)
	var total int
	if err := q.QueryRow(ctx, "SELECT count(*) FROM "+from+f.sql(), f.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	items := []T{}
	if total == 0 || p.Offset() >= total {
		return items, total, nil
	}
	sql := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT %d OFFSET %d", cols, from, f.sql(), order, p.Limit, p.Offset())
	items, err := queryAll(ctx, q, sql, f.args, scan)
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// queryAll runs sql and scans every row with scan (never a nil slice: an empty list is []).
func queryAll[T any](ctx context.Context, q querier, sql string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}

// orderBy sorts by each of the columns in the page's direction.
func orderBy(orderCols string, p domain.Page) string {
	dir := " ASC"
	if p.Desc {
		dir = " DESC"
	}
	return strings.Join(strings.Split(orderCols, ", "), dir+", ") + dir
}

// listPageCounted is listPageOrdered in one statement: the page's rows carry the count of all
// matching rows (count(*) OVER ()), so the matching rows are found once instead of twice. It
// suits lists whose candidates are few and must all be read to sort them anyway (a small area);
// over a whole region the ordered scan that stops at the page's end is cheaper. Only a page past
// the end, which has no row to carry the count, counts on its own.
func listPageCounted[T any](ctx context.Context, q querier, cols, from, orderCols string, f *filter, p domain.Page, scan func(pgx.Row) (T, error)) ([]T, int, error) {
	sql := fmt.Sprintf("SELECT %s, count(*) OVER () FROM %s%s ORDER BY %s LIMIT %d OFFSET %d", cols, from, f.sql(), orderBy(orderCols, p), p.Limit, p.Offset())
	return queryCounted(ctx, q, sql, "SELECT count(*) FROM "+from+f.sql(), f.args, p, scan)
}

// queryCounted runs sql, a page whose rows end with the count of all matching rows, and scans
// them; on a page past the end, which has no row to carry it, countSQL gives the count.
func queryCounted[T any](ctx context.Context, q querier, sql, countSQL string, args []any, p domain.Page, scan func(pgx.Row) (T, error)) ([]T, int, error) {
	var total int
	items, err := queryAll(ctx, q, sql, args, func(r pgx.Row) (T, error) { return scan(countedRow{r, &total}) })
	if err != nil {
		return nil, 0, err
	}
	if len(items) == 0 && p.Offset() > 0 {
		err = q.QueryRow(ctx, countSQL, args...).Scan(&total)
	}
	return items, total, err
}

// countedRow scans a row's trailing count column into total, after the columns scan asks for.
type countedRow struct {
	pgx.Row
	total *int
}

func (r countedRow) Scan(dest ...any) error { return r.Row.Scan(append(dest, r.total)...) }
