package api

import (
	"bytes"
	"testing"

	"github.com/keyclic/keyclic/domain"
)

// FuzzIdempotencyKey: any header value is a key or a 400 naming the header, and any body has
// one canonical form (canonical of canonical is itself), never a panic.
func FuzzIdempotencyKey(f *testing.F) {
	for _, seed := range []struct{ key, body string }{
		{"3f1c2b9e-8a4d-4c6e-9f0a-1b2c3d4e5f60", `{"b": 1, "a": [true, null, "x"]}`},
		{"", `{}`},
		{"with space", `{"n": 1.50, "m": 1e1000}`},
		{"k\x00", `{"a": 1} {"b": 2}`},
		{"é", "{\"t\": \"\xff\"}"},
		{"~!#$%&'*+-.^_`|", `[1, {"z": {"y": "<&>"}}]`},
		{string(bytes.Repeat([]byte("k"), 256)), `not json`},
	} {
		f.Add(seed.key, seed.body)
	}
	f.Fuzz(func(t *testing.T, key, body string) {
		got, err := checkIdempotencyKey([]string{key})
		if err != nil {
			de, ok := domain.AsError(err)
			if !ok || de.Kind != domain.KindInvalid || len(de.Violations) != 1 || de.Violations[0].Path != idempotencyHeader {
				t.Fatalf("key %q: %v", key, err)
			}
		} else if got != key || len(key) == 0 || len(key) > maxIdempotencyKey {
			t.Fatalf("key %q accepted as %q", key, got)
		}
		once := canonicalJSON([]byte(body))
		if twice := canonicalJSON(once); !bytes.Equal(once, twice) {
			t.Fatalf("body %q: canonical %q, then %q", body, once, twice)
		}
	})
}
