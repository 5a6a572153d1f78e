package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

func (s *Server) operationRoutes(g *gin.RouterGroup) {
	g.POST("/operations", s.handle(s.createOperation))
	g.GET("/operations/:operation", s.handle(s.getOperation))
	g.PATCH("/operations/:operation", s.handle(s.patchOperation))
	g.DELETE("/operations/:operation", s.handle(s.deleteOperation))
	g.POST("/operations/:operation/assign", s.handle(s.assignOperation))
	g.POST("/operations/:operation/workflow/transition", s.handle(s.transitionOperation))
	g.PATCH("/operations/:operation/state", s.handle(s.transitionOperation))
	g.GET("/operations/:operation/tracking", s.handle(s.getOperationTracking))
	g.GET("/operations/:operation/logs", s.handle(s.listOperationLogs))
	g.GET("/reports/:report/operations", s.handle(s.listReportOperations))
	g.GET("/organizations/:organization/operations", s.handle(s.listOrganizationOperations))
	g.GET("/people/:person/operations", s.handle(s.listPersonOperations))
}

func (s *Server) renderOperations(c context.Context, ops []domain.Operation) ([]hal.Operation, error) {
	return hal.RenderWithExtras(c, ops, func(x domain.Operation) uuid.UUID { return x.ID }, s.store.OperationExtrasFor, hal.RenderOperation)
}

func (s *Server) respondOperation(c *gin.Context, status int, id uuid.UUID) error {
	o, err := s.store.Operation(c, appOf(c).ID, id)
	if err != nil {
		return err
	}
	return respondOne(c, status, o, s.renderOperations, itself[hal.Operation])
}

// readableOperation loads the operation in the path with its report, if the caller belongs to an
// organization of the report's chain.
func (s *Server) readableOperation(c *gin.Context) (domain.Operation, domain.Report, error) {
	id, err := pathID(c, "operation")
	if err != nil {
		return domain.Operation{}, domain.Report{}, err
	}
	o, err := s.store.Operation(c, appOf(c).ID, id)
	if err != nil {
		return o, domain.Report{}, err
	}
	r, err := s.reportFor(c, o.ReportID)
	return o, r, err
}

// adminOperation loads the operation in the path for an admin of the organization treating its report.
func (s *Server) adminOperation(c *gin.Context) (domain.Operation, domain.Report, error) {
	o, r, err := s.readableOperation(c)
	if err == nil {
		err = s.requireTreatingAdmin(c, r)
	}
	return o, r, err
}

type operationData struct {
	Report               *string `json:"report"`
	Name                 *string `json:"name"`
	Description          *string `json:"description"`
	Duration             *int    `json:"duration"`
	IdentificationNumber *string `json:"identificationNumber"`
	StartDate            *string `json:"startDate"`
}

// check validates the editable fields, returning the parsed start date.
func (d *operationData) check(vs *domain.Violations) *time.Time {
	vs.CheckText("name", d.Name, false, 255)
	vs.CheckText("description", d.Description, false, 10000)
	vs.CheckText("identificationNumber", d.IdentificationNumber, false, 255)
	if d.Duration != nil && (*d.Duration < 1 || *d.Duration > 525600) {
		vs.Add("duration", domain.MsgOutOfRange, 1, 525600)
	}
	if d.StartDate == nil || *d.StartDate == "" {
		return nil
	}
	t, ok := parseTime(*d.StartDate)
	if !ok {
		vs.Add("startDate", domain.MsgInvalidDate)
		return nil
	}
	if t.Before(earliestStart) || !t.Before(latestStart) {
		vs.Add("startDate", domain.MsgOutOfRange, earliestStart.Format(time.DateOnly), latestStart.Format(time.DateOnly))
		return nil
	}
	return &t
}

// An operation's start date is a planning date: one outside this century is a typing error.
var (
	earliestStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latestStart   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// createOperation adds an operation to a report through the report's workflow, which starts the
// operation's own workflow (operation/<id>).
func (s *Server) createOperation(c *gin.Context) error {
	var in operationData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	reportID := vs.CheckUUID("report", in.Report, true)
	start := in.check(&vs)
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
	if err := s.requireTreatingAdmin(c, r); err != nil {
		return err
	}
	op := domain.Operation{
		ID: newID(c, "operation"), ReportID: r.ID, OrganizationID: r.Treating(), CreatedBy: callerOf(c),
		Name: deref(trimmed(in.Name)), Description: deref(in.Description), IdentificationNumber: deref(trimmed(in.IdentificationNumber)),
		StartDate: start, Duration: in.Duration,
	}
	var out workflows.ReportState
	if err := s.update(c, workflows.ReportWorkflowID(r.ID), workflows.UpdateReportAddOp, workflows.AddOperationRequest{Operation: op}, &out); err != nil {
		return err
	}
	return s.respondOperation(c, http.StatusCreated, op.ID)
}

func (s *Server) getOperation(c *gin.Context) error {
	o, _, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	return respondOne(c, http.StatusOK, o, s.renderOperations, itself[hal.Operation])
}

func (s *Server) getOperationTracking(c *gin.Context) error {
	o, _, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	return respondOne(c, http.StatusOK, o, s.renderOperations, func(j hal.Operation) any { return j.Embedded.Tracking })
}

// patchOperation changes an operation: any field for an admin of the organization treating the
// report, the name and description for the member it is assigned to.
func (s *Server) patchOperation(c *gin.Context) error {
	o, admin, err := s.operationEditor(c)
	if err != nil {
		return err
	}
	var in operationData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if !admin {
		if err := in.checkAssigneeFields(); err != nil {
			return err
		}
	}
	var vs domain.Violations
	start := in.check(&vs)
	if err := vs.Err(); err != nil {
		return err
	}
	var out workflows.OperationState
	if err := s.update(c, workflows.OperationWorkflowID(o.ID), workflows.UpdateOperationEdit, workflows.EditOperationRequest{
		Patch: domain.OperationPatch{Name: trimmed(in.Name), Description: in.Description, IdentificationNumber: trimmed(in.IdentificationNumber),
			StartDate: start, Duration: in.Duration},
		ActorID: callerOf(c),
	}, &out); err != nil {
		return err
	}
	return s.respondOperation(c, http.StatusOK, o.ID)
}

func (s *Server) deleteOperation(c *gin.Context) error {
	o, _, err := s.adminOperation(c)
	if err != nil {
		return err
	}
	var out workflows.OperationState
	if err := s.update(c, workflows.OperationWorkflowID(o.ID), workflows.UpdateOperationRemove,
		workflows.RemoveOperationRequest{ActorID: callerOf(c)}, &out); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type assignData struct {
	Member *string `json:"member"`
}

// assignOperation hands the operation to an operator or admin of the organization treating the report.
func (s *Server) assignOperation(c *gin.Context) error {
	o, r, err := s.adminOperation(c)
	if err != nil {
		return err
	}
	var in assignData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	memberID := vs.CheckUUID("member", in.Member, true)
	if err := vs.Err(); err != nil {
		return err
	}
	m, err := s.store.Member(c, r.Treating(), memberID)
	if domain.IsKind(err, domain.KindNotFound) {
		err = domain.Invalid("member", domain.MsgUnknownReference)
	}
	if err != nil {
		return err
	}
	if !m.Roles.Has(domain.RoleOperator) && !m.Roles.Has(domain.RoleAdmin) {
		return domain.Invalid("member", domain.MsgAssigneeRole)
	}
	var out workflows.OperationState
	if err := s.update(c, workflows.OperationWorkflowID(o.ID), workflows.UpdateOperationAssign,
		workflows.AssignRequest{MemberID: m.ID, PersonID: m.PersonID, ActorID: callerOf(c)}, &out); err != nil {
		return err
	}
	return s.respondOperation(c, http.StatusOK, o.ID)
}

// transitionOperation applies "progress" or "resolve": by the assigned member or an admin.
func (s *Server) transitionOperation(c *gin.Context) error {
	o, r, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	assigned := o.OperatorPersonID != nil && *o.OperatorPersonID == callerOf(c)
	if !assigned {
		if err := s.requireTreatingAdmin(c, r); err != nil {
			return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotAssigned)}
		}
	}
	name, err := readTransition(c, domain.OperationMachine)
	if err != nil {
		return err
	}
	if name == "assign" {
		return domain.Invalid("transition", domain.MsgUnknownTransition, name)
	}
	var out workflows.OperationState
	if err := s.update(c, workflows.OperationWorkflowID(o.ID), workflows.UpdateOperationTransition,
		workflows.OperationTransitionRequest{Transition: name, ActorID: callerOf(c)}, &out); err != nil {
		return err
	}
	return s.respondOperation(c, http.StatusOK, o.ID)
}

type logEntryJSON struct {
	Type     string         `json:"type"`
	ID       string         `json:"id"`
	Action   string         `json:"action"`
	LoggedAt hal.Time       `json:"loggedAt"`
	ObjectID string         `json:"objectId"`
	Version  string         `json:"version"` // the entry's number in the operation's history, as the Swagger file's string
	Data     map[string]any `json:"data"`
	Links    hal.Links      `json:"_links"`
}

// listOperationLogs shows every change of an operation (admins of an organization of the chain).
func (s *Server) listOperationLogs(c *gin.Context) error {
	o, r, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	admin := false
	for _, org := range r.Chain {
		if m, err := s.store.MemberOf(c, org, callerOf(c)); err == nil && m.Roles.Has(domain.RoleAdmin) {
			admin = true
		}
	}
	if !admin {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotAdmin)}
	}
	q := newQuery(c)
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	entries, total, err := s.store.OperationLogs(c, o.ID, p)
	if err != nil {
		return err
	}
	items := make([]logEntryJSON, len(entries))
	for i, e := range entries {
		items[i] = logEntryJSON{Type: "LogEntry", ID: e.ID.String(), Action: e.Action, LoggedAt: hal.Time(e.LoggedAt),
			ObjectID: o.ID.String(), Version: strconv.Itoa(e.Version), Data: e.Data, Links: hal.Links{"operation": hal.OperationLink(o.ID)}}
		if e.ActorID != nil {
			items[i].Links["actor"] = hal.PersonLink(*e.ActorID)
		}
	}
	writeHAL(c, http.StatusOK, renderPage(c, p, total, items))
	return nil
}

// operationFilter reads the filters every operation list shares.
func (q *query) operationFilter(appID uuid.UUID) store.OperationFilter {
	return store.OperationFilter{
		ApplicationID: appID, States: q.states(domain.OperationStates),
		Name: q.search("name"), Description: q.search("description"), IdentificationNumber: q.search("identificationNumber"),
	}
}

func (s *Server) respondOperations(c *gin.Context, q *query, f store.OperationFilter) error {
	return respondList(c, q, func(p domain.Page) ([]domain.Operation, int, error) { return s.store.Operations(c, f, p) },
		func(ops []domain.Operation) ([]hal.Operation, error) { return s.renderOperations(c, ops) })
}

func (s *Server) listReportOperations(c *gin.Context) error {
	r, err := s.readableReport(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	f := q.operationFilter(appOf(c).ID)
	f.ReportID = &r.ID
	return s.respondOperations(c, q, f)
}

func (s *Server) listOrganizationOperations(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	if _, err := s.membership(c, o.ID); err != nil {
		return err
	}
	q := newQuery(c)
	f := q.operationFilter(appOf(c).ID)
	f.OrganizationID = &o.ID
	return s.respondOperations(c, q, f)
}

// listPersonOperations lists the operations assigned to a person; people see only their own.
func (s *Server) listPersonOperations(c *gin.Context) error {
	id, err := pathID(c, "person")
	if err != nil {
		return err
	}
	if id != callerOf(c) {
		return domain.Forbidden()
	}
	q := newQuery(c)
	f := q.operationFilter(appOf(c).ID)
	f.OperatorID = &id
	return s.respondOperations(c, q, f)
}
