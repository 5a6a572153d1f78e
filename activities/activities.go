// Package activities holds the Temporal activities: the only code workflows run that touches
// the outside world (Postgres, email, HTTP). Each is idempotent: a retry never applies twice.
package activities

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/keyclic/keyclic/store"
)

// Settings are the activity-side parts of the configuration.
type Settings struct {
	PasswordResetURL string // fallback when the application has none
}

// Activities holds the dependencies every activity method uses. Workflows reference the methods
// through a nil *Activities, so names and types are checked at compile time.
type Activities struct {
	Store    *store.Store
	Mailer   Mailer
	Push     PushSender
	Settings Settings
	Log      *slog.Logger
	Now      func() time.Time

	Exports       ExportSettings
	Renderer      Renderer
	Links         LinkSigner
	Webhooks      WebhookSettings
	WebhookClient *http.Client

	Reviews ReviewSettings

	// Counters count webhook attempts and notification sends (nil: nothing is counted).
	Counters Counters
}
