package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestHasNULEscape(t *testing.T) {
	cases := map[string]bool{
		`{"k":"a\u0000"}`:  true,
		`{"k":"\\u0000"}`:  false, // an escaped backslash, then the letters u0000
		`{"k":"\\\u0000"}`: true,
		`{"k\u0000":1}`:    true,
		`{"k":"u0000"}`:    false,
		`{"k":"\u00001"}`:  true,
		`{"k":"\u0041"}`:   false,
		`[]`:               false,
		`"\\\\u0000"`:      false,
	}
	for raw, want := range cases {
		if got := hasNULEscape([]byte(raw)); got != want {
			t.Errorf("hasNULEscape(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestNULPathNamesTheField(t *testing.T) {
	type point struct {
		Name string `json:"name"`
	}
	type body struct {
		Title  *string         `json:"title"`
		Points []point         `json:"points"`
		Tags   map[string]any  `json:"tags"`
		Meta   json.RawMessage `json:"metadata"`
		Skip   string          `json:"-"`
	}
	clean := "fine"
	cases := []struct {
		in   body
		want string
	}{
		{body{Title: &clean, Points: []point{{"a"}}}, ""},
		{body{Points: []point{{"a"}, {"b\x00"}}}, "points[1].name"},
		{body{Tags: map[string]any{"x": []any{"ok", "n\x00"}}}, "tags.x[1]"},
		{body{Meta: json.RawMessage(`{"a":"\u0000"}`)}, "metadata"},
		{body{Skip: "\x00"}, ""},
	}
	for _, tc := range cases {
		got, found := nulPath(reflect.ValueOf(&tc.in), "")
		if found != (tc.want != "") || got != tc.want {
			t.Errorf("nulPath(%+v) = %q, %v; want %q", tc.in, got, found, tc.want)
		}
	}
}
