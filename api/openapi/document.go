// Package openapi builds the service's OpenAPI 3.1 document from a table of operations and the
// Go types the handlers decode and render: a schema is reflected from the type that writes the
// answer, so the document cannot drift from the code without a test noticing.
package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// Document is an OpenAPI 3.1 document (the fields the service uses).
type Document struct {
	OpenAPI           string                `json:"openapi"`
	Info              Info                  `json:"info"`
	JSONSchemaDialect string                `json:"jsonSchemaDialect"`
	Servers           []Server              `json:"servers"`
	Tags              []Tag                 `json:"tags"`
	Paths             map[string]PathItem   `json:"paths"`
	Components        Components            `json:"components"`
	Security          []map[string][]string `json:"security"`
}

type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

type Server struct {
	URL string `json:"url"`
}

type Tag struct {
	Name string `json:"name"`
}

// PathItem maps a lowercase method to its operation.
type PathItem map[string]*Operation

type Operation struct {
	OperationID string                `json:"operationId"`
	Tags        []string              `json:"tags"`
	Summary     string                `json:"summary"`
	Security    []map[string][]string `json:"security"`
	Parameters  []Parameter           `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]*Response  `json:"responses"`
}

type Parameter struct {
	Name        string             `json:"name"`
	In          string             `json:"in"`
	Description string             `json:"description,omitempty"`
	Required    bool               `json:"required,omitempty"`
	Schema      *jsonschema.Schema `json:"schema"`
}

type RequestBody struct {
	Required bool                 `json:"required"`
	Content  map[string]MediaType `json:"content"`
}

type Response struct {
	Description string               `json:"description"`
	Headers     map[string]Header    `json:"headers,omitempty"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

type Header struct {
	Description string             `json:"description,omitempty"`
	Schema      *jsonschema.Schema `json:"schema"`
}

type MediaType struct {
	Schema *jsonschema.Schema `json:"schema,omitempty"`
}

type Components struct {
	Schemas         map[string]*jsonschema.Schema `json:"schemas"`
	SecuritySchemes map[string]SecurityScheme     `json:"securitySchemes"`
}

type SecurityScheme struct {
	Type         string `json:"type"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
	In           string `json:"in,omitempty"`
	Name         string `json:"name,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Media types of the answers.
const (
	HAL      = "application/hal+json"
	VndError = "application/vnd.error+json"
	JSON     = "application/json"
	XML      = "text/xml"
)

// Security requirements, by scheme name.
const (
	SchemeApp     = "keyclicApp"    // the X-Keyclic-App header
	SchemeBearer  = "bearer"        // a JWT from POST /security/login
	SchemeOpen311 = "open311ApiKey" // Open311's api_key
)

// Op is one operation of the table: its route in Gin's form, what it reads and what it answers.
type Op struct {
	Method, Route string // "GET", "/reports/:report"
	ID, Tag       string
	Summary       string
	// Security lists the schemes all required together (none: public).
	Security []string
	// OptionalSecurity lists schemes that may be given, or not (Open311's api_key).
	OptionalSecurity []string
	Params           []Parameter // query parameters (path parameters come from the route)
	// Body is a value of the request body's Go type (nil: no body).
	Body any
	// FormBody is the schema of a form-encoded body (Open311's POST).
	FormBody *jsonschema.Schema
	// Answers lists the answers by status.
	Answers []Answer
}

// Answer is one documented answer: a status, a media type, and a value of the Go type written
// (nil: no body). Schema, when set, is used instead of a reflected type.
type Answer struct {
	Status int
	Media  string
	Type   any
	Schema *jsonschema.Schema
	// PageOf, when set, is a value of the item type of a HAL page (the component <Item>Pagination).
	PageOf  any
	Headers map[string]Header
	Desc    string
}

// OpenAPIPath turns a Gin route into an OpenAPI path: ":name" and "*name" become "{name}".
func OpenAPIPath(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// pathParams lists the parameters of a route, in order.
func pathParams(route string) []string {
	var out []string
	for _, p := range strings.Split(route, "/") {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			out = append(out, p[1:])
		}
	}
	return out
}

// Build makes the document of ops. pathParam gives each path parameter's schema and description;
// names renames the components reflected from Go types whose names are not the API's.
func Build(info Info, ops []Op, pathParam func(name string) Parameter, names map[string]string) (*Document, error) {
	doc := &Document{
		OpenAPI:           "3.1.0",
		Info:              info,
		JSONSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
		Servers:           []Server{{URL: "/"}},
		Paths:             map[string]PathItem{},
		Components: Components{
			Schemas: map[string]*jsonschema.Schema{},
			SecuritySchemes: map[string]SecurityScheme{
				SchemeApp: {Type: "apiKey", In: "header", Name: "X-Keyclic-App",
					Description: "The application's token (com.keyclic.app): every endpoint but /security/* and Open311."},
				SchemeBearer: {Type: "http", Scheme: "bearer", BearerFormat: "JWT",
					Description: "The accessToken of POST /security/login (RS256)."},
				SchemeOpen311: {Type: "apiKey", In: "query", Name: "api_key",
					Description: "An Open311 API key; without one, only public requests are read and none is posted."},
			},
		},
		Security: []map[string][]string{},
	}
	reg := newRegistry(doc.Components.Schemas, names)
	tags := map[string]bool{}
	ids := map[string]bool{}
	for _, op := range ops {
		path := OpenAPIPath(op.Route)
		method := strings.ToLower(op.Method)
		if ids[op.ID] {
			return nil, fmt.Errorf("openapi: operationId %s twice", op.ID)
		}
		ids[op.ID] = true
		item := doc.Paths[path]
		if item == nil {
			item = PathItem{}
			doc.Paths[path] = item
		}
		if item[method] != nil {
			return nil, fmt.Errorf("openapi: %s %s twice", op.Method, path)
		}
		o := &Operation{OperationID: op.ID, Tags: []string{op.Tag}, Summary: op.Summary, Security: security(op),
			Responses: map[string]*Response{}}
		tags[op.Tag] = true
		for _, name := range pathParams(op.Route) {
			p := pathParam(name)
			p.Name, p.In, p.Required = name, "path", true
			o.Parameters = append(o.Parameters, p)
		}
		for _, p := range op.Params {
			p.In = "query"
			o.Parameters = append(o.Parameters, p)
		}
		if op.Body != nil {
			o.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{JSON: {Schema: reg.input(reflect.TypeOf(op.Body))}}}
		}
		if op.FormBody != nil {
			o.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"application/x-www-form-urlencoded": {Schema: op.FormBody}}}
		}
		for _, a := range op.Answers {
			code := strconv.Itoa(a.Status)
			r := o.Responses[code]
			if r == nil {
				desc := a.Desc
				if desc == "" {
					desc = http.StatusText(a.Status)
				}
				r = &Response{Description: desc, Headers: a.Headers}
				o.Responses[code] = r
			}
			if a.Media == "" {
				continue
			}
			if r.Content == nil {
				r.Content = map[string]MediaType{}
			}
			mt := MediaType{Schema: a.Schema}
			switch {
			case mt.Schema != nil:
			case a.PageOf != nil:
				mt.Schema = reg.page(reflect.TypeOf(a.PageOf))
			case a.Type != nil:
				mt.Schema = reg.output(reflect.TypeOf(a.Type))
			}
			r.Content[a.Media] = mt
		}
		item[method] = o
	}
	if reg.err != nil {
		return nil, reg.err
	}
	for t := range tags {
		doc.Tags = append(doc.Tags, Tag{Name: t})
	}
	sort.Slice(doc.Tags, func(i, j int) bool { return doc.Tags[i].Name < doc.Tags[j].Name })
	return doc, nil
}

func security(op Op) []map[string][]string {
	out := []map[string][]string{}
	if len(op.Security) > 0 {
		req := map[string][]string{}
		for _, s := range op.Security {
			req[s] = []string{}
		}
		out = append(out, req)
	}
	for _, s := range op.OptionalSecurity {
		out = append(out, map[string][]string{s: {}})
	}
	if len(op.OptionalSecurity) > 0 && len(op.Security) == 0 {
		out = append(out, map[string][]string{}) // {} : no credential at all is accepted too
	}
	return out
}

// JSON renders the document.
func (d *Document) JSON() ([]byte, error) { return json.MarshalIndent(d, "", "  ") }
