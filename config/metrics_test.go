package config

import (
	"os"
	"testing"
)

// METRICS_ADDR: unset, the default port; set empty or "off", no listener.
func TestMetricsAddr(t *testing.T) {
	t.Setenv("METRICS_ADDR", "")
	os.Unsetenv("METRICS_ADDR") // restored by Setenv's cleanup
	c, err := FromEnv()
	if err != nil || c.MetricsAddr != DefaultMetricsAddr {
		t.Fatalf("unset: %q, %v; want %q", c.MetricsAddr, err, DefaultMetricsAddr)
	}
	if c.MetricsAddr == c.HTTPAddr {
		t.Fatalf("metrics default to the API's address %q", c.HTTPAddr)
	}
	for v, want := range map[string]string{"": "", "off": "", "OFF": "", "127.0.0.1:9500": "127.0.0.1:9500", ":0": ":0"} {
		t.Setenv("METRICS_ADDR", v)
		c, err := FromEnv()
		if err != nil || c.MetricsAddr != want {
			t.Errorf("METRICS_ADDR=%q: %q, %v; want %q", v, c.MetricsAddr, err, want)
		}
	}
}
