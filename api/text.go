package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// Postgres text and jsonb cannot hold NUL (U+0000), nor can text hold invalid UTF-8, and no
// legitimate value of this API contains either: such input is refused up front as a 400 naming
// the field, instead of failing later in the database (or, inside a workflow, being retried).

// refuseBadQueryText answers 400 for a query parameter whose name or value holds NUL or invalid UTF-8.
func (s *Server) refuseBadQueryText(c *gin.Context) {
	first, found := "", false // the first bad parameter by name, whatever the map's order
	for name, values := range c.Request.URL.Query() {
		bad := !cleanText(name)
		for _, v := range values {
			bad = bad || !cleanText(v)
		}
		if bad && (!found || name < first) {
			first, found = name, true
		}
	}
	if found {
		s.fail(c, domain.Invalid(first, domain.MsgInvalidCharacter))
		return
	}
	c.Next()
}

func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// nulPath finds a string holding NUL in a decoded request body and returns its JSON path.
// Free-form JSON (json.RawMessage) is searched for the \u0000 escape.
func nulPath(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return path, strings.ContainsRune(v.String(), 0)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return nulPath(v.Elem(), path)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, skip := jsonFieldName(f)
			if skip {
				continue
			}
			at := path
			if name != "" {
				at = joinPath(path, name)
			}
			if p, ok := nulPath(v.Field(i), at); ok {
				return p, true
			}
		}
	case reflect.Slice:
		if v.Type() == rawMessageType {
			return path, hasNULEscape(v.Bytes())
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // base64 bytes: any byte is fine
		}
		for i := range v.Len() {
			if p, ok := nulPath(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			at := joinPath(path, fmt.Sprint(k))
			if k.Kind() == reflect.String && strings.ContainsRune(k.String(), 0) {
				return at, true
			}
			if p, ok := nulPath(v.MapIndex(k), at); ok {
				return p, true
			}
		}
	}
	return "", false
}

// jsonFieldName is the name encoding/json gives a struct field: "" for an embedded struct whose
// fields are promoted, skip for unexported and "-" fields.
func jsonFieldName(f reflect.StructField) (name string, skip bool) {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch {
	case tag == "-":
		return "", true
	case tag != "":
		return tag, false
	case f.Anonymous && f.Type.Kind() == reflect.Struct:
		return "", false
	case !f.IsExported():
		return "", true
	default:
		return f.Name, false
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// hasNULEscape reports whether raw JSON holds the escape \u0000 (a backslash escaped itself,
// as in \\u0000, is not one).
func hasNULEscape(raw []byte) bool {
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		at := i + j
		backslashes := 0
		for k := at - 1; k >= 0 && raw[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 1 {
			return true
		}
		i = at + 1
	}
}
