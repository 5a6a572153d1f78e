package hal

import "github.com/keyclic/keyclic/domain"

type Export struct {
	Resource
	State    domain.State   `json:"state"`
	Progress ExportProgress `json:"progress"`
	Size     *int64         `json:"size,omitempty"` // bytes of the archive, once DONE
	Links    Links          `json:"_links"`
}

type ExportProgress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

func RenderExport(e domain.Export) Export {
	org, id := e.OrganizationID.String(), e.ID.String()
	links := Links{
		"self":         NewLink(domain.ExportPath(e.OrganizationID, e.ID), "organization", org, "export", id),
		"organization": OrganizationLink(e.OrganizationID),
	}
	out := Export{
		Resource: NewResource("Export", id, e.CreatedAt, e.UpdatedAt),
		State:    e.State, Progress: ExportProgress{Done: e.Done, Total: e.Total}, Links: links,
	}
	if e.State == domain.ExportDone {
		links["download"] = NewLink(domain.ExportDownloadPath(e.OrganizationID, e.ID), "organization", org, "export", id)
		size := e.Size
		out.Size = &size
	}
	return out
}
