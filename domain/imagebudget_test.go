package domain

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Decodes beyond the budget wait for earlier ones to give their memory back: the memory in
// flight never exceeds the budget.
func TestDecodeBudgetMakesDecodesBeyondItWait(t *testing.T) {
	b := NewDecodeBudget(100)
	var mu sync.Mutex
	var inFlight, peak int64
	add := func(n int64) {
		mu.Lock()
		defer mu.Unlock()
		inFlight += n
		peak = max(peak, inFlight)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := b.Acquire(context.Background(), 30)
			if err != nil {
				t.Error(err)
				return
			}
			add(30)
			time.Sleep(20 * time.Millisecond)
			add(-30)
			release()
		}()
	}
	wg.Wait()
	if peak > 90 || peak < 60 {
		t.Errorf("peak in flight %d with a budget of 100 and decodes of 30", peak)
	}
}

// A waiter whose request ends gives up its place: it takes nothing, and the 503 it gets says
// when to come back.
func TestDecodeBudgetWaitEndsWithTheRequest(t *testing.T) {
	b := NewDecodeBudget(100)
	release, err := b.Acquire(context.Background(), 70)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := b.Acquire(ctx, 50); !IsKind(err, KindUnavailable) {
		t.Fatalf("waiting past the request's time: %v, want a 503", err)
	} else if de, _ := AsError(err); de.RetryAfter <= 0 || de.Msg.Key != MsgImagesBusy {
		t.Fatalf("503 %+v, want a Retry-After and the busy message", de)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Acquire(gone, 50); !IsKind(err, KindUnavailable) {
		t.Fatalf("a client gone: %v", err)
	}
	release()
	// Nothing was left taken by those who gave up: the whole budget is free at once.
	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	all, err := b.Acquire(ctx, 100)
	if err != nil {
		t.Fatalf("the budget after the waiters gave up: %v", err)
	}
	all()
	all() // giving back twice gives back once
	if all, err := b.Acquire(ctx, 100); err != nil {
		t.Fatal(err)
	} else {
		all()
	}
}

// A cost over the whole budget takes all of it: that decode runs alone instead of never.
func TestDecodeBudgetCostOverTheWholeRunsAlone(t *testing.T) {
	b := NewDecodeBudget(100)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	big, err := b.Acquire(ctx, 1000)
	if err != nil {
		t.Fatalf("a cost over the budget with the budget free: %v", err)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancelShort()
	if _, err := b.Acquire(short, 1); err == nil {
		t.Fatal("another decode ran beside one that took the whole budget")
	}
	big()
	if small, err := b.Acquire(ctx, 1); err != nil {
		t.Fatal(err)
	} else {
		small()
	}
}

// Without a budget (tools), nothing waits.
func TestNoDecodeBudgetBoundsNothing(t *testing.T) {
	var b *DecodeBudget
	release, err := b.Acquire(context.Background(), 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	release()
}

var sink []byte

// A large decode's share is given back once its memory is free again, not merely unreferenced:
// otherwise the next decode's allocation lands on top of it.
func TestDecodeBudgetFreesALargeDecodeBeforeGivingItBack(t *testing.T) {
	b := NewDecodeBudget(256 << 20)
	release, err := b.Acquire(context.Background(), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	sink = make([]byte, 64<<20)
	sink = nil
	release()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > 32<<20 {
		t.Errorf("%d MB still on the heap after the decode gave its share back", m.HeapAlloc>>20)
	}
}
