// Package contract checks the service's answers against Keyclic's own Swagger 2.0 file of the
// seeds' era (../shared/reference/keyclic-api-1.28.2.swagger.json): the file Keyclic's generated
// clients were built from, so an answer that does not validate against it breaks them.
//
// The e2e tests feed it every answer their client receives; an answer of an operation of the file
// is validated against that operation's schema for its status code, less the deliberate
// differences listed in differences.go. Answers of routes the file does not have (added
// endpoints) are counted, not validated.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// FileName is the Swagger file's name in ../shared/reference/.
const FileName = "keyclic-api-1.28.2.swagger.json"

// Contract is the Swagger file made ready to validate answers, with counts of what it saw.
type Contract struct {
	doc    *openapi3.T
	router routers.Router
	ops    []Operation

	mu        sync.Mutex
	exercised map[string]bool // operation ids that answered at least once
	validated int             // answers checked against a schema
	files     int             // answers of file operations (images): a body of bytes, not JSON
	outside   int             // answers of routes the file does not have
}

// Operation is one operation of the Swagger file.
type Operation struct {
	ID, Method, Path string
}

// File finds the Swagger file: ../shared/reference/ beside the module's root (the folder with
// go.mod, looked for from the working directory up), as the checkout and CI lay it out.
func File() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "reference", FileName), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("contract: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Load reads the Swagger 2.0 file at path, converts it to OpenAPI 3 and applies the deliberate
// differences.
func Load(path string) (*Contract, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: the Swagger file is needed (%w)", err)
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(raw, &doc2); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", path, err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("contract: converting %s: %w", path, err)
	}
	doc.Servers = openapi3.Servers{{URL: "/"}} // any host: the tests' servers listen on random ports
	withoutParameters(doc)
	for _, d := range Differences {
		if err := d.apply(doc); err != nil {
			return nil, fmt.Errorf("contract: difference %q: %w", d.What, err)
		}
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", path, err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: %s: %w", path, err)
	}
	c := &Contract{doc: doc, router: router, exercised: map[string]bool{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			c.ops = append(c.ops, Operation{ID: op.OperationID, Method: method, Path: path})
		}
	}
	sort.Slice(c.ops, func(i, j int) bool { return c.ops[i].ID < c.ops[j].ID })
	return c, nil
}

// Operations lists the operations of the file, by id.
func (c *Contract) Operations() []Operation { return c.ops }

// Check validates one answer: method and target (path and query) of the request, status, headers
// and body of the answer. It returns nil for an answer that Keyclic's clients can read, and for
// the answer of a route the file does not have (counted apart); otherwise an error naming the
// operation, each field that drifted and the type the file expects there.
func (c *Contract) Check(method, target string, status int, header http.Header, body []byte) error {
	req := httptest.NewRequest(method, target, nil)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.count(func() { c.outside++ })
		return nil
	}
	op := route.Operation
	name := fmt.Sprintf("%s (%s %s)", op.OperationID, method, route.Path)
	c.count(func() { c.exercised[op.OperationID] = true })
	as, ok := validatedAs(op, status)
	if !ok {
		return fmt.Errorf("contract: %s answered %d, a status it does not declare (it declares %s)", name, status, declared(op))
	}
	resp := op.Responses.Status(as)
	if isFile(resp.Value) {
		c.count(func() { c.files++ })
		return nil
	}
	if (len(resp.Value.Content) == 0 || status == http.StatusNoContent) && len(bytes.TrimSpace(body)) == 0 {
		// Nothing to read: the file declares no body, or the answer is a 204, which the
		// generated clients read as no value whatever the file declares.
		c.count(func() { c.validated++ })
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 as,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	c.count(func() { c.validated++ })
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		checked := ""
		if as != status {
			checked = fmt.Sprintf(" (checked as the file's %d)", as)
		}
		return fmt.Errorf("contract: %s answered %d%s what Keyclic's clients cannot read:\n%s", name, status, checked, describe(err))
	}
	return nil
}

// withoutParameters keys each response's content by its bare media type: the file writes
// "application/hal+json;charset=UTF-8", the service "application/hal+json; charset=utf-8", the same
// type and charset.
func withoutParameters(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				content := openapi3.Content{}
				for key, mt := range r.Value.Content {
					base, _, _ := strings.Cut(key, ";")
					content[strings.TrimSpace(base)] = mt
				}
				r.Value.Content = content
			}
		}
	}
}

func (c *Contract) count(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f()
}

// validatedAs picks the response of the file an answer is checked against: its own status when
// the operation declares it; otherwise, by the status difference of differences.go, the
// operation's success for a 2xx and its error (400) for a 4xx or 5xx.
func validatedAs(op *openapi3.Operation, status int) (int, bool) {
	if op.Responses.Status(status) != nil {
		return status, true
	}
	for _, s := range statusDifferences(status) {
		if op.Responses.Status(s) != nil {
			return s, true
		}
	}
	return 0, false
}

func declared(op *openapi3.Operation) string {
	var codes []string
	for code := range op.Responses.Map() {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return strings.Join(codes, ", ")
}

// isFile tells a response whose body is a file (Swagger's "type": "file"): images, archives.
func isFile(r *openapi3.Response) bool {
	for _, mt := range r.Content {
		if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Type.Is("string") && mt.Schema.Value.Format == "binary" {
			return true
		}
	}
	return false
}

// describe lists each drift of a validation error: where, what the file expects, what came.
func describe(err error) string {
	var lines []string
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		var se *openapi3.SchemaError
		switch {
		case errors.As(err, &me):
			for _, e := range me {
				walk(e)
			}
		case errors.As(err, &se):
			lines = append(lines, fmt.Sprintf("  field %s: %s; the file expects %s, the answer has %s",
				pointer(se.JSONPointer()), se.Reason, expected(se), shown(se.Value)))
		default:
			lines = append(lines, "  "+err.Error())
		}
	}
	walk(err)
	return strings.Join(lines, "\n")
}

func pointer(p []string) string {
	if len(p) == 0 {
		return "(the body)"
	}
	return "/" + strings.Join(p, "/")
}

// expected names what the schema wants at the field: its type (and format), or the rule broken.
func expected(se *openapi3.SchemaError) string {
	s := se.Schema
	if s == nil {
		return "another value"
	}
	switch se.SchemaField {
	case "required":
		return "the field present"
	case "enum":
		return fmt.Sprintf("one of %v", s.Enum)
	}
	t := "any type"
	if s.Type != nil && len(*s.Type) > 0 {
		t = strings.Join(*s.Type, " or ")
	}
	if s.Format != "" && s.Format != "string" {
		t += " (" + s.Format + ")"
	}
	return t
}

// shown is a short form of the value found.
func shown(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if v == nil {
		return "null"
	}
	kind := "a " + jsonKind(v)
	s := string(b)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return kind + " " + s
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number, int, int64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// Summary tells how much of the file the suite covered: operations the service serves (routes,
// as "METHOD /path/{param}"), operations exercised, answers validated and answers left aside.
func (c *Contract) Summary(routes []string) string {
	served := map[string]bool{}
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		req := httptest.NewRequest(method, "http://service"+samplePath(path), nil)
		if route, _, err := c.router.FindRoute(req); err == nil {
			served[route.Operation.OperationID] = true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var missing, unexercised []string
	for _, op := range c.ops {
		if !served[op.ID] {
			missing = append(missing, op.ID)
		} else if !c.exercised[op.ID] {
			unexercised = append(unexercised, op.ID)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "contract: %d of the Swagger file's %d operations are served, %d were exercised by the tests;\n",
		len(served), len(c.ops), len(c.exercised))
	fmt.Fprintf(&b, "contract: %d answers validated against their schema, %d file answers (images, archives) not read, %d answers of routes the file does not have\n",
		c.validated, c.files, c.outside)
	if len(missing) > 0 {
		fmt.Fprintf(&b, "contract: not served: %s\n", strings.Join(missing, ", "))
	}
	if len(unexercised) > 0 {
		fmt.Fprintf(&b, "contract: served but not exercised: %s\n", strings.Join(unexercised, ", "))
	}
	return b.String()
}

// samplePath fills a route's parameters (":name" in Gin's form, "{name}" in the file's) with a
// value, so that the route can be looked up like a request.
func samplePath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") || strings.HasPrefix(p, "{") {
			parts[i] = "x" + strconv.Itoa(i)
		}
	}
	return strings.Join(parts, "/")
}
