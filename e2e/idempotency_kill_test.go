package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// The API is a separate process, SIGKILLed after requests with an Idempotency-Key made their
// effect and before they answered. Sent again with the same keys to a new API process, each is
// answered with its outcome, and each effect exists once: one transition (and its checkpoint),
// one operation (and its log entry), one feedback (and its report), one closing (whose report's
// workflow has ended).
func TestIdempotentRetryAcrossAnAPIKillIsExactlyOnce(t *testing.T) {
	desk := stack.NewDesk(t, "Kill")
	admin := desk.Admin
	_, toAccept := desk.NewReport()
	withOps := desk.ReportIn("accept")
	toClose := desk.ReportIn("accept", "progress")
	citizen := stack.NewUser(t)

	// Each request carries its key; the first process holds every answer a minute after its
	// effect, and is killed meanwhile.
	type call struct {
		name, path string
		client     *testkit.Client
		body       any
		status     int
	}
	calls := []call{
		{"transition", "/reports/" + toAccept + "/workflow/transition", admin, map[string]string{"transition": "accept"}, http.StatusOK},
		{"operation", "/operations", admin, map[string]any{"report": withOps, "name": "Reboucher"}, http.StatusCreated},
		{"feedback", "/feedbacks/issues", citizen, testkit.IssueBody(desk.Inside(), nil), http.StatusCreated},
		{"closing", "/reports/" + toClose + "/workflow/transition", admin, map[string]string{"transition": "close"}, http.StatusOK},
	}
	keys := make([]string, len(calls))
	first := stack.StartAPIProcess(t, "FAULT_PAUSE_BEFORE_ANSWER=1m")
	var cut sync.WaitGroup
	for i, c := range calls {
		keys[i] = uuid.NewString()
		cut.Add(1)
		go func() {
			defer cut.Done()
			if status, err := rawPost(first.URL+c.path, c.client, keys[i], c.body); err == nil {
				t.Errorf("%s answered %d before the kill", c.name, status)
			}
		}()
	}

	// The effects are made (read from the stack's own API); none is answered yet.
	effects := func() bool {
		accepted := admin.Get("/reports/"+toAccept).Expect(http.StatusOK).Str("state") == "ACCEPTED" &&
			admin.Get("/reports/"+toClose).Expect(http.StatusOK).Str("state") == "CLOSED"
		ops := admin.Get("/reports/" + withOps + "/operations").Expect(http.StatusOK).List("_embedded.items")
		fbs := stack.FeedbackIDsOf(t, citizen.PersonID)
		return accepted && len(ops) == 1 && len(fbs) == 1 && len(admin.ReportsOfFeedback(desk.Org, fbs[0])) == 1
	}
	if !testkit.Eventually(30*time.Second, effects) {
		t.Fatal("the requests did not make their effects")
	}
	first.Kill()
	cut.Wait()

	// Sent again to a new process: each waits for the dead attempt's lease (409, Retry-After),
	// then is answered with its outcome.
	second := stack.StartAPIProcess(t)
	answers := make([]*testkit.Response, len(calls))
	for i, c := range calls {
		answers[i] = retryWhileBusy(t, second.On(c.client).WithKey(keys[i]), c.path, c.body).Expect(c.status)
	}
	if answers[0].Str("state") != "ACCEPTED" || answers[3].Str("state") != "CLOSED" {
		t.Errorf("transitions answered %s and %s", answers[0].Body, answers[3].Body)
	}
	ops := admin.Get("/reports/" + withOps + "/operations").Expect(http.StatusOK).List("_embedded.items")
	if len(ops) != 1 || answers[1].Str("id") != ops[0].(map[string]any)["id"] {
		t.Errorf("operations %v, answered %s", ops, answers[1].Body)
	}
	fbs := stack.FeedbackIDsOf(t, citizen.PersonID)
	if len(fbs) != 1 || answers[2].Str("id") != fbs[0] || answers[2].Str("state") != "DELIVERED" {
		t.Errorf("feedbacks %v, answered %s", fbs, answers[2].Body)
	}

	// Exactly once.
	if got := admin.Get("/reports/" + toAccept).Expect(http.StatusOK).CheckpointStates(); !slices.Equal(got, []string{"NEW", "ACCEPTED"}) {
		t.Errorf("report checkpoints %v, want NEW, ACCEPTED", got)
	}
	if got := admin.Get("/reports/" + toClose).Expect(http.StatusOK).CheckpointStates(); !slices.Equal(got, []string{"NEW", "ACCEPTED", "IN_PROGRESS", "CLOSED"}) {
		t.Errorf("closed report checkpoints %v", got)
	}
	if len(ops) == 1 {
		if got := admin.LogActions(ops[0].(map[string]any)["id"].(string)); !slices.Equal(got, []string{"create"}) {
			t.Errorf("operation log %v, want one create", got)
		}
	}
	if len(fbs) == 1 {
		if got := admin.ReportsOfFeedback(desk.Org, fbs[0]); len(got) != 1 {
			t.Errorf("reports of the feedback %v, want one", got)
		}
	}

	// And from now on the answers are replayed.
	for i, c := range calls {
		r := second.On(c.client).WithKey(keys[i]).Post(c.path, c.body).Expect(c.status)
		if r.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r.Body, answers[i].Body) {
			t.Errorf("%s replayed %s, want %s", c.name, r.Body, answers[i].Body)
		}
	}
}

// retryWhileBusy posts until the answer is not a 409 for a request in progress, waiting as
// Retry-After says.
func retryWhileBusy(t *testing.T, c *testkit.Client, path string, body any) *testkit.Response {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		r := c.Post(path, body)
		if r.Status != http.StatusConflict || time.Now().After(deadline) || r.Header.Get("Retry-After") == "" {
			return r
		}
		wait, _ := strconv.Atoi(r.Header.Get("Retry-After"))
		time.Sleep(time.Duration(max(wait, 1)) * time.Second)
	}
}

// rawPost sends a POST as c would, with an Idempotency-Key, and returns the status, or the error
// of a connection cut before the answer.
func rawPost(url string, c *testkit.Client, key string, body any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Keyclic-App", c.App)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
