package docsassets

import (
	"strings"
	"testing"
	"testing/fstest"
)

// Before `make docs-assets`, dist/ holds only the committed placeholder: Files names what is
// missing and how to fetch it, rather than serving a page that cannot render.
func TestFilesWithoutTheRendererSayWhatToRun(t *testing.T) {
	fsys := fstest.MapFS{
		"page/index.html":  {Data: []byte(Page())},
		"page/init.js":     {Data: []byte("SwaggerUIBundle({})")},
		"dist/PLACEHOLDER": {Data: []byte("run make docs-assets")},
	}
	_, err := Files(fsys)
	if err == nil {
		t.Fatal("Files found every file in a folder with the placeholder alone")
	}
	for _, want := range []string{Bundle, Stylesheet, "LICENSE", "make docs-assets"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not name %q", err, want)
		}
	}

	fsys["dist/"+Bundle] = &fstest.MapFile{Data: []byte("bundle")}
	fsys["dist/"+Stylesheet] = &fstest.MapFile{Data: []byte("css")}
	fsys["dist/LICENSE"] = &fstest.MapFile{Data: []byte("license")}
	fsys["dist/NOTICE"] = &fstest.MapFile{Data: []byte("notice")}
	files, err := Files(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if string(files[Init].Body) != "SwaggerUIBundle({})" || string(files[Bundle].Body) != "bundle" || files[Bundle].Gzip != nil {
		t.Errorf("Files: %v", files)
	}
	if _, ok := files["PLACEHOLDER"]; ok {
		t.Error("the placeholder is served")
	}
}

// The committed page names the three files the docs handler fills in.
func TestPageNamesItsFiles(t *testing.T) {
	for _, want := range []string{"{{.CSS}}", "{{.Bundle}}", "{{.Init}}"} {
		if !strings.Contains(Page(), want) {
			t.Errorf("page/index.html does not name %s", want)
		}
	}
}
