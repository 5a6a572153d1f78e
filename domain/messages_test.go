package domain

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// Every message key declared in messages.go must have a French and an English text: a missing
// one would show clients the bare key.
func TestEveryMessageIsTranslated(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	keys := 0
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 || len(vs.Names) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || len(vs.Names[0].Name) < 4 || vs.Names[0].Name[:3] != "Msg" {
			return true
		}
		key, _ := strconv.Unquote(lit.Value)
		keys++
		tr, ok := catalog[key]
		if !ok || tr.fr == "" || tr.en == "" {
			t.Errorf("%s (%q) has no French and English text in the catalog", vs.Names[0].Name, key)
		}
		return true
	})
	if keys < 10 {
		t.Fatalf("found only %d message keys: the test no longer reads messages.go right", keys)
	}
}

// A message quoting another renders both in one language.
func TestMessageQuotingAMessage(t *testing.T) {
	m := Msg(MsgOpen311NotCreated, Msg(MsgNoMatchingOrganization))
	if got := m.In(English); got != "The request was not created: No organization handles this location." {
		t.Errorf("English: %q", got)
	}
	if got := m.In(French); got != "La demande n'a pas été créée : Aucune organisation ne prend en charge ce lieu." {
		t.Errorf("French: %q", got)
	}
}
