package metrics_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/internal/metrics"
	"github.com/keyclic/keyclic/internal/testkit"
)

// A router like the API's: a route with a parameter, 404 and 405 answers.
func router(m *metrics.Metrics) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(m.GinMiddleware())
	r.GET("/reports/:report", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.POST("/reports/:report/workflow/transition", func(c *gin.Context) { c.Status(http.StatusConflict) })
	return r
}

// Requests are labelled by their route template, never by the path a client chose: a path no
// route matches, and a method no route has, get one fixed label.
func TestHTTPRequestsAreLabelledByRouteTemplate(t *testing.T) {
	m := metrics.New(slog.New(slog.DiscardHandler))
	r := router(m)
	for _, req := range []struct{ method, path string }{
		{"GET", "/reports/1"}, {"GET", "/reports/2"}, {"POST", "/reports/3/workflow/transition"},
		{"GET", "/secret-token-abc"}, {"GET", "/reports/1/unknown"}, {"DELETE", "/reports/4"}, {"BREW", "/reports/5"},
	} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}
	metricsSrv := httptest.NewServer(m.Mux())
	defer metricsSrv.Close()
	sc := testkit.ScrapeMetrics(t, metricsSrv.URL+"/metrics")

	for _, c := range []struct {
		route, method, status string
		want                  float64
	}{
		{"/reports/:report", "GET", "200", 2},
		{"/reports/:report/workflow/transition", "POST", "409", 1},
		{metrics.UnmatchedRoute, "GET", "404", 2},
		{metrics.UnmatchedRoute, "DELETE", "405", 1},
		{metrics.UnmatchedRoute, "OTHER", "405", 1},
	} {
		l := map[string]string{"route": c.route, "method": c.method, "status": c.status}
		if got := sc.Sum("keyclic_http_requests_total", l); got != c.want {
			t.Errorf("keyclic_http_requests_total%v = %v, want %v", l, got, c.want)
		}
	}
	if got := sc.Sum("keyclic_http_request_duration_seconds", map[string]string{"route": "/reports/:report", "method": "GET"}); got != 2 {
		t.Errorf("duration histogram of GET /reports/:report counted %v, want 2", got)
	}
	routes := sc.LabelValues("keyclic_http_requests_total", "route")
	for _, route := range routes {
		if strings.Contains(route, "secret") || strings.Contains(route, "unknown") || strings.Contains(route, "/1") {
			t.Errorf("a raw path became a label: %q", route)
		}
	}
	if n := len(sc["keyclic_http_requests_total"].GetMetric()); n != 5 {
		t.Errorf("%d series, want 5: %v", n, routes)
	}
}
