// Package netguard keeps webhook deliveries from reaching the service's own network. Only
// globally routable unicast addresses are allowed: every block of the IANA IPv4 and IPv6
// special-purpose registries is refused, IPv4 addresses carried inside IPv6 ones are checked
// too, and so are this host's own addresses. The same decision (CheckAddr) runs at creation, on
// every address a host name resolves to, and at each connection, on the address dialled (so a DNS
// answer that changes cannot slip through).
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

var (
	// ErrForbiddenAddress is returned for a target on an internal or special-purpose network.
	ErrForbiddenAddress = errors.New("target address is internal")
	// ErrInvalidHost is returned for a host that is neither a clean host name nor an IP literal.
	ErrInvalidHost = errors.New("invalid host")
)

// lookup resolves host names (a variable so tests need no DNS).
var lookup = net.DefaultResolver.LookupNetIP

// CheckURL decides whether a webhook may target the URL: its host must be well formed and,
// unless allowInternal, a public IP literal or a name whose every A and AAAA answer is public.
// It returns ErrInvalidHost, ErrForbiddenAddress or an error of resolution.
func CheckURL(ctx context.Context, raw string, allowInternal bool) error {
	t, err := ParseURL(raw)
	if err != nil || allowInternal {
		return err
	}
	if err := t.Check(); err != nil || t.Addr.IsValid() {
		return err
	}
	return checkName(ctx, t.Name)
}

// checkName resolves a host name and refuses it when any of its addresses is refused.
func checkName(ctx context.Context, name string) error {
	addrs, err := lookup(ctx, "ip", name)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", name, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("resolve %s: no address", name)
	}
	for _, a := range addrs {
		// The resolver gives IPv4 answers in the mapped form at times (from /etc/hosts): that is
		// how it stores them, not an IPv6 address.
		if err := CheckAddr(a.Unmap()); err != nil {
			return fmt.Errorf("%s resolves to %w", name, err)
		}
	}
	return nil
}

// Dialer connects only to addresses CheckAddr allows unless allowInternal is set; the check runs
// on the address actually dialled, after resolution.
func Dialer(timeout time.Duration, allowInternal bool) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if !allowInternal {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: dialled %q", ErrForbiddenAddress, address)
			}
			return CheckAddr(ap.Addr())
		}
	}
	return d
}

// DialContext is the HTTP transport's dial function: unless allowInternal, the host it is asked
// for must pass the same checks as at creation (form, loopback names, IP literal) before the
// Dialer resolves it and checks every address it connects to.
func DialContext(timeout time.Duration, allowInternal bool) func(ctx context.Context, network, address string) (net.Conn, error) {
	d := Dialer(timeout, allowInternal)
	if allowInternal {
		return d.DialContext
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		t, err := ParseHostPort(address)
		if err == nil {
			err = t.Check()
		}
		if err != nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: err}
		}
		return d.DialContext(ctx, network, address)
	}
}
