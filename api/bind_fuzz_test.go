package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// FuzzBindJSON: any body sent to any endpoint goes through the common reader and binder to a 4xx
// or to values that Postgres can store; never a panic, never a 5xx.
func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"Mairie","businessActivity":"4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36"}`, "{\"name\":\"ab\xff\xfe(cd\"}",
		`{"name":"a\u0000b"}`, `{"name":"\ud800"}`, `{"name":1}`, `{"name":"x"}}`, `[{"name":"x"}]`, ``, `{`,
		`{"geo":{"point":{"latitude":44.8,"longitude":-0.5}},"description":"Nid de poule","metadata":{"k":[1,"\u00e9"]}}`,
		`{"polygon":{"srid":4326,"rings":[{"points":[{"latitude":1e999}]}]}}`, `{"login":"a","password":"` + strings.Repeat("x", 5000) + `"}`,
		`{"name":` + strings.Repeat("[", 20000) + `}`,
		`{"preferencesMessageEmailEnabled":"false","preferences.messagePushEnabled":true,"preferences":{"messageEmailEnabled":"1"}}`,
		`{"preferences":{"messagePushEnabled":3}}`, `{"preferences":"yes"}`,
	} {
		f.Add([]byte(s))
	}
	s := &Server{}
	f.Fuzz(func(t *testing.T, body []byte) {
		gin.SetMode(gin.TestMode)
		for _, dst := range []func() any{
			func() any { return &organizationData{} }, func() any { return &feedbackData{} }, func() any { return &placeData{} },
			func() any { return &loginData{} }, func() any { return &webhookData{} }, func() any { return &map[string]any{} },
			func() any { return &personPatch{} },
		} {
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest(http.MethodPost, "/any", bytes.NewReader(body))
			bound := false
			var v any
			c.Set(ctxLang, parseAcceptLanguage(""))
			s.readBody(c)
			if !c.IsAborted() {
				v = dst()
				if err := bindJSON(c, v); err != nil {
					s.fail(c, err)
				} else {
					bound = true
					if p, ok := v.(*personPatch); ok {
						p.preferences() // the three forms of the preferences read without a panic
					}
				}
			}
			if w.Code >= 500 || (!bound && w.Code < 400) {
				t.Fatalf("body %q: status %d", body, w.Code)
			}
			if bound && !utf8.Valid(body) {
				t.Fatalf("body %q with invalid UTF-8 was decoded", body)
			}
		}
	})
}
