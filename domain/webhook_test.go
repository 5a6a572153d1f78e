package domain

import (
	"slices"
	"testing"
	"time"
)

func TestRotatedSecretSignsUntilTheOverlapEnds(t *testing.T) {
	until := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	w := Webhook{Secret: "whsec_new", PreviousSecret: "whsec_old", PreviousSecretUntil: &until}
	for _, c := range []struct {
		at   time.Time
		want []string
	}{
		{until.Add(-time.Second), []string{"whsec_new", "whsec_old"}},
		{until, []string{"whsec_new"}},
		{until.Add(time.Hour), []string{"whsec_new"}},
	} {
		if got := w.SigningSecrets(c.at); !slices.Equal(got, c.want) {
			t.Errorf("at %v: %v, want %v", c.at, got, c.want)
		}
	}
	if got := (Webhook{Secret: "whsec_only"}).SigningSecrets(until); !slices.Equal(got, []string{"whsec_only"}) {
		t.Errorf("never rotated: %v", got)
	}
}
