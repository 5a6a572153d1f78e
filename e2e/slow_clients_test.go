package e2e

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/internal/testkit"
)

// slowServer serves the API with short client timeouts, so that slow clients are cut in seconds.
func slowServer(t *testing.T) *httptest.Server {
	t.Helper()
	settings := stack.App.APISettings()
	settings.HTTP = api.HTTPTimeouts{ReadHeader: time.Second, Body: time.Second, Write: 5 * time.Second, Idle: time.Second}
	srv := httptest.NewUnstartedServer(nil)
	stack.App.NewAPI(settings).ConfigureHTTPServer(srv.Config)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// trickle writes s one byte at a time, every gap, until the server stops reading or stop is closed.
func trickle(conn net.Conn, s string, gap time.Duration, stop <-chan struct{}) {
	for i := range len(s) {
		select {
		case <-stop:
			return
		case <-time.After(gap):
		}
		if _, err := conn.Write([]byte{s[i]}); err != nil {
			return
		}
	}
}

// closedWithin reads from conn until the server closes it, failing after limit; it returns what was read.
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration) string {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	b, err := io.ReadAll(conn)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("connection still open after %s (read so far: %q)", limit, b)
		}
	}
	return string(b)
}

// A body sent a byte at a time is cut when the body's time is up: 408, and the connection closes.
func TestSlowBodyIsCut(t *testing.T) {
	srv := slowServer(t)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	email := testkit.Unique("slow") + "@example.com"
	body := `{"email":"` + email + `","password":"a long password"}`
	head := "POST /security/register HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, body, 300*time.Millisecond, stop)

	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a slow body: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(resp.Header.Get("Content-Type"), "vnd.error") {
		t.Fatalf("slow body: status %d %s, want 408 vnd.error; body %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("slow body answered after %s", waited)
	}
	closedWithin(t, conn, 3*time.Second)
	// Nothing was registered from the part of the body that arrived.
	if s := loginStatus(stack.Client(t), email, "a long password"); s != http.StatusUnauthorized {
		t.Fatalf("login with the slow body's account: %d, want 401", s)
	}
}

// Headers sent a byte at a time (slowloris) and connections that never send anything are closed.
func TestSlowHeadersAndIdleConnectionsAreCut(t *testing.T) {
	srv := slowServer(t)
	t.Run("slow headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		stop := make(chan struct{})
		defer close(stop)
		go trickle(conn, "GET /healthz HTTP/1.1\r\nHost: api\r\nX-Padding: "+strings.Repeat("a", 100)+"\r\n\r\n", 200*time.Millisecond, stop)
		if got := closedWithin(t, conn, 5*time.Second); strings.Contains(got, "200 OK") {
			t.Fatalf("slow headers were served: %q", got)
		}
	})
	t.Run("silent connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		closedWithin(t, conn, 5*time.Second)
	})
	t.Run("idle after a request", func(t *testing.T) {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(conn)
		resp, err := http.ReadResponse(r, nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("control request: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := r.ReadByte(); err == nil || isTimeout(err) {
			t.Fatalf("kept-alive connection still open after 5s idle (err %v)", err)
		}
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
