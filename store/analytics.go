package store

import (
	"context"
	"fmt"

	"github.com/keyclic/keyclic/domain"
)

// periodLabels formats each granularity's groups so that labels sort as time does:
// 2024-03-05, 2024-W10 (ISO week), 2024-03.
var periodLabels = map[string]string{
	domain.PeriodDay:   "YYYY-MM-DD",
	domain.PeriodWeek:  `IYYY-"W"IW`,
	domain.PeriodMonth: "YYYY-MM",
}

// ReportChart counts the reports of the report list (same filters, withdrawn ones excluded) per
// group: per state, category, place or period of creation (UTC). The counting and the ordering
// on the label are done by Postgres. Reports with no category (or no place) form one group
// (None), first in ascending order, last in descending order.
func (s *Store) ReportChart(ctx context.Context, rf ReportFilter, p domain.Page, q domain.ChartQuery) ([]domain.ChartGroup, error) {
	f := &filter{}
	rf.apply(f)
	f.page("r", p)
	dir, nulls := "ASC", "NULLS FIRST"
	if q.Desc {
		dir, nulls = "DESC", "NULLS LAST"
	}
	var sql string
	switch q.Property {
	case domain.ChartByState:
		sql = fmt.Sprintf(`SELECT r.state, count(*), false FROM reports r%s GROUP BY r.state ORDER BY r.state %s`, f.sql(), dir)
	case domain.ChartByCategory:
		sql = fmt.Sprintf(`SELECT coalesce(c.name, ''), count(*), c.id IS NULL FROM reports r LEFT JOIN categories c ON c.id = r.category_id%s
			GROUP BY c.id, c.name ORDER BY c.name %s %s, c.id`, f.sql(), dir, nulls)
	case domain.ChartByPlace:
		sql = fmt.Sprintf(`SELECT coalesce(pl.name, ''), count(*), pl.id IS NULL FROM reports r LEFT JOIN places pl ON pl.id = r.place_id%s
			GROUP BY pl.id, pl.name ORDER BY pl.name %s %s, pl.id`, f.sql(), dir, nulls)
	case domain.ChartByPeriod:
		layout, ok := periodLabels[q.Period]
		if !ok {
			return nil, fmt.Errorf("chart: unknown period %q", q.Period)
		}
		// The granularity is a fixed keyword from the map's keys, never client text.
		sql = fmt.Sprintf(`SELECT to_char(g.period, '%s'), g.n, false FROM (
				SELECT date_trunc('%s', r.created_at AT TIME ZONE 'UTC') AS period, count(*) AS n FROM reports r%s GROUP BY 1
			) g ORDER BY g.period %s`, layout, q.Period, f.sql(), dir)
	default:
		return nil, fmt.Errorf("chart: unknown property %q", q.Property)
	}
	rows, err := s.Pool.Query(ctx, sql, f.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.ChartGroup{}
	for rows.Next() {
		var g domain.ChartGroup
		if err := rows.Scan(&g.Label, &g.Count, &g.None); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
