package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/api/docsassets"
	"github.com/keyclic/keyclic/domain"
)

// docsCSP lets the docs page run only what the service itself serves: its scripts and styles,
// the renderer's inline SVG icons (data: images) and calls to the API ("try it out").
const docsCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// docsRoutes serve the API's docs page: Swagger UI, embedded in the binary, rendering the
// OpenAPI document of the same origin (/openapi.json). Like the health routes, no credentials.
func (s *Server) docsRoutes(r *gin.Engine) {
	docsPages{load: loadDocsSite}.routes(s, r)
}

// docsPages answers from the site that load builds (tests give sites of their own).
type docsPages struct {
	load func() (*docsSite, error)
}

func (d docsPages) routes(s *Server, r gin.IRoutes) {
	r.GET("/docs", s.handle(d.page))
	r.GET("/docs/:file", s.handle(d.file))
}

// docsSite is the docs page and its files, built once per process from the embedded files.
type docsSite struct {
	page  []byte
	files map[string]docsFile
}

type docsFile struct {
	docsassets.File
	contentType string
	version     string // a digest of Body: the page asks for ?v=<version>, cached for good
}

var loadDocsSite = sync.OnceValues(func() (*docsSite, error) {
	files, err := docsassets.Files(docsassets.Embedded)
	if err != nil {
		return nil, err
	}
	return newDocsSite(files)
})

func newDocsSite(files map[string]docsassets.File) (*docsSite, error) {
	site := &docsSite{files: map[string]docsFile{}}
	for name, f := range files {
		sum := sha256.Sum256(f.Body)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "text/plain; charset=utf-8" // LICENSE, NOTICE
		}
		site.files[name] = docsFile{File: f, contentType: ct, version: hex.EncodeToString(sum[:8])}
	}
	ref := func(name string) string { return "docs/" + name + "?v=" + site.files[name].version }
	var page bytes.Buffer
	err := template.Must(template.New("docs").Parse(docsassets.Page())).Execute(&page, map[string]string{
		"CSS": ref(docsassets.Stylesheet), "Bundle": ref(docsassets.Bundle), "Init": ref(docsassets.Init),
	})
	if err != nil {
		return nil, err
	}
	site.page = page.Bytes()
	return site, nil
}

// site answers 503 when the build did not fetch the renderer, saying how to (and
// logs which files are missing).
func (d docsPages) site() (*docsSite, error) {
	site, err := d.load()
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", &domain.Error{Kind: domain.KindUnavailable, Msg: domain.Msg(domain.MsgDocsAssetsMissing)}, err)
	}
	return site, nil
}

func (d docsPages) page(c *gin.Context) error {
	site, err := d.site()
	if err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", docsCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache") // small, and names the current files' versions
	c.Data(http.StatusOK, "text/html; charset=utf-8", site.page)
	return nil
}

func (d docsPages) file(c *gin.Context) error {
	site, err := d.site()
	if err != nil {
		return err
	}
	f, ok := site.files[c.Param("file")]
	if !ok {
		return &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgRouteNotFound)}
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if c.Query("v") == f.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable") // a new version has a new URL
	} else {
		h.Set("Cache-Control", "no-cache") // asked for without its version: check the ETag each time
	}
	body, etag := f.Body, f.version
	if f.Gzip != nil && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		body, etag = f.Gzip, f.version+"-gzip"
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", strconv.Quote(etag))
	// ServeContent answers conditional and range requests; the files never change in a process.
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(body))
	return nil
}

// acceptsGzip tells whether an Accept-Encoding header accepts gzip (RFC 9110 12.5.3: listed by
// name or as *, without q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q, hasQ := strings.CutPrefix(strings.ReplaceAll(strings.ToLower(params), " ", ""), "q=")
		if !hasQ {
			return true
		}
		if v, err := strconv.ParseFloat(q, 64); err == nil && v > 0 {
			return true
		}
	}
	return false
}
