package store

import (
	"context"
	"fmt"

	"github.com/keyclic/keyclic/domain"
)

// ServiceLevelChart counts, per category or per period of creation (UTC), the reports of the
// report list (same filters, withdrawn ones excluded) whose acceptance or closing was decided
// against a deadline, and how many of those met it. Reports without a decided deadline count
// nowhere; a group appears when one of its reports has one.
func (s *Store) ServiceLevelChart(ctx context.Context, rf ReportFilter, p domain.Page, q domain.ChartQuery) ([]domain.ServiceLevelGroup, error) {
	f := &filter{}
	rf.apply(f)
	f.page("r", p)
	f.where("(r.accept_met IS NOT NULL OR r.close_met IS NOT NULL)")
	dir, nulls := "ASC", "NULLS FIRST"
	if q.Desc {
		dir, nulls = "DESC", "NULLS LAST"
	}
	const counts = `count(r.accept_met), count(*) FILTER (WHERE r.accept_met), count(r.close_met), count(*) FILTER (WHERE r.close_met)`
	var sql string
	switch q.Property {
	case domain.ChartByCategory:
		sql = fmt.Sprintf(`SELECT coalesce(c.name, ''), c.id IS NULL, %s FROM reports r LEFT JOIN categories c ON c.id = r.category_id%s
			GROUP BY c.id, c.name ORDER BY c.name %s %s, c.id`, counts, f.sql(), dir, nulls)
	case domain.ChartByPeriod:
		layout, ok := periodLabels[q.Period]
		if !ok {
			return nil, fmt.Errorf("service-level chart: unknown period %q", q.Period)
		}
		// The granularity is a fixed keyword from the map's keys, never client text.
		sql = fmt.Sprintf(`SELECT to_char(date_trunc('%s', r.created_at AT TIME ZONE 'UTC'), '%s'), false, %s FROM reports r%s
			GROUP BY date_trunc('%s', r.created_at AT TIME ZONE 'UTC') ORDER BY 1 %s`, q.Period, layout, counts, f.sql(), q.Period, dir)
	default:
		return nil, fmt.Errorf("service-level chart: unknown property %q", q.Property)
	}
	rows, err := s.Pool.Query(ctx, sql, f.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.ServiceLevelGroup{}
	for rows.Next() {
		var g domain.ServiceLevelGroup
		if err := rows.Scan(&g.Label, &g.None, &g.Accepted, &g.AcceptedOnTime, &g.Closed, &g.ClosedOnTime); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
