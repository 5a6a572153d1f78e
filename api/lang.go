package api

import (
	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/keyclic/keyclic/domain"
)

var langMatcher = language.NewMatcher([]language.Tag{language.French, language.English})

// parseAcceptLanguage picks French or English from an Accept-Language header (French by default).
func parseAcceptLanguage(header string) domain.Lang {
	if header == "" {
		return domain.DefaultLang
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return domain.DefaultLang
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return domain.DefaultLang
	}
	if i == 1 {
		return domain.English
	}
	return domain.French
}

const ctxLang = "keyclic.lang"

// langOf is the language of this request's messages.
func langOf(c *gin.Context) domain.Lang {
	if l, ok := c.Get(ctxLang); ok {
		return l.(domain.Lang)
	}
	return parseAcceptLanguage(c.GetHeader("Accept-Language"))
}
