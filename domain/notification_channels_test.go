package domain

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every notification action declared in the package must have its row of channels: an action
// without one would be sent nowhere.
func TestEveryNotificationActionHasChannels(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	actions := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Values) != 1 || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Action") {
				return true
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			action, _ := strconv.Unquote(lit.Value)
			actions++
			if _, ok := ChannelsOf(action); !ok {
				t.Errorf("%s (%q) has no row in notificationChannels", vs.Names[0].Name, action)
			}
			return true
		})
	}
	if actions < 12 {
		t.Fatalf("found only %d actions: the test no longer reads the package right", actions)
	}
}
