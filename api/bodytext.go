package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// JSON text is UTF-8 (RFC 8259), and Postgres stores neither NUL nor invalid UTF-8. encoding/json
// silently turns invalid bytes and lone surrogate escapes into U+FFFD, so the raw body is checked
// before it is decoded: the first string holding invalid UTF-8, a \u0000 escape or a lone
// surrogate is named by its JSON path ("geo.point.latitude", "images[0]").

// maxScanDepth bounds the nesting the scanner follows (encoding/json refuses deeper bodies anyway).
const maxScanDepth = 1000

// badBodyText returns the path of the first string of body that cannot be stored as text. A body
// with bad bytes outside any string it could attribute (malformed JSON) is bad at the path "".
func badBodyText(body []byte) (path string, bad bool) {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u`)) {
		return "", false // the common case: nothing to look at closely
	}
	s := textScanner{b: body}
	s.value("", 0)
	if s.found {
		return s.badPath, true
	}
	return "", !utf8.Valid(body)
}

type textScanner struct {
	b       []byte
	i       int
	found   bool
	badPath string
}

func (s *textScanner) skipSpace() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// value scans one JSON value; it returns false when the scan must stop (bad text found, or
// malformed JSON that the decoder will refuse on its own).
func (s *textScanner) value(path string, depth int) bool {
	if depth > maxScanDepth {
		return false
	}
	s.skipSpace()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		return s.object(path, depth)
	case '[':
		return s.array(path, depth)
	case '"':
		_, ok := s.str(path, false)
		return ok
	default: // number, true, false, null: up to the next delimiter
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\r\n", rune(s.b[s.i])) {
			s.i++
		}
		return true
	}
}

func (s *textScanner) object(path string, depth int) bool {
	s.i++ // {
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return false
		}
		key, ok := s.str(path, true)
		if !ok {
			return false
		}
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		if !s.value(joinPath(path, key), depth+1) {
			return false
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

func (s *textScanner) array(path string, depth int) bool {
	s.i++ // [
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return true
	}
	for n := 0; ; n++ {
		if !s.value(fmt.Sprintf("%s[%d]", path, n), depth+1) {
			return false
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}

// str scans a string starting at its opening quote. A bad string is reported at path, or, when it
// is an object key, at the key's own path. It returns the string's value for keys.
func (s *textScanner) str(path string, isKey bool) (string, bool) {
	start := s.i
	s.i++ // "
	bad, escaped := false, false
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			raw := s.b[start:s.i]
			value := s.keyValue(raw, escaped, isKey)
			if bad {
				s.found = true
				s.badPath = path
				if isKey {
					s.badPath = joinPath(path, value)
				}
				return value, false
			}
			return value, true
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.b) {
				return "", false
			}
			if s.b[s.i+1] != 'u' {
				s.i += 2
				continue
			}
			r, ok := s.hex4(s.i + 2)
			if !ok {
				return "", false // malformed escape: the decoder refuses it
			}
			s.i += 6
			switch {
			case r == 0:
				bad = true
			case r >= 0xD800 && r < 0xDC00: // a high surrogate must be followed by a low one
				if low, ok := s.lowSurrogateAt(s.i); ok && low {
					s.i += 6
				} else {
					bad = true
				}
			case r >= 0xDC00 && r < 0xE000: // a low surrogate alone
				bad = true
			}
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				bad = true
			}
			s.i += size
		}
	}
	return "", false // unterminated: the decoder refuses it
}

func (s *textScanner) keyValue(raw []byte, escaped, isKey bool) string {
	if !isKey {
		return ""
	}
	if !escaped {
		return strings.ToValidUTF8(string(raw[1:len(raw)-1]), "\uFFFD")
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return strings.ToValidUTF8(string(raw[1:len(raw)-1]), "\uFFFD")
	}
	return strings.ReplaceAll(v, "\x00", `\u0000`)
}

func (s *textScanner) lowSurrogateAt(i int) (bool, bool) {
	if i+1 >= len(s.b) || s.b[i] != '\\' || s.b[i+1] != 'u' {
		return false, false
	}
	r, ok := s.hex4(i + 2)
	return ok && r >= 0xDC00 && r < 0xE000, ok
}

func (s *textScanner) hex4(i int) (rune, bool) {
	if i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[i : i+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}
