package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/internal/netguard"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

// WebhookSettings are what the API needs of the webhook configuration.
type WebhookSettings struct {
	AllowInternal bool            // accept payload URLs on loopback, private or other special-purpose networks
	Schedule      []time.Duration // retry schedule of a redelivery
	RetryAfterCap time.Duration
	Jitter        int // percent each wait of the schedule varies by
	// SecretOverlap is how long a rotated-out secret still signs deliveries beside the new one.
	SecretOverlap time.Duration
}

// retry is how the deliveries the API starts (redeliveries, recoveries) are retried.
func (w WebhookSettings) retry() domain.DeliveryRetry {
	return domain.NewDeliveryRetry(w.Schedule, w.RetryAfterCap, w.Jitter)
}

func (s *Server) webhookRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/webhooks", s.handle(s.createWebhook))
	g.GET("/organizations/:organization/webhooks", s.handle(s.listWebhooks))
	g.GET("/webhooks/:webhook", s.handle(s.getWebhook))
	g.PATCH("/webhooks/:webhook", s.handle(s.patchWebhook))
	g.DELETE("/webhooks/:webhook", s.handle(s.deleteWebhook))
	g.POST("/webhooks/:webhook/secret", s.handle(s.rotateWebhookSecret))
	g.POST("/webhooks/:webhook/recover", s.handle(s.recoverWebhook))
	g.GET("/webhooks/:webhook/deliveries", s.handle(s.listDeliveries))
	g.POST("/webhooks/:webhook/deliveries/:delivery/redeliver", s.handle(s.redeliver))
}

type webhookData struct {
	Event      *string `json:"event"`
	PayloadURL *string `json:"payloadUrl"`
	Enabled    *bool   `json:"enabled"`
}

// check validates the fields (all required when creating) and that the URL does not lead into
// the service's own network.
func (s *Server) checkWebhook(ctx context.Context, in webhookData, creating bool) error {
	var vs domain.Violations
	if in.Event != nil || creating {
		if in.Event == nil || *in.Event == "" {
			vs.Add("event", domain.MsgNotBlank)
		} else if !domain.ValidWebhookEvent(*in.Event) {
			vs.Add("event", domain.MsgInvalidChoice, stringsJoin(domain.WebhookEvents))
		}
	}
	if in.PayloadURL != nil || creating {
		if in.PayloadURL == nil || *in.PayloadURL == "" {
			vs.Add("payloadUrl", domain.MsgNotBlank)
		} else if err := domain.CheckPayloadURL("payloadUrl", *in.PayloadURL); err != nil {
			return err
		} else if err := netguard.CheckURL(ctx, *in.PayloadURL, s.settings.Webhooks.AllowInternal); err != nil {
			switch {
			case errors.Is(err, netguard.ErrInvalidHost):
				vs.Add("payloadUrl", domain.MsgInvalidURL)
			case errors.Is(err, netguard.ErrForbiddenAddress):
				vs.Add("payloadUrl", domain.MsgInternalURL)
			default:
				vs.Add("payloadUrl", domain.MsgUnresolvableURL)
			}
		}
	}
	return vs.Err()
}

func stringsJoin(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func (s *Server) createWebhook(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in webhookData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.checkWebhook(c, in, true); err != nil {
		return err
	}
	secret, err := domain.NewWebhookSecret()
	if err != nil {
		return err
	}
	id := newID(c, "webhook")
	w, err := s.store.CreateWebhook(c, domain.Webhook{
		ID: id, OrganizationID: o.ID, Event: *in.Event, PayloadURL: *in.PayloadURL,
		Enabled: in.Enabled == nil || *in.Enabled, Secret: secret,
	})
	if store.IsDuplicateID(err) { // made by an earlier attempt of this request, with its secret
		w, err = s.store.Webhook(c, o.ApplicationID, id)
	}
	if err != nil {
		return err
	}
	writeWebhookWithSecret(c, http.StatusCreated, w)
	return nil
}

// writeWebhookWithSecret answers with the webhook and its secret: only its creation and a
// rotation show it.
func writeWebhookWithSecret(c *gin.Context, status int, w domain.Webhook) {
	out := hal.RenderWebhook(w)
	out.Secret = w.Secret
	writeHAL(c, status, out)
}

func (s *Server) listWebhooks(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	if _, err := s.membership(c, o.ID); err != nil {
		return err
	}
	return respondList(c, newQuery(c), func(p domain.Page) ([]domain.Webhook, int, error) { return s.store.Webhooks(c, o.ID, p) },
		each(hal.RenderWebhook))
}

// pathWebhook loads the webhook in the path for a member of its organization (others: 404);
// admin requires the admin role.
func (s *Server) pathWebhook(c *gin.Context, admin bool) (domain.Webhook, error) {
	id, err := pathID(c, "webhook")
	if err != nil {
		return domain.Webhook{}, err
	}
	w, err := s.store.Webhook(c, appOf(c).ID, id)
	if err != nil {
		return w, err
	}
	m, err := s.store.MemberOf(c, w.OrganizationID, callerOf(c))
	if domain.IsKind(err, domain.KindNotFound) {
		return w, domain.NotFound()
	}
	if err != nil {
		return w, err
	}
	if admin && !m.Roles.Has(domain.RoleAdmin) {
		return w, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotAdmin)}
	}
	return w, nil
}

func (s *Server) getWebhook(c *gin.Context) error {
	w, err := s.pathWebhook(c, false)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderWebhook(w))
	return nil
}

func (s *Server) patchWebhook(c *gin.Context) error {
	w, err := s.pathWebhook(c, true)
	if err != nil {
		return err
	}
	var in webhookData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.checkWebhook(c, in, false); err != nil {
		return err
	}
	w, err = s.store.PatchWebhook(c, w.ID, store.WebhookPatch{Event: in.Event, PayloadURL: in.PayloadURL, Enabled: in.Enabled})
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderWebhook(w))
	return nil
}

func (s *Server) deleteWebhook(c *gin.Context) error {
	w, err := s.pathWebhook(c, true)
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c, w.ID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// listDeliveries shows every delivery of a webhook with every attempt (admins).
func (s *Server) listDeliveries(c *gin.Context) error {
	w, err := s.pathWebhook(c, true)
	if err != nil {
		return err
	}
	q := newQuery(c)
	state := c.Query("state")
	if state != "" && state != domain.DeliveryPending && state != domain.DeliveryDelivered && state != domain.DeliveryFailed {
		q.vs.Add("state", domain.MsgInvalidChoice, "PENDING, DELIVERED, FAILED")
	}
	return respondList(c, q, func(p domain.Page) ([]domain.Delivery, int, error) { return s.store.Deliveries(c, w.ID, state, p) },
		each(hal.RenderDelivery))
}

// redeliver sends a delivery again now: a delivery still retrying skips its wait, a finished
// one starts a new run of its workflow (attempts keep their numbering).
func (s *Server) redeliver(c *gin.Context) error {
	w, err := s.pathWebhook(c, true)
	if err != nil {
		return err
	}
	id, err := pathID(c, "delivery")
	if err != nil {
		return err
	}
	d, err := s.store.Delivery(c, w.ID, id)
	if err != nil {
		return err
	}
	if !w.Enabled { // a disabled webhook is sent nothing: accepting would promise a delivery
		return domain.Conflict(domain.MsgWebhookDisabled)
	}
	if err := s.store.ReopenDelivery(c, d.ID); err != nil {
		return err
	}
	_, err = s.temporal.SignalWithStartWorkflow(c, workflows.WebhookDeliveryWorkflowID(d.ID), workflows.SignalRedeliver, nil,
		client.StartWorkflowOptions{
			TaskQueue:                s.settings.TaskQueue,
			WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			StaticSummary:            "redelivery of " + d.Event + " to webhook " + w.ID.String(),
		}, workflows.WebhookDeliveryWorkflowName, workflows.DeliveryInput{
			DeliveryID: d.ID, WebhookID: w.ID, DeliveryRetry: s.settings.Webhooks.retry(), FirstAttempt: len(d.Attempts) + 1,
		})
	if err != nil {
		return err
	}
	d, err = s.store.Delivery(c, w.ID, id)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusAccepted, hal.RenderDelivery(d))
	return nil
}
