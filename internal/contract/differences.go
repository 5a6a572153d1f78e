package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Difference is a deliberate difference between the service's answers and the Swagger file,
// with its reason. Each loosens the file where the service must answer otherwise.
type Difference struct {
	What, Why string
	apply     func(*openapi3.T) error
}

// Differences is the one list of deliberate differences.
var Differences = []Difference{
	{
		What:  "`state` of Feedback, Report, Operation and Checkpoint is a string",
		Why:   "the seeds show \"state\": \"NEW\" and the clients accept it; the file's array is a quirk of its generator",
		apply: setProperties(value(openapi3.NewStringSchema()), "Feedback.state", "Report.state", "Operation.state", "Checkpoint.state"),
	},
	{
		What: "`_embedded.tracking` of Feedback, Report and Operation is the Tracking object",
		Why: "the seeds' webhook example embeds the tracking as a resource (HAL _embedded), as `GET …/tracking` answers it; " +
			"the file types it as a string",
		apply: setProperties(component("Tracking"), "Feedback._embedded.tracking", "Report._embedded.tracking", "Operation._embedded.tracking"),
	},
	{
		What:  "`LogEntry.data` is an object of the changed fields",
		Why:   "an operation's history shows \"the data changed\" (lifecycles), by field name; the file's array of strings is a loose schema",
		apply: setProperties(value(openapi3.NewObjectSchema()), "LogEntry.data"),
	},
	{
		What:  "`Chart.data` are numbers",
		Why:   "the analytics count reports; the file's array of strings is a loose schema",
		apply: setProperties(value(openapi3.NewArraySchema().WithItems(openapi3.NewFloat64Schema())), "Chart.data"),
	},
	{
		What:  "`Place.geo.polygon.features` are GeoJSON Feature objects",
		Why:   "a FeatureCollection holds Features (RFC 7946); the file's array of strings is a loose schema",
		apply: setProperties(value(openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema())), "Place.geo.polygon.features"),
	},
	{
		What: "`Place.geo.elevation` is absent when the place has none",
		Why: "the seeds create places without an elevation (\"elevation\" is optional in PlaceData); the file requires it in " +
			"answers, and inventing 0 would be false",
		apply: func(doc *openapi3.T) error {
			geo := doc.Components.Schemas["Place"].Value.Properties["geo"].Value
			geo.Required = slices.DeleteFunc(geo.Required, func(f string) bool { return f == "elevation" })
			return nil
		},
	},
	{
		What: "errors are `application/vnd.error+json`",
		Why: "the seeds: \"Errors follow the format vnd.error\"; the body is the file's Error schema, whose media type the " +
			"file gives as hal+json",
		apply: errorMediaType,
	},
	{
		What: "a status the operation does not declare is checked against its declared success (2xx) or its Error (4xx, 5xx)",
		Why: "the service answers 201 to a creation and 204 when there is nothing to send where the file says 200, and " +
			"errors the file does not list (409, 410, 429, 501, 503…) beside its 400-404 and 500; generated clients read " +
			"any 2xx as success (a 204 as no value) and any other status as an error",
		apply: func(*openapi3.T) error { return nil }, // statusDifferences
	},
	{
		What: "`POST /organizations/{organization}/reports/exports` answers 202 with an Export",
		Why:  "the export runs in the background (api-surface: 202; lifecycles): its answer is the export's state, not the Report the file names",
		apply: func(doc *openapi3.T) error {
			return setResponse(doc, "/organizations/{organization}/reports/exports", "POST", "200", openapi3.NewObjectSchema())
		},
	},
}

// statusDifferences lists the declared statuses an undeclared one is checked as.
func statusDifferences(status int) []int {
	switch {
	case status >= 200 && status < 300:
		return []int{200, 201, 204}
	case status >= 400:
		return []int{400}
	}
	return nil
}

// value is a schema of its own; component refers to a definition of the file.
func value(s *openapi3.Schema) func(*openapi3.T) *openapi3.SchemaRef {
	return func(*openapi3.T) *openapi3.SchemaRef { return openapi3.NewSchemaRef("", s) }
}

func component(name string) func(*openapi3.T) *openapi3.SchemaRef {
	return func(doc *openapi3.T) *openapi3.SchemaRef {
		return openapi3.NewSchemaRef("#/components/schemas/"+name, doc.Components.Schemas[name].Value)
	}
}

// setProperties replaces the properties named "Definition.a.b" (through nested objects).
func setProperties(schema func(*openapi3.T) *openapi3.SchemaRef, names ...string) func(*openapi3.T) error {
	return func(doc *openapi3.T) error {
		for _, name := range names {
			parts := strings.Split(name, ".")
			ref := doc.Components.Schemas[parts[0]]
			if ref == nil || ref.Value == nil {
				return fmt.Errorf("no definition %s", parts[0])
			}
			s := ref.Value
			for i, p := range parts[1:] {
				prop := s.Properties[p]
				if prop == nil || prop.Value == nil {
					return fmt.Errorf("no property %s", strings.Join(parts[:i+2], "."))
				}
				if i == len(parts)-2 {
					s.Properties[p] = schema(doc)
					break
				}
				s = prop.Value
			}
		}
		return nil
	}
}

// setResponse replaces the schema of one response of one operation.
func setResponse(doc *openapi3.T, path, method, status string, schema *openapi3.Schema) error {
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		return fmt.Errorf("no operation %s %s", method, path)
	}
	r := item.GetOperation(method).Responses.Value(status)
	if r == nil || r.Value == nil {
		return fmt.Errorf("%s %s declares no %s", method, path, status)
	}
	for _, mt := range r.Value.Content {
		mt.Schema = openapi3.NewSchemaRef("", schema)
	}
	return nil
}

// errorMediaType lets every error response (4xx, 5xx) come as application/vnd.error+json.
func errorMediaType(doc *openapi3.T) error {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code, r := range op.Responses.Map() {
				if code < "400" || r.Value == nil || len(r.Value.Content) == 0 {
					continue
				}
				for _, mt := range r.Value.Content {
					r.Value.Content["application/vnd.error+json"] = mt
					break
				}
			}
		}
	}
	return nil
}
