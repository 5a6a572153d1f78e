package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/workflows"
)

type recoverData struct {
	Since *string `json:"since"`
}

// webhookRecovery answers a recovery: it has started, from that time.
type webhookRecovery struct {
	Type  string    `json:"type"`
	Since hal.Time  `json:"since"`
	Links hal.Links `json:"_links"`
}

// recoverWebhook sends again every delivery of the webhook made since the time given that did
// not succeed, the way a consumer back from an outage asks for it. The work runs as a workflow
// (webhook-recovery/<webhook id>, a page of deliveries per run), so the answer comes at once
// (202) and an operator follows it in the Temporal UI; one recovery per webhook at a time.
func (s *Server) recoverWebhook(c *gin.Context) error {
	w, err := s.pathWebhook(c, true)
	if err != nil {
		return err
	}
	var in recoverData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	since, err := s.recoverSince(in)
	if err != nil {
		return err
	}
	if !w.Enabled { // a disabled webhook is sent nothing: accepting would promise deliveries
		return domain.Conflict(domain.MsgWebhookDisabled)
	}
	_, err = s.temporal.ExecuteWorkflow(c, client.StartWorkflowOptions{
		ID:                       workflows.WebhookRecoveryWorkflowID(w.ID),
		TaskQueue:                s.settings.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		StaticSummary:            "recovery of webhook " + w.ID.String() + " since " + since.Format(time.RFC3339),
	}, workflows.WebhookRecoveryWorkflowName, workflows.RecoveryInput{
		WebhookID: w.ID, After: domain.DeliveryCursor{CreatedAt: since},
		DeliveryRetry: s.settings.Webhooks.retry(),
	})
	var running *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &running) {
		return domain.Conflict(domain.MsgWebhookRecoveryRunning)
	}
	if err != nil {
		return err
	}
	id := w.ID.String()
	writeHAL(c, http.StatusAccepted, webhookRecovery{
		Type: "WebhookRecovery", Since: hal.Time(since),
		Links: hal.Links{
			"webhook":    hal.NewLink("/webhooks/"+id, "webhook", id),
			"deliveries": hal.NewLink("/webhooks/"+id+"/deliveries", "webhook", id),
		},
	})
	return nil
}

// recoverSince reads the time a recovery starts from: an ISO 8601 time, not in the future.
func (s *Server) recoverSince(in recoverData) (time.Time, error) {
	var vs domain.Violations
	if in.Since == nil || *in.Since == "" {
		vs.Add("since", domain.MsgNotBlank)
		return time.Time{}, vs.Err()
	}
	t, ok := parseTime(*in.Since)
	if !ok {
		vs.Add("since", domain.MsgInvalidDate)
		return time.Time{}, vs.Err()
	}
	if now := s.now(); t.After(now) {
		vs.Add("since", domain.MsgOutOfRange, earliestStart.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		return time.Time{}, vs.Err()
	}
	return t, nil
}
