package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// chartJSON is the Chart Resource: one label and one count per group, in the same order.
type chartJSON struct {
	Labels []string `json:"labels"`
	Data   []int    `json:"data"`
}

// optionChoice reads an optional parameter that must be one of valid (case-insensitive); def when absent.
func (q *query) optionChoice(name string, valid []string, def string) string {
	v, ok := q.c.GetQuery(name)
	if !ok || v == "" {
		return def
	}
	v = strings.ToLower(v)
	if !slices.Contains(valid, v) {
		q.vs.Add(name, domain.MsgInvalidChoice, strings.Join(valid, ", "))
		return def
	}
	return v
}

// chartRequest reads an analytics request on the organization of the path, for an admin or an
// analyst: the report list's filters, the creation period, and how to group (options[property]
// among properties, def when absent; options[period]; options[sort]).
func (s *Server) chartRequest(c *gin.Context, properties []string, def string) (store.ReportFilter, domain.Page, domain.ChartQuery, error) {
	o, err := s.pathOrganization(c)
	if err != nil {
		return store.ReportFilter{}, domain.Page{}, domain.ChartQuery{}, err
	}
	if _, err := s.requireAnyRole(c, o.ID, domain.MsgNotAnalyst, domain.RoleAdmin, domain.RoleAnalytics); err != nil {
		return store.ReportFilter{}, domain.Page{}, domain.ChartQuery{}, err
	}
	q := newQuery(c)
	f := store.ReportFilter{OrganizationID: o.ID, States: q.states(domain.ReportStates), Place: q.uuid("place"), Category: q.uuid("category")}
	p := domain.Page{After: q.time("after"), Before: q.time("before")}
	cq := domain.ChartQuery{
		Property: q.optionChoice("options[property]", properties, def),
		Period:   q.optionChoice("options[period]", domain.ChartPeriods, domain.PeriodMonth),
		Desc:     q.optionChoice("options[sort]", []string{"asc", "desc"}, "asc") == "desc",
	}
	return f, p, cq, q.err()
}

// getAnalytics counts the organization's reports (the report list's: received or delegated,
// withdrawn ones excluded, same filters) grouped by options[property] = state (default) |
// category | place | period (options[period] = day | week | month, default month, UTC), labels
// sorted by options[sort] = asc (default) | desc.
func (s *Server) getAnalytics(c *gin.Context) error {
	f, p, cq, err := s.chartRequest(c, domain.ChartProperties, domain.ChartByState)
	if err != nil {
		return err
	}
	groups, err := s.store.ReportChart(c, f, p, cq)
	if err != nil {
		return err
	}
	out := chartJSON{Labels: make([]string, len(groups)), Data: make([]int, len(groups))}
	for i, g := range groups {
		label := g.Label
		if g.None && cq.Property == domain.ChartByCategory {
			label = domain.Msg(domain.MsgChartNoCategory).In(langOf(c))
		}
		if g.None && cq.Property == domain.ChartByPlace {
			label = domain.Msg(domain.MsgChartNoPlace).In(langOf(c))
		}
		out.Labels[i], out.Data[i] = label, g.Count
	}
	writeHAL(c, http.StatusOK, out)
	return nil
}
