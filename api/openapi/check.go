package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Checker validates answers against a served OpenAPI document: the answer's status must be one
// the operation documents, its media type one the status documents, and a JSON body must match
// its schema. Bodies of other media types (images, archives, XML) are checked by media type only.
type Checker struct {
	routes   []route
	compiler *jsonschema.Compiler

	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
	checked  int
	outside  int
	answered map[string]bool // operationIds that answered
	ids      []string
}

type route struct {
	path     string
	segments []string
	ops      map[string]operation // by upper-case method
}

type operation struct {
	ID        string                  `json:"operationId"`
	Responses map[string]jsonResponse `json:"responses"`
}

type jsonResponse struct {
	Content map[string]json.RawMessage `json:"content"`
}

// NewChecker reads the document.
func NewChecker(doc []byte) (*Checker, error) {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	c := &Checker{compiler: jsonschema.NewCompiler(), schemas: map[string]*jsonschema.Schema{}, answered: map[string]bool{}}
	c.compiler.DefaultDraft(jsonschema.Draft2020)
	any, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if err := c.compiler.AddResource("openapi.json", any); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	for path, item := range d.Paths {
		r := route{path: path, segments: strings.Split(path, "/"), ops: map[string]operation{}}
		for method, raw := range item {
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi: %s %s: %w", method, path, err)
			}
			r.ops[strings.ToUpper(method)] = op
			c.ids = append(c.ids, op.ID)
		}
		c.routes = append(c.routes, r)
	}
	// The most literal template first: /feedbacks/issues before /feedbacks/{feedback}.
	sort.Slice(c.routes, func(i, j int) bool {
		li, lj := literals(c.routes[i].segments), literals(c.routes[j].segments)
		if li != lj {
			return li > lj
		}
		return c.routes[i].path < c.routes[j].path
	})
	sort.Strings(c.ids)
	return c, nil
}

func literals(segments []string) int {
	n := 0
	for _, s := range segments {
		if !strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

func (r route) matches(segments []string) bool {
	if len(segments) != len(r.segments) {
		return false
	}
	for i, s := range r.segments {
		if strings.HasPrefix(s, "{") {
			if segments[i] == "" {
				return false
			}
			continue
		}
		if s != segments[i] {
			return false
		}
	}
	return true
}

// find returns the path template and operation of a request, if the document has one.
func (c *Checker) find(method, path string) (string, operation, bool) {
	segments := strings.Split(path, "/")
	for _, r := range c.routes {
		if r.matches(segments) {
			op, ok := r.ops[method]
			if ok {
				return r.path, op, true
			}
		}
	}
	return "", operation{}, false
}

// Check validates one answer to method and target (path and query). Answers to requests the
// document has no operation for (a wrong path or method: the 404 and 405 of the router) are
// counted apart, not checked.
func (c *Checker) Check(method, target string, status int, header http.Header, body []byte) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("openapi: %s: %w", target, err)
	}
	path, op, ok := c.find(method, u.Path)
	if !ok {
		c.count(func() { c.outside++ })
		return nil
	}
	name := fmt.Sprintf("%s (%s %s)", op.ID, method, path)
	c.count(func() { c.checked++; c.answered[op.ID] = true })
	code := strconv.Itoa(status)
	resp, ok := op.Responses[code]
	if !ok {
		return fmt.Errorf("openapi: %s answered %d, a status the document does not declare", name, status)
	}
	if len(bytes.TrimSpace(body)) == 0 && (len(resp.Content) == 0 || status == http.StatusNoContent || method == http.MethodHead) {
		return nil
	}
	if len(resp.Content) == 0 {
		return fmt.Errorf("openapi: %s answered %d with a body, where the document declares none", name, status)
	}
	media, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("openapi: %s answered %d with Content-Type %q: %w", name, status, header.Get("Content-Type"), err)
	}
	if _, ok := resp.Content[media]; !ok {
		var declared []string
		for m := range resp.Content {
			declared = append(declared, m)
		}
		sort.Strings(declared)
		return fmt.Errorf("openapi: %s answered %d as %s, the document declares %s", name, status, media, strings.Join(declared, ", "))
	}
	if !isJSON(media) {
		return nil
	}
	schema, err := c.schema("/paths/" + escape(path) + "/" + strings.ToLower(method) + "/responses/" + code + "/content/" + escape(media) + "/schema")
	if err != nil {
		return fmt.Errorf("openapi: %s: %w", name, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("openapi: %s answered %d with a body that is not JSON: %w", name, status, err)
	}
	if err := schema.Validate(v); err != nil {
		return fmt.Errorf("openapi: %s answered %d what its schema does not allow:\n%v", name, status, err)
	}
	return nil
}

func isJSON(media string) bool { return media == JSON || strings.HasSuffix(media, "+json") }

// escape is a JSON pointer's escaping of one token.
func escape(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

func (c *Checker) schema(pointer string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[pointer]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile("openapi.json#" + pointer)
	if err != nil {
		return nil, err
	}
	c.schemas[pointer] = s
	return s, nil
}

func (c *Checker) count(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f()
}

// Summary tells how many answers were checked, how many were to routes the document does not
// have, and the operations no answer exercised.
func (c *Checker) Summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var idle []string
	for _, id := range c.ids {
		if !c.answered[id] {
			idle = append(idle, id)
		}
	}
	s := fmt.Sprintf("openapi: %d answers checked against the document (%d of its %d operations), %d answers to requests it has no operation for\n",
		c.checked, len(c.answered), len(c.ids), c.outside)
	if len(idle) > 0 {
		s += "openapi: not exercised: " + strings.Join(idle, ", ") + "\n"
	}
	return s
}
