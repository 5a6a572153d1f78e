package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/invopop/jsonschema"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
)

// Service levels: the working time an organization gives itself to accept and to close a report,
// on its working calendar. Its admins read and replace them; a report runs on the terms in force
// when it reaches the organization, so a change applies to the reports that reach it afterwards
// and reports already running keep theirs.
func (s *Server) serviceLevelRoutes(g *gin.RouterGroup) {
	g.GET("/organizations/:organization/service-levels", s.handle(s.getServiceLevels))
	g.PUT("/organizations/:organization/service-levels", s.handle(s.putServiceLevels))
	g.GET("/organizations/:organization/analytics/service-levels", s.handle(s.getServiceLevelAnalytics))
}

type serviceLevelsData struct {
	TimeZone       *string                    `json:"timeZone"`
	HoursAvailable []openingRangeData         `json:"hoursAvailable"`
	Holidays       []*string                  `json:"holidays"`
	Default        *serviceLevelData          `json:"default"`
	Categories     []categoryServiceLevelData `json:"categories"`
}

type serviceLevelData struct {
	AcceptWithin *string `json:"acceptWithin"`
	CloseWithin  *string `json:"closeWithin"`
}

type categoryServiceLevelData struct {
	Category     *string `json:"category"`
	AcceptWithin *string `json:"acceptWithin"`
	CloseWithin  *string `json:"closeWithin"`
}

func (d serviceLevelsData) text() domain.ServiceLevelsText {
	t := domain.ServiceLevelsText{TimeZone: d.TimeZone, Holidays: d.Holidays, Hours: openingRangeTexts(d.HoursAvailable)}
	if d.Default != nil {
		t.Default = &domain.ServiceLevelText{AcceptWithin: d.Default.AcceptWithin, CloseWithin: d.Default.CloseWithin}
	}
	for _, c := range d.Categories {
		t.Categories = append(t.Categories, domain.CategoryServiceLevelText{Category: c.Category,
			ServiceLevelText: domain.ServiceLevelText{AcceptWithin: c.AcceptWithin, CloseWithin: c.CloseWithin}})
	}
	return t
}

// getServiceLevels answers the organization's service levels; 404 (no_service_levels) while it
// has set none.
func (s *Server) getServiceLevels(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	l, ok, err := s.store.ServiceLevelsOf(c, o.ID)
	if err != nil {
		return err
	}
	if !ok {
		return &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgNoServiceLevels)}
	}
	writeHAL(c, http.StatusOK, hal.RenderServiceLevels(l))
	return nil
}

// putServiceLevels replaces the organization's calendar and levels as a whole.
func (s *Server) putServiceLevels(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in serviceLevelsData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	l := domain.ParseServiceLevels(&vs, o.ID, in.text())
	if err := s.checkServiceLevelCategories(c, &vs, o.ID, l.Categories); err != nil {
		return err
	}
	if err := vs.Err(); err != nil {
		return err
	}
	if err := s.store.ReplaceServiceLevels(c, l, s.now()); err != nil {
		return err
	}
	l, _, err = s.store.ServiceLevelsOf(c, o.ID)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderServiceLevels(l))
	return nil
}

// checkServiceLevelCategories records categories[i].category for each category that is not
// the organization's.
func (s *Server) checkServiceLevelCategories(c *gin.Context, vs *domain.Violations, org uuid.UUID, cs []domain.CategoryServiceLevel) error {
	var ids []uuid.UUID
	for _, cl := range cs {
		if cl.CategoryID != uuid.Nil {
			ids = append(ids, cl.CategoryID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	outside, err := s.store.CategoriesOutside(c, org, ids)
	if err != nil {
		return err
	}
	for i, cl := range cs {
		for _, id := range outside {
			if cl.CategoryID == id {
				vs.Add(fmt.Sprintf("categories[%d].category", i), domain.MsgUnknownReference)
				break
			}
		}
	}
	return nil
}

// serviceLevelChartJSON is the share of reports accepted and closed on time per group: for each
// label, how many had their acceptance (closing) decided against a deadline, and the share of
// those that met it (null when none was decided).
type serviceLevelChartJSON struct {
	Labels         []string      `json:"labels"`
	AcceptedOnTime []onTimeShare `json:"acceptedOnTime"`
	Accepted       []int         `json:"accepted"`
	ClosedOnTime   []onTimeShare `json:"closedOnTime"`
	Closed         []int         `json:"closed"`
}

// onTimeShare is a share from 0 to 1, or null when nothing was decided.
type onTimeShare struct{ v *float64 }

func (s onTimeShare) MarshalJSON() ([]byte, error) { return json.Marshal(s.v) }

// JSONSchema describes it in the OpenAPI document: a number from 0 to 1, or null.
func (onTimeShare) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{{Type: "number", Minimum: "0", Maximum: "1"}, {Type: "null"}}}
}

func share(met, decided int) onTimeShare {
	if decided == 0 {
		return onTimeShare{}
	}
	v := float64(met) / float64(decided)
	return onTimeShare{&v}
}

// getServiceLevelAnalytics is the share of the organization's reports (the report list's, same
// filters) accepted and closed on time, by options[property] = category (default) | period
// (options[period] = day | week | month, default month; by creation, UTC).
func (s *Server) getServiceLevelAnalytics(c *gin.Context) error {
	f, p, cq, err := s.chartRequest(c, domain.ServiceLevelChartProperties, domain.ChartByCategory)
	if err != nil {
		return err
	}
	groups, err := s.store.ServiceLevelChart(c, f, p, cq)
	if err != nil {
		return err
	}
	n := len(groups)
	out := serviceLevelChartJSON{Labels: make([]string, n), AcceptedOnTime: make([]onTimeShare, n), Accepted: make([]int, n),
		ClosedOnTime: make([]onTimeShare, n), Closed: make([]int, n)}
	for i, g := range groups {
		out.Labels[i] = g.Label
		if g.None {
			out.Labels[i] = domain.Msg(domain.MsgChartNoCategory).In(langOf(c))
		}
		out.AcceptedOnTime[i], out.Accepted[i] = share(g.AcceptedOnTime, g.Accepted), g.Accepted
		out.ClosedOnTime[i], out.Closed[i] = share(g.ClosedOnTime, g.Closed), g.Closed
	}
	writeHAL(c, http.StatusOK, out)
	return nil
}
