package config

import (
	"os"
	"strings"
)

// DefaultMetricsAddr is where the api, worker and dev commands serve GET /metrics when
// METRICS_ADDR is not set. 9464 is the port applications conventionally expose their own
// Prometheus metrics on (the OpenTelemetry exporters' default): clear of the API (8080),
// Temporal (7233, 7333–7339, the UI's 8233), Postgres (5432), and Prometheus' own ports
// (9090–9094) and common exporters' (9100 and up).
const DefaultMetricsAddr = ":9464"

// metricsAddr reads METRICS_ADDR: unset, the default; set empty or to "off", no listener.
func metricsAddr() string {
	v, ok := os.LookupEnv("METRICS_ADDR")
	if !ok {
		return DefaultMetricsAddr
	}
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "off") {
		return ""
	}
	return v
}
