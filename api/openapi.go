package api

import (
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/invopop/jsonschema"

	oa "github.com/keyclic/keyclic/api/openapi"
)

// openAPIRoutes serves the OpenAPI 3.1 document: no credential, as clients and generators read
// it before anyone logs in.
func (s *Server) openAPIRoutes(r *gin.Engine) {
	r.GET("/openapi.json", func(c *gin.Context) {
		b, err := OpenAPIDocument()
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	})
}

// OpenAPIDocument is the service's OpenAPI 3.1 document, built once from the operation table.
var OpenAPIDocument = sync.OnceValues(func() ([]byte, error) {
	doc, err := BuildOpenAPI()
	if err != nil {
		return nil, err
	}
	return doc.JSON()
})

// BuildOpenAPI builds the document.
func BuildOpenAPI() (*oa.Document, error) {
	info := oa.Info{Title: "Keyclic", Version: "1.28.2",
		Description: "Geolocated problem reports (feedbacks), the reports organizations receive and treat, their operations, " +
			"webhooks, exports, and Open311 GeoReport v2. Errors are application/vnd.error+json (Open311's: its list of errors)."}
	return oa.Build(info, openAPIOperations(), pathParameter, componentNames)
}

// componentNames names the schemas of the handlers' own types as the Swagger file does.
var componentNames = map[string]string{
	"VndError": "Error", "VndErrList": "ErrorList", "ActivityJSON": "Activity", "ActivityPage": "ActivityPagination",
	"AggregatedPage": "ActivityAggregatedPagination", "ActivityGroup": "ActivityAggregated", "ChartJSON": "Chart",
	"NotificationJSON": "Notification", "ObjectJS": "NotificationObject", "DeviceJSON": "Device", "LogEntryJSON": "LogEntry",
	"SuccessLogin": "successLogin",
}

// pathParameter describes a path parameter by its name: ids are UUIDs (a malformed one is a 404),
// sizes are pixels, tokens are opaque.
func pathParameter(name string) oa.Parameter {
	switch name {
	case "width", "height":
		return oa.Parameter{Schema: &jsonschema.Schema{Type: "integer", Minimum: "1"}, Description: "pixels"}
	case "token":
		return oa.Parameter{Schema: oa.Type("string"), Description: "a token"}
	case "resource":
		return oa.Parameter{Schema: &jsonschema.Schema{Type: "string", Pattern: `^.+\.(json|xml)$`}, Description: "the resource's id and format: <id>.json or <id>.xml"}
	}
	return oa.Parameter{Schema: &jsonschema.Schema{Type: "string", Format: "uuid"}, Description: "the " + name + "'s id"}
}
