package config

import (
	"os"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// Every setting has a working default: a missing variable must never leave a zero value that
// disables a feature (a zero webhook timeout, an empty retry schedule…).
func TestDefaults(t *testing.T) {
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]time.Duration{
		"JWT_TTL": c.JWTTTL, "PASSWORD_RESET_TTL": c.PasswordResetTTL,
		"OPERATION_DEFAULT_DELAY": c.OperationDefaultDelay, "OPERATION_REMINDER_INTERVAL": c.OperationReminderInterval,
		"WEBHOOK_TIMEOUT": c.WebhookTimeout, "WEBHOOK_RETRY_AFTER_CAP": c.WebhookRetryAfterCap, "WEBHOOK_DISABLE_AFTER": c.WebhookDisableAfter,
		"LOGIN_FAILURE_WINDOW": c.LoginFailureWindow, "PASSWORD_RESET_THROTTLE": c.PasswordResetThrottle,
		"REVIEW_REQUEST_TTL": c.ReviewRequestTTL, "OPEN311_POST_WAIT": c.Open311PostWait,
		"IDEMPOTENCY_KEY_RETENTION": c.IdempotencyKeyRetention,
	} {
		if d <= 0 {
			t.Errorf("%s defaults to %v", name, d)
		}
	}
	var total time.Duration
	for _, d := range c.WebhookSchedule {
		total += d
	}
	if total < 72*time.Hour {
		t.Errorf("webhook retries stop after %v: consumers are promised at least 3 days", total)
	}
	if c.ImageMaxPixels <= 0 || c.ImageMaxSide <= 0 || c.ImageDecodeMemory <= 0 {
		t.Errorf("image limits default to %d pixels, %d a side, %d bytes of decodes", c.ImageMaxPixels, c.ImageMaxSide, c.ImageDecodeMemory)
	}
	if c.FaultPauseBeforeAnswer != 0 {
		t.Errorf("FAULT_PAUSE_BEFORE_ANSWER defaults to %v: requests must never wait unless a fault test asks", c.FaultPauseBeforeAnswer)
	}
	if c.WebhookAllowInternal {
		t.Error("internal webhook targets must be refused unless configured")
	}
}

func TestMalformedValuesAreErrors(t *testing.T) {
	for name, v := range map[string]string{
		"JWT_TTL": "forever", "WEBHOOK_RETRY_SCHEDULE": "5s,,1h", "WEBHOOK_ALLOW_INTERNAL": "perhaps", "BCRYPT_COST": "high",
		"IMAGE_MAX_PIXELS": "0", "IMAGE_MAX_SIDE": "-1", "IMAGE_DECODE_MEMORY": "256MB", "TEMPORAL_ENGINE": "docker",
		"WEBHOOK_RETRY_JITTER": "95",
	} {
		t.Setenv(name, v)
		if _, err := FromEnv(); err == nil {
			t.Errorf("%s=%q should be refused", name, v)
		}
		t.Setenv(name, "")
	}
}

// Each engine has its own default address, so a dev server and a server can run side by side;
// TEMPORAL_ADDRESS still wins.
func TestTemporalAddressFollowsTheEngine(t *testing.T) {
	for engine, want := range map[string]string{"": "127.0.0.1:7233", "dev": "127.0.0.1:7233", "server": "127.0.0.1:7333"} {
		t.Setenv("TEMPORAL_ENGINE", engine)
		t.Setenv("TEMPORAL_ADDRESS", "")
		c, err := FromEnv()
		if err != nil || c.TemporalAddress != want {
			t.Errorf("TEMPORAL_ENGINE=%q: address %q (%v), want %q", engine, c.TemporalAddress, err, want)
		}
		t.Setenv("TEMPORAL_ADDRESS", "temporal.internal:7233")
		if c, _ := FromEnv(); c.TemporalAddress != "temporal.internal:7233" {
			t.Errorf("TEMPORAL_ENGINE=%q ignores TEMPORAL_ADDRESS: %q", engine, c.TemporalAddress)
		}
	}
}

// Every variable the Config documents is read: setting it changes the configuration.
func TestEveryVariableIsRead(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	documented := regexp.MustCompile(`// ([A-Z][A-Z_]+[A-Z]):`).FindAllSubmatch(src, -1)
	if len(documented) < 20 {
		t.Fatalf("found %d documented variables: the test no longer reads config.go right", len(documented))
	}
	base, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	samples := []string{"17", "2h", "true", "false", "x", "5s,6s", "server"}
	for _, m := range documented {
		name := string(m[1])
		changed := false
		for _, v := range samples {
			t.Setenv(name, v)
			c, err := FromEnv()
			if err == nil && !reflect.DeepEqual(c, base) {
				changed = true
				break
			}
		}
		t.Setenv(name, "")
		if !changed {
			t.Errorf("%s is documented but setting it changes nothing", name)
		}
	}
}
