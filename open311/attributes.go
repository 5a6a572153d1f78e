package open311

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keyclic/keyclic/domain"
)

// A service's attributes come from its business activity's metadata schema: the Swagger file's
// {"properties": {name: {"type": ..., "enum": [...]}}}, with JSON Schema's "required" list and
// optional "title" or "description". Values a request gives become the feedback's metadata,
// whose values are strings (the Swagger file's Feedback.metadata): a number as written, a
// boolean "true" or "false", a date in UTC, the choices of a list joined by commas.

type metadataSchema struct {
	Required []string `json:"required"`
}

type propertySchema struct {
	Type        string          `json:"type"`
	Enum        []any           `json:"enum"`
	Format      string          `json:"format"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Items       *propertySchema `json:"items"`
}

type property struct {
	name   string
	schema propertySchema
}

// properties reads the schema's properties by name (Postgres keeps a jsonb object's keys in its
// own order, not the one they were written in); a schema that cannot be read has none.
func properties(raw json.RawMessage) ([]property, []string) {
	var top struct {
		metadataSchema
		Properties json.RawMessage `json:"properties"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &top) != nil || len(top.Properties) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(top.Properties))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	var out []property
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil
		}
		name, _ := t.(string)
		var ps propertySchema
		if err := dec.Decode(&ps); err != nil {
			return nil, nil
		}
		if name != "" {
			out = append(out, property{name: name, schema: ps})
		}
	}
	slices.SortFunc(out, func(a, b property) int { return strings.Compare(a.name, b.name) })
	return out, top.Required
}

// datatype is the Open311 datatype of a property, and its values for a list; "" for a property
// no Open311 datatype can carry (an object, a list without choices).
func datatype(ps propertySchema) (string, []Value) {
	switch {
	case len(ps.Enum) > 0:
		return "singlevaluelist", enumValues(ps.Enum)
	case ps.Type == "array" && ps.Items != nil && len(ps.Items.Enum) > 0:
		return "multivaluelist", enumValues(ps.Items.Enum)
	case ps.Type == "boolean":
		return "singlevaluelist", []Value{{Key: "true", Name: "true"}, {Key: "false", Name: "false"}}
	case ps.Type == "number" || ps.Type == "integer":
		return "number", nil
	case ps.Type == "string" && (ps.Format == "date-time" || ps.Format == "date"):
		return "datetime", nil
	case ps.Type == "string" || ps.Type == "":
		return "string", nil
	}
	return "", nil
}

func enumValues(enum []any) []Value {
	out := make([]Value, 0, len(enum))
	for _, e := range enum {
		k := fmt.Sprint(e)
		out = append(out, Value{Key: k, Name: k})
	}
	return out
}

// Attributes lists the attributes a metadata schema defines, in its order.
func Attributes(schema json.RawMessage) []Attribute {
	props, required := properties(schema)
	out := []Attribute{}
	for _, p := range props {
		dt, values := datatype(p.schema)
		if dt == "" {
			continue
		}
		desc := p.schema.Description
		if desc == "" {
			desc = p.schema.Title
		}
		if desc == "" {
			desc = p.name
		}
		a := Attribute{Variable: true, Code: p.name, Datatype: dt, Required: slices.Contains(required, p.name),
			Order: len(out) + 1, Description: desc, Values: values}
		if p.schema.Type == "integer" {
			whole := "integer"
			a.DatatypeDescription = &whole
		}
		out = append(out, a)
	}
	return out
}

// Metadata checks the attribute values of a request against the schema and returns them as the
// feedback's metadata (nil when there are none). Violations name attribute[code].
func Metadata(schema json.RawMessage, given []AttributeValue) (json.RawMessage, error) {
	props, required := properties(schema)
	byName := map[string]propertySchema{}
	for _, p := range props {
		if dt, _ := datatype(p.schema); dt != "" {
			byName[p.name] = p.schema
		}
	}
	var vs domain.Violations
	out := map[string]any{}
	for _, a := range given {
		path := "attribute[" + a.Code + "]"
		ps, ok := byName[a.Code]
		if !ok {
			vs.Add(path, domain.MsgOpen311UnknownAttribute)
			continue
		}
		v, key, args := attributeValue(ps, a)
		if key != "" {
			vs.Add(path, key, args...)
			continue
		}
		if v != nil {
			out[a.Code] = v
		}
	}
	for _, name := range required {
		if _, ok := byName[name]; ok && out[name] == nil && !hasViolation(vs, "attribute["+name+"]") {
			vs.Add("attribute["+name+"]", domain.MsgNotBlank)
		}
	}
	if err := vs.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return json.Marshal(out)
}

func hasViolation(vs domain.Violations, path string) bool {
	return slices.ContainsFunc(vs, func(v domain.Violation) bool { return v.Path == path })
}

// attributeValue converts the values given for one attribute; an empty value is no value. It
// returns a message key (and its arguments) when they do not fit the property.
func attributeValue(ps propertySchema, a AttributeValue) (any, string, []any) {
	dt, values := datatype(ps)
	var given []string
	for _, v := range a.Values {
		if v = strings.TrimSpace(v); v != "" {
			given = append(given, v)
		}
	}
	if len(given) == 0 {
		return nil, "", nil
	}
	if dt == "multivaluelist" {
		for _, g := range given {
			if !slices.ContainsFunc(values, func(v Value) bool { return v.Key == g }) {
				return nil, domain.MsgInvalidChoice, []any{keys(values)}
			}
		}
		return strings.Join(given, ","), "", nil
	}
	if len(given) > 1 {
		return nil, domain.MsgOpen311Repeated, nil
	}
	g := given[0]
	switch dt {
	case "singlevaluelist":
		if ps.Type == "boolean" && len(ps.Enum) == 0 {
			if g != "true" && g != "false" {
				return nil, domain.MsgInvalidChoice, []any{"true, false"}
			}
			return g, "", nil
		}
		if !slices.ContainsFunc(values, func(v Value) bool { return v.Key == g }) {
			return nil, domain.MsgInvalidChoice, []any{keys(values)}
		}
		return g, "", nil
	case "number":
		f, err := strconv.ParseFloat(g, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, domain.MsgOpen311InvalidNumber, nil
		}
		if ps.Type == "integer" {
			if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return nil, domain.MsgInvalidInteger, nil
			}
			return strconv.FormatInt(int64(f), 10), "", nil
		}
		return strconv.FormatFloat(f, 'f', -1, 64), "", nil
	case "datetime":
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, g); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
				return Datetime(t), "", nil
			}
		}
		return nil, domain.MsgOpen311InvalidDate, nil
	}
	return g, "", nil
}

func keys(values []Value) string {
	ks := make([]string, len(values))
	for i, v := range values {
		ks[i] = v.Key
	}
	return strings.Join(ks, ", ")
}

// sortAttributes orders a request's attributes by code, so that the answer to the same request
// never depends on the order of a map.
func sortAttributes(as []AttributeValue) {
	slices.SortFunc(as, func(a, b AttributeValue) int { return strings.Compare(a.Code, b.Code) })
}
