package e2e

import (
	"net/http"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Web apps on another origin call the API from browsers: the preflight must allow the
// service's headers, and answers must carry the CORS header.
func TestCORSPreflightAndAnswers(t *testing.T) {
	req, err := http.NewRequest(http.MethodOptions, stack.HTTP.URL+"/feedbacks", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "https://app.keyclic.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, x-keyclic-app, content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("preflight: %d, allow-origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	u := stack.NewUser(t)
	get, _ := http.NewRequest(http.MethodGet, stack.HTTP.URL+"/people/"+u.PersonID, nil)
	get.Header.Set("Origin", "https://app.keyclic.com")
	get.Header.Set("X-Keyclic-App", "com.keyclic.app")
	get.Header.Set("Authorization", "Bearer "+u.Token)
	resp, err = http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("answer: %d, allow-origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

// Load balancers probe the service without credentials.
func TestHealthProbes(t *testing.T) {
	c := stack.Client(t).With(func(c *testkit.Client) { c.App = "" })
	c.Get("/healthz").Expect(http.StatusOK)
	if r := c.Get("/readyz").Expect(http.StatusOK); r.Str("postgres") != "ok" || r.Str("temporal") != "ok" {
		t.Fatalf("readiness: %s", r.Body)
	}
}
