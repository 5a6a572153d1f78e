// Package open311 is the Open311 GeoReport v2 side of the service: the formats (XML, which the
// specification requires, and JSON), the documents each method answers, the parsing of the
// specification's parameters, and the mapping of Keyclic's report states to Open311 statuses
// (FixMyStreet's extended ones included). It does no I/O; the api package serves it.
package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
)

// Format is an answer's representation, chosen by the suffix of the requested resource.
type Format string

const (
	XML  Format = "xml"
	JSON Format = "json"
)

// Content types the specification gives for each format.
const (
	ContentTypeXML  = "text/xml; charset=utf-8"
	ContentTypeJSON = "application/json; charset=utf-8"
)

// ContentType is the Content-Type header of an answer in f.
func (f Format) ContentType() string {
	if f == JSON {
		return ContentTypeJSON
	}
	return ContentTypeXML
}

// MediaType is how discovery names the format (its content type without parameters).
func (f Format) MediaType() string {
	if f == JSON {
		return "application/json"
	}
	return "text/xml"
}

// SplitFormat cuts ".xml" or ".json" off a resource name: "services.json" is ("services", JSON).
// A name with neither suffix is not a resource of the API (ok false).
func SplitFormat(name string) (base string, f Format, ok bool) {
	if b, found := strings.CutSuffix(name, ".xml"); found {
		return b, XML, true
	}
	if b, found := strings.CutSuffix(name, ".json"); found {
		return b, JSON, true
	}
	return name, XML, false
}

// FormatOfPath is the format an answer to this path takes: its suffix's, or XML (the format the
// specification requires) for a path with none, such as an unknown resource's.
func FormatOfPath(path string) Format {
	if strings.HasSuffix(path, ".json") {
		return JSON
	}
	return XML
}

// Document is an answer: JSON and XML differ in shape (XML wraps lists in a root element).
type Document interface {
	jsonValue() any
	xmlValue() any
}

// Encode renders a document in f; XML starts with the declaration the specification asks for.
func Encode(f Format, d Document) ([]byte, error) {
	if f == JSON {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d.jsonValue()); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	out, err := xml.Marshal(d.xmlValue())
	if err != nil {
		return nil, err
	}
	return append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"), out...), nil
}
