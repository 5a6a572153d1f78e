package domain

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDurationReadsAsText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		72 * time.Hour: `"72h"`, 90 * time.Minute: `"1h30m"`, 5 * time.Minute: `"5m"`, 0: `"0s"`,
		2500 * time.Millisecond: `"2.5s"`, 500 * time.Millisecond: `"500ms"`, time.Hour + time.Second: `"1h0m1s"`,
	} {
		b, err := json.Marshal(Duration(d))
		if err != nil || string(b) != want {
			t.Errorf("%v: %s, %v; want %s", d, b, err, want)
		}
		var back Duration
		if err := json.Unmarshal(b, &back); err != nil || back.Std() != d {
			t.Errorf("%s read back as %v, %v", b, back.Std(), err)
		}
	}
}

// Histories recorded before durations were text hold nanoseconds: they must replay.
func TestDurationReadsRecordedNanoseconds(t *testing.T) {
	var in struct{ TTL Duration }
	if err := json.Unmarshal([]byte(`{"TTL":259200000000000}`), &in); err != nil || in.TTL.Std() != 72*time.Hour {
		t.Fatalf("got %v, %v", in.TTL.Std(), err)
	}
}

func TestDurationRefusesWhatIsNotOne(t *testing.T) {
	for _, b := range []string{`"soon"`, `true`, `"72"`, `1.5`} {
		var d Duration
		if err := json.Unmarshal([]byte(b), &d); err == nil {
			t.Errorf("%s read as %v", b, d.Std())
		}
	}
}
