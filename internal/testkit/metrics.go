package testkit

import (
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Scrape is one read of a /metrics endpoint, parsed as Prometheus parses it.
type Scrape map[string]*dto.MetricFamily

// ScrapeMetrics GETs url (a /metrics endpoint) and parses the answer; anything but a 200 in
// Prometheus' text format fails the test.
func ScrapeMetrics(t testing.TB, url string) Scrape {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	return fams
}

// ScrapeMetrics reads the stack's metrics endpoint.
func (s *Stack) ScrapeMetrics(t testing.TB) Scrape {
	t.Helper()
	return ScrapeMetrics(t, s.Metrics.URL+"/metrics")
}

// Has reports whether the family is there with at least one series.
func (sc Scrape) Has(family string) bool {
	f, ok := sc[family]
	return ok && len(f.GetMetric()) > 0
}

// Sum adds up the values of the family's series whose labels include labels: a counter's or
// gauge's value, a histogram's or summary's count.
func (sc Scrape) Sum(family string, labels map[string]string) float64 {
	total := 0.0
	for _, m := range sc[family].GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		case m.Summary != nil:
			total += float64(m.Summary.GetSampleCount())
		case m.Untyped != nil:
			total += m.Untyped.GetValue()
		}
	}
	return total
}

// LabelValues lists the values the label takes in the family's series.
func (sc Scrape) LabelValues(family, label string) []string {
	var out []string
	for _, m := range sc[family].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out = append(out, l.GetValue())
			}
		}
	}
	return out
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(want)
}
