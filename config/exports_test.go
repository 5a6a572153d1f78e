package config

import (
	"path/filepath"
	"testing"
)

func TestExportSettings(t *testing.T) {
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.ExportAttachmentMax != 10<<20 || c.ExportDirectory() != filepath.Join("var", "exports") || c.ExportDownloadBaseURL == "" {
		t.Fatalf("defaults: attachments up to %d bytes, directory %q, link base %q", c.ExportAttachmentMax, c.ExportDirectory(), c.ExportDownloadBaseURL)
	}
	c.DataDir = "/srv/keyclic"
	if got := c.ExportDirectory(); got != "/srv/keyclic/exports" {
		t.Fatalf("export directory follows the data directory: %q", got)
	}

	t.Setenv("EXPORT_DIR", "/mnt/shared/exports")
	t.Setenv("EXPORT_ATTACHMENT_MAX", "1048576")
	if c, err = FromEnv(); err != nil {
		t.Fatal(err)
	}
	if c.ExportDirectory() != "/mnt/shared/exports" || c.ExportAttachmentMax != 1<<20 {
		t.Fatalf("configured: %q, %d", c.ExportDirectory(), c.ExportAttachmentMax)
	}
	for _, v := range []string{"10MB", "-1"} {
		t.Setenv("EXPORT_ATTACHMENT_MAX", v)
		if _, err := FromEnv(); err == nil {
			t.Errorf("EXPORT_ATTACHMENT_MAX=%q should be refused", v)
		}
	}
}
