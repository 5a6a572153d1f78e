package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/workflows"
)

func (s *Server) feedbackRoutes(g *gin.RouterGroup) {
	g.POST("/feedbacks/issues", s.handle(s.postIssue))
	g.GET("/feedbacks/:feedback", s.handle(s.getFeedback))
	g.GET("/feedbacks/:feedback/tracking", s.handle(s.getFeedbackTracking))
	g.POST("/feedbacks/:feedback/workflow/transition", s.handle(s.transitionFeedback))
	g.PATCH("/feedbacks/:feedback/state", s.handle(s.transitionFeedback))
}

type feedbackData struct {
	Category         *string         `json:"category"`
	Geo              *geoData        `json:"geo"`
	Description      *string         `json:"description"`
	Visibility       *string         `json:"visibility"`
	BusinessActivity *string         `json:"businessActivity"`
	ProMode          *bool           `json:"proMode"`
	Metadata         json.RawMessage `json:"metadata"`
}

type geoData struct {
	Elevation *float64   `json:"elevation"`
	Point     *pointData `json:"point"`
}

type pointData struct {
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
}

// parse validates the body into a feedback draft; references are checked against the store.
func (s *Server) parseFeedback(c *gin.Context, in feedbackData) (domain.Feedback, error) {
	var vs domain.Violations
	f := domain.Feedback{ID: newID(c, "feedback"), ApplicationID: appOf(c).ID, ReporterID: callerOf(c), State: domain.FeedbackNew, Public: false}
	switch {
	case in.Geo == nil || in.Geo.Point == nil:
		vs.Add("geo.point", domain.MsgNotBlank)
	default:
		if in.Geo.Point.Latitude == nil {
			vs.Add("geo.point.latitude", domain.MsgNotBlank)
		} else if lat := *in.Geo.Point.Latitude; lat < -90 || lat > 90 {
			vs.Add("geo.point.latitude", domain.MsgOutOfRange, -90, 90)
		}
		if in.Geo.Point.Longitude == nil {
			vs.Add("geo.point.longitude", domain.MsgNotBlank)
		} else if lon := *in.Geo.Point.Longitude; lon < -180 || lon > 180 {
			vs.Add("geo.point.longitude", domain.MsgOutOfRange, -180, 180)
		}
		if len(vs) == 0 {
			f.Point = domain.Point{Latitude: *in.Geo.Point.Latitude, Longitude: *in.Geo.Point.Longitude}
		}
		f.Elevation = in.Geo.Elevation
	}
	vs.CheckText("description", in.Description, false, 10000)
	f.Description = deref(in.Description)
	switch deref(in.Visibility) {
	case "", domain.VisibilityPrivate:
	case domain.VisibilityPublic:
		f.Public = true
	default:
		vs.Add("visibility", domain.MsgInvalidChoice, domain.VisibilityPublic+", "+domain.VisibilityPrivate)
	}
	if len(in.Metadata) > 0 && string(in.Metadata) != "null" {
		if in.Metadata[0] != '{' {
			vs.Add("metadata", domain.MsgInvalidType, "object")
		} else {
			f.Metadata = in.Metadata
		}
	}
	f.ProMode = in.ProMode != nil && *in.ProMode
	if id := vs.CheckUUID("category", in.Category, false); id != uuid.Nil {
		if _, err := s.store.CategoryOrganization(c, f.ApplicationID, id); domain.IsKind(err, domain.KindNotFound) {
			vs.Add("category", domain.MsgUnknownReference)
		} else if err != nil {
			return f, err
		}
		f.CategoryID = &id
	}
	if id := vs.CheckUUID("businessActivity", in.BusinessActivity, false); id != uuid.Nil {
		if _, err := s.store.BusinessActivity(c, id); domain.IsKind(err, domain.KindNotFound) {
			vs.Add("businessActivity", domain.MsgUnknownReference)
		} else if err != nil {
			return f, err
		}
		f.BusinessActivityID = &id
	}
	if err := vs.Err(); err != nil {
		return f, err
	}
	if f.ProMode {
		org, err := s.store.AgentOrganization(c, f.ApplicationID, f.ReporterID)
		if err != nil {
			return f, err
		}
		if org == nil {
			return f, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgProModeNotAgent)}
		}
	}
	return f, nil
}

// postIssue creates a feedback through its workflow and answers once matching is decided:
// 201 with the DELIVERED feedback, or 409 when no organization can receive it.
func (s *Server) postIssue(c *gin.Context) error {
	var in feedbackData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.parseFeedback(c, in)
	if err != nil {
		return err
	}
	return s.processFeedback(c, f, http.StatusCreated, s.renderFeedbackWithHints)
}

// processFeedback runs (or re-runs) matching through update-with-start on feedback/<id> and
// answers with the feedback, or with the reason it failed.
func (s *Server) processFeedback(c *gin.Context, f domain.Feedback, status int, render feedbackRenderer) error {
	var res workflows.FeedbackResult
	err := s.runFeedback(c, f, client.WorkflowUpdateStageCompleted, func(h client.WorkflowUpdateHandle) error { return h.Get(c, &res) })
	if alreadyRan(err) {
		// A new feedback's workflow has ended already: an earlier attempt of this request (same
		// Idempotency-Key, an API that died before answering) ran it, and its result is the outcome.
		err = s.temporal.GetWorkflow(c, workflows.FeedbackWorkflowID(f.ID), "").Get(c, &res)
	}
	if err == nil {
		err = feedbackFailure(res, f)
	}
	if err != nil {
		return err
	}
	return s.respondFeedbackWith(c, status, f.ApplicationID, f.ID, render)
}

// runFeedback starts feedback/<id> (or a new run of a FAILED one) with the update that waits for
// matching's outcome, until the update reaches stage, then calls then with its handle (Completed
// when the caller answers with the outcome, Accepted when it may answer before matching is
// decided). A new feedback's workflow is started once only (a second start of its id is refused:
// see alreadyRan). Like update, it sends its update with an id fixed for the request (derived
// from its Idempotency-Key when it has one) and sends it again, then included, when Temporal
// aborts it or is briefly away: the outcome is the first one's.
func (s *Server) runFeedback(c *gin.Context, f domain.Feedback, stage client.WorkflowUpdateStage, then func(client.WorkflowUpdateHandle) error) error {
	wf := workflows.FeedbackWorkflowID(f.ID)
	reuse := enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	if f.State == domain.FeedbackFailed {
		reuse = enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	}
	id := updateID(c, wf, workflows.UpdateProcessFeedback)
	return s.resend(c, wf, workflows.UpdateProcessFeedback, func() error {
		start := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID:                       wf,
			TaskQueue:                s.settings.TaskQueue,
			WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    reuse,
			StaticSummary:            "Feedback " + f.ID.String(),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.SAApplication.ValueSet(f.ApplicationID.String()),
				workflows.SAState.ValueSet(string(f.State)),
				workflows.SAFeedback.ValueSet(f.ID.String()),
			),
		}, workflows.FeedbackWorkflowName, workflows.FeedbackInput{Feedback: f, Settings: s.settings.Operations})
		h, err := s.temporal.UpdateWithStartWorkflow(c, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions: client.UpdateWorkflowOptions{
				UpdateID:     id,
				UpdateName:   workflows.UpdateProcessFeedback,
				Args:         []any{workflows.ProcessFeedbackRequest{}},
				WaitForStage: stage,
			},
		})
		if err != nil {
			return err
		}
		return then(h)
	})
}

// alreadyRan reports whether runFeedback found the new feedback's workflow started and ended.
func alreadyRan(err error) bool {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	return errors.As(err, &started)
}

// feedbackFailure is why matching FAILED, as a domain error linking the feedback (which its
// reporter can ask to process again), or nil when it succeeded.
func feedbackFailure(res workflows.FeedbackResult, f domain.Feedback) error {
	err := res.Failure()
	if err != nil {
		err.(*domain.Error).Links = map[string]string{"feedback": "/feedbacks/" + f.ID.String()}
	}
	return err
}

// visibleFeedback loads the feedback in the path if the caller may see it (else 404).
func (s *Server) visibleFeedback(c *gin.Context) (domain.Feedback, error) {
	id, err := pathID(c, "feedback")
	if err != nil {
		return domain.Feedback{}, err
	}
	f, err := s.store.Feedback(c, appOf(c).ID, id)
	if err != nil {
		return f, err
	}
	ok, err := s.store.FeedbackVisible(c, f, callerOf(c))
	if err != nil {
		return f, err
	}
	if !ok {
		return f, domain.NotFound()
	}
	return f, nil
}

func (s *Server) getFeedback(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	return s.renderFeedbackWithHints(c, http.StatusOK, f)
}

// feedbackRenderer answers with one feedback: renderFeedback, or renderFeedbackWithHints for the
// answers that carry its duplicate hints.
type feedbackRenderer func(c *gin.Context, status int, f domain.Feedback) error

func (s *Server) respondFeedback(c *gin.Context, status int, appID, id uuid.UUID) error {
	return s.respondFeedbackWith(c, status, appID, id, s.renderFeedback)
}

// respondFeedbackWith answers with the feedback as it is now in the database.
func (s *Server) respondFeedbackWith(c *gin.Context, status int, appID, id uuid.UUID, render feedbackRenderer) error {
	f, err := s.store.Feedback(c, appID, id)
	if err != nil {
		return err
	}
	return render(c, status, f)
}

func (s *Server) getFeedbackTracking(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	return respondOne(c, http.StatusOK, f, s.renderFeedbacks, func(j hal.Feedback) any { return j.Embedded.Tracking })
}

// transitionFeedback lets a feedback's reporter ask for matching again once it FAILED.
func (s *Server) transitionFeedback(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	name, err := readTransition(c, domain.FeedbackMachine)
	if err != nil {
		return err
	}
	if f.ReporterID != callerOf(c) {
		return domain.Forbidden()
	}
	wf := workflows.FeedbackWorkflowID(f.ID)
	var res workflows.FeedbackResult
	if s.earlierOutcome(c, wf, workflows.UpdateProcessFeedback, &res) {
		// An earlier attempt of this request processed it: that is the outcome.
		if err := feedbackFailure(res, f); err != nil {
			return err
		}
		return s.respondFeedback(c, http.StatusOK, f.ApplicationID, f.ID)
	}
	if _, err := domain.FeedbackClientMachine.Next(f.State, name); err != nil {
		if domain.IsKind(err, domain.KindInvalid) { // a transition only the workflow performs
			err = domain.Conflict(domain.MsgTransitionNotAllowed, name, string(f.State))
		}
		return err
	}
	return s.processFeedback(c, f, http.StatusOK, s.renderFeedback)
}
