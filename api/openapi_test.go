package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	oa "github.com/keyclic/keyclic/api/openapi"
)

// undocumented are the routes that are not the API, each with its reason.
var undocumented = []struct{ prefix, why string }{
	{"GET /docs", "the HTML page that renders this document (GET /docs and its assets under /docs/*asset)"},
}

func routes(t *testing.T) []gin.RouteInfo {
	t.Helper()
	engine, ok := (&Server{log: slog.New(slog.DiscardHandler)}).Handler().(*gin.Engine)
	if !ok {
		t.Fatal("the handler is not a gin.Engine")
	}
	return engine.Routes()
}

func exempt(route string) bool {
	for _, u := range undocumented {
		if route == u.prefix || strings.HasPrefix(route, u.prefix+"/") {
			return true
		}
	}
	return false
}

// Every route the router serves is in the document, and every operation of the document is
// served: a route added without its operation, or an operation left after its route went, fails.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc, err := BuildOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range routes(t) {
		key := r.Method + " " + oa.OpenAPIPath(r.Path)
		if exempt(r.Method + " " + r.Path) {
			continue
		}
		served[key] = true
		if !documented[key] {
			t.Errorf("%s is served but not in the OpenAPI document", key)
		}
	}
	var missing []string
	for key := range documented {
		if !served[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, key := range missing {
		t.Errorf("%s is in the OpenAPI document but not served", key)
	}
	if len(served) < 100 {
		t.Errorf("only %d routes found", len(served))
	}
}

// The document is valid OpenAPI 3.1, by the specification's own schema.
func TestOpenAPIIsValid(t *testing.T) {
	b, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Fatalf("version %q", v)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatalf("the model does not build: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("no validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("%s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s at %s", se.Reason, se.KeywordLocation)
			}
		}
	}
}

// The validator refuses a document that is not OpenAPI 3.1 (here: one without its info).
func TestOpenAPIValidatorRefusesAnInvalidDocument(t *testing.T) {
	doc, err := libopenapi.NewDocument([]byte(`{"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": "none"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("no validator: %v", errs)
	}
	if ok, _ := v.ValidateDocument(); ok {
		t.Fatal("an invalid document passed")
	}
}

// GET /openapi.json answers the document as JSON, with no application header and no token.
func TestOpenAPIIsServed(t *testing.T) {
	h := (&Server{log: slog.New(slog.DiscardHandler)}).Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/reports/{report}"]["get"] == nil {
		t.Fatalf("not the document: %s", w.Body.String()[:200])
	}
}
