package activities_test

import (
	"sync"
	"testing"

	"github.com/keyclic/keyclic/activities"
)

// recordingCounters keeps what the activities counted.
type recordingCounters struct {
	mu    sync.Mutex
	sends map[[2]string]int // channel, outcome
}

func (c *recordingCounters) WebhookAttempt(string, string) {}

func (c *recordingCounters) NotificationSent(channel, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sends[[2]string{channel, outcome}]++
}

// A notification is counted once per channel and recipient, however often its activity is
// retried; a failed push is counted as failed, then as sent when the retry reaches the device.
func TestNotifyCountsEachSendOnce(t *testing.T) {
	f := newNotifyFixture(t)
	counters := &recordingCounters{sends: map[[2]string]int{}}
	f.acts.Counters = counters
	f.push.failOnce[f.devices[f.reporter.ID][1].ID] = true
	n := f.comment()
	if err := f.acts.Notify(f.ctx, activities.NotifyInput{Notice: n}); err == nil {
		t.Fatal("a failed push did not fail the attempt")
	}
	for i := 0; i < 2; i++ {
		if err := f.acts.Notify(f.ctx, activities.NotifyInput{Notice: n}); err != nil {
			t.Fatalf("retry %d: %v", i+1, err)
		}
	}
	// The reporter and the supporter: one wall entry each; pushes to the reporter's two devices
	// and the supporter's one, the reporter's second after one failure. No email for a comment.
	want := map[[2]string]int{
		{activities.ChannelWall, "sent"}: 2,
		{activities.ChannelPush, "sent"}: 3, {activities.ChannelPush, "failed"}: 1,
	}
	counters.mu.Lock()
	defer counters.mu.Unlock()
	if len(counters.sends) != len(want) {
		t.Errorf("counted %v, want %v", counters.sends, want)
	}
	for k, v := range want {
		if counters.sends[k] != v {
			t.Errorf("%s %s: counted %d, want %d", k[0], k[1], counters.sends[k], v)
		}
	}
}
