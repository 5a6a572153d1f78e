package domain

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// ValidEmail accepts a bare address (no display name) of reasonable length.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// NormalizeEmail is the form emails are stored and compared in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ParseUUID parses a client-supplied identifier in canonical form.
func ParseUUID(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s)
	return id, err == nil
}

// CheckText records a violation when a text field exceeds max characters, or is blank when required.
func (vs *Violations) CheckText(path string, v *string, required bool, max int) {
	if v == nil {
		if required {
			vs.Add(path, MsgNotBlank)
		}
		return
	}
	if required && strings.TrimSpace(*v) == "" {
		vs.Add(path, MsgNotBlank)
		return
	}
	if utf8.RuneCountInString(*v) > max {
		vs.Add(path, MsgTooLong, max)
	}
}

// CheckEmail records a violation when v is set (or required) and not an email address.
func (vs *Violations) CheckEmail(path string, v *string, required bool) {
	if v == nil || *v == "" {
		if required {
			vs.Add(path, MsgNotBlank)
		}
		return
	}
	if !ValidEmail(strings.TrimSpace(*v)) {
		vs.Add(path, MsgInvalidEmail)
	}
}

// CheckUUID parses a required reference field, recording a violation when it is missing or malformed.
func (vs *Violations) CheckUUID(path string, v *string, required bool) uuid.UUID {
	if v == nil || *v == "" {
		if required {
			vs.Add(path, MsgNotBlank)
		}
		return uuid.Nil
	}
	id, ok := ParseUUID(*v)
	if !ok {
		vs.Add(path, MsgInvalidUUID)
	}
	return id
}

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ValidColor accepts #rrggbb.
func ValidColor(s string) bool { return colorRe.MatchString(s) }

// Password rules: long enough to resist guessing, short enough for bcrypt (72 bytes).
const (
	PasswordMinLength = 8
	PasswordMaxBytes  = 72
)

// CheckPassword records violations for a new password.
func (vs *Violations) CheckPassword(path string, v *string) {
	switch {
	case v == nil || *v == "":
		vs.Add(path, MsgNotBlank)
	case utf8.RuneCountInString(*v) < PasswordMinLength:
		vs.Add(path, MsgTooShort, PasswordMinLength)
	case len(*v) > PasswordMaxBytes:
		vs.Add(path, MsgPasswordTooLong, PasswordMaxBytes)
	}
}
