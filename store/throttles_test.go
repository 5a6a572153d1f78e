package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// together runs f n times at once and waits for all of them. The store's pool is filled first,
// so that the calls run side by side rather than one after the other while connections are made.
func together(t *testing.T, st *store.Store, n int, f func(i int)) {
	t.Helper()
	conns := make([]*pgxpool.Conn, st.Pool.Config().MaxConns)
	for i := range conns {
		c, err := st.Pool.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	for _, c := range conns {
		c.Release()
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestLoginAttemptsCountedAtomically(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	const max, window = 10, time.Hour
	var mu sync.Mutex
	allowed, refused := 0, 0
	var errs []error
	together(t, st, 3*max, func(int) {
		ok, retryAfter, err := st.ClaimLoginAttempt(ctx, "Anne@Example.com ", max, window)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			allowed++
		case retryAfter > 0 && retryAfter <= window:
			refused++
		default:
			errs = append(errs, fmt.Errorf("refused with Retry-After %s", retryAfter))
		}
	})
	if len(errs) > 0 || allowed != max || refused != 2*max {
		t.Fatalf("%d concurrent attempts: %d allowed, %d refused, errors %v; want %d allowed", 3*max, allowed, refused, errs, max)
	}
	// The same login name however written; another one is counted apart.
	if ok, _, err := st.ClaimLoginAttempt(ctx, "anne@example.com", max, window); err != nil || ok {
		t.Fatalf("attempt after the limit: ok %v, error %v", ok, err)
	}
	if ok, _, err := st.ClaimLoginAttempt(ctx, "bob@example.com", max, window); err != nil || !ok {
		t.Fatalf("another login name: ok %v, error %v", ok, err)
	}
	// A success clears the count.
	if err := st.ClearLoginFailures(ctx, "anne@example.com"); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := st.ClaimLoginAttempt(ctx, "anne@example.com", max, window); err != nil || !ok {
		t.Fatalf("attempt after a success: ok %v, error %v", ok, err)
	}
}

func TestLoginAttemptsWindowEnds(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	const max, window = 2, time.Hour
	for i := 0; i < max; i++ {
		if ok, _, err := st.ClaimLoginAttempt(ctx, "anne@example.com", max, window); err != nil || !ok {
			t.Fatalf("attempt %d: ok %v, error %v", i+1, ok, err)
		}
	}
	// Refused until the window, which began with the first attempt, ends.
	if _, err := st.Pool.Exec(ctx, `UPDATE login_throttles SET window_start = now() - interval '50 minutes'`); err != nil {
		t.Fatal(err)
	}
	ok, retryAfter, err := st.ClaimLoginAttempt(ctx, "anne@example.com", max, window)
	if err != nil || ok || retryAfter < 9*time.Minute || retryAfter > 10*time.Minute {
		t.Fatalf("attempt 10 minutes before the window ends: ok %v, retry after %s, error %v", ok, retryAfter, err)
	}
	// Once it ended, a new window starts with the next attempt; the rows of windows long over
	// are deleted by other login names' attempts.
	if _, err := st.Pool.Exec(ctx, `UPDATE login_throttles SET window_start = now() - interval '61 minutes'`); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := st.ClaimLoginAttempt(ctx, "anne@example.com", max, window); err != nil || !ok {
		t.Fatalf("attempt after the window: ok %v, error %v", ok, err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE login_throttles SET window_start = now() - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ClaimLoginAttempt(ctx, "bob@example.com", max, window); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM login_throttles`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d rows left (error %v), want bob's only", rows, err)
	}
}

func newPerson(t *testing.T, st *store.Store) domain.Person {
	t.Helper()
	p, err := st.CreatePerson(context.Background(), domain.Person{ID: uuid.New(), Email: testkit.Unique("p-") + "@example.com",
		PasswordHash: "hash", Language: domain.French})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newReset(p domain.Person) store.PasswordReset {
	return store.PasswordReset{ID: uuid.New(), PersonID: p.ID, ExpiresAt: time.Now().Add(time.Hour)}
}

// pendingResets counts a person's recorded requests still pending.
func pendingResets(t *testing.T, st *store.Store, p domain.Person) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM password_resets WHERE person_id = $1 AND state = 'PENDING'`, p.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPasswordResetThrottleClaimedAtomically(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	p := newPerson(t, st)
	var mu sync.Mutex
	recorded := 0
	var errs []error
	together(t, st, 20, func(int) {
		ok, err := st.StartPasswordReset(ctx, newReset(p), time.Hour)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			recorded++
		}
	})
	if len(errs) > 0 || recorded != 1 || pendingResets(t, st, p) != 1 {
		t.Fatalf("20 concurrent requests: %d recorded (%d pending), errors %v; want 1", recorded, pendingResets(t, st, p), errs)
	}
	// Another person has a slot of their own; with no throttle every request is recorded.
	if ok, err := st.StartPasswordReset(ctx, newReset(newPerson(t, st)), time.Hour); err != nil || !ok {
		t.Fatalf("another person's request: %v, %v", ok, err)
	}
	if ok, err := st.StartPasswordReset(ctx, newReset(p), 0); err != nil || !ok {
		t.Fatalf("request with no throttle: %v, %v", ok, err)
	}
	// Once the throttle period is over, the next request takes the slot.
	if _, err := st.Pool.Exec(ctx, `UPDATE password_reset_throttles SET claimed_at = now() - interval '61 minutes'`); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.StartPasswordReset(ctx, newReset(p), time.Hour); err != nil || !ok {
		t.Fatalf("request after the throttle period: %v, %v", ok, err)
	}
	if ok, err := st.StartPasswordReset(ctx, newReset(p), time.Hour); err != nil || ok {
		t.Fatalf("request right after it: %v, %v", ok, err)
	}
}

func TestPasswordResetReleased(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	p := newPerson(t, st)

	// A request whose workflow did not start gives the slot back and can no longer make a token.
	first := newReset(p)
	if ok, err := st.StartPasswordReset(ctx, first, time.Hour); err != nil || !ok {
		t.Fatalf("first request: %v, %v", ok, err)
	}
	if released, err := st.ReleasePasswordReset(ctx, first); err != nil || !released {
		t.Fatalf("release: %v, %v", released, err)
	}
	if err := st.SetPasswordResetToken(ctx, first.ID, []byte("token of a late workflow")); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("token made for a released request: %v", err)
	}
	second := newReset(p)
	if ok, err := st.StartPasswordReset(ctx, second, time.Hour); err != nil || !ok {
		t.Fatalf("request after a release: %v, %v", ok, err)
	}

	// Releasing the first again takes nothing from the second, which holds the slot now.
	if released, err := st.ReleasePasswordReset(ctx, first); err != nil || released {
		t.Fatalf("release of a request released already: %v, %v", released, err)
	}
	// A request whose workflow made its token (its email is on its way) keeps the slot.
	if err := st.SetPasswordResetToken(ctx, second.ID, []byte("token")); err != nil {
		t.Fatal(err)
	}
	if released, err := st.ReleasePasswordReset(ctx, second); err != nil || released {
		t.Fatalf("release of a request with its token: %v, %v", released, err)
	}
	if ok, err := st.StartPasswordReset(ctx, newReset(p), time.Hour); err != nil || ok {
		t.Fatalf("request while the slot is held: %v, %v", ok, err)
	}
}
