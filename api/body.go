package api

import (
	"bytes"
	"encoding/json"
	"errors"
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
	body, err := readBody(c)
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
	// One JSON object and nothing after it: "{}}" is as malformed as "{". Unmarshal reads the
	// body in place (a Decoder would copy it: a second 13 MB for an image upload).
	if err := json.Unmarshal(body, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return domain.Invalid(typeErr.Field, domain.MsgInvalidType, jsonTypeName(typeErr.Type.String()))
		}
		return domain.Invalid("", domain.MsgInvalidJSON)
	}
	if path, ok := nulPath(reflect.ValueOf(dst), ""); ok {
		return domain.Invalid(path, domain.MsgInvalidCharacter)
	}
	return nil
}

// readBody reads the request body, bounded by maxBodyBytes, into a buffer sized from
// Content-Length when the client sent it, instead of one grown by doubling (twice the garbage).
func readBody(c *gin.Context) ([]byte, error) {
	var b bytes.Buffer
	if n := c.Request.ContentLength; n > 0 && n <= maxBodyBytes {
		b.Grow(int(n) + bytes.MinRead)
	}
	_, err := b.ReadFrom(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	return b.Bytes(), err
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
