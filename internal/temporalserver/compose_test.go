package temporalserver

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keyclic/keyclic/workflows"
)

// docker-compose.yml deploys what the tests run with TEMPORAL_ENGINE=server: the same server and
// UI versions as the Makefile pins, the same search attributes as the workflows keep.
func TestComposeDeploysTheTestedServer(t *testing.T) {
	compose := read(t, "../../docker-compose.yml")
	makefile := read(t, "../../Makefile")
	pin := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + ` := v(\S+)$`).FindStringSubmatch(makefile)
		if m == nil {
			t.Fatalf("Makefile pins no %s", name)
		}
		return m[1]
	}
	server, ui := pin("TEMPORAL_SERVER_VERSION"), pin("TEMPORAL_UI_VERSION")
	for _, image := range []string{"temporalio/auto-setup:" + server, "temporalio/admin-tools:" + server, "temporalio/ui:" + ui} {
		if !strings.Contains(compose, "image: "+image+"\n") {
			t.Errorf("docker-compose.yml does not run %s", image)
		}
	}
	if !strings.Contains(compose, "DB: postgres12") {
		t.Error("docker-compose.yml's Temporal does not persist to Postgres (postgres12)")
	}
	m := regexp.MustCompile(`for sa in ([^;]+);`).FindStringSubmatch(compose)
	if m == nil {
		t.Fatal("docker-compose.yml registers no search attributes")
	}
	got, want := strings.Fields(m[1]), slices.Clone(workflows.SearchAttributeDefinitions())
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("docker-compose.yml registers %v, the workflows use %v", got, want)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
