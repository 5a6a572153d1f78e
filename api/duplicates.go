package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/workflows"
)

type duplicateData struct {
	Of *string `json:"of"`
}

// markDuplicate refuses a report as a duplicate of another report its organization treats
// (admins of the treating organization only), through the report's workflow like any refusal;
// the answer is the refused report. The rules are checked here to answer before anything is
// sent, and again by the store under lock when the refusal is written.
func (s *Server) markDuplicate(c *gin.Context) error {
	r, err := s.adminReport(c)
	if err != nil {
		return err
	}
	var in duplicateData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	of := vs.CheckUUID("of", in.Of, true)
	if err := vs.Err(); err != nil {
		return err
	}
	var out workflows.ReportState
	wf := workflows.ReportWorkflowID(r.ID)
	if s.earlierOutcome(c, wf, workflows.UpdateReportTransition, &out) {
		return s.respondReport(c, http.StatusOK, r.ID) // refused by an earlier attempt of this request
	}
	if _, err := domain.ReportMachine.Next(r.State, "refuse"); err != nil {
		return domain.Conflict(domain.MsgDuplicateState, r.State)
	}
	if err := s.store.CheckDuplicate(c, r.ID, of); err != nil {
		return err
	}
	if err := s.update(c, wf, workflows.UpdateReportTransition,
		workflows.ReportTransitionRequest{Transition: "refuse", ActorID: callerOf(c), DuplicateOf: &of}, &out); err != nil {
		return err
	}
	return s.respondReport(c, http.StatusOK, r.ID)
}
