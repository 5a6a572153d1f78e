package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/api/docsassets"
)

// fakeDocsAssets is laid out as docsassets.Embedded after `make docs-assets`, with the real page
// and small stand-ins for the renderer's files.
func fakeDocsAssets(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"page/index.html", "page/init.js", "dist/PLACEHOLDER"} {
		b, err := docsassets.Embedded.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte("window.SwaggerUIBundle = function () {};"))
	_ = w.Close()
	fsys["dist/swagger-ui-bundle.js"] = &fstest.MapFile{Data: []byte("window.SwaggerUIBundle = function () {};")}
	fsys["dist/swagger-ui-bundle.js.gz"] = &fstest.MapFile{Data: gz.Bytes()}
	fsys["dist/swagger-ui.css"] = &fstest.MapFile{Data: []byte(".swagger-ui {}")}
	fsys["dist/LICENSE"] = &fstest.MapFile{Data: []byte("Apache License")}
	fsys["dist/NOTICE"] = &fstest.MapFile{Data: []byte("swagger-ui")}
	fsys["dist/VERSION"] = &fstest.MapFile{Data: []byte("5.35.0\n")}
	return fsys
}

func docsServer(t *testing.T, fsys fstest.MapFS) http.Handler {
	t.Helper()
	load := func() (*docsSite, error) {
		files, err := docsassets.Files(fsys)
		if err != nil {
			return nil, err
		}
		return newDocsSite(files)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	docsPages{load: load}.routes(&Server{log: slog.New(slog.DiscardHandler)}, r)
	return r
}

func get(h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// The page loads only files of its own origin, by URLs that carry their version, has no inline
// script, and is sent with a policy that lets nothing else run.
func TestDocsPageLoadsVersionedFilesUnderAStrictPolicy(t *testing.T) {
	h := docsServer(t, fakeDocsAssets(t))
	page := get(h, "/docs")
	if page.Code != http.StatusOK || page.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /docs: %d %q", page.Code, page.Header().Get("Content-Type"))
	}
	csp := page.Header().Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'self';") || strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy %q: want default-src 'self' and no unsafe source or other origin", csp)
	}
	if got := page.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	html := page.Body.String()
	if scripts, withSrc := strings.Count(html, "<script"), len(regexp.MustCompile(`<script src="[^"]+"></script>`).FindAllString(html, -1)); scripts != 2 || withSrc != 2 {
		t.Errorf("the page has %d scripts, %d of them loaded from a file; want the bundle and init.js, no inline script:\n%s", scripts, withSrc, html)
	}

	wantType := map[string]string{
		docsassets.Bundle:     "text/javascript; charset=utf-8",
		docsassets.Init:       "text/javascript; charset=utf-8",
		docsassets.Stylesheet: "text/css; charset=utf-8",
	}
	refs := regexp.MustCompile(`(?:src|href)="(docs/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(refs) != len(wantType) {
		t.Fatalf("the page refers to %q, want the bundle, its stylesheet and init.js", refs)
	}
	for _, ref := range refs {
		url := "/" + strings.ReplaceAll(ref[1], "&amp;", "&")
		name := strings.TrimPrefix(url[:strings.Index(url, "?v=")], "/docs/")
		rec := get(h, url)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", url, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != wantType[name] {
			t.Errorf("GET %s: Content-Type %q, want %q", url, got, wantType[name])
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q, want a year (the URL carries the version)", url, got)
		}
		if rec.Body.Len() == 0 || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("GET %s without Accept-Encoding: %d bytes, encoding %q", url, rec.Body.Len(), rec.Header().Get("Content-Encoding"))
		}
	}
}

// The bundle goes compressed to clients that accept gzip, a repeated request with its ETag gets
// 304, and a file asked for without its version is revalidated each time.
func TestDocsFilesAreCompressedAndRevalidated(t *testing.T) {
	fsys := fakeDocsAssets(t)
	h := docsServer(t, fsys)
	plain := fsys["dist/swagger-ui-bundle.js"].Data

	rec := get(h, "/docs/swagger-ui-bundle.js", "Accept-Encoding", "br, gzip;q=0.8")
	if rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("with gzip accepted: Content-Encoding %q, Vary %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, plain) {
		t.Errorf("the gzip answer decompresses to %q, want %q", got, plain)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("without ?v=: Cache-Control %q, want no-cache", got)
	}
	if again := get(h, "/docs/swagger-ui-bundle.js", "Accept-Encoding", "gzip", "If-None-Match", rec.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("with its ETag: %d, want 304", again.Code)
	}
	if refused := get(h, "/docs/swagger-ui-bundle.js", "Accept-Encoding", "gzip;q=0"); refused.Header().Get("Content-Encoding") != "" || !bytes.Equal(refused.Body.Bytes(), plain) {
		t.Errorf("with gzip;q=0: Content-Encoding %q", refused.Header().Get("Content-Encoding"))
	}
	if lic := get(h, "/docs/LICENSE"); lic.Code != http.StatusOK || lic.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("GET /docs/LICENSE: %d %q", lic.Code, lic.Header().Get("Content-Type"))
	}
	for _, name := range []string{"PLACEHOLDER", "VERSION", "swagger-ui-bundle.js.gz", "index.html", "docs.go"} {
		if rec := get(h, "/docs/"+name); rec.Code != http.StatusNotFound || !isVndError(rec) {
			t.Errorf("GET /docs/%s: %d %q, want a 404 vnd.error", name, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// A binary built before `make docs-assets` fetched the renderer answers the page and its files
// with a 503 that says what to run.
func TestDocsPageWithoutItsAssetsSaysHowToBuildThem(t *testing.T) {
	fsys := fakeDocsAssets(t)
	for name := range fsys {
		if strings.HasPrefix(name, "dist/") && name != "dist/PLACEHOLDER" {
			delete(fsys, name)
		}
	}
	h := docsServer(t, fsys)
	for _, target := range []string{"/docs", "/docs/swagger-ui-bundle.js"} {
		rec := get(h, target, "Accept-Language", "en")
		if rec.Code != http.StatusServiceUnavailable || !isVndError(rec) || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("GET %s: %d %q, Retry-After %q: want a 503 vnd.error", target, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Retry-After"))
		}
		var e vndError
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Message, "make docs-assets") {
			t.Errorf("GET %s: message %q (%v), want it to say to run make docs-assets", target, e.Message, err)
		}
	}
}

func isVndError(rec *httptest.ResponseRecorder) bool {
	return strings.HasPrefix(rec.Header().Get("Content-Type"), "application/vnd.error+json")
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                      false,
		"gzip":                  true,
		"GZIP":                  true,
		"gzip, deflate, br":     true,
		"br;q=1.0, gzip;q=0.5":  true,
		"gzip;q=0":              false,
		"gzip; q=0.000":         false,
		"deflate, br":           false,
		"*":                     true,
		"*;q=0":                 false,
		"identity":              false,
		"x-gzip":                false,
		"gzip;q=bad, identity":  false,
		"br, gzip ;q=0.1, zstd": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
