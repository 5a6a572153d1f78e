// Package benchkit holds what the benchmark commands share: a bare API client.
package benchkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Client is a bare API client: the benchmarks measure the service, not a test framework.
type Client struct {
	Base, App, Token string
	HTTP             *http.Client
}

// NewClient talks to the API at base, as an app of com.keyclic.app.
func NewClient(base string) *Client {
	return &Client{Base: base, App: "com.keyclic.app", HTTP: &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
	}}
}

// Do sends a request and decodes a JSON answer into out (when not nil); a status other than
// want is an error.
func (c *Client) Do(method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Keyclic-App", c.App)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d: %.300s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// User registers a new person and returns a client logged in as them, and their id.
func (c *Client) User() (*Client, string, error) {
	email := "bench-" + uuid.NewString()[:12] + "@example.com"
	var person struct{ ID string }
	if err := c.Do(http.MethodPost, "/security/register", map[string]string{"email": email, "password": "bench password"}, http.StatusCreated, &person); err != nil {
		return nil, "", err
	}
	var login struct{ AccessToken string }
	if err := c.Do(http.MethodPost, "/security/login", map[string]string{"login": email, "password": "bench password"}, http.StatusOK, &login); err != nil {
		return nil, "", err
	}
	u := *c
	u.Token = login.AccessToken
	return &u, person.ID, nil
}
