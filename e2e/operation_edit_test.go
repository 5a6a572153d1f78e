package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// An operator edits an operation assigned to them (name, description, pictures, state), as the
// seeds' roles say; the planning fields stay the admin's, and nobody else edits it.
func TestAssignedOperatorEditsTheOperation(t *testing.T) {
	d := newOpDesk(t, "Édition op")
	second, secondMember := d.Member(testkit.RoleOperator)
	plain, _ := d.Member()
	outsider := stack.NewUser(t)
	other := stack.NewDesk(t, "Voisine édition")
	op := d.Admin.CreateOperation(d.report, testkit.Unique("Reboucher "))
	d.Admin.Assign(op, d.operatorMember).Expect(http.StatusOK)
	path := "/operations/" + op

	// Name and description: 200 with the operation changed, logged under the operator's name.
	name, description := testkit.Unique("Reboucher la tranchée "), "Enrobé à froid, deux sacs."
	r := d.operator.Patch(path, map[string]any{"name": name, "description": description}).Expect(http.StatusOK)
	if r.Str("id") != op || r.Str("name") != name || r.Str("description") != description || r.Str("state") != "ASSIGNED" {
		t.Fatalf("operation edited by its operator: %s", r.Body)
	}
	logs := d.Admin.Get(path + "/logs?limit=100").Expect(http.StatusOK)
	last := logs.List("_embedded.items")[len(logs.List("_embedded.items"))-1].(map[string]any)
	data, _ := last["data"].(map[string]any)
	actor, _ := last["_links"].(map[string]any)["actor"].(map[string]any)
	if last["action"] != "update" || actor["href"] != "/people/"+d.operator.PersonID || data["name"] != name || data["description"] != description {
		t.Fatalf("log of the operator's edit: %v", last)
	}

	// Refused, and nothing changes: planning fields (403 naming them), a bad value (400 naming
	// it), another operator or a plain member (403), people outside the chain (404).
	before := d.Admin.Get(path).Expect(http.StatusOK)
	logBefore := logActions(t, d.Admin, op)
	tomorrow := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	d.operator.Patch(path, map[string]any{"startDate": tomorrow}).ExpectError(http.StatusForbidden, "startDate")
	d.operator.Patch(path, map[string]any{"duration": 30, "identificationNumber": "OP-1"}).ExpectError(http.StatusForbidden, "duration", "identificationNumber")
	d.operator.Patch(path, map[string]any{"name": "Autre nom", "duration": 30}).ExpectError(http.StatusForbidden, "duration")
	d.operator.Patch(path, map[string]any{"name": strings.Repeat("n", 256)}).ExpectError(http.StatusBadRequest, "name")
	d.operator.Patch(path, `{"name": `).ExpectError(http.StatusBadRequest)
	for _, c := range []*testkit.Client{second, plain} {
		c.Patch(path, map[string]any{"name": "Pris"}).ExpectError(http.StatusForbidden)
		c.Patch(path, map[string]any{"startDate": tomorrow}).ExpectError(http.StatusForbidden)
	}
	outsider.Patch(path, map[string]any{"name": "Pris"}).ExpectError(http.StatusNotFound)
	other.Admin.Patch(path, map[string]any{"name": "Pris"}).ExpectError(http.StatusNotFound)
	expectOperationUnchanged(t, d.Admin, op, before, logBefore)

	// An admin still changes every field.
	d.Admin.Patch(path, map[string]any{"duration": 45, "identificationNumber": "OP-7", "startDate": tomorrow}).Expect(http.StatusOK)

	// Pictures and state: the operator adds an image and works the operation; the other
	// operator may do neither.
	image := map[string]string{"image": testkit.PNGDataURI(t, 16, 16)}
	second.Post(path+"/images", image).ExpectError(http.StatusForbidden)
	if got := d.operator.Post(path+"/images", image).Expect(http.StatusCreated).Hrefs("_links.images"); len(got) != 1 {
		t.Fatalf("images after the operator's upload: %v", got)
	}
	second.TransitionOperation(op, "progress", false).ExpectError(http.StatusForbidden)
	d.operator.TransitionOperation(op, "progress", false).Expect(http.StatusOK).ExpectState("IN_PROGRESS", "resolve")
	d.operator.Patch(path, map[string]any{"description": "Reprise lundi."}).Expect(http.StatusOK)

	// Handed to the other operator: the first one loses it, the new one edits it.
	d.Admin.Assign(op, secondMember).Expect(http.StatusOK)
	d.operator.Patch(path, map[string]any{"name": "Repris"}).ExpectError(http.StatusForbidden)
	second.Patch(path, map[string]any{"name": "Repris"}).Expect(http.StatusOK)
	second.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	second.TransitionOperation(op, "resolve", true).Expect(http.StatusOK).ExpectState("RESOLVED")

	// Resolved: its lifecycle is over, edits are refused.
	second.Patch(path, map[string]any{"name": "Trop tard"}).ExpectError(http.StatusConflict)
	want := []string{"create", "assign", "update", "update", "image", "progress", "update", "assign", "update", "progress", "resolve"}
	if got := logActions(t, d.Admin, op); !slices.Equal(got, want) {
		t.Fatalf("log actions %v, want %v", got, want)
	}
}
