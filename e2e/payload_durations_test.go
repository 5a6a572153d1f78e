package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/keyclic/keyclic/workflows"
)

// An operator opening a workflow in the Temporal UI reads its durations as durations ("1h"), not
// as counts of nanoseconds.
func TestWorkflowInputsShowDurationsAsText(t *testing.T) {
	u := stack.NewUser(t)
	u.Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	stack.WaitEmails(t, u.Email, "password_reset", 1)
	reset := stack.PasswordResets(t, u.PersonID)[0]

	iter := stack.App.Temporal.GetWorkflowHistory(context.Background(), workflows.PasswordResetWorkflowID(reset.ID), "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	first, err := iter.Next()
	if err != nil {
		t.Fatal(err)
	}
	payloads := first.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	if len(payloads) != 1 {
		t.Fatalf("the workflow started with %d payloads", len(payloads))
	}
	var input struct{ TTL any }
	if err := json.Unmarshal(payloads[0].GetData(), &input); err != nil {
		t.Fatal(err)
	}
	text, ok := input.TTL.(string)
	if !ok {
		t.Fatalf("the token's lifetime reads %v in the workflow's input, not a duration", input.TTL)
	}
	if d, err := time.ParseDuration(text); err != nil || d != stack.App.Config.PasswordResetTTL || strings.HasSuffix(text, "0s") {
		t.Fatalf("the token's lifetime reads %q, want %v written short", text, stack.App.Config.PasswordResetTTL)
	}
}
