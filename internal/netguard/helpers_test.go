package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

// withOwnAddresses makes these the addresses of this host's interfaces for the test.
func withOwnAddresses(t testing.TB, addrs ...string) {
	t.Helper()
	saved := interfaceAddrs
	interfaceAddrs = func() ([]net.Addr, error) {
		var out []net.Addr
		for _, a := range addrs {
			p := netip.MustParsePrefix(a)
			out = append(out, &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())})
		}
		return out, nil
	}
	forgetOwnAddresses()
	t.Cleanup(func() { interfaceAddrs = saved; forgetOwnAddresses() })
}

func forgetOwnAddresses() {
	own.Lock()
	own.read = time.Time{}
	own.Unlock()
}

var errNoDNS = errors.New("no DNS in tests")

// withLookup answers host names from the map (and fails for any other), so tests need no DNS.
func withLookup(t testing.TB, answers map[string][]string) {
	t.Helper()
	saved := lookup
	lookup = func(_ context.Context, _, host string) ([]netip.Addr, error) {
		as, ok := answers[host]
		if !ok {
			return nil, &net.DNSError{Err: errNoDNS.Error(), Name: host, IsNotFound: true}
		}
		var out []netip.Addr
		for _, a := range as {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
	t.Cleanup(func() { lookup = saved })
}
