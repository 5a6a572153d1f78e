package activities

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
	"github.com/keyclic/keyclic/store"
)

// ExportSettings configure the building and the emailing of report exports.
type ExportSettings struct {
	Dir             string // EXPORT_DIR: where archives are written; the API streams them from there
	AttachmentMax   int64  // EXPORT_ATTACHMENT_MAX: the largest archive emailed as an attachment; larger ones are linked
	DownloadBaseURL string // EXPORT_DOWNLOAD_BASE_URL: the API's public URL, base of the emailed download link
	PageSize        int    // reports read per query (keyset pagination)
}

// Defaults of the export settings.
const (
	DefaultExportDir           = "var/exports"
	DefaultExportAttachmentMax = 10 << 20
	DefaultExportPageSize      = 1000
)

// exportSettings are the configured export settings, zero fields taking the defaults.
func (a *Activities) exportSettings() ExportSettings {
	s := a.Exports
	if s.Dir == "" {
		s.Dir = DefaultExportDir
	}
	if s.AttachmentMax == 0 {
		s.AttachmentMax = DefaultExportAttachmentMax
	}
	if s.PageSize <= 0 {
		s.PageSize = DefaultExportPageSize
	}
	return s
}

func (a *Activities) exportNow() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// ExportProgress is the heartbeat of a running build: reports written, reports to write.
type ExportProgress struct {
	Done, Total int
}

// BuildExportInput names the export to build.
type BuildExportInput struct{ ExportID uuid.UUID }

// BuildExportResult describes the finished archive.
type BuildExportResult struct {
	Reports int
	Size    int64
}

// Names inside the archive.
const (
	exportWorkbookName = "reports.xlsx"
	exportSheetName    = "Reports"
)

// exportColumns are the workbook's header row.
var exportColumns = []any{"id", "identificationNumber", "createdAt", "updatedAt", "state", "category", "place", "description", "reporter", "operations"}

// BuildExport writes the export's archive: one zip holding reports.xlsx (one row per report,
// written with excelize's streaming writer) and images/<report id>/<image id>.<ext> for each
// image of the reports' feedbacks. Reports (those created up to the request) are read page by
// page (keyset), images one at a time, so memory does not grow with the export. Progress goes to the exports
// row and to Temporal heartbeats. A retried attempt starts the file over; a DONE export is
// never rebuilt.
func (a *Activities) BuildExport(ctx context.Context, in BuildExportInput) (BuildExportResult, error) {
	cfg := a.exportSettings()
	e, err := a.Store.ExportByID(ctx, in.ExportID)
	if err != nil {
		return BuildExportResult{}, failure.ToTemporal(err)
	}
	if e.State == domain.ExportDone {
		return BuildExportResult{Reports: e.Total, Size: e.Size}, nil
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return BuildExportResult{}, err
	}
	// Parts left by earlier attempts that died are of no use: this attempt starts over.
	if old, err := filepath.Glob(filepath.Join(cfg.Dir, e.ID.String()+"-*.part")); err == nil {
		for _, p := range old {
			_ = os.Remove(p)
		}
	}
	tmp, err := os.CreateTemp(cfg.Dir, e.ID.String()+"-*.part")
	if err != nil {
		return BuildExportResult{}, err
	}
	kept := false
	defer func() {
		if !kept {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()

	reader := a.Store.ExportReader(e)
	total, err := reader.Count(ctx)
	if err != nil {
		return BuildExportResult{}, err
	}
	started, err := a.Store.StartExport(ctx, e.ID, total, a.exportNow())
	if err != nil {
		return BuildExportResult{}, err
	}
	if !started { // finished meanwhile by another attempt
		e, err = a.Store.ExportByID(ctx, in.ExportID)
		return BuildExportResult{Reports: e.Total, Size: e.Size}, err
	}
	b := &exportBuild{ctx: ctx, reader: reader, cfg: cfg, progress: ExportProgress{Total: total},
		record: func(done int) error { return a.Store.ExportProgress(ctx, e.ID, done, a.exportNow()) }}
	b.beat()
	written, err := b.write(tmp)
	if err != nil {
		return BuildExportResult{}, err
	}
	if err := tmp.Sync(); err != nil {
		return BuildExportResult{}, err
	}
	if err := tmp.Close(); err != nil {
		return BuildExportResult{}, err
	}
	fi, err := os.Stat(tmp.Name())
	if err != nil {
		return BuildExportResult{}, err
	}
	final := filepath.Join(cfg.Dir, e.ID.String()+".zip")
	if err := os.Rename(tmp.Name(), final); err != nil {
		return BuildExportResult{}, err
	}
	kept = true
	if err := a.Store.FinishExport(ctx, e.ID, written, final, fi.Size(), a.exportNow()); err != nil {
		return BuildExportResult{}, err
	}
	return BuildExportResult{Reports: written, Size: fi.Size()}, nil
}

// exportBuild is one attempt at writing an export's archive.
type exportBuild struct {
	ctx      context.Context
	reader   *store.ExportReader
	cfg      ExportSettings
	progress ExportProgress
	record   func(done int) error // persists the progress, after each page
}

// beat tells Temporal the build is alive and how far it is; outside an activity (the export
// benchmark command) it does nothing. The SDK throttles the heartbeats it sends.
func (b *exportBuild) beat() {
	if activity.IsActivity(b.ctx) {
		activity.RecordHeartbeat(b.ctx, b.progress)
	}
}

// write writes the zip to w and returns the number of reports written.
func (b *exportBuild) write(w io.Writer) (int, error) {
	ctx, reader, cfg := b.ctx, b.reader, b.cfg
	bw := bufio.NewWriterSize(w, 256<<10)
	zw := zip.NewWriter(bw)
	x := excelize.NewFile(excelize.Options{TmpDir: cfg.Dir})
	defer x.Close()
	if err := x.SetSheetName("Sheet1", exportSheetName); err != nil {
		return 0, err
	}
	sw, err := x.NewStreamWriter(exportSheetName)
	if err != nil {
		return 0, err
	}
	dateFmt := "yyyy-mm-dd hh:mm:ss"
	dateStyle, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return 0, err
	}
	for col, width := range map[int]float64{1: 38, 2: 20, 3: 20, 4: 20, 5: 12, 6: 20, 7: 20, 8: 60, 9: 30, 10: 12} {
		if err := sw.SetColWidth(col, col, width); err != nil {
			return 0, err
		}
	}
	if err := sw.SetRow("A1", exportColumns); err != nil {
		return 0, err
	}

	done := 0
	var cursor *store.ExportCursor
	for {
		page, err := reader.Page(ctx, cursor, cfg.PageSize)
		if err != nil {
			return done, err
		}
		for _, r := range page {
			cell, err := excelize.CoordinatesToCellName(1, done+2)
			if err != nil {
				return done, err
			}
			if err := sw.SetRow(cell, []any{
				r.ID.String(), r.IdentificationNumber,
				// Whole seconds (UTC), as the cells show them: a fraction could round up on display.
				excelize.Cell{StyleID: dateStyle, Value: r.CreatedAt.UTC().Truncate(time.Second)},
				excelize.Cell{StyleID: dateStyle, Value: r.UpdatedAt.UTC().Truncate(time.Second)},
				r.State, r.Category, r.Place, r.Description, r.Reporter, r.Operations,
			}); err != nil {
				return done, err
			}
			for _, img := range r.Images {
				if err := b.writeImage(zw, r, img); err != nil {
					return done, err
				}
			}
			done++
		}
		if len(page) > 0 {
			b.progress.Done = done
			b.beat()
			if err := b.record(done); err != nil {
				return done, err
			}
			last := page[len(page)-1]
			cursor = &store.ExportCursor{CreatedAt: last.CreatedAt, ID: last.ID}
		}
		if len(page) < cfg.PageSize {
			break
		}
	}
	if err := sw.Flush(); err != nil {
		return done, err
	}
	// The workbook goes last, once every row is in excelize's stream (a temporary file past
	// 16 MiB). excelize's Write buffers the whole workbook in memory unless given a zip writer:
	// this one writes straight into the archive's entry.
	entry, err := zw.CreateHeader(&zip.FileHeader{Name: exportWorkbookName, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return done, err
	}
	hw := &heartbeatWriter{b: b, w: entry}
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(hw) })
	if err := x.Write(io.Discard); err != nil {
		return done, err
	}
	if err := zw.Close(); err != nil {
		return done, err
	}
	return done, bw.Flush()
}

// writeExportImage adds one image to the archive. Images are already compressed (PNG, JPEG):
// they are stored as they are, with their size and checksum in the entry's header.
func (b *exportBuild) writeImage(zw *zip.Writer, r store.ExportRow, id uuid.UUID) error {
	contentType, data, err := b.reader.Image(b.ctx, id)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:   "images/" + r.ID.String() + "/" + id.String() + imageExtension(contentType),
		Method: zip.Store, Modified: r.CreatedAt.UTC(),
		CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data)),
	})
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	b.beat()
	return nil
}

func imageExtension(contentType string) string {
	switch strings.ToLower(contentType) {
	case "image/png":
		return ".png"
	case "image/jpeg", "image/jpg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ".bin"
}

// heartbeatWriter heartbeats while excelize copies the workbook into the archive.
type heartbeatWriter struct {
	b *exportBuild
	w io.Writer
	n int
}

func (h *heartbeatWriter) Write(p []byte) (int, error) {
	if err := h.b.ctx.Err(); err != nil {
		return 0, err
	}
	if h.n++; h.n%256 == 0 {
		h.b.beat()
	}
	return h.w.Write(p)
}

// FailExportInput ends an export whose every build attempt failed.
type FailExportInput struct {
	ExportID uuid.UUID
	Reason   string
}

// FailExport marks the export FAILED (a DONE export stays DONE).
func (a *Activities) FailExport(ctx context.Context, in FailExportInput) error {
	return a.Store.FailExport(ctx, in.ExportID, in.Reason, a.exportNow())
}

// ExpireExportInput names an export whose retention period is over.
type ExpireExportInput struct{ ExportID uuid.UUID }

// ExpireExport deletes the archive and marks the export EXPIRED; a retry finds it gone.
func (a *Activities) ExpireExport(ctx context.Context, in ExpireExportInput) error {
	e, err := a.Store.ExportByID(ctx, in.ExportID)
	if err != nil {
		return failure.ToTemporal(err)
	}
	if e.State != domain.ExportDone {
		return nil
	}
	if err := os.Remove(e.FilePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return a.Store.ExpireExport(ctx, e.ID, a.exportNow())
}

// SendExportEmailInput names the export whose requester is told.
type SendExportEmailInput struct{ ExportID uuid.UUID }

// SendExportEmail tells the requester the export is ready, once (key export/<id>): the archive
// is attached when it is at most AttachmentMax bytes, else the email links to its download. A
// FAILED export gets the failure email under the same key.
func (a *Activities) SendExportEmail(ctx context.Context, in SendExportEmailInput) error {
	cfg := a.exportSettings()
	e, err := a.Store.ExportByID(ctx, in.ExportID)
	if err != nil {
		return failure.ToTemporal(err)
	}
	person, err := a.Store.Person(ctx, e.RequesterID)
	if err != nil {
		return failure.ToTemporal(err)
	}
	org, err := a.Store.OrganizationByID(ctx, e.OrganizationID)
	if err != nil {
		return failure.ToTemporal(err)
	}
	key := "export/" + e.ID.String()
	// A signed link works from a mail client; without a signer, the API's authenticated path.
	link := domain.ExportDownloadPath(e.OrganizationID, e.ID)
	if a.Links != nil {
		if link, err = a.Links.ExportDownloadLink(ctx, e.ID); err != nil {
			return err
		}
	}
	data := map[string]any{
		"Organization": org.Name,
		"Reports":      e.Total,
		"Size":         exportSize(e.Size, e.Language),
		"FileName":     e.FileName(),
		"Link":         strings.TrimSuffix(cfg.DownloadBaseURL, "/") + link,
		"Attached":     false,
	}
	switch e.State {
	case domain.ExportDone:
		if e.Size <= cfg.AttachmentMax {
			data["Attached"] = true
			return a.deliverEmail(ctx, key, person.Email, e.Language, "export_ready", data, withAttachments(store.Attachment{
				Name: e.FileName(), ContentType: "application/zip", Size: e.Size, Path: e.FilePath,
			}))
		}
		return a.deliverEmail(ctx, key, person.Email, e.Language, "export_ready", data)
	case domain.ExportFailed:
		return a.deliverEmail(ctx, key, person.Email, e.Language, "export_failed", data)
	}
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf("export %s is %s: nothing to send", e.ID, e.State), "ExportNotFinished", nil)
}

// exportSize writes a byte count the way people read it (1.5 Mo / 1.5 MB).
func exportSize(n int64, lang domain.Lang) string {
	units := []string{"B", "KB", "MB", "GB"}
	if lang == domain.French {
		units = []string{"o", "Ko", "Mo", "Go"}
	}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d %s", n, units[0])
	}
	s := fmt.Sprintf("%.1f %s", v, units[i])
	if lang == domain.French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
