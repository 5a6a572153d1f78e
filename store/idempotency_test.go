package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

const (
	lease     = 10 * time.Second
	retention = 24 * time.Hour
)

func TestIdempotencyKeyLifecycle(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	k := store.IdempotencyKey{Scope: "person:" + uuid.NewString(), Key: "k-1", Fingerprint: []byte("request A")}

	first := uuid.New()
	c, err := st.ClaimIdempotencyKey(ctx, k, first, lease, retention)
	if err != nil || c.Outcome != store.ClaimRun || c.Resumed || c.Seed == uuid.Nil {
		t.Fatalf("new key: %+v, %v", c, err)
	}
	seed := c.Seed

	// While it runs: the same request waits, another one is refused.
	if c, err := st.ClaimIdempotencyKey(ctx, k, uuid.New(), lease, retention); err != nil || c.Outcome != store.ClaimBusy ||
		c.RetryAfter <= 0 || c.RetryAfter > lease {
		t.Fatalf("running key: %+v, %v", c, err)
	}
	other := k
	other.Fingerprint = []byte("request B")
	if c, err := st.ClaimIdempotencyKey(ctx, other, uuid.New(), lease, retention); err != nil || c.Outcome != store.ClaimMismatch {
		t.Fatalf("running key, another request: %+v, %v", c, err)
	}
	// Another caller's key of the same name is its own.
	mine := k
	mine.Scope = "anonymous"
	if c, err := st.ClaimIdempotencyKey(ctx, mine, uuid.New(), lease, retention); err != nil || c.Outcome != store.ClaimRun || c.Seed == seed {
		t.Fatalf("another caller's key: %+v, %v", c, err)
	}

	// Only the attempt holding the key records its answer.
	answer := store.RecordedAnswer{Status: 201, Header: map[string]string{"Content-Type": "application/hal+json"}, Body: []byte(`{"id":"x"}`)}
	if ok, err := st.RecordIdempotentAnswer(ctx, k.Scope, k.Key, uuid.New(), answer); err != nil || ok {
		t.Fatalf("an attempt not holding the key recorded its answer: %v %v", ok, err)
	}
	if ok, err := st.RecordIdempotentAnswer(ctx, k.Scope, k.Key, first, answer); err != nil || !ok {
		t.Fatalf("record: %v %v", ok, err)
	}
	c, err = st.ClaimIdempotencyKey(ctx, k, uuid.New(), lease, retention)
	if err != nil || c.Outcome != store.ClaimReplay || c.Answer.Status != 201 || string(c.Answer.Body) != `{"id":"x"}` ||
		c.Answer.Header["Content-Type"] != "application/hal+json" {
		t.Fatalf("done key: %+v, %v", c, err)
	}
	if c, err := st.ClaimIdempotencyKey(ctx, other, uuid.New(), lease, retention); err != nil || c.Outcome != store.ClaimMismatch {
		t.Fatalf("done key, another request: %+v, %v", c, err)
	}

	// Past the retention period the key is new again, with a new seed.
	if _, err := st.Pool.Exec(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, k.Key); err != nil {
		t.Fatal(err)
	}
	c, err = st.ClaimIdempotencyKey(ctx, other, uuid.New(), lease, retention)
	if err != nil || c.Outcome != store.ClaimRun || c.Resumed || c.Seed == seed {
		t.Fatalf("expired key: %+v, %v", c, err)
	}
}

// An attempt that stops renewing its lease (its process died) leaves the key to the next
// request, which runs with the same seed; one that gives the key back (a 503) too, at once.
func TestIdempotencyKeyResumedWithItsSeed(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	k := store.IdempotencyKey{Scope: "anonymous", Key: uuid.NewString(), Fingerprint: []byte("request")}
	dead := uuid.New()
	c, err := st.ClaimIdempotencyKey(ctx, k, dead, time.Second, retention)
	if err != nil {
		t.Fatal(err)
	}
	seed := c.Seed
	time.Sleep(1100 * time.Millisecond)
	next := uuid.New()
	c, err = st.ClaimIdempotencyKey(ctx, k, next, lease, retention)
	if err != nil || c.Outcome != store.ClaimRun || !c.Resumed || c.Seed != seed {
		t.Fatalf("key of a dead attempt: %+v, %v", c, err)
	}
	// The dead attempt, should it come back, holds nothing any more.
	if ok, err := st.RenewIdempotencyLease(ctx, k.Scope, k.Key, dead, lease); err != nil || ok {
		t.Fatalf("the dead attempt renewed its lease: %v %v", ok, err)
	}
	if ok, err := st.RenewIdempotencyLease(ctx, k.Scope, k.Key, next, lease); err != nil || !ok {
		t.Fatalf("renew: %v %v", ok, err)
	}
	if err := st.ReleaseIdempotencyKey(ctx, k.Scope, k.Key, next); err != nil {
		t.Fatal(err)
	}
	c, err = st.ClaimIdempotencyKey(ctx, k, uuid.New(), lease, retention)
	if err != nil || c.Outcome != store.ClaimRun || !c.Resumed || c.Seed != seed {
		t.Fatalf("released key: %+v, %v", c, err)
	}
}

// Of many requests with one key arriving at once, on any number of API instances, one runs.
func TestIdempotencyKeyClaimedOnce(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	k := store.IdempotencyKey{Scope: "anonymous", Key: uuid.NewString(), Fingerprint: []byte("request")}
	var mu sync.Mutex
	outcomes := map[store.ClaimOutcome]int{}
	together(t, st, 20, func(int) {
		c, err := st.ClaimIdempotencyKey(ctx, k, uuid.New(), lease, retention)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Error(err)
			return
		}
		outcomes[c.Outcome]++
	})
	if outcomes[store.ClaimRun] != 1 || outcomes[store.ClaimBusy] != 19 {
		t.Fatalf("outcomes %v, want one run and 19 busy", outcomes)
	}
}

func TestExpiredIdempotencyKeysAreDeleted(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	for i := range 3 {
		k := store.IdempotencyKey{Scope: "anonymous", Key: uuid.NewString(), Fingerprint: []byte{byte(i)}}
		if _, err := st.ClaimIdempotencyKey(ctx, k, uuid.New(), lease, retention); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '2 days'
		WHERE key IN (SELECT key FROM idempotency_keys LIMIT 2)`); err != nil {
		t.Fatal(err)
	}
	n, err := st.DeleteExpiredIdempotencyKeys(ctx, retention, 1000)
	var left int
	if err == nil {
		err = st.Pool.QueryRow(ctx, `SELECT count(*) FROM idempotency_keys`).Scan(&left)
	}
	if err != nil || n != 2 || left != 1 {
		t.Fatalf("deleted %d, left %d (%v); want 2 deleted, 1 left", n, left, err)
	}
}
