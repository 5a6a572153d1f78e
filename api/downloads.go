package api

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// Emailed download links carry their own signed token (audience AudienceExportDownload), since a
// link clicked in a mail client sends no Authorization header. The token names one export and
// opens nothing else; it is not an access token.
const downloadLinkTTL = 7 * 24 * time.Hour // when archives are kept for ever

func (s *Server) downloadRoutes(r *gin.Engine) {
	r.GET("/exports/:export/download", s.downloadSignedExport)
}

// ExportDownloadLink is the path of a signed link to an export's archive (used in emails).
func (s *Server) ExportDownloadLink(_ context.Context, exportID uuid.UUID) (string, error) {
	ttl := downloadLinkTTL
	if s.settings.ExportRetention > 0 {
		ttl = s.settings.ExportRetention // the link lives as long as the archive
	}
	signed, _, err := s.tokens.IssueFor(AudienceExportDownload, exportID.String(), ttl)
	return "/exports/" + exportID.String() + "/download?token=" + signed, err
}

// downloadSignedExport serves an archive to whoever holds its link's token.
func (s *Server) downloadSignedExport(c *gin.Context) {
	id, err := pathID(c, "export")
	if err != nil {
		s.fail(c, err)
		return
	}
	sub, err := s.tokens.VerifyFor(c.Query("token"), AudienceExportDownload)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !strings.EqualFold(sub, id.String()) {
		s.fail(c, domain.Unauthorized(domain.MsgTokenInvalid))
		return
	}
	e, err := s.store.ExportByID(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.serveExport(c, e)
}

// serveExport streams a finished export's archive (ranges supported, for resumed downloads).
func (s *Server) serveExport(c *gin.Context, e domain.Export) {
	if e.State == domain.ExportExpired {
		s.fail(c, domain.Gone(domain.MsgExportFileGone))
		return
	}
	if e.State != domain.ExportDone {
		s.fail(c, domain.Conflict(domain.MsgExportNotReady, string(e.State)))
		return
	}
	f, err := os.Open(e.FilePath)
	if errors.Is(err, fs.ErrNotExist) {
		s.fail(c, domain.Gone(domain.MsgExportFileGone))
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", `attachment; filename="`+e.FileName()+`"`)
	http.ServeContent(s.progressWriter(c), c.Request, e.FileName(), fi.ModTime(), f)
}

// progressWriter lets a large download outlast the server's write timeout for as long as the
// client keeps reading: each write gets the whole timeout again, so only a stalled client is cut.
func (s *Server) progressWriter(c *gin.Context) http.ResponseWriter {
	if s.settings.HTTP.Write <= 0 {
		return c.Writer
	}
	return &deadlineWriter{ResponseWriter: c.Writer, rc: http.NewResponseController(c.Writer), each: s.settings.HTTP.Write}
}

type deadlineWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	each time.Duration
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.each))
	return w.ResponseWriter.Write(b)
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
