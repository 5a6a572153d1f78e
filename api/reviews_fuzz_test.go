package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// FuzzReadReview: any body of POST /review-requests/{id}/reviews is refused with a 4xx, or read
// as a rating of 1 to 5 and a text of at most 255 characters; never a panic, never a 5xx.
func FuzzReadReview(f *testing.F) {
	for _, s := range []string{
		`{"reviewRating":4,"reviewBody":"Merci"}`, `{"reviewRating":5}`, `{"reviewRating":0}`, `{"reviewRating":4.5}`,
		`{"reviewRating":"4"}`, `{"reviewRating":null}`, `{"reviewRating":1e999}`, `{"reviewRating":-1e308}`,
		`{"reviewRating":3,"reviewBody":12}`, `{"reviewRating":3,"reviewBody":"a\u0000b"}`, `{"reviewRating":3,"reviewBody":"\ud800"}`,
		"{\"reviewRating\":3,\"reviewBody\":\"\xff\"}", `[4]`, ``, `{`, `{"reviewRating":2}}`, `{"reviewRating":5.0000000000000001}`,
	} {
		f.Add([]byte(s))
	}
	s := &Server{}
	f.Fuzz(func(t *testing.T, body []byte) {
		gin.SetMode(gin.TestMode)
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/review-requests/x/reviews", bytes.NewReader(body))
		c.Set(ctxLang, parseAcceptLanguage(""))
		s.readBody(c)
		if c.IsAborted() {
			if w.Code < 400 || w.Code >= 500 {
				t.Fatalf("body %q: status %d", body, w.Code)
			}
			return
		}
		rating, text, err := readReview(c)
		if err != nil {
			s.fail(c, err)
			if w.Code < 400 || w.Code >= 500 {
				t.Fatalf("body %q: status %d", body, w.Code)
			}
			return
		}
		if rating < domain.MinReviewRating || rating > domain.MaxReviewRating || utf8.RuneCountInString(text) > domain.MaxReviewBody || !utf8.ValidString(text) {
			t.Fatalf("body %q read as rating %d, text %q", body, rating, text)
		}
	})
}
