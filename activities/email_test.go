package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// fakeProvider is a mailer that really "sends" (so rows go PENDING then SENT), failing on demand.
type fakeProvider struct {
	mu    sync.Mutex
	sent  []store.Email
	fails int // the next calls that fail
}

func (m *fakeProvider) Send(_ context.Context, e store.Email) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fails > 0 {
		m.fails--
		return "", errors.New("provider unreachable")
	}
	m.sent = append(m.sent, e)
	return "msg-" + e.ID.String(), nil
}

func (*fakeProvider) Records() bool { return false }

func TestPasswordResetEmailTemplates(t *testing.T) {
	for _, tc := range []struct {
		lang              domain.Lang
		subject, greeting string
	}{
		{domain.French, "Réinitialisation de votre mot de passe Keyclic", "Bonjour"},
		{domain.English, "Reset your Keyclic password", "Hello"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			f := newFixture(t, nil)
			req := f.newRequest(f.person.ID)
			if err := f.send(req, nil, tc.lang); err != nil {
				t.Fatal(err)
			}
			e := f.emails()[0]
			if e.Subject != tc.subject || e.Language != string(tc.lang) || e.Template != "password_reset" {
				t.Errorf("subject %q, language %q, template %q", e.Subject, e.Language, e.Template)
			}
			if !strings.HasPrefix(e.TextBody, tc.greeting) || !strings.HasPrefix(e.HTMLBody, "<p>"+tc.greeting) {
				t.Errorf("bodies not in %s:\n%s\n%s", tc.lang, e.TextBody, e.HTMLBody)
			}
			// The link is in both parts, and the text says until when it works.
			link := testkit.ResetLink(t, e.TextBody)
			if !strings.Contains(e.HTMLBody, `href="`+link+`"`) {
				t.Errorf("HTML part has no link to %q:\n%s", link, e.HTMLBody)
			}
			r, err := f.st.PasswordReset(f.ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if want := r.ExpiresAt.UTC().Format("2 Jan 2006 15:04:05"); !strings.Contains(e.TextBody, want) {
				t.Errorf("text does not state the expiry %q:\n%s", want, e.TextBody)
			}
		})
	}
}

func TestEmailDeliveredOnceByProvider(t *testing.T) {
	m := &fakeProvider{}
	f := newFixture(t, m)
	req := f.newRequest(f.person.ID)
	for range 2 {
		if err := f.send(req, nil, domain.French); err != nil {
			t.Fatal(err)
		}
	}
	if len(m.sent) != 1 {
		t.Fatalf("provider got %d messages, want 1", len(m.sent))
	}
	es := f.emails()
	if len(es) != 1 || es[0].Status != store.EmailSent || es[0].ProviderID != "msg-"+es[0].ID.String() {
		t.Fatalf("emails %+v, want one SENT with the provider's id", es)
	}
}

// A provider outage fails the activity (so Temporal retries it); the retry sends a fresh link,
// and that one, the only one delivered, is the one that works.
func TestEmailRetriedAfterProviderFailure(t *testing.T) {
	m := &fakeProvider{fails: 1}
	f := newFixture(t, m)
	req := f.newRequest(f.person.ID)

	err := f.send(req, nil, domain.French)
	if err == nil {
		t.Fatal("a provider failure was swallowed")
	}
	if failure.FromTemporal(failure.ToTemporal(err)) != nil {
		t.Fatalf("provider failure %v is non-retryable", err)
	}
	if es := f.emails(); len(es) != 1 || es[0].Status != store.EmailPending {
		t.Fatalf("after the failure: %+v, want one PENDING email", es)
	}

	if err := f.send(req, nil, domain.French); err != nil {
		t.Fatal(err)
	}
	if len(m.sent) != 1 {
		t.Fatalf("provider got %d messages, want 1", len(m.sent))
	}
	es := f.emails()
	if len(es) != 1 || es[0].Status != store.EmailSent {
		t.Fatalf("after the retry: %+v, want one SENT email", es)
	}
	delivered := testkit.ResetLink(t, m.sent[0].TextBody)
	if !f.tokenValid(testkit.ResetToken(t, m.sent[0].TextBody), req) {
		t.Fatal("the delivered link's token does not open the request")
	}
	if testkit.ResetLink(t, es[0].TextBody) != delivered {
		t.Error("the stored email is not the one delivered")
	}
}

func TestSendGridMailer(t *testing.T) {
	var got struct {
		method, path, auth string
		body               map[string]any
	}
	status := http.StatusAccepted
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.auth = r.Method, r.URL.Path, r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		got.body = nil
		_ = json.Unmarshal(b, &got.body)
		w.Header().Set("X-Message-Id", "sg-123")
		w.WriteHeader(status)
	}))
	defer srv.Close()

	m := activities.SendGridMailer{APIKey: "SG.test-key", Host: srv.URL, From: "noreply@keyclic.test", FromName: "Keyclic"}
	f := newFixture(t, m)
	req := f.newRequest(f.person.ID)

	status = http.StatusInternalServerError
	if err := f.send(req, nil, domain.English); err == nil {
		t.Fatal("a SendGrid 500 was taken for a success")
	}
	status = http.StatusAccepted
	if err := f.send(req, nil, domain.English); err != nil {
		t.Fatal(err)
	}

	if got.method != http.MethodPost || got.path != "/v3/mail/send" || got.auth != "Bearer SG.test-key" {
		t.Errorf("request %s %s, Authorization %q", got.method, got.path, got.auth)
	}
	b, _ := json.Marshal(got.body)
	for _, want := range []string{f.person.Email, "noreply@keyclic.test", "Reset your Keyclic password", "text/plain", "text/html", resetURL} {
		if !strings.Contains(string(b), want) {
			t.Errorf("SendGrid payload lacks %q: %s", want, b)
		}
	}
	es := f.emails()
	if len(es) != 1 || es[0].Status != store.EmailSent || es[0].ProviderID != "sg-123" {
		t.Fatalf("emails %+v, want one SENT with SendGrid's message id", es)
	}
}
