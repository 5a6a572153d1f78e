package chaos

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
)

// consumer is a webhook consumer that records what it accepted, by webhook-id; it refuses one
// request in seven with a 500 so that retries are part of the run.
type consumer struct {
	srv *http.Server
	url string

	mu       sync.Mutex
	seen     int
	accepted map[string]delivery // by webhook-id
	times    map[string]int      // accepted deliveries by webhook-id, counting repeats
}

// delivery is what a consumer reads from one delivery: which state of which resource.
type delivery struct {
	Event, Resource, State string
}

func startConsumer() (*consumer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &consumer{url: "http://" + ln.Addr().String() + "/hook", accepted: map[string]delivery{}, times: map[string]int{}}
	c.srv = &http.Server{Handler: http.HandlerFunc(c.handle)}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *consumer) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen++
	if c.seen%7 == 0 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var d struct {
		Event   string `json:"event"`
		Payload struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	id := r.Header.Get("webhook-id")
	c.accepted[id] = delivery{Event: d.Event, Resource: d.Payload.ID, State: d.Payload.State}
	c.times[id]++
	w.WriteHeader(http.StatusNoContent)
}

// snapshot copies what was accepted.
func (c *consumer) snapshot() (map[string]delivery, map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	acc := make(map[string]delivery, len(c.accepted))
	times := make(map[string]int, len(c.times))
	for k, v := range c.accepted {
		acc[k] = v
	}
	for k, v := range c.times {
		times[k] = v
	}
	return acc, times
}

func (c *consumer) close() { _ = c.srv.Close() }
