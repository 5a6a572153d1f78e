package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// caller is one client of the load: it sends each write with an Idempotency-Key and, as a
// careful client does, sends it again with the same key and body when no answer came (a cut
// connection), when a dependency was away (503) or when the key's first attempt was still
// running (409 with Retry-After). It spreads its requests over the API processes.
type caller struct {
	apis  []string
	token string
	http  *http.Client
	next  atomic.Uint64
	tally *tally
}

// tally counts what every caller of the run saw.
type tally struct {
	mu       sync.Mutex
	requests int            // logical requests, each sent one or more times
	answered map[int]int    // final status of each answered request
	retries  map[string]int // why a request was sent again
	server   int            // 500 answers (never expected)
}

func newTally() *tally { return &tally{answered: map[int]int{}, retries: map[string]int{}} }

func (t *tally) retry(why string) {
	t.mu.Lock()
	t.retries[why]++
	t.mu.Unlock()
}

// answer is what a request finally got: a status and a decoded body, or none (cut and never
// answered before the load's end).
type answer struct {
	Status int
	Body   map[string]any
}

func (a answer) ok() bool { return a.Status/100 == 2 }

func (a answer) str(key string) string { s, _ := a.Body[key].(string); return s }

// giveUp is how long one request is retried before the caller stops waiting for it.
const giveUp = 3 * time.Minute

func (c *caller) get(ctx context.Context, path string) answer {
	return c.send(ctx, http.MethodGet, path, nil)
}

func (c *caller) post(ctx context.Context, path string, body any) answer {
	return c.send(ctx, http.MethodPost, path, body)
}

// send sends one logical request until it has a final answer; Status 0 means none came.
func (c *caller) send(ctx context.Context, method, path string, body any) answer {
	var payload []byte
	if body != nil {
		payload, _ = json.Marshal(body)
	}
	key := uuid.NewString()
	c.tally.mu.Lock()
	c.tally.requests++
	c.tally.mu.Unlock()
	deadline := time.Now().Add(giveUp)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		status, header, b, err := c.once(ctx, method, path, key, payload)
		wait := 200 * time.Millisecond
		switch {
		case err != nil:
			c.tally.retry("no answer (connection cut or refused)")
		case status == http.StatusServiceUnavailable:
			c.tally.retry("503 dependency away")
			wait = retryAfter(header, wait)
		case status == http.StatusConflict && header.Get("Retry-After") != "":
			c.tally.retry("409 key busy")
			wait = retryAfter(header, wait)
		case status == http.StatusInternalServerError:
			c.tally.mu.Lock()
			c.tally.server++
			c.tally.mu.Unlock()
			c.tally.retry("500")
		case status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
			c.tally.retry(strconv.Itoa(status))
		default:
			a := answer{Status: status}
			_ = json.Unmarshal(b, &a.Body)
			c.tally.mu.Lock()
			c.tally.answered[status]++
			c.tally.mu.Unlock()
			return a
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	return answer{}
}

func (c *caller) once(ctx context.Context, method, path, key string, payload []byte) (int, http.Header, []byte, error) {
	base := c.apis[c.next.Add(1)%uint64(len(c.apis))]
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Keyclic-App", "com.keyclic.app")
	if method != http.MethodGet {
		req.Header.Set("Idempotency-Key", key)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

// retryAfter reads Retry-After in seconds, at most 2 s (the load must keep moving).
func retryAfter(h http.Header, fallback time.Duration) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s <= 0 {
		return fallback
	}
	return min(time.Duration(s)*time.Second, 2*time.Second)
}

// as returns a caller with the same APIs and tally, authenticated by token.
func (c *caller) as(token string) *caller {
	return &caller{apis: c.apis, token: token, http: c.http, tally: c.tally}
}

// mustPost is for the set-up before the faults: any answer but want is an error.
func (c *caller) mustPost(ctx context.Context, path string, body any, want int) (answer, error) {
	a := c.post(ctx, path, body)
	if a.Status != want {
		return a, fmt.Errorf("set-up: POST %s: status %d (want %d): %v", path, a.Status, want, a.Body)
	}
	return a, nil
}
