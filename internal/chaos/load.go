package chaos

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// desk is one client's organization: its admin (who also operates), a citizen, a place of its
// own (so each feedback makes exactly one report) and webhooks on the run's consumer.
type desk struct {
	n              int
	admin, citizen *caller
	org, adminID   string
	member         string
	lat, lon       float64
}

// events is what the desks' webhooks subscribe to: a created report and each state change of a
// report and of an operation.
var events = []string{"reportCreated", "reportStateChanged", "operationStateChanged"}

// ledger is what the load was told was done (answered 2xx): what the checks look for, once.
type ledger struct {
	mu         sync.Mutex
	feedbacks  map[string]string   // description → feedback id
	reports    map[string]string   // report → feedback
	states     map[string][]string // report → the states its answered transitions reached
	operations map[string]string   // name → operation id
	logs       map[string][]string // operation → its answered actions
	comments   []string            // texts
	cut        int                 // requests never answered (the lifecycle was left there)
	refused    map[string]int      // requests answered 4xx, by step (the lifecycle was left there)
	complete   int                 // lifecycles that went through to the closed report
}

func newLedger() *ledger {
	return &ledger{feedbacks: map[string]string{}, reports: map[string]string{}, states: map[string][]string{},
		operations: map[string]string{}, logs: map[string][]string{}, refused: map[string]int{}}
}

// newDesk registers the desk's people and organization before the faults start.
func newDesk(ctx context.Context, anon *caller, n int, hook string) (*desk, error) {
	d := &desk{n: n, lat: 44.0 + float64(n)*0.1, lon: 0.5}
	var err error
	if d.admin, d.adminID, err = register(ctx, anon, "admin", n); err != nil {
		return nil, err
	}
	if d.citizen, _, err = register(ctx, anon, "citizen", n); err != nil {
		return nil, err
	}
	org, err := d.admin.mustPost(ctx, "/organizations", map[string]string{"name": fmt.Sprintf("Chaos %d", n),
		"businessActivity": "4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36"}, http.StatusCreated)
	if err != nil {
		return nil, err
	}
	d.org = org.str("id")
	const s = 0.02
	ring := []map[string]float64{{"latitude": d.lat - s, "longitude": d.lon - s}, {"latitude": d.lat - s, "longitude": d.lon + s},
		{"latitude": d.lat + s, "longitude": d.lon + s}, {"latitude": d.lat + s, "longitude": d.lon - s}, {"latitude": d.lat - s, "longitude": d.lon - s}}
	if _, err := d.admin.mustPost(ctx, "/organizations/"+d.org+"/places", map[string]any{"name": "Chaos place",
		"polygon": map[string]any{"srid": 4326, "rings": []any{map[string]any{"points": ring}}}}, http.StatusCreated); err != nil {
		return nil, err
	}
	for _, ev := range events {
		if _, err := d.admin.mustPost(ctx, "/organizations/"+d.org+"/webhooks", map[string]any{"event": ev, "payloadUrl": hook}, http.StatusCreated); err != nil {
			return nil, err
		}
	}
	members := d.admin.get(ctx, "/organizations/"+d.org+"/members")
	for _, m := range items(members) {
		if linkHref(m, "person") == "/people/"+d.adminID {
			d.member, _ = m["id"].(string)
		}
	}
	if d.member == "" {
		return nil, fmt.Errorf("set-up: the admin of %s is not among its members", d.org)
	}
	return d, nil
}

// register makes a person with a phone (so that pushes are sent) and logs them in.
func register(ctx context.Context, anon *caller, role string, n int) (*caller, string, error) {
	email := fmt.Sprintf("chaos-%s-%d-%s@example.com", role, n, uuid.NewString()[:8])
	p, err := anon.mustPost(ctx, "/security/register", map[string]string{"email": email, "password": "chaos password"}, http.StatusCreated)
	if err != nil {
		return nil, "", err
	}
	login, err := anon.mustPost(ctx, "/security/login", map[string]string{"login": email, "password": "chaos password"}, http.StatusOK)
	if err != nil {
		return nil, "", err
	}
	c := anon.as(login.str("accessToken"))
	if _, err := c.mustPost(ctx, "/people/"+p.str("id")+"/devices", map[string]string{"token": "chaos-" + uuid.NewString(), "platform": "android"}, http.StatusCreated); err != nil {
		return nil, "", err
	}
	return c, p.str("id"), nil
}

// run starts lifecycles until load ends, each finished under ctx: a feedback, its report
// accepted, a comment, an operation assigned, progressed and resolved, the report progressed
// and closed.
func (d *desk) run(load, ctx context.Context, l *ledger) {
	for i := 0; load.Err() == nil && ctx.Err() == nil; i++ {
		if d.cycle(ctx, l, fmt.Sprintf("%d-%d", d.n, i)) {
			l.mu.Lock()
			l.complete++
			l.mu.Unlock()
		}
	}
}

// cycle runs one lifecycle; it stops at the first request that is not answered 2xx.
func (d *desk) cycle(ctx context.Context, l *ledger, tag string) bool {
	description := "Chaos " + tag
	fb := d.citizen.post(ctx, "/feedbacks/issues", map[string]any{
		"geo": map[string]any{"point": map[string]float64{"latitude": d.lat, "longitude": d.lon}}, "description": description,
		"visibility": "VISIBILITY_PUBLIC"}) // public: its reporter comments on it
	if !l.answered("feedback", fb) {
		return false
	}
	feedback := fb.str("id")
	l.locked(func() { l.feedbacks[description] = feedback })
	report := d.reportOf(ctx, feedback)
	if report == "" {
		l.refuse("report not listed")
		return false
	}
	l.locked(func() { l.reports[report] = feedback })
	if !d.transition(ctx, l, "/reports/"+report, "accept", report, "ACCEPTED") {
		return false
	}
	text := "Comment " + tag
	if !l.answered("comment", d.citizen.post(ctx, "/feedbacks/"+feedback+"/comments", map[string]string{"text": text})) {
		return false
	}
	l.locked(func() { l.comments = append(l.comments, text) })
	name := "Operation " + tag
	op := d.admin.post(ctx, "/operations", map[string]any{"report": report, "name": name})
	if !l.answered("operation", op) {
		return false
	}
	id := op.str("id")
	l.locked(func() { l.operations[name] = id })
	if !l.answered("assign", d.admin.post(ctx, "/operations/"+id+"/assign", map[string]string{"member": d.member})) {
		return false
	}
	l.logged(id, "assign")
	for _, step := range []struct{ transition, state string }{{"progress", "IN_PROGRESS"}, {"resolve", "RESOLVED"}} {
		if !l.answered("operation "+step.transition, d.admin.post(ctx, "/operations/"+id+"/workflow/transition", map[string]string{"transition": step.transition})) {
			return false
		}
		l.logged(id, step.transition)
	}
	return d.transition(ctx, l, "/reports/"+report, "progress", report, "IN_PROGRESS") &&
		d.transition(ctx, l, "/reports/"+report, "close", report, "CLOSED")
}

func (d *desk) transition(ctx context.Context, l *ledger, path, name, report, state string) bool {
	if !l.answered("report "+name, d.admin.post(ctx, path+"/workflow/transition", map[string]string{"transition": name})) {
		return false
	}
	l.locked(func() { l.states[report] = append(l.states[report], state) })
	return true
}

// reportOf finds the desk's NEW report of feedback (a few reads: the feedback may have been
// answered before its delivery was done).
func (d *desk) reportOf(ctx context.Context, feedback string) string {
	for range 30 {
		list := d.admin.get(ctx, "/organizations/"+d.org+"/reports?state=NEW&limit=100")
		for _, r := range items(list) {
			if linkHref(r, "feedback") == "/feedbacks/"+feedback {
				id, _ := r["id"].(string)
				return id
			}
		}
		select {
		case <-ctx.Done():
			return ""
		case <-time.After(time.Second):
		}
	}
	return ""
}

// answered records a request's outcome and says whether it was done.
func (l *ledger) answered(step string, a answer) bool {
	switch {
	case a.ok():
		return true
	case a.Status == 0:
		l.mu.Lock()
		l.cut++
		l.mu.Unlock()
	default:
		l.refuse(fmt.Sprintf("%s: %d", step, a.Status))
	}
	return false
}

// locked runs f holding the ledger's lock: clients record into it concurrently.
func (l *ledger) locked(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

func (l *ledger) refuse(why string) {
	l.locked(func() { l.refused[why]++ })
}

func (l *ledger) logged(op, action string) {
	l.locked(func() { l.logs[op] = append(l.logs[op], action) })
}

func items(a answer) []map[string]any {
	emb, _ := a.Body["_embedded"].(map[string]any)
	list, _ := emb["items"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func linkHref(resource map[string]any, name string) string {
	links, _ := resource["_links"].(map[string]any)
	link, _ := links[name].(map[string]any)
	href, _ := link["href"].(string)
	return href
}
