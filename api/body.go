package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// maxBodyBytes bounds request bodies: the largest legitimate one is an image as a data URI.
const maxBodyBytes = domain.MaxImageBytes*4/3 + 64<<10

// bindJSON decodes the request body into dst. Malformed JSON, a body that is not an object, and
// fields of the wrong type are validation errors naming the field. An empty body reads as {} so
// that missing required fields are reported one by one.
func bindJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return domain.Invalid("", domain.MsgBodyTooLarge)
		}
		return domain.Invalid("", domain.MsgInvalidJSON)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if body[0] != '{' {
		return domain.Invalid("", domain.MsgInvalidJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return domain.Invalid(typeErr.Field, domain.MsgInvalidType, jsonTypeName(typeErr.Type.String()))
		}
		return domain.Invalid("", domain.MsgInvalidJSON)
	}
	// One JSON object and nothing after it: "{}}" is as malformed as "{".
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return domain.Invalid("", domain.MsgInvalidJSON)
	}
	if path, ok := nulPath(reflect.ValueOf(dst), ""); ok {
		return domain.Invalid(path, domain.MsgInvalidCharacter)
	}
	return nil
}

func jsonTypeName(goType string) string {
	goType = strings.TrimPrefix(goType, "*")
	switch {
	case goType == "string":
		return "string"
	case goType == "bool":
		return "boolean"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "float"), strings.HasPrefix(goType, "uint"):
		return "number"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	default:
		return "object"
	}
}
