package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Client calls the API over HTTP like a mobile or web app would.
type Client struct {
	T        testing.TB
	Base     string
	App      string      // X-Keyclic-App; empty sends none
	Token    string      // bearer token; empty sends none
	Lang     string      // Accept-Language; empty sends none
	Header   http.Header // more headers sent with every request (an Idempotency-Key)
	PersonID string
	Email    string
	Password string
	// Observe, when set, sees every exchange of Do (the e2e suite checks each answer against
	// the Swagger file with it).
	Observe func(testing.TB, Exchange)
}

// Exchange is one request and its answer, as a Client saw them.
type Exchange struct {
	Method string
	Path   string // with the query string
	Status int
	Header http.Header
	Body   []byte
}

// Response is an HTTP answer, with helpers to read its JSON.
type Response struct {
	T      testing.TB
	Status int
	Header http.Header
	Body   []byte
	req    string
}

// Client returns an anonymous client of the default application.
func (s *Stack) Client(t testing.TB) *Client {
	return &Client{T: t, Base: s.HTTP.URL, App: "com.keyclic.app", Observe: s.Observe}
}

// With returns a copy of the client changed by f.
func (c *Client) With(f func(*Client)) *Client {
	cp := *c
	f(&cp)
	return &cp
}

// WithKey returns a copy of the client sending Idempotency-Key: key.
func (c *Client) WithKey(key string) *Client {
	return c.With(func(c *Client) {
		c.Header = c.Header.Clone()
		if c.Header == nil {
			c.Header = http.Header{}
		}
		c.Header.Set("Idempotency-Key", key)
	})
}

// Do sends a request. body may be nil, a string (sent raw) or a value (sent as JSON).
func (c *Client) Do(method, path string, body any) *Response {
	c.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.App != "" {
		req.Header.Set("X-Keyclic-App", c.App)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	if c.Observe != nil {
		c.Observe(c.T, Exchange{Method: method, Path: path, Status: resp.StatusCode, Header: resp.Header, Body: b})
	}
	return &Response{T: c.T, Status: resp.StatusCode, Header: resp.Header, Body: b, req: method + " " + path}
}

func (c *Client) Get(path string) *Response { c.T.Helper(); return c.Do(http.MethodGet, path, nil) }
func (c *Client) Post(path string, body any) *Response {
	c.T.Helper()
	return c.Do(http.MethodPost, path, body)
}
func (c *Client) Patch(path string, body any) *Response {
	c.T.Helper()
	return c.Do(http.MethodPatch, path, body)
}
func (c *Client) Delete(path string) *Response {
	c.T.Helper()
	return c.Do(http.MethodDelete, path, nil)
}

// Expect fails the test unless the status is want; it returns the response for chaining.
func (r *Response) Expect(want int) *Response {
	r.T.Helper()
	if r.Status != want {
		r.T.Fatalf("%s: status %d, want %d; body: %s", r.req, r.Status, want, r.Body)
	}
	return r
}

// ExpectError checks a vnd.error answer with the given status and, when paths are given, that
// exactly those fields are reported.
func (r *Response) ExpectError(status int, paths ...string) *Response {
	r.T.Helper()
	r.Expect(status)
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		r.T.Fatalf("%s: error content type %q", r.req, ct)
	}
	if r.Str("@context") != "https://github.com/blongden/vnd.error" || r.Str("message") == "" {
		r.T.Fatalf("%s: not a vnd.error body: %s", r.req, r.Body)
	}
	if len(paths) > 0 {
		var got []string
		for _, e := range r.List("_embedded.errors") {
			got = append(got, fmt.Sprint(e.(map[string]any)["path"]))
		}
		slices.Sort(got)
		want := slices.Clone(paths)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			r.T.Fatalf("%s: error paths %v, want %v; body: %s", r.req, got, want, r.Body)
		}
	}
	return r
}

// JSON decodes the body.
func (r *Response) JSON() map[string]any {
	r.T.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		r.T.Fatalf("%s: body is not a JSON object: %v: %s", r.req, err, r.Body)
	}
	return v
}

// At reads a dotted path ("_embedded.items.0.id") in the JSON body; nil when absent.
func (r *Response) At(path string) any {
	r.T.Helper()
	var cur any = r.JSON()
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// Str reads a string at path ("" when absent).
func (r *Response) Str(path string) string {
	r.T.Helper()
	s, _ := r.At(path).(string)
	return s
}

// Num reads a number at path.
func (r *Response) Num(path string) float64 {
	r.T.Helper()
	n, _ := r.At(path).(float64)
	return n
}

// List reads an array at path.
func (r *Response) List(path string) []any {
	r.T.Helper()
	l, _ := r.At(path).([]any)
	return l
}

// IDs lists the ids of a collection's items.
func (r *Response) IDs() []string {
	r.T.Helper()
	var ids []string
	for _, it := range r.List("_embedded.items") {
		ids = append(ids, fmt.Sprint(it.(map[string]any)["id"]))
	}
	return ids
}

// NewUser registers a person with a unique email and logs them in.
func (s *Stack) NewUser(t testing.TB) *Client {
	t.Helper()
	c := s.Client(t)
	c.Email = "user-" + uuid.NewString()[:12] + "@example.com"
	c.Password = "correct horse battery"
	r := c.Post("/security/register", map[string]string{"email": c.Email, "password": c.Password}).Expect(http.StatusCreated)
	c.PersonID = r.Str("id")
	c.Token = c.Post("/security/login", map[string]string{"login": c.Email, "password": c.Password}).Expect(http.StatusOK).Str("accessToken")
	return c
}

// BusinessActivityRoads is a business activity every database starts with.
const BusinessActivityRoads = "4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36"

// CreateOrganization creates an organization administered by c and returns its id.
func (c *Client) CreateOrganization(name string) string {
	c.T.Helper()
	return c.Post("/organizations", map[string]string{"name": name, "businessActivity": BusinessActivityRoads}).
		Expect(http.StatusCreated).Str("id")
}

// AddMember makes person a member of org with the given roles and returns the member id.
func (c *Client) AddMember(org, person string, roles ...string) string {
	c.T.Helper()
	id := c.Post("/organizations/"+org+"/members", map[string]string{"person": person}).Expect(http.StatusCreated).Str("id")
	if len(roles) > 0 {
		c.Patch("/organizations/"+org+"/members/"+id, map[string]any{"roles": roles}).Expect(http.StatusOK)
	}
	return id
}
