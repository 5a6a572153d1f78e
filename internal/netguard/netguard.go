// Package netguard keeps webhook deliveries from reaching the service's own network: payload
// URLs that resolve to loopback, private, link-local or otherwise internal addresses are refused,
// at creation and again at each connection (so a DNS answer that changes cannot slip through).
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned for a target on an internal network.
var ErrForbiddenAddress = errors.New("target address is internal")

// Forbidden reports whether ip is not a public unicast address.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() ||
		cgnat.Contains(ip) || ip == netip.MustParseAddr("255.255.255.255")
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// CheckHost resolves host and refuses it when any of its addresses is internal.
func CheckHost(ctx context.Context, host string) error {
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if Forbidden(a) {
			return fmt.Errorf("%s resolves to %s: %w", host, a, ErrForbiddenAddress)
		}
	}
	return nil
}

// Dialer connects only to public addresses unless allowInternal is set; the check runs on the
// address actually dialled.
func Dialer(timeout time.Duration, allowInternal bool) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if !allowInternal {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if Forbidden(ap.Addr()) {
				return fmt.Errorf("%s: %w", ap.Addr(), ErrForbiddenAddress)
			}
			return nil
		}
	}
	return d
}
