package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// loopbackServer counts the connections it accepts.
func loopbackServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func clientDialling(allowInternal bool) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: DialContext(2*time.Second, allowInternal), Proxy: nil}}
}

// A webhook whose URL was never checked (stored before the rules, or by another path) still
// cannot reach an internal address: the dial refuses it, whatever form the host takes.
func TestDialRefusesInternalAddresses(t *testing.T) {
	srv, conns := loopbackServer(t)
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	client := clientDialling(false)
	for _, u := range []string{
		srv.URL,                             // 127.0.0.1
		"http://localhost:" + port,          // refused by name
		"http://[::ffff:127.0.0.1]:" + port, // mapped
		"http://127.1:" + port,              // a short form
		"http://2130706433:" + port,         // a decimal form
		"http://127.0.0.1.:" + port,         // a trailing dot
	} {
		resp, err := client.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: status %d, want a refused dial", u, resp.StatusCode)
			continue
		}
		if !errors.Is(err, ErrForbiddenAddress) && !errors.Is(err, ErrInvalidHost) {
			t.Errorf("%s: %v, want a refused dial", u, err)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("%d connections reached the server", n)
	}

	// Allowed, the same client setup connects.
	resp, err := clientDialling(true).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections, want 1", n)
	}
}

// The Dialer checks the address it connects to after resolution: a name that passes the checks
// without DNS but resolves to loopback is refused at connection time.
func TestDialerChecksResolvedAddress(t *testing.T) {
	srv, conns := loopbackServer(t)
	addr := srv.Listener.Addr().String()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	for _, target := range []string{addr, "localhost:" + port} {
		_, err := Dialer(time.Second, false).DialContext(context.Background(), "tcp", target)
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("dial %s: %v, want ErrForbiddenAddress", target, err)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("%d connections reached the server", n)
	}
}

// The host's own address is refused at connection time too, even a public one (the decision is
// called the way the dialler calls it, after resolution: nothing public is dialled from tests).
func TestDialRefusesOwnAddress(t *testing.T) {
	withOwnAddresses(t, "8.8.4.4/24", "2606:4700::2/64")
	control := Dialer(time.Second, false).Control
	for _, a := range []string{"8.8.4.4:443", "[2606:4700::2]:443"} {
		if err := control("tcp", a, nil); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("own address %s: %v, want ErrForbiddenAddress", a, err)
		}
	}
	if err := control("tcp4", "8.8.8.8:443", nil); err != nil {
		t.Errorf("public address: %v, want allowed", err)
	}
	if Dialer(time.Second, true).Control != nil {
		t.Error("the dialler allowing internal targets still checks them")
	}
}
