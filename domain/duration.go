package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Duration is a time.Duration that workflow inputs and activity results carry as text ("72h",
// "1h30m", "500ms"), so that an operator reading a payload in the Temporal UI reads a duration,
// not a count of nanoseconds. It still reads the plain numbers (nanoseconds) that histories
// recorded before it hold, so those replay unchanged.
type Duration time.Duration

// Std is the duration as the time package uses it.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String writes the duration without its zero minutes and seconds: "72h", "1h30m", "5m", "2.5s".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads text ("72h") or, as recorded histories hold it, a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("duration: %w", err)
		}
		*d = Duration(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// Durations converts configured durations for a payload.
func Durations(ds []time.Duration) []Duration {
	if ds == nil {
		return nil
	}
	out := make([]Duration, len(ds))
	for i, d := range ds {
		out[i] = Duration(d)
	}
	return out
}
