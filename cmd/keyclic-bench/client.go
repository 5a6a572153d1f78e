package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// client is a bare API client: the bench measures the service, not a test framework.
type client struct {
	base, app, token string
	http             *http.Client
}

func newClient(base string) *client {
	return &client{base: base, app: "com.keyclic.app", http: &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
	}}
}

// do sends a request and decodes a JSON answer into out (when not nil); a status other than
// want is an error.
func (c *client) do(method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Keyclic-App", c.app)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
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

// user registers and logs in a new person.
func (c *client) user() (*client, string, error) {
	email := "bench-" + uuid.NewString()[:12] + "@example.com"
	var person struct{ ID string }
	if err := c.do(http.MethodPost, "/security/register", map[string]string{"email": email, "password": "bench password"}, http.StatusCreated, &person); err != nil {
		return nil, "", err
	}
	var login struct{ AccessToken string }
	if err := c.do(http.MethodPost, "/security/login", map[string]string{"login": email, "password": "bench password"}, http.StatusOK, &login); err != nil {
		return nil, "", err
	}
	u := *c
	u.token = login.AccessToken
	return &u, person.ID, nil
}
