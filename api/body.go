package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// maxBodyBytes bounds request bodies: the largest legitimate one is an image as a data URI.
const maxBodyBytes = domain.MaxImageBytes*4/3 + 64<<10

const ctxBody = "keyclic.body"

// readBody reads a request's body once, before any handler sees it: bounded in size, bounded in
// time (a client trickling bytes is cut), and refused when its text cannot be stored (invalid
// UTF-8, NUL, lone surrogates), naming the field. Handlers decode the checked bytes (bindJSON).
func (s *Server) readBody(c *gin.Context) {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		c.Next()
		return
	}
	rc := http.NewResponseController(c.Writer)
	if s.settings.HTTP.Body > 0 {
		_ = rc.SetReadDeadline(time.Now().Add(s.settings.HTTP.Body))
	}
	body, err := readSized(c)
	if err != nil {
		// The deadline stays: the server drains what is left of a body before it closes, and
		// must not wait for a client that trickles it.
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			err = domain.Invalid("", domain.MsgBodyTooLarge)
		case errors.Is(err, os.ErrDeadlineExceeded):
			c.Header("Connection", "close") // what is left of the body is not worth reading
			err = &domain.Error{Kind: domain.KindTimeout, Msg: domain.Msg(domain.MsgBodyTimeout)}
		default:
			err = domain.Invalid("", domain.MsgInvalidJSON)
		}
		s.fail(c, err)
		return
	}
	_ = rc.SetReadDeadline(time.Time{}) // left behind, it would cancel the request's context later
	if path, bad := badBodyText(body); bad {
		s.fail(c, domain.Invalid(path, domain.MsgInvalidCharacter))
		return
	}
	c.Set(ctxBody, body)
	c.Next()
}

// bindJSON decodes the request body into dst. Malformed JSON, a body that is not an object, and
// fields of the wrong type are validation errors naming the field. An empty body reads as {} so
// that missing required fields are reported one by one.
func bindJSON(c *gin.Context, dst any) error {
	v, _ := c.Get(ctxBody)
	body, _ := v.([]byte)
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
	return nil
}

// readSized reads the request body, bounded by maxBodyBytes, into a buffer sized from
// Content-Length when the client sent it, instead of one grown by doubling (twice the garbage).
func readSized(c *gin.Context) ([]byte, error) {
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
