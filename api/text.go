package api

import (
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// Postgres text and jsonb cannot hold NUL (U+0000), nor can text hold invalid UTF-8, and no
// legitimate value of this API contains either: such input is refused up front as a 400 naming
// the field or parameter, instead of failing later in the database (or, inside a workflow, being
// retried). Query parameters are checked here, bodies in bodytext.go.

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

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
