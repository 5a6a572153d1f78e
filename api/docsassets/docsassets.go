// Package docsassets holds the files of the API's docs page, embedded in the binary: the page
// and its script (page/), and the Swagger UI renderer that scripts/docs-assets.sh fetches from
// the npm registry at build time (dist/, not committed: `make docs-assets`).
package docsassets

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// Embedded is what the binary holds: page/ and dist/.
//
//go:embed page dist
var Embedded embed.FS

// Bundle and Stylesheet are the renderer's files the page loads.
const (
	Bundle     = "swagger-ui-bundle.js"
	Stylesheet = "swagger-ui.css"
	Init       = "init.js"
)

// served are the files a client may fetch besides the page: the renderer, its license and
// notice (Apache-2.0 asks for both to travel with it), and the page's script.
var served = []string{Bundle, Stylesheet, "LICENSE", "NOTICE"}

// File is one file of the docs page, with its gzip form when the build made one.
type File struct {
	Body []byte
	Gzip []byte // nil: serve Body only
}

// Page is the page's HTML template (html/template): it names {{.CSS}}, {{.Bundle}} and {{.Init}}.
func Page() string {
	b, err := Embedded.ReadFile("page/index.html")
	if err != nil {
		panic(err) // committed with the package: cannot be missing
	}
	return string(b)
}

// Files returns every file of fsys (laid out as Embedded) that the page loads, by name, or an
// error saying how to fetch the renderer when the build did not (the committed placeholder
// alone is in dist/).
func Files(fsys fs.FS) (map[string]File, error) {
	out := map[string]File{}
	script, err := fs.ReadFile(fsys, "page/"+Init)
	if err != nil {
		return nil, err
	}
	out[Init] = File{Body: script}
	var missing []string
	for _, name := range served {
		body, err := fs.ReadFile(fsys, "dist/"+name)
		if err != nil {
			missing = append(missing, name)
			continue
		}
		gz, _ := fs.ReadFile(fsys, "dist/"+name+".gz") // none: served as is
		out[name] = File{Body: body, Gzip: gz}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("docs assets missing from the build (%s): run `make docs-assets`, then build again", strings.Join(missing, ", "))
	}
	return out, nil
}
