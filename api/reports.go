package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

func (s *Server) reportRoutes(g *gin.RouterGroup) {
	g.GET("/organizations/:organization/reports", s.handle(s.listReports))
	g.GET("/reports/:report", s.handle(s.getReport))
	g.PATCH("/reports/:report", s.handle(s.patchReport))
	g.GET("/reports/:report/tracking", s.handle(s.getReportTracking))
	g.POST("/reports/:report/workflow/transition", s.handle(s.transitionReport))
	g.PATCH("/reports/:report/state", s.handle(s.transitionReport))
	g.POST("/reports/:report/duplicate", s.handle(s.markDuplicate))
	g.POST("/organizations/:organization/delegates", s.handle(s.delegateReport))
}

func (s *Server) renderReports(c context.Context, rs []domain.Report) ([]hal.Report, error) {
	return hal.RenderWithExtras(c, rs, func(x domain.Report) uuid.UUID { return x.ID }, s.store.ReportExtrasFor, hal.RenderReportAt(s.now()))
}

// respondReport answers with the report as it is now in the database.
func (s *Server) respondReport(c *gin.Context, status int, id uuid.UUID) error {
	r, err := s.store.Report(c, appOf(c).ID, id)
	if err != nil {
		return err
	}
	return respondOne(c, status, r, s.renderReports, itself[hal.Report])
}

// readableReport loads the report in the path if the caller belongs to an organization of its
// chain (the receiver or a delegate); others get 404, as if it did not exist.
func (s *Server) readableReport(c *gin.Context) (domain.Report, error) {
	id, err := pathID(c, "report")
	if err != nil {
		return domain.Report{}, err
	}
	return s.reportFor(c, id)
}

// reportFor loads a report for a caller who belongs to an organization of its chain, reading the
// report and the caller's roles along the chain in one statement; those roles are kept for the
// request's other checks (requireTreatingAdmin).
func (s *Server) reportFor(c *gin.Context, id uuid.UUID) (domain.Report, error) {
	r, roles, err := s.store.ReportWithRoles(c, appOf(c).ID, id, callerOf(c))
	if err != nil {
		return r, err
	}
	if len(roles) == 0 {
		return r, domain.NotFound()
	}
	c.Set(chainRolesKey(r.ID), chainRoles{chain: r.Chain, roles: roles})
	return r, nil
}

// chainRoles are the caller's roles in the organizations of a report's chain as it was read.
type chainRoles struct {
	chain []uuid.UUID
	roles map[uuid.UUID]domain.Roles
}

func chainRolesKey(report uuid.UUID) string { return "chain-roles/" + report.String() }

// rolesIn gives the caller's roles in org, and whether they are a member: from the roles read
// with the report when org was in its chain then, else from the database.
func (s *Server) rolesIn(c *gin.Context, report, org uuid.UUID) (domain.Roles, bool, error) {
	if v, ok := c.Get(chainRolesKey(report)); ok {
		if cr := v.(chainRoles); slices.Contains(cr.chain, org) {
			roles, member := cr.roles[org]
			return roles, member, nil
		}
	}
	m, err := s.store.MemberOf(c, org, callerOf(c))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, false, nil
	}
	return m.Roles, err == nil, err
}

// requireTreatingAdmin checks the caller is an admin of the organization treating the report now.
func (s *Server) requireTreatingAdmin(c *gin.Context, r domain.Report) error {
	roles, member, err := s.rolesIn(c, r.ID, r.Treating())
	if err != nil {
		return err
	}
	if member && roles.Has(domain.RoleAdmin) {
		return nil
	}
	if r.Treating() != r.Chain[0] || member {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotAdmin)}
	}
	return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotTreating)}
}

// adminReport loads the report in the path for an admin of the organization treating it.
func (s *Server) adminReport(c *gin.Context) (domain.Report, error) {
	r, err := s.readableReport(c)
	if err == nil {
		err = s.requireTreatingAdmin(c, r)
	}
	return r, err
}

func (s *Server) getReport(c *gin.Context) error {
	r, err := s.readableReport(c)
	if err != nil {
		return err
	}
	return respondOne(c, http.StatusOK, r, s.renderReports, itself[hal.Report])
}

func (s *Server) getReportTracking(c *gin.Context) error {
	r, err := s.readableReport(c)
	if err != nil {
		return err
	}
	return respondOne(c, http.StatusOK, r, s.renderReports, func(j hal.Report) any { return j.Embedded.Tracking })
}

// states reads the state filter (one state, or several as state[]=…), checked against valid.
func (q *query) states(valid []domain.State) []domain.State {
	var out []domain.State
	for _, name := range []string{"state", "state[]"} {
		for _, v := range q.c.QueryArray(name) {
			if v == "" {
				continue
			}
			if !slices.Contains(valid, domain.State(v)) {
				q.vs.Add("state", domain.MsgInvalidChoice, stateNames(valid))
				continue
			}
			out = append(out, domain.State(v))
		}
	}
	return out
}

func stateNames(states []domain.State) string {
	s := ""
	for i, st := range states {
		if i > 0 {
			s += ", "
		}
		s += string(st)
	}
	return s
}

func (s *Server) listReports(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	if _, err := s.membership(c, o.ID); err != nil {
		return err
	}
	q := newQuery(c)
	f := store.ReportFilter{OrganizationID: o.ID, States: q.states(domain.ReportStates), Place: q.uuid("place"), Category: q.uuid("category"),
		Overdue: q.boolean("overdue"), Now: s.now()}
	return respondList(c, q, func(p domain.Page) ([]domain.Report, int, error) { return s.store.Reports(c, f, p) },
		func(rs []domain.Report) ([]hal.Report, error) { return s.renderReports(c, rs) })
}

// transitionReport applies a transition through the report's workflow (admins of the treating
// organization only); the answer is the report with its new state.
func (s *Server) transitionReport(c *gin.Context) error {
	r, err := s.adminReport(c)
	if err != nil {
		return err
	}
	name, err := readTransition(c, domain.ReportMachine)
	if err != nil {
		return err
	}
	var out workflows.ReportState
	if err := s.update(c, workflows.ReportWorkflowID(r.ID), workflows.UpdateReportTransition,
		workflows.ReportTransitionRequest{Transition: name, ActorID: callerOf(c)}, &out); err != nil {
		return err
	}
	return s.respondReport(c, http.StatusOK, r.ID)
}

type reportPatch struct {
	Description          *string   `json:"description"`
	Priority             *int      `json:"priority"`
	Tags                 *[]string `json:"tags"`
	IdentificationNumber *string   `json:"identificationNumber"`
}

func (s *Server) patchReport(c *gin.Context) error {
	r, err := s.adminReport(c)
	if err != nil {
		return err
	}
	var in reportPatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckText("description", in.Description, false, 10000)
	vs.CheckText("identificationNumber", in.IdentificationNumber, false, 255)
	if in.Priority != nil && (*in.Priority < 0 || *in.Priority > 100) {
		vs.Add("priority", domain.MsgOutOfRange, 0, 100)
	}
	if in.Tags != nil {
		if len(*in.Tags) > 50 {
			vs.Add("tags", domain.MsgTooLong, 50)
		}
		for _, t := range *in.Tags {
			if t == "" || len(t) > 100 {
				vs.Add("tags", domain.MsgTooLong, 100)
				break
			}
		}
	}
	if err := vs.Err(); err != nil {
		return err
	}
	var out workflows.ReportState
	if err := s.update(c, workflows.ReportWorkflowID(r.ID), workflows.UpdateReportEdit, workflows.EditReportRequest{
		Patch:   domain.ReportPatch{Description: in.Description, Priority: in.Priority, Tags: in.Tags, IdentificationNumber: in.IdentificationNumber},
		ActorID: callerOf(c),
	}, &out); err != nil {
		return err
	}
	return s.respondReport(c, http.StatusOK, r.ID)
}

type delegateData struct {
	Report       *string `json:"report"`
	Organization *string `json:"organization"`
}

// delegateReport hands a report to a partner: only an admin of the organization treating it,
// only to one of its partners, never back into the chain.
func (s *Server) delegateReport(c *gin.Context) error {
	from, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	if _, err := s.requireAdmin(c, from.ID); err != nil {
		return err
	}
	var in delegateData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	reportID := vs.CheckUUID("report", in.Report, true)
	toID := vs.CheckUUID("organization", in.Organization, true)
	if err := vs.Err(); err != nil {
		return err
	}
	r, err := s.reportFor(c, reportID)
	if domain.IsKind(err, domain.KindNotFound) {
		err = domain.Invalid("report", domain.MsgUnknownReference)
	}
	if err != nil {
		return err
	}
	var out workflows.ReportState
	if s.earlierOutcome(c, workflows.ReportWorkflowID(r.ID), workflows.UpdateReportDelegate, &out) {
		return s.respondReport(c, http.StatusOK, r.ID) // delegated by an earlier attempt of this request
	}
	if r.Treating() != from.ID {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotTreating)}
	}
	if slices.Contains(r.Chain, toID) {
		return domain.Conflict(domain.MsgDelegationCycle)
	}
	partner, err := s.store.IsPartner(c, from.ID, toID)
	if err != nil {
		return err
	}
	if !partner {
		return domain.Invalid("organization", domain.MsgNotPartner)
	}
	if err := s.update(c, workflows.ReportWorkflowID(r.ID), workflows.UpdateReportDelegate,
		workflows.DelegateRequest{OrganizationID: toID, ActorID: callerOf(c)}, &out); err != nil {
		return err
	}
	return s.respondReport(c, http.StatusOK, r.ID)
}
