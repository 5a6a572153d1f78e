package openapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"

	"github.com/keyclic/keyclic/hal"
)

const refPrefix = "#/components/schemas/"

// registry reflects Go types into the components' schemas: answers (outputs) with every field
// the encoder always writes required and no field beside them; request bodies (inputs) with no
// field required (handlers name the missing ones in their 400).
type registry struct {
	schemas map[string]*jsonschema.Schema
	names   map[string]string       // a Go type's name to its component's, where they differ
	types   map[string]reflect.Type // which Go type each component was reflected from
	err     error
}

func newRegistry(schemas map[string]*jsonschema.Schema, names map[string]string) *registry {
	return &registry{schemas: schemas, names: names, types: map[string]reflect.Type{}}
}

// name is a component's name: the table's name for the Go type, or the type's own, capitalized.
func (r *registry) name(t reflect.Type) string {
	n := name(t)
	if m, ok := r.names[n]; ok {
		return m
	}
	return n
}

var (
	linksType = reflect.TypeOf(hal.Links{})
	timeType  = reflect.TypeOf(hal.Time{})
	uuidType  = reflect.TypeOf(uuid.UUID{})
	stdTime   = reflect.TypeOf(time.Time{})
	rawType   = reflect.TypeOf(json.RawMessage{})
)

// Ref is a reference to a component schema.
func Ref(name string) *jsonschema.Schema { return &jsonschema.Schema{Ref: refPrefix + name} }

// mapper gives the types whose JSON is not their Go shape their schema.
func mapper(t reflect.Type) *jsonschema.Schema {
	switch t {
	case linksType:
		// A HAL _links: each relation is one link, or a list of links (images).
		return &jsonschema.Schema{Type: "object", AdditionalProperties: &jsonschema.Schema{OneOf: []*jsonschema.Schema{
			Ref("Link"), {Type: "array", Items: Ref("Link")},
		}}}
	case timeType, stdTime:
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	case uuidType:
		return &jsonschema.Schema{Type: "string", Format: "uuid"}
	case rawType:
		return &jsonschema.Schema{} // any JSON value
	}
	return nil
}

// name is a component's name: the Go type's, capitalized ("successLogin" is "SuccessLogin").
func name(t reflect.Type) string {
	n := t.Name()
	if i := strings.IndexByte(n, '['); i >= 0 { // generic instances are not named by the service
		n = n[:i]
	}
	r := []rune(n)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	if strings.HasSuffix(t.PkgPath(), "/open311") { // its Service and Error are not Keyclic's
		return "Open311" + string(r)
	}
	return string(r)
}

func (r *registry) output(t reflect.Type) *jsonschema.Schema { return r.reflect(t, false) }
func (r *registry) input(t reflect.Type) *jsonschema.Schema  { return r.reflect(t, true) }

// reflect returns the schema of t (a reference for named structs), adding the components it uses.
func (r *registry) reflect(t reflect.Type, input bool) *jsonschema.Schema {
	// The Link component, once: every _links refers to it.
	if _, ok := r.schemas["Link"]; !ok {
		r.add(reflect.TypeOf(hal.Link{}), false)
	}
	return r.add(t, input)
}

func (r *registry) add(t reflect.Type, input bool) *jsonschema.Schema {
	ref := &jsonschema.Reflector{
		Mapper:                     mapper,
		Namer:                      r.name,
		AllowAdditionalProperties:  input,
		RequiredFromJSONSchemaTags: input, // no tag says required: no input field is
		Anonymous:                  true,
	}
	s := ref.ReflectFromType(t)
	for n, def := range s.Definitions {
		dt := r.findType(t, n)
		if prev, ok := r.types[n]; ok && dt != nil && prev != dt {
			r.fail(fmt.Errorf("openapi: two types are named %s: %v and %v", n, prev, dt))
			continue
		}
		if dt != nil && !input {
			nullablePointers(def, dt)
		}
		rewriteRefs(def)
		r.schemas[n] = def
		if dt != nil {
			r.types[n] = dt
		}
	}
	s.Definitions = nil
	s.Version = ""
	s.ID = ""
	rewriteRefs(s)
	return s
}

func (r *registry) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// findType finds the named struct type n among t and the types it reaches.
func (r *registry) findType(t reflect.Type, n string) reflect.Type {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type) reflect.Type
	walk = func(t reflect.Type) reflect.Type {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return nil
		}
		seen[t] = true
		if r.name(t) == n && mapper(t) == nil {
			return t
		}
		for i := range t.NumField() {
			if found := walk(t.Field(i).Type); found != nil {
				return found
			}
		}
		return nil
	}
	return walk(t)
}

// nullablePointers lets a field written as null be null: a pointer, map or interface without
// omitempty is encoded as null when it is nil.
func nullablePointers(s *jsonschema.Schema, t reflect.Type) {
	if s.Properties == nil {
		return
	}
	var fields func(reflect.Type)
	fields = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			jn, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && jn == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					fields(ft)
				}
				continue
			}
			if !f.IsExported() || strings.Contains(opts, "omitempty") {
				continue
			}
			if jn == "" {
				jn = f.Name
			}
			switch f.Type.Kind() {
			case reflect.Pointer, reflect.Map, reflect.Interface:
			default:
				continue
			}
			if f.Type == linksType || f.Type == rawType {
				continue
			}
			if p, ok := s.Properties.Get(jn); ok {
				s.Properties.Set(jn, &jsonschema.Schema{AnyOf: []*jsonschema.Schema{p, {Type: "null"}}})
			}
		}
	}
	fields(t)
}

// rewriteRefs points the reflector's "#/$defs/X" at the document's components.
func rewriteRefs(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if strings.HasPrefix(s.Ref, "#/$defs/") {
		s.Ref = refPrefix + strings.TrimPrefix(s.Ref, "#/$defs/")
	}
	for _, list := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
		for _, c := range list {
			rewriteRefs(c)
		}
	}
	rewriteRefs(s.Items)
	rewriteRefs(s.AdditionalProperties)
	rewriteRefs(s.Not)
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			rewriteRefs(p.Value)
		}
	}
}

// Object is a schema of an object with exactly the given properties, all required.
func Object(props ...any) *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "object", Properties: orderedmap.New[string, *jsonschema.Schema](),
		AdditionalProperties: jsonschema.FalseSchema}
	for i := 0; i+1 < len(props); i += 2 {
		n := props[i].(string)
		s.Properties.Set(n, props[i+1].(*jsonschema.Schema))
		s.Required = append(s.Required, n)
	}
	return s
}

// Type is a schema of one JSON type.
func Type(t string) *jsonschema.Schema { return &jsonschema.Schema{Type: t} }

// ArrayOf is a schema of a list of items.
func ArrayOf(items *jsonschema.Schema) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "array", Items: items}
}

// page is the schema of a HAL page of items of type t: its number, size, count of pages and of
// items, links to itself and its neighbours, and the items.
func (r *registry) page(t reflect.Type) *jsonschema.Schema {
	item := r.output(t)
	n := r.name(t) + "Pagination"
	if _, ok := r.schemas[n]; !ok {
		r.schemas[n] = Object("page", Type("integer"), "limit", Type("integer"), "pages", Type("integer"),
			"total", Type("integer"), "_links", mapper(linksType), "_embedded", Object("items", ArrayOf(item)))
	}
	return Ref(n)
}
