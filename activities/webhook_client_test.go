package activities_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/internal/netguard"
)

// ownAddress is a non-loopback address of one of this host's interfaces, or the test is skipped.
func ownAddress(t *testing.T) netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && !ip.Unmap().IsLoopback() && !ip.IsLinkLocalUnicast() {
				return ip.Unmap()
			}
		}
	}
	t.Skip("this host has no address but loopback")
	return netip.Addr{}
}

// The delivery client cannot reach the service's own machine on its interface address (where the
// API itself listens), even for a webhook whose URL was never checked at creation.
func TestWebhookClientRefusesThisHost(t *testing.T) {
	ip := ownAddress(t)
	ln, err := net.Listen("tcp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	client := activities.NewWebhookClient(activities.WebhookSettings{Timeout: 2 * time.Second})
	resp, err := client.Post(srv.URL+"/hook", "application/json", nil)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST %s: status %d, want a refused connection", srv.URL, resp.StatusCode)
	}
	if !errors.Is(err, netguard.ErrForbiddenAddress) {
		t.Fatalf("POST %s: %v, want a refused connection", srv.URL, err)
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("%d connections reached this host", n)
	}

	// Allowed (development, tests), the same client reaches it.
	client = activities.NewWebhookClient(activities.WebhookSettings{Timeout: 2 * time.Second, AllowInternal: true})
	if resp, err = client.Post(srv.URL+"/hook", "application/json", nil); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
