package testkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Helpers for webhooks: a recording consumer, and calls to the webhook endpoints.

// Answer is what a Consumer does with one request.
type Answer struct {
	Status int           // the status to answer; 0 means 200
	Header http.Header   // headers to answer with (Location, Retry-After…)
	Delay  time.Duration // held this long before answering: longer than the attempt timeout, a timeout
	// GoDown stops the consumer as soon as this request arrives: the next connections are
	// refused until Up (the request in hand is still answered).
	GoDown bool
}

// Receipt is one request a Consumer received.
type Receipt struct {
	At     time.Time
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Status int // the status answered
	// Answered is false when the sender went away (its timeout) before the answer was written.
	Answered bool
}

// ID, Timestamp and Signature are the Standard Webhooks headers.
func (r Receipt) ID() string        { return r.Header.Get("webhook-id") }
func (r Receipt) Timestamp() string { return r.Header.Get("webhook-timestamp") }
func (r Receipt) Signature() string { return r.Header.Get("webhook-signature") }

// Delivered reports whether the sender got a 2xx answer to this request.
func (r Receipt) Delivered() bool { return r.Answered && r.Status/100 == 2 }

// Event reads the "event" field of the body.
func (r Receipt) Event() string {
	var v struct{ Event string }
	_ = json.Unmarshal(r.Body, &v)
	return v.Event
}

// Sequence reads the "sequence" field of the body: the event's number among its resource's
// events (0 when absent).
func (r Receipt) Sequence() int64 {
	var v struct{ Sequence int64 }
	_ = json.Unmarshal(r.Body, &v)
	return v.Sequence
}

// Consumer is a webhook consumer listening on loopback: it records every request and answers as
// scripted (200 by default). It can go down (connections refused) and come up again on the
// same port, as a real endpoint does when it is restarted.
type Consumer struct {
	t        testing.TB
	addr     string
	mu       sync.Mutex
	ln       net.Listener
	srv      *http.Server
	script   []Answer
	always   Answer
	receipts []Receipt
	servers  []*http.Server
}

// NewConsumer starts a consumer on a free loopback port; it stops with the test.
func NewConsumer(t testing.TB) *Consumer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	c := &Consumer{t: t, addr: ln.Addr().String()}
	c.serve(ln)
	t.Cleanup(c.close)
	return c
}

func (c *Consumer) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(c.handle), ReadHeaderTimeout: 10 * time.Second}
	// A new connection per request: once down, the very next attempt is refused.
	srv.SetKeepAlivesEnabled(false)
	c.mu.Lock()
	c.ln, c.srv = ln, srv
	c.servers = append(c.servers, srv)
	c.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (c *Consumer) close() {
	c.mu.Lock()
	servers := c.servers
	c.servers = nil
	c.mu.Unlock()
	for _, s := range servers {
		_ = s.Close()
	}
}

// URL is the consumer's address followed by path ("/hooks/a"; "" for the root).
func (c *Consumer) URL(path string) string { return "http://" + c.addr + path }

// Addr is the host:port the consumer listens on.
func (c *Consumer) Addr() string { return c.addr }

// Script queues answers for the next requests, in order; after them, the Always answer.
func (c *Consumer) Script(answers ...Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.script = append(c.script, answers...)
}

// Always sets the answer given once the script is used up.
func (c *Consumer) Always(a Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.always = a
}

// Down stops listening: connections are refused until Up.
func (c *Consumer) Down() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down()
}

func (c *Consumer) down() {
	if c.ln != nil {
		_ = c.ln.Close()
		c.ln = nil
	}
}

// Up listens again on the same port.
func (c *Consumer) Up() {
	c.t.Helper()
	c.mu.Lock()
	up := c.ln != nil
	c.mu.Unlock()
	if up {
		return
	}
	var ln net.Listener
	var err error
	// The port was ours a moment ago; give the kernel a little time should it hold it.
	Eventually(5*time.Second, func() bool {
		ln, err = net.Listen("tcp", c.addr)
		return err == nil
	})
	if err != nil {
		c.t.Fatalf("consumer up again on %s: %v", c.addr, err)
	}
	c.serve(ln)
}

func (c *Consumer) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	a := c.always
	if len(c.script) > 0 {
		a, c.script = c.script[0], c.script[1:]
	}
	if a.GoDown {
		c.down()
	}
	status := a.Status
	if status == 0 {
		status = http.StatusOK
	}
	i := len(c.receipts)
	c.receipts = append(c.receipts, Receipt{At: time.Now(), Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Status: status})
	c.mu.Unlock()

	if a.Delay > 0 {
		select {
		case <-time.After(a.Delay):
		case <-r.Context().Done():
		}
	}
	answered := r.Context().Err() == nil
	for k, vs := range a.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(status)
	if answered {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		answered = r.Context().Err() == nil
	}
	c.mu.Lock()
	c.receipts[i].Answered = answered
	c.mu.Unlock()
}

// Receipts lists the requests received so far, oldest first.
func (c *Consumer) Receipts() []Receipt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Receipt(nil), c.receipts...)
}

// ReceiptsAt lists the requests received on path.
func (c *Consumer) ReceiptsAt(path string) []Receipt {
	var out []Receipt
	for _, r := range c.Receipts() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// DeliveredAt lists the requests received on path ("" for any) that were answered 2xx.
func (c *Consumer) DeliveredAt(path string) []Receipt {
	var out []Receipt
	for _, r := range c.Receipts() {
		if (path == "" || r.Path == path) && r.Delivered() {
			out = append(out, r)
		}
	}
	return out
}

// DeliveredIDs counts the successful receipts by webhook-id: a consumer drops duplicates by it.
func (c *Consumer) DeliveredIDs() map[string]int {
	out := map[string]int{}
	for _, r := range c.DeliveredAt("") {
		out[r.ID()]++
	}
	return out
}

// WebhookTimeout bounds how long tests wait for a delivery: generous, a slow machine only makes
// the wait longer.
const WebhookTimeout = 60 * time.Second

// WaitDelivered waits until n requests on path ("" for any) were answered 2xx, and returns them.
func (c *Consumer) WaitDelivered(t testing.TB, path string, n int) []Receipt {
	t.Helper()
	var got []Receipt
	if !Eventually(WebhookTimeout, func() bool { got = c.DeliveredAt(path); return len(got) >= n }) {
		t.Fatalf("consumer %s%s: %d deliveries, want %d; received: %s", c.addr, path, len(got), n, c.describe())
	}
	return got
}

// WaitReceipts waits until n requests arrived on path ("" for any), whatever was answered.
func (c *Consumer) WaitReceipts(t testing.TB, path string, n int) []Receipt {
	t.Helper()
	var got []Receipt
	if !Eventually(WebhookTimeout, func() bool {
		got = nil
		for _, r := range c.Receipts() {
			if path == "" || r.Path == path {
				got = append(got, r)
			}
		}
		return len(got) >= n
	}) {
		t.Fatalf("consumer %s%s: %d requests, want %d; received: %s", c.addr, path, len(got), n, c.describe())
	}
	return got
}

func (c *Consumer) describe() string {
	var parts []string
	for _, r := range c.Receipts() {
		parts = append(parts, fmt.Sprintf("%s %s→%d(answered %v)", r.Path, r.Event(), r.Status, r.Answered))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Webhook endpoints.

// CreateWebhook subscribes org to event at url (enabled) and returns the webhook's id and secret.
func (c *Client) CreateWebhook(org, event, url string) (id, secret string) {
	c.T.Helper()
	r := c.Post("/organizations/"+org+"/webhooks", map[string]any{"event": event, "payloadUrl": url}).Expect(http.StatusCreated)
	if r.Str("event") != event || r.Str("payloadUrl") != url || r.At("enabled") != true || !strings.HasPrefix(r.Str("secret"), "whsec_") {
		c.T.Fatalf("created webhook: %s", r.Body)
	}
	return r.Str("id"), r.Str("secret")
}

// Deliveries lists a webhook's deliveries (up to 100).
func (c *Client) Deliveries(webhook string) *Response {
	c.T.Helper()
	return c.Get("/webhooks/" + webhook + "/deliveries?limit=100").Expect(http.StatusOK)
}

// Delivery reads one delivery of a webhook from its list; nil when absent.
func (c *Client) Delivery(webhook, id string) map[string]any {
	c.T.Helper()
	for _, it := range c.Deliveries(webhook).List("_embedded.items") {
		if m := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

// WaitDeliveryState waits until the webhook's delivery id is in state, and returns it.
func (c *Client) WaitDeliveryState(webhook, id, state string) map[string]any {
	c.T.Helper()
	var d map[string]any
	if !Eventually(WebhookTimeout, func() bool { d = c.Delivery(webhook, id); return d != nil && d["state"] == state }) {
		c.T.Fatalf("delivery %s of webhook %s: want %s, got %v", id, webhook, state, d)
	}
	return d
}

// Attempts reads the attempts of a delivery as the API lists them.
func Attempts(d map[string]any) []map[string]any {
	l, _ := d["attempts"].([]any)
	out := make([]map[string]any, len(l))
	for i, a := range l {
		out[i], _ = a.(map[string]any)
	}
	return out
}

// JSONDiff compares two JSON documents by value (object key order and spacing aside) and
// describes the first differences; "" when equal.
func JSONDiff(got, want []byte) string {
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		return "got is not JSON: " + err.Error()
	}
	if err := json.Unmarshal(want, &w); err != nil {
		return "want is not JSON: " + err.Error()
	}
	var diffs []string
	jsonDiff("", g, w, &diffs)
	return strings.Join(diffs, "; ")
}

func jsonDiff(path string, g, w any, diffs *[]string) {
	if len(*diffs) >= 10 {
		return
	}
	gm, gok := g.(map[string]any)
	wm, wok := w.(map[string]any)
	if gok && wok {
		for k, wv := range wm {
			gv, ok := gm[k]
			if !ok {
				*diffs = append(*diffs, path+"."+k+": missing")
				continue
			}
			jsonDiff(path+"."+k, gv, wv, diffs)
		}
		for k := range gm {
			if _, ok := wm[k]; !ok {
				*diffs = append(*diffs, path+"."+k+": unexpected")
			}
		}
		return
	}
	ga, gok := g.([]any)
	wa, wok := w.([]any)
	if gok && wok && len(ga) == len(wa) {
		for i := range wa {
			jsonDiff(fmt.Sprintf("%s.%d", path, i), ga[i], wa[i], diffs)
		}
		return
	}
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		*diffs = append(*diffs, fmt.Sprintf("%s: got %s, want %s", path, gj, wj))
	}
}

// SplitDelivery reads a delivery body {"event": …, "sequence": …, "payload": …}: it fails unless
// the body has exactly these three fields, the sequence a positive integer.
func SplitDelivery(t testing.TB, body []byte) (event string, payload json.RawMessage) {
	t.Helper()
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil {
		t.Fatalf("delivery body is not a JSON object: %v: %s", err, body)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("delivery body has trailing data: %s", body)
	}
	if len(fields) != 3 || fields["event"] == nil || fields["payload"] == nil || fields["sequence"] == nil {
		t.Fatalf("delivery body: want exactly event, sequence and payload, got %s", body)
	}
	var sequence int64
	if err := json.Unmarshal(fields["sequence"], &sequence); err != nil || sequence < 1 {
		t.Fatalf("delivery sequence is not a positive integer: %s", body)
	}
	if err := json.Unmarshal(fields["event"], &event); err != nil {
		t.Fatalf("delivery event is not a string: %s", body)
	}
	return event, fields["payload"]
}
