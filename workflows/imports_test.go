package workflows

import (
	"go/build"
	"slices"
	"testing"
)

// What a workflow receives, sends or records is a type of domain or workflows, never a database
// struct: a schema change must not change a recorded history.
func TestWorkflowsDoNotImportTheStore(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "github.com/keyclic/keyclic/store") {
		t.Fatal("workflows imports store")
	}
}
