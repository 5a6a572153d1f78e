package activities

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/keyclic/keyclic/domain"
)

// Each email template is templates/<name>.<lang>.tmpl defining the blocks "subject", "text" and
// "html"; the html block is rendered with html/template so data is escaped.
//
//go:embed templates/*.tmpl
var templateFiles embed.FS

type rendered struct{ Subject, Text, HTML string }

func render(name string, lang domain.Lang, data any) (rendered, error) {
	file := fmt.Sprintf("templates/%s.%s.tmpl", name, lang)
	src, err := templateFiles.ReadFile(file)
	if err != nil {
		return rendered{}, fmt.Errorf("email template %s: %w", file, err)
	}
	tt, err := texttemplate.New(file).Parse(string(src))
	if err != nil {
		return rendered{}, err
	}
	ht, err := htmltemplate.New(file).Parse(string(src))
	if err != nil {
		return rendered{}, err
	}
	var out rendered
	var b bytes.Buffer
	for _, part := range []struct {
		name string
		exec func() error
		dst  *string
	}{
		{"subject", func() error { return tt.ExecuteTemplate(&b, "subject", data) }, &out.Subject},
		{"text", func() error { return tt.ExecuteTemplate(&b, "text", data) }, &out.Text},
		{"html", func() error { return ht.ExecuteTemplate(&b, "html", data) }, &out.HTML},
	} {
		b.Reset()
		if err := part.exec(); err != nil {
			return rendered{}, fmt.Errorf("email template %s, block %s: %w", file, part.name, err)
		}
		*part.dst = strings.TrimSpace(b.String())
	}
	return out, nil
}
