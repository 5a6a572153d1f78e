package benchkit

import (
	"fmt"
	"net/http"

	"github.com/google/uuid"
)

// Lifecycle is what one whole lifecycle made: its feedback, report, operation and webhook.
type Lifecycle struct {
	Feedback, Report, Operation, Webhook string
}

// RunLifecycle runs one whole lifecycle through the API at api: a new organization with a
// place around (lat, lon) and a webhook on reportStateChanged to hookURL; a citizen's feedback
// there; its report accepted; an operation created, assigned to the admin, progressed and
// resolved; the report progressed and closed.
func RunLifecycle(api *Client, lat, lon float64, hookURL string) (Lifecycle, error) {
	var l Lifecycle
	admin, adminID, err := api.User()
	if err != nil {
		return l, err
	}
	citizen, _, err := api.User()
	if err != nil {
		return l, err
	}
	var org, member, report, hook struct{ ID string }
	if err := admin.Do(http.MethodPost, "/organizations", map[string]string{"name": "Lifecycle " + uuid.NewString()[:8]}, http.StatusCreated, &org); err != nil {
		return l, err
	}
	const d = 0.01
	ring := []map[string]float64{{"latitude": lat - d, "longitude": lon - d}, {"latitude": lat - d, "longitude": lon + d},
		{"latitude": lat + d, "longitude": lon + d}, {"latitude": lat + d, "longitude": lon - d}, {"latitude": lat - d, "longitude": lon - d}}
	if err := admin.Do(http.MethodPost, "/organizations/"+org.ID+"/places", map[string]any{"name": "Lifecycle place",
		"polygon": map[string]any{"srid": 4326, "rings": []any{map[string]any{"points": ring}}}}, http.StatusCreated, nil); err != nil {
		return l, err
	}
	if err := admin.Do(http.MethodPost, "/organizations/"+org.ID+"/webhooks", map[string]any{"event": "reportStateChanged", "payloadUrl": hookURL}, http.StatusCreated, &hook); err != nil {
		return l, err
	}
	l.Webhook = hook.ID
	var fb struct{ ID string }
	if err := citizen.Do(http.MethodPost, "/feedbacks/issues", map[string]any{
		"geo": map[string]any{"point": map[string]float64{"latitude": lat, "longitude": lon}}, "description": "Lifecycle pothole",
	}, http.StatusCreated, &fb); err != nil {
		return l, err
	}
	l.Feedback = fb.ID
	var reports, members struct {
		Embedded struct {
			Items []struct {
				ID       string
				PersonID string         `json:"-"`
				Links    map[string]any `json:"_links"`
			} `json:"items"`
		} `json:"_embedded"`
	}
	if err := admin.Do(http.MethodGet, "/organizations/"+org.ID+"/reports", nil, http.StatusOK, &reports); err != nil {
		return l, err
	}
	if len(reports.Embedded.Items) != 1 {
		return l, fmt.Errorf("lifecycle: %d reports for one feedback", len(reports.Embedded.Items))
	}
	report.ID = reports.Embedded.Items[0].ID
	l.Report = report.ID
	if err := admin.Do(http.MethodGet, "/organizations/"+org.ID+"/members", nil, http.StatusOK, &members); err != nil {
		return l, err
	}
	for _, m := range members.Embedded.Items {
		if p, ok := m.Links["person"].(map[string]any); ok && p["href"] == "/people/"+adminID {
			member.ID = m.ID
		}
	}
	if member.ID == "" {
		return l, fmt.Errorf("lifecycle: the admin is not among the members")
	}
	transition := func(path, name string) error {
		return admin.Do(http.MethodPost, path+"/workflow/transition", map[string]string{"transition": name}, http.StatusOK, nil)
	}
	if err := transition("/reports/"+report.ID, "accept"); err != nil {
		return l, err
	}
	var op struct{ ID string }
	if err := admin.Do(http.MethodPost, "/operations", map[string]any{"report": report.ID, "name": "Reboucher"}, http.StatusCreated, &op); err != nil {
		return l, err
	}
	l.Operation = op.ID
	if err := admin.Do(http.MethodPost, "/operations/"+op.ID+"/assign", map[string]string{"member": member.ID}, http.StatusOK, nil); err != nil {
		return l, err
	}
	for _, step := range []struct{ path, name string }{
		{"/operations/" + op.ID, "progress"}, {"/operations/" + op.ID, "resolve"},
		{"/reports/" + report.ID, "progress"}, {"/reports/" + report.ID, "close"},
	} {
		if err := transition(step.path, step.name); err != nil {
			return l, err
		}
	}
	return l, nil
}
