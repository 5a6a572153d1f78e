package api

import (
	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// operationEditor loads the operation in the path if the caller may edit it, and tells whether
// the caller is an admin of the organization treating its report (who may change every field).
// The member the operation is assigned to may edit it too, as the seeds' roles say (name and
// description here; pictures and state have endpoints of their own). Other members of the
// report's chain get 403, others 404.
func (s *Server) operationEditor(c *gin.Context) (domain.Operation, bool, error) {
	o, r, err := s.readableOperation(c)
	if err != nil {
		return o, false, err
	}
	err = s.requireTreatingAdmin(c, r)
	if err == nil || !domain.IsKind(err, domain.KindForbidden) {
		return o, err == nil, err
	}
	if o.OperatorPersonID != nil && *o.OperatorPersonID == callerOf(c) {
		return o, false, nil
	}
	return o, false, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgOperationEditDenied)}
}

// checkAssigneeFields refuses, naming them, the fields only an admin changes: the planning
// (start date, duration) and the organization's own reference number.
func (d *operationData) checkAssigneeFields() error {
	var vs domain.Violations
	if d.IdentificationNumber != nil {
		vs.Add("identificationNumber", domain.MsgAdminOnlyField)
	}
	if d.Duration != nil {
		vs.Add("duration", domain.MsgAdminOnlyField)
	}
	if d.StartDate != nil {
		vs.Add("startDate", domain.MsgAdminOnlyField)
	}
	if len(vs) == 0 {
		return nil
	}
	return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgAssigneeEditFields), Violations: vs}
}
