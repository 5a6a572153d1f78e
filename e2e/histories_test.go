package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"

	"github.com/keyclic/keyclic/internal/testkit"
)

// TestRecordWorkflowHistories records, when KEYCLIC_RECORD_HISTORIES=1, the histories of a
// representative run of every workflow into workflows/testdata/histories, for the replay test.
// Record again only when no execution of the old code can still be running.
func TestRecordWorkflowHistories(t *testing.T) {
	if os.Getenv("KEYCLIC_RECORD_HISTORIES") != "1" {
		t.Skip("set KEYCLIC_RECORD_HISTORIES=1 to record workflow histories")
	}
	var failures atomic.Int32
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if failures.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // the first delivery fails once
		}
	}))
	defer consumer.Close()

	// Password reset, used.
	u := stack.NewUser(t)
	u.Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	token := testkit.ResetToken(t, stack.WaitEmails(t, u.Email, "password_reset", 1)[0].TextBody)
	u.Post("/security/password/change/"+token, map[string]string{"password": "a brand new password"}).Expect(http.StatusNoContent)
	reset := stack.PasswordResets(t, u.PersonID)[0]

	// Two organizations on one point: two reports, the first to accept withdraws the other.
	desk := stack.NewDesk(t, "Histories")
	other := stack.NewUser(t)
	otherOrg := other.CreateOrganization(testkit.Unique("Histories other "))
	other.CreatePlace(otherOrg, "Same square", testkit.Box(desk.Corner.Lat, desk.Corner.Lon, desk.Corner.Lat+desk.Size, desk.Corner.Lon+desk.Size))
	partner := stack.NewUser(t)
	partnerOrg := partner.CreateOrganization(testkit.Unique("Histories partner "))
	desk.Admin.Post("/organizations/"+desk.Org+"/relationships", map[string]string{"organization": partnerOrg}).Expect(http.StatusCreated)
	desk.Admin.Post("/organizations/"+desk.Org+"/webhooks", map[string]any{"event": "reportStateChanged", "payloadUrl": consumer.URL}).Expect(http.StatusCreated)

	feedback := desk.Citizen.Issue(desk.Inside(), map[string]any{"visibility": "VISIBILITY_PUBLIC"})
	failed := stack.ExpectFailedIssue(t, desk.Citizen, desk.Corner.Offset(-1, -1), nil)
	report := desk.Admin.ReportOf(desk.Org, feedback)
	sibling := other.ReportOf(otherOrg, feedback)
	desk.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	desk.Citizen.Post("/feedbacks/"+feedback+"/comments", map[string]string{"text": "Merci"}).Expect(http.StatusCreated)
	desk.Admin.Post("/organizations/"+desk.Org+"/delegates", map[string]string{"report": report, "organization": partnerOrg}).Expect(http.StatusOK)
	partner.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	op := partner.CreateOperation(report, "Reboucher")
	partner.Assign(op, partner.MemberIDOf(partnerOrg, partner)).Expect(http.StatusOK)
	partner.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	partner.TransitionOperation(op, "resolve", false).Expect(http.StatusOK)
	partner.TransitionReport(report, "close", false).Expect(http.StatusOK)
	// The close asks the feedback's reporter for a review; they answer it.
	request := reviewRequestOf(desk.Citizen, feedback)["id"].(string)
	desk.Citizen.Post("/review-requests/"+request+"/reviews", map[string]any{"reviewRating": 5, "reviewBody": "Merci"}).Expect(http.StatusOK)
	// An export whose archive expires a second after it is built, so that its workflow completes.
	settings := stack.App.APISettings()
	settings.ExportRetention = time.Second
	short := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer short.Close()
	exporter := desk.Admin.With(func(c *testkit.Client) { c.Base = short.URL })
	export := exporter.Post("/organizations/"+desk.Org+"/reports/exports", nil).Expect(http.StatusAccepted).Str("id")
	exporter.WaitExport(desk.Org, export, "EXPIRED")

	// A delivery that failed its whole schedule, recovered once its consumer is back.
	refusing := testkit.NewConsumer(t)
	refusing.Always(testkit.Answer{Status: http.StatusServiceUnavailable})
	lost := stack.NewDesk(t, "Histories recovery")
	lostHook, _ := lost.Admin.CreateWebhook(lost.Org, "reportCreated", refusing.URL("/lost"))
	since := time.Now().UTC()
	lost.NewReport()
	failedDelivery := onlyDelivery(t, lost.Admin, lostHook)
	lost.Admin.WaitDeliveryState(lostHook, failedDelivery, "FAILED")
	refusing.Always(testkit.Answer{})
	lost.Admin.Post("/webhooks/"+lostHook+"/recover", map[string]string{"since": since.Format(time.RFC3339Nano)}).Expect(http.StatusAccepted)
	lost.Admin.WaitDeliveryState(lostHook, failedDelivery, "DELIVERED")

	// A report on service levels: its time to accept missed and announced, then accepted, held,
	// resumed, handed to a partner on its own levels, and closed.
	timed := stack.NewDesk(t, "Histories service levels")
	timedPartner := stack.NewDesk(t, "Histories service levels partner")
	makePartner(timed, timedPartner)
	levels := map[string]any{"timeZone": "Europe/Paris", "default": map[string]any{"acceptWithin": "2s", "closeWithin": "40h"}}
	timed.Admin.Do(http.MethodPut, "/organizations/"+timed.Org+"/service-levels", levels).Expect(http.StatusOK)
	timedPartner.Admin.Do(http.MethodPut, "/organizations/"+timedPartner.Org+"/service-levels", levels).Expect(http.StatusOK)
	_, late := timed.NewReport()
	if !overdueInTemporal(t, late, true) { // announced by its workflow
		t.Fatalf("report %s not announced overdue", late)
	}
	timed.Admin.TransitionReport(late, "accept", false).Expect(http.StatusOK)
	timed.Admin.TransitionReport(late, "hold", false).Expect(http.StatusOK)
	timed.Admin.TransitionReport(late, "progress", false).Expect(http.StatusOK)
	delegate(timed.Admin, timed.Org, late, timedPartner.Org).Expect(http.StatusOK)
	timedPartner.Admin.TransitionReport(late, "close", false).Expect(http.StatusOK)

	dir := filepath.Join("..", "workflows", "testdata", "histories")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, id := range map[string]string{
		"password-reset":        "password-reset/" + reset.ID.String(),
		"feedback":              "feedback/" + feedback,
		"feedback-failed":       "feedback/" + failed,
		"report":                "report/" + report,
		"report-withdrawn":      "report/" + sibling,
		"operation":             "operation/" + op,
		"export":                "export/" + export,
		"review-request":        "review-request/" + request,
		"webhook-recovery":      "webhook-recovery/" + lostHook,
		"report-service-levels": "report/" + late,
	} {
		record(t, filepath.Join(dir, name+".json"), id)
	}
	deliveries := stack.WorkflowIDsOfType(t, "WebhookDelivery")
	notifications := stack.WorkflowIDsOfType(t, "Notification")
	if len(deliveries) == 0 || len(notifications) == 0 {
		t.Fatalf("deliveries %v, notifications %v: want some of each", deliveries, notifications)
	}
	record(t, filepath.Join(dir, "webhook-delivery.json"), deliveries[0])
	record(t, filepath.Join(dir, "notification.json"), notifications[0])
}

// record waits for the workflow to close and writes its history as JSON.
func record(t *testing.T, path, workflowID string) {
	t.Helper()
	ctx := context.Background()
	if !testkit.Eventually(time.Minute, func() bool { return stack.WorkflowStatus(t, workflowID) == "Completed" }) {
		t.Fatalf("%s did not complete", workflowID)
	}
	it := stack.App.Temporal.GetWorkflowHistory(ctx, workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}
