package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/open311"
)

// Open311 answers are checked three ways: the status and content type, the JSON against the
// GeoReport v2 JSON Schemas (the open311.org project's, read from ../shared/reference beside the
// checkout, and the project's own for what those lack, in open311/testdata/schemas), and the XML
// parsed and compared field by field with the JSON answer of the same call.

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// repoRoot is the checkout's root (this file is in e2e/).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// schema returns a compiled schema by name: "requests", "services", "service-definition" (the
// reference's), "discovery", "errors", "post-request", "token", "service-request-updates".
func schema(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4)
		c.AssertFormat()
		schemas = map[string]*jsonschema.Schema{}
		ref := filepath.Join(repoRoot(), "..", "shared", "reference", "open311-georeport-v2")
		own := filepath.Join(repoRoot(), "open311", "testdata", "schemas")
		for name, file := range map[string]string{
			"requests": filepath.Join(ref, "requests.json"), "services": filepath.Join(ref, "services.json"),
			"service-definition": filepath.Join(ref, "service-definition.json"),
			"discovery":          filepath.Join(own, "discovery.json"), "errors": filepath.Join(own, "errors.json"),
			"post-request": filepath.Join(own, "post-request.json"), "token": filepath.Join(own, "token.json"),
			"service-request-updates": filepath.Join(own, "service-request-updates.json"),
		} {
			s, err := c.Compile(file)
			if err != nil {
				schemaErr = fmt.Errorf("schema %s: %w", name, err)
				return
			}
			schemas[name] = s
		}
	})
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	return schemas[name]
}

// o311 is an Open311 client of one jurisdiction.
type o311 struct {
	t            testing.TB
	base         string
	jurisdiction string
	key          string
	lang         string
}

// o311Answer is one answer.
type o311Answer struct {
	t      testing.TB
	req    string
	format string
	Status int
	Header http.Header
	Body   []byte
}

func (o *o311) with(f func(*o311)) *o311 {
	cp := *o
	f(&cp)
	return &cp
}

// query adds jurisdiction_id and api_key (when set) to the parameters.
func (o *o311) query(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	if o.jurisdiction != "" && out.Get("jurisdiction_id") == "" {
		out.Set("jurisdiction_id", o.jurisdiction)
	}
	if o.key != "" && out.Get("api_key") == "" {
		out.Set("api_key", o.key)
	}
	return out
}

func (o *o311) do(method, path, contentType string, body io.Reader) *o311Answer {
	o.t.Helper()
	req, err := http.NewRequest(method, o.base+path, body)
	if err != nil {
		o.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if o.lang != "" {
		req.Header.Set("Accept-Language", o.lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		o.t.Fatal(err)
	}
	observe(o.t, method, path, resp, b)
	return &o311Answer{t: o.t, req: method + " " + path, format: string(open311.FormatOfPath(strings.SplitN(path, "?", 2)[0])),
		Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// get sends GET /open311/v2/<resource>.<format>?<q with jurisdiction and key>.
func (o *o311) get(resource, format string, q url.Values) *o311Answer {
	o.t.Helper()
	path := "/open311/v2/" + resource + "." + format
	if qs := o.query(q).Encode(); qs != "" {
		path += "?" + qs
	}
	return o.do(http.MethodGet, path, "", nil)
}

// post sends POST /open311/v2/requests.<format> with the form (and jurisdiction and key).
func (o *o311) post(format string, form url.Values) *o311Answer {
	o.t.Helper()
	return o.do(http.MethodPost, "/open311/v2/requests."+format, "application/x-www-form-urlencoded", strings.NewReader(o.query(form).Encode()))
}

// expect checks the status and the content type the specification gives the format.
func (a *o311Answer) expect(status int) *o311Answer {
	a.t.Helper()
	if a.Status != status {
		a.t.Fatalf("%s: status %d, want %d; body: %s", a.req, a.Status, status, a.Body)
	}
	want := open311.ContentTypeXML
	if a.format == "json" {
		want = open311.ContentTypeJSON
	}
	if got := a.Header.Get("Content-Type"); got != want {
		a.t.Fatalf("%s: content type %q, want %q", a.req, got, want)
	}
	return a
}

// valid checks a JSON answer against the named schema and returns it decoded.
func (a *o311Answer) valid(name string) any {
	a.t.Helper()
	if a.format != "json" {
		a.t.Fatalf("%s: not a JSON answer", a.req)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.Body))
	if err != nil {
		a.t.Fatalf("%s: not JSON: %v: %s", a.req, err, a.Body)
	}
	if err := schema(a.t, name).Validate(doc); err != nil {
		a.t.Fatalf("%s: answer does not fit the %s schema: %v\n%s", a.req, name, err, a.Body)
	}
	var v any
	if err := json.Unmarshal(a.Body, &v); err != nil {
		a.t.Fatal(err)
	}
	return v
}

// items reads a JSON answer that is a list of objects.
func (a *o311Answer) items() []map[string]any {
	a.t.Helper()
	var v []map[string]any
	if err := json.Unmarshal(a.Body, &v); err != nil {
		a.t.Fatalf("%s: not a JSON list: %v: %s", a.req, err, a.Body)
	}
	return v
}

// xmlNode is a parsed XML element.
type xmlNode struct {
	Name     string
	Text     string
	Children []*xmlNode
}

func (n *xmlNode) child(name string) *xmlNode {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// parseXML parses an XML answer, which must start with the declaration naming UTF-8.
func (a *o311Answer) parseXML() *xmlNode {
	a.t.Helper()
	if !bytes.HasPrefix(a.Body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		a.t.Fatalf("%s: XML without its UTF-8 declaration: %s", a.req, a.Body)
	}
	dec := xml.NewDecoder(bytes.NewReader(a.Body))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			a.t.Fatalf("%s: malformed XML: %v: %s", a.req, err, a.Body)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{Name: tk.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tk)
			}
		}
	}
	if root == nil {
		a.t.Fatalf("%s: empty XML", a.req)
	}
	return root
}

// sameAsJSON checks that the XML answer carries what the JSON answer does: the root element
// named root, and for every JSON value the element of the same name with the same value (a
// null is an element left out; a list is an element whose children are the items).
func (a *o311Answer) sameAsJSON(root string, j *o311Answer) *xmlNode {
	a.t.Helper()
	n := a.parseXML()
	if n.Name != root {
		a.t.Fatalf("%s: XML root <%s>, want <%s>: %s", a.req, n.Name, root, a.Body)
	}
	var v any
	if err := json.Unmarshal(j.Body, &v); err != nil {
		a.t.Fatal(err)
	}
	if err := compareXML(n, v, root); err != nil {
		a.t.Fatalf("%s: XML differs from JSON: %v\nXML: %s\nJSON: %s", a.req, err, a.Body, j.Body)
	}
	return n
}

func compareXML(n *xmlNode, v any, path string) error {
	switch jv := v.(type) {
	case []any:
		if len(n.Children) != len(jv) {
			return fmt.Errorf("%s: %d XML items, %d JSON items", path, len(n.Children), len(jv))
		}
		for i, item := range jv {
			if err := compareXML(n.Children[i], item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, val := range jv {
			c := n.child(k)
			if val == nil {
				if c != nil && strings.TrimSpace(c.Text) != "" {
					return fmt.Errorf("%s.%s: null in JSON, %q in XML", path, k, c.Text)
				}
				continue
			}
			if c == nil {
				return fmt.Errorf("%s.%s: missing from XML", path, k)
			}
			if err := compareXML(c, val, path+"."+k); err != nil {
				return err
			}
		}
		for _, c := range n.Children {
			if _, ok := jv[c.Name]; !ok {
				return fmt.Errorf("%s.%s: in XML only", path, c.Name)
			}
		}
	case float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(n.Text), 64)
		if err != nil || f != jv {
			return fmt.Errorf("%s: XML %q, JSON %v", path, n.Text, jv)
		}
	case bool:
		if n.Text != strconv.FormatBool(jv) {
			return fmt.Errorf("%s: XML %q, JSON %v", path, n.Text, jv)
		}
	case string:
		if n.Text != jv {
			return fmt.Errorf("%s: XML %q, JSON %q", path, n.Text, jv)
		}
	}
	return nil
}

// both sends the same GET in both formats, checks the status and the JSON's schema, compares
// the XML with it, and returns the JSON answer.
func (o *o311) both(resource string, q url.Values, status int, schemaName, xmlRoot string) *o311Answer {
	o.t.Helper()
	j := o.get(resource, "json", q).expect(status)
	j.valid(schemaName)
	o.get(resource, "xml", q).expect(status).sameAsJSON(xmlRoot, j)
	return j
}

// fails sends the same GET in both formats and checks the specification's error answer.
func (o *o311) fails(resource string, q url.Values, status int, contains string) {
	o.t.Helper()
	for _, f := range []string{"json", "xml"} {
		o.get(resource, f, q).expectError(status, contains)
	}
}

// expectError checks an error answer: the status, a list of {code, description} with the same
// code, one of whose descriptions holds contains.
func (a *o311Answer) expectError(status int, contains string) *o311Answer {
	a.t.Helper()
	a.expect(status)
	var descriptions []string
	if a.format == "json" {
		a.valid("errors")
		for _, e := range a.items() {
			if int(e["code"].(float64)) != status {
				a.t.Fatalf("%s: error code %v, status %d", a.req, e["code"], status)
			}
			descriptions = append(descriptions, e["description"].(string))
		}
	} else {
		n := a.parseXML()
		if n.Name != "errors" || len(n.Children) == 0 {
			a.t.Fatalf("%s: not an errors document: %s", a.req, a.Body)
		}
		for _, e := range n.Children {
			if e.Name != "error" || e.child("code") == nil || e.child("description") == nil || e.child("code").Text != strconv.Itoa(status) {
				a.t.Fatalf("%s: bad error element: %s", a.req, a.Body)
			}
			descriptions = append(descriptions, e.child("description").Text)
		}
	}
	for _, d := range descriptions {
		if strings.Contains(d, contains) {
			return a
		}
	}
	a.t.Fatalf("%s: no error description holds %q: %s", a.req, contains, a.Body)
	return a
}

// jurisdiction is an application of its own for one test, so that its lists hold only the
// test's requests, with an organization covering a square around corner.
type jurisdiction struct {
	t      testing.TB
	token  string
	id     uuid.UUID
	admin  *testkit.Client
	org    string
	corner testkit.LatLon
	size   float64
}

func newJurisdiction(t testing.TB, activity string) *jurisdiction {
	t.Helper()
	j := &jurisdiction{t: t, token: "org.example." + uuid.NewString()[:8], id: uuid.New(), corner: testkit.RandomArea(), size: 0.1}
	if err := stack.App.Store.CreateApplication(context.Background(), domain.Application{ID: j.id, Token: j.token, Name: "City " + j.token, Version: "1.0.0"}); err != nil {
		t.Fatal(err)
	}
	j.admin = stack.NewUser(t).With(func(c *testkit.Client) { c.App = j.token })
	j.org = j.admin.CreateOrganizationIn(testkit.Unique("Mairie "), activity)
	j.admin.CreatePlace(j.org, testkit.Unique("Commune "), testkit.Box(j.corner.Lat, j.corner.Lon, j.corner.Lat+j.size, j.corner.Lon+j.size))
	return j
}

func (j *jurisdiction) inside() testkit.LatLon { return j.corner.Offset(j.size/2, j.size/2) }

// newKey creates an API key of the jurisdiction for a client and returns its id and the key.
func (j *jurisdiction) newKey(client string, public bool) (uuid.UUID, string) {
	j.t.Helper()
	key, hash := open311.NewKey()
	k, err := stack.App.Store.CreateOpen311Key(context.Background(), j.id, client, public, hash)
	if err != nil {
		j.t.Fatal(err)
	}
	return k.ID, key
}

// client is an Open311 client of the jurisdiction with the key (or none).
func (j *jurisdiction) client(key string) *o311 {
	return &o311{t: j.t, base: stack.HTTP.URL, jurisdiction: j.token, key: key, lang: "en"}
}

// form is a POST requests form at p with the fields given as name, value pairs.
func form(p testkit.LatLon, service string, pairs ...string) url.Values {
	f := url.Values{"service_code": {service}, "lat": {strconv.FormatFloat(p.Lat, 'f', -1, 64)}, "long": {strconv.FormatFloat(p.Lon, 'f', -1, 64)}}
	for i := 0; i+1 < len(pairs); i += 2 {
		f.Add(pairs[i], pairs[i+1])
	}
	return f
}

// created posts a request that must be created at once and returns its service_request_id.
func (o *o311) created(format string, f url.Values) string {
	o.t.Helper()
	a := o.post(format, f).expect(http.StatusCreated)
	if format == "json" {
		a.valid("post-request")
		it := a.items()[0]
		id, _ := it["service_request_id"].(string)
		if id == "" || it["service_notice"] == nil {
			o.t.Fatalf("POST requests: %s", a.Body)
		}
		return id
	}
	n := a.parseXML()
	if n.Name != "service_requests" || len(n.Children) != 1 || n.Children[0].child("service_request_id") == nil {
		o.t.Fatalf("POST requests.xml: %s", a.Body)
	}
	return n.Children[0].child("service_request_id").Text
}

// request reads one request in both formats (checked) and returns its JSON fields.
func (o *o311) request(id string) map[string]any {
	o.t.Helper()
	a := o.both("requests/"+id, nil, http.StatusOK, "requests", "service_requests")
	items := a.items()
	if len(items) != 1 || items[0]["service_request_id"] != id {
		o.t.Fatalf("requests/%s: %s", id, a.Body)
	}
	return items[0]
}

// updates reads servicerequestupdates in both formats (checked) and returns the updates of the
// request, oldest first, as "STATUS external".
func (o *o311) updates(id string, q url.Values) []string {
	o.t.Helper()
	a := o.both("servicerequestupdates", q, http.StatusOK, "service-request-updates", "service_request_updates")
	var out []string
	for _, u := range a.items() {
		if u["service_request_id"] == id {
			out = append(out, u["status"].(string)+" "+u["external_status_code"].(string))
		}
	}
	return out
}
