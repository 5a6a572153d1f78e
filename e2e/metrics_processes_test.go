package e2e

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// metricsAddr is a free port of 127.0.0.1 for a process's METRICS_ADDR.
func metricsAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// `keyclic api` and `keyclic worker`, as deployed, each serve their own metrics on METRICS_ADDR:
// the API process its requests and the Temporal client's calls, the worker process the SDK's
// worker metrics of the workflows it ran. Neither serves them on the API's address.
func TestAPIAndWorkerProcessesServeTheirMetrics(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	workerMetrics, apiMetrics := metricsAddr(t), metricsAddr(t)
	cfg := stack.App.Config
	w, err := testkit.StartWorkerProcess(testkit.ProcessOptions{
		Binary: testkit.Binary(t), DatabaseURL: cfg.DatabaseURL, TemporalAddress: cfg.TemporalAddress,
		TaskQueue: iso.TaskQueue, DataDir: t.TempDir(),
		Env: []string{"OUTBOX_DISPATCH=false", "METRICS_ADDR=" + workerMetrics},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Kill)
	api := iso.StartAPIProcess(t, "METRICS_ADDR="+apiMetrics)
	desk := stack.NewDesk(t, "Métriques processus")

	feedback := api.On(desk.Citizen).Issue(desk.Inside(), nil) // 201: matched by the worker process
	desk.Admin.ReportOf(desk.Org, feedback)
	api.On(desk.Citizen).Get("/metrics").ExpectError(http.StatusNotFound)

	var fromAPI, fromWorker testkit.Scrape
	feedbackTasks := map[string]string{"workflow_type": "Feedback"}
	testkit.Eventually(20*time.Second, func() bool {
		fromAPI = testkit.ScrapeMetrics(t, "http://"+apiMetrics+"/metrics")
		fromWorker = testkit.ScrapeMetrics(t, "http://"+workerMetrics+"/metrics")
		return fromWorker.Sum("temporal_workflow_task_execution_latency_seconds", feedbackTasks) >= 1 &&
			fromAPI.Sum("temporal_request_total", nil) >= 1
	})
	post := map[string]string{"route": "/feedbacks/issues", "method": "POST", "status": "201"}
	if got := fromAPI.Sum("keyclic_http_requests_total", post); got != 1 {
		t.Errorf("API process: keyclic_http_requests_total%v = %v, want 1", post, got)
	}
	unmatched := map[string]string{"route": "unmatched", "status": "404"}
	if got := fromAPI.Sum("keyclic_http_requests_total", unmatched); got != 1 {
		t.Errorf("API process: GET /metrics on the API's address counted %v times as unmatched, want 1", got)
	}
	if got := fromAPI.Sum("temporal_request_total", nil); got < 1 {
		t.Errorf("API process: temporal_request_total = %v, want the Temporal client's calls", got)
	}
	if got := fromWorker.Sum("temporal_workflow_task_execution_latency_seconds", feedbackTasks); got < 1 {
		t.Errorf("worker process: %v Feedback workflow tasks, want at least 1", got)
	}
	if fromWorker.Has("keyclic_http_requests_total") {
		t.Error("the worker process, which serves no API, counts HTTP requests")
	}
	for _, sc := range []testkit.Scrape{fromAPI, fromWorker} {
		if !sc.Has("keyclic_pgx_pool_max_conns") || !sc.Has("keyclic_outbox_pending") {
			t.Error("a process does not report its pool or the outbox")
		}
	}
}
