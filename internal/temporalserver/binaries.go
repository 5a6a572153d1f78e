package temporalserver

import (
	"os"
	"path/filepath"
)

// Binaries are the executables and schemas `make temporal-server` puts in ./bin.
type Binaries struct {
	Server    string // go.temporal.io/server/cmd/server
	SQLTool   string // go.temporal.io/server/cmd/tools/sql
	UIServer  string // github.com/temporalio/ui-server/v2/cmd/server; empty runs no UI
	SchemaDir string // the module's schema/postgresql/v12 (temporal and visibility)
}

// FindBinaries looks for ./bin/temporal-* in the working directory or the nearest parent that
// has them (tests run in package directories), unless TEMPORAL_SERVER_BIN_DIR names the folder.
func FindBinaries() Binaries {
	dir := os.Getenv("TEMPORAL_SERVER_BIN_DIR")
	if dir == "" {
		dir = findBinDir()
	}
	b := Binaries{
		Server:    filepath.Join(dir, "temporal-server"),
		SQLTool:   filepath.Join(dir, "temporal-sql-tool"),
		UIServer:  filepath.Join(dir, "temporal-ui-server"),
		SchemaDir: filepath.Join(dir, "temporal-schema", "postgresql", "v12"),
	}
	if _, err := os.Stat(b.UIServer); err != nil {
		b.UIServer = ""
	}
	return b
}

func findBinDir() string {
	wd, err := os.Getwd()
	for dir := wd; err == nil; {
		p := filepath.Join(dir, "bin")
		if _, statErr := os.Stat(filepath.Join(p, "temporal-server")); statErr == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "bin"
}
