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
	"github.com/keyclic/keyclic/store"
)

// Emailed download links carry their own signed token (audience AudienceExportDownload), since a
// link clicked in a mail client sends no Authorization header. The token names one export and
// opens nothing else; it is not an access token.
const downloadLinkTTL = 7 * 24 * time.Hour // when archives are kept for ever

func (s *Server) downloadRoutes(r *gin.Engine) {
	r.GET("/exports/:export/download", s.handle(s.downloadSignedExport)) // links emailed before the next one existed
	r.GET("/organizations/:organization/exports/:token", s.handle(s.downloadExportByToken))
}

// ExportDownloadLink is the path of a signed link to an export's archive (used in emails): the
// Swagger file's GET /organizations/{organization}/exports/{token}.
func (s *Server) ExportDownloadLink(ctx context.Context, exportID uuid.UUID) (string, error) {
	return ExportLinks{Tokens: s.tokens, Store: s.store, Retention: s.settings.ExportRetention}.ExportDownloadLink(ctx, exportID)
}

// ExportLinks signs the download links export emails carry; the worker uses it without an API.
type ExportLinks struct {
	Tokens    *Tokens
	Store     *store.Store
	Retention time.Duration // archives' retention (0: kept), and so the links' lifetime
}

// ExportDownloadLink is the path of a signed link to an export's archive.
func (l ExportLinks) ExportDownloadLink(ctx context.Context, exportID uuid.UUID) (string, error) {
	e, err := l.Store.ExportByID(ctx, exportID)
	if err != nil {
		return "", err
	}
	ttl := downloadLinkTTL
	if l.Retention > 0 {
		ttl = l.Retention // the link lives as long as the archive
	}
	signed, _, err := l.Tokens.IssueFor(AudienceExportDownload, exportID.String(), ttl)
	return ExportTokenPath(e.OrganizationID, signed), err
}

// ExportTokenPath is the path at which a download token opens its export's archive.
func ExportTokenPath(orgID uuid.UUID, token string) string {
	return "/organizations/" + orgID.String() + "/exports/" + token
}

// downloadExportByToken serves an archive to whoever holds its token, under the path of the
// export's own organization only (another organization's path is a 404, like an unknown
// export). No bearer token is needed, nor an application key, since a mail client sends none;
// an application key that is sent must be the organization's application.
func (s *Server) downloadExportByToken(c *gin.Context) error {
	orgID, err := pathID(c, "organization")
	if err != nil {
		return err
	}
	sub, err := s.tokens.VerifyFor(c.Param("token"), AudienceExportDownload)
	if err != nil {
		return err
	}
	id, ok := domain.ParseUUID(sub)
	if !ok {
		return domain.Unauthorized(domain.MsgTokenInvalid)
	}
	if key := strings.TrimSpace(c.GetHeader("X-Keyclic-App")); key != "" {
		app, err := s.apps.get(c, s, key)
		if domain.IsKind(err, domain.KindNotFound) {
			err = domain.Invalid("X-Keyclic-App", domain.MsgAppKeyUnknown)
		}
		if err == nil {
			_, err = s.store.Organization(c, app.ID, orgID)
		}
		if err != nil {
			return err
		}
	}
	e, err := s.store.Export(c, orgID, id)
	if err != nil {
		return err
	}
	s.serveExport(c, e)
	return nil
}

// downloadSignedExport serves an archive to whoever holds its link's token.
func (s *Server) downloadSignedExport(c *gin.Context) error {
	id, err := pathID(c, "export")
	if err != nil {
		return err
	}
	sub, err := s.tokens.VerifyFor(c.Query("token"), AudienceExportDownload)
	if err != nil {
		return err
	}
	if !strings.EqualFold(sub, id.String()) {
		return domain.Unauthorized(domain.MsgTokenInvalid)
	}
	e, err := s.store.ExportByID(c, id)
	if err != nil {
		return err
	}
	s.serveExport(c, e)
	return nil
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
