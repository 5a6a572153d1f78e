package api

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBadBodyTextNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
		bad              bool
	}{
		{"clean", `{"name":"Mairie","tags":["a","b"],"n":1.5,"ok":true,"x":null}`, "", false},
		{"clean escapes", `{"name":"caf\u00e9 \"quoted\" \\u0000 \ud83d\ude00"}`, "", false},
		{"invalid bytes", "{\"name\":\"ab\xff\xfe(cd\"}", "name", true},
		{"invalid bytes nested", "{\"geo\":{\"point\":{\"label\":\"\xc3\x28\"}}}", "geo.point.label", true},
		{"invalid bytes in an array", "{\"tags\":[\"ok\",\"b\xffd\"]}", "tags[1]", true},
		{"NUL escape", `{"description":"a\u0000b"}`, "description", true},
		{"NUL escape after an escaped backslash", `{"description":"\\\u0000"}`, "description", true},
		{"escaped backslash then u0000 is text", `{"description":"\\u0000"}`, "", false},
		{"lone high surrogate", `{"name":"\ud800"}`, "name", true},
		{"high surrogate then a letter", `{"name":"\ud800x"}`, "name", true},
		{"lone low surrogate", `{"name":"\udc00"}`, "name", true},
		{"two high surrogates", `{"name":"\ud800\ud800"}`, "name", true},
		{"bad key", "{\"na\xffme\":\"x\"}", "na\uFFFDme", true},
		{"NUL in a key", `{"a\u0000":1}`, `a\u0000`, true},
		{"overlong encoding", "{\"name\":\"\xc0\xaf\"}", "name", true},
		{"encoded surrogate", "{\"name\":\"\xed\xa0\x80\"}", "name", true},
		{"bad bytes outside strings", "{\"a\":1\xff}", "", true},
		{"malformed but clean", `{"a":`, "", false},
		{"top-level string", "\"\xff\"", "", true},
		{"second field of the password change", "{\"password\":\"ab\xffcd\"}", "password", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, bad := badBodyText([]byte(tc.body))
			if bad != tc.bad || path != tc.want {
				t.Errorf("badBodyText(%q) = %q, %v; want %q, %v", tc.body, path, bad, tc.want, tc.bad)
			}
		})
	}
}

// FuzzBadBodyText: the scanner never panics, and what it lets through decodes without any
// replacement character that the body did not hold: encoding/json substitutes U+FFFD for bad
// bytes and lone surrogates, so a new U+FFFD would be text that was silently changed.
func FuzzBadBodyText(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Mairie"}`, "{\"name\":\"ab\xff\xfe(cd\"}", `{"a":"\u0000"}`, `{"a":"\ud800"}`,
		`{"a":["\ud83d\ude00",{"b":"\udc00"}]}`, `{"a":"\\u0000"}`, `[[[[[]]]]]`, `{"a":`, `"\u`, `{"\u0041":"\uFFFD"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, bad := badBodyText(body); bad {
			return
		}
		if !utf8.Valid(body) {
			t.Fatalf("invalid UTF-8 let through: %q", body)
		}
		var v any
		if json.Unmarshal(body, &v) != nil {
			return // the decoder refuses it on its own
		}
		if countReplacements(v) > countLiteralReplacements(body) {
			t.Fatalf("decoding %q replaced text with U+FFFD", body)
		}
	})
}

func countReplacements(v any) int {
	n := 0
	switch x := v.(type) {
	case string:
		for _, r := range x {
			if r == utf8.RuneError {
				n++
			}
		}
	case []any:
		for _, e := range x {
			n += countReplacements(e)
		}
	case map[string]any:
		for k, e := range x {
			n += countReplacements(k) + countReplacements(e)
		}
	}
	return n
}

// countLiteralReplacements counts the U+FFFD the body spells out itself, raw or escaped.
func countLiteralReplacements(body []byte) int {
	n := 0
	s := string(body)
	for _, r := range s {
		if r == utf8.RuneError {
			n++
		}
	}
	for i := 0; i+6 <= len(s); i++ {
		if s[i] == '\\' && strings.EqualFold(s[i+1:i+6], "ufffd") {
			n++
		}
	}
	return n
}
