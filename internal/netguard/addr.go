package netguard

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// CheckAddr is the one decision on an address, made at creation on every DNS answer and at
// connection time on the address dialled: nil only for a global unicast address outside every
// special-purpose block, whose embedded IPv4 address (if any) is allowed too, and which is not
// one of this host's own addresses (the service must not call itself, even on a public address).
func CheckAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("no address: %w", ErrForbiddenAddress)
	}
	ip = ip.WithZone("")
	if v4, form, ok := EmbeddedIPv4(ip); ok {
		if e, found := specialBlock(v4); found {
			return fmt.Errorf("%s carries %s (%s), %s: %w", ip, v4, form, e.name, ErrForbiddenAddress)
		}
	}
	if e, found := specialBlock(ip); found {
		return fmt.Errorf("%s is %s: %w", ip, e.name, ErrForbiddenAddress)
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return fmt.Errorf("%s is outside global unicast %s: %w", ip, globalUnicast6, ErrForbiddenAddress)
	}
	if ownAddress(ip) {
		return fmt.Errorf("%s is an address of this host: %w", ip, ErrForbiddenAddress)
	}
	return nil
}

// Forbidden reports whether CheckAddr refuses ip.
func Forbidden(ip netip.Addr) bool { return CheckAddr(ip) != nil }

// Transition prefixes whose traffic ends up at the IPv4 address they carry.
var (
	translated = netip.MustParsePrefix("::ffff:0:0:0/96")
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	teredo     = netip.MustParsePrefix("2001::/32")
)

// EmbeddedIPv4 returns the IPv4 address an IPv6 address stands for and the name of the format:
// IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d (RFC
// 2765, outside global unicast), NAT64 64:ff9b::a.b.c.d (and the local-use
// 64:ff9b:1::/48, read as its usual /96 deployment), 6to4 2002:AABB:CCDD::/48, and the Teredo
// client, stored inverted in the last 32 bits of 2001::/32. All these blocks are refused anyway:
// this only makes the reason clear and keeps the IPv4 decision authoritative.
func EmbeddedIPv4(ip netip.Addr) (netip.Addr, string, bool) {
	if !ip.Is6() {
		return netip.Addr{}, "", false
	}
	b := ip.WithZone("").As16()
	last := netip.AddrFrom4([4]byte(b[12:16]))
	switch {
	case ip.Is4In6():
		return last, "IPv4-mapped", true
	case [12]byte(b[:12]) == [12]byte{} && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
		return last, "IPv4-compatible", true
	case translated.Contains(ip):
		return last, "IPv4-translated", true
	case nat64.Contains(ip):
		return last, "NAT64", true
	case nat64Local.Contains(ip):
		return last, "local-use NAT64", true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), "6to4", true
	case teredo.Contains(ip):
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}), "Teredo client", true
	}
	return netip.Addr{}, "", false
}

// interfaceAddrs lists this host's addresses (a variable so tests can give the host a public one).
var interfaceAddrs = net.InterfaceAddrs

// own caches this host's addresses for a few seconds: reading them is cheap, but not free on
// every connection.
var own struct {
	sync.Mutex
	addrs []netip.Addr
	read  time.Time
}

const ownAddressesTTL = 5 * time.Second

// ownAddress reports whether ip (or the IPv4 address it carries) is assigned to one of this
// host's network interfaces.
func ownAddress(ip netip.Addr) bool {
	own.Lock()
	if time.Since(own.read) > ownAddressesTTL {
		// A fresh slice: callers may still be reading the previous one. On an error the previous
		// list is kept.
		if as, err := interfaceAddrs(); err == nil {
			addrs := make([]netip.Addr, 0, len(as))
			for _, a := range as {
				var ip net.IP
				switch a := a.(type) {
				case *net.IPNet:
					ip = a.IP
				case *net.IPAddr:
					ip = a.IP
				}
				if addr, ok := netip.AddrFromSlice(ip); ok {
					addrs = append(addrs, addr.Unmap())
				}
			}
			own.addrs = addrs
		}
		own.read = time.Now()
	}
	addrs := own.addrs
	own.Unlock()
	ip = ip.Unmap()
	v4, _, _ := EmbeddedIPv4(ip)
	for _, a := range addrs {
		if a == ip || a == v4 {
			return true
		}
	}
	return false
}
