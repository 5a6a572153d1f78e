package domain

import (
	"time"

	"github.com/google/uuid"
)

// Export states: PENDING until the worker picks it up, RUNNING while the archive is built,
// DONE once it can be downloaded, FAILED when every attempt failed, EXPIRED once the archive
// was deleted after its retention period.
const (
	ExportPending State = "PENDING"
	ExportRunning State = "RUNNING"
	ExportDone    State = "DONE"
	ExportFailed  State = "FAILED"
	ExportExpired State = "EXPIRED"
)

// ExportFilters are the report list's filters an export was asked with; page and limit are not
// among them: an export covers every matching report.
type ExportFilters struct {
	States   []State    `json:"state,omitempty"`
	Place    *uuid.UUID `json:"place,omitempty"`
	Category *uuid.UUID `json:"category,omitempty"`
	After    *time.Time `json:"after,omitempty"`
	Before   *time.Time `json:"before,omitempty"`
	Desc     bool       `json:"desc"` // newest first, as the list's default order
}

// Export is one request for an archive of an organization's reports (an Excel workbook plus
// the reports' images), built in the background and emailed to its requester.
type Export struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	RequesterID    uuid.UUID
	Language       Lang // of the email
	Filters        ExportFilters
	State          State
	Done, Total    int // reports written so far, reports to write
	FilePath       string
	Size           int64
	Error          string // why it failed; for operators, never shown to clients
	CreatedAt      time.Time
	UpdatedAt      time.Time
	FinishedAt     *time.Time
}

// ExportPath is the API path of an export.
func ExportPath(orgID, id uuid.UUID) string {
	return "/organizations/" + orgID.String() + "/reports/exports/" + id.String()
}

// ExportDownloadPath is the API path that streams a finished export's archive.
func ExportDownloadPath(orgID, id uuid.UUID) string { return ExportPath(orgID, id) + "/download" }

// FileName is the name the archive is offered under (download and email attachment).
func (e Export) FileName() string {
	return "keyclic-export-" + e.CreatedAt.UTC().Format("2006-01-02") + "-" + e.ID.String()[:8] + ".zip"
}
