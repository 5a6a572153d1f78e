package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzCheckURL: the URL check never panics, and a URL it accepts has a host that is either an
// allowed IP literal, written the one way every parser reads the same, or a host name that no
// IPv4 parser (Go's, the C library's inet_aton) reads as an address; the HTTP client dials that
// same host. Every name resolves to a public address here.
func FuzzCheckURL(f *testing.F) {
	for _, tc := range refusedURLs {
		f.Add(tc.url)
	}
	for _, u := range acceptedURLs {
		f.Add(u)
	}
	withOwnAddresses(f, "127.0.0.1/8", "192.0.2.2/24")
	saved := lookup
	lookup = func(context.Context, string, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("8.8.8.8")}, nil
	}
	f.Cleanup(func() { lookup = saved })
	f.Fuzz(func(t *testing.T, raw string) {
		err := CheckURL(context.Background(), raw, false)
		if err != nil {
			if !errors.Is(err, ErrInvalidHost) && !errors.Is(err, ErrForbiddenAddress) {
				t.Fatalf("%q: unexpected error %v", raw, err)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			t.Fatalf("%q accepted but url.Parse fails: %v", raw, perr)
		}
		req, rerr := http.NewRequest(http.MethodPost, raw, nil)
		if rerr != nil || req.URL.Hostname() != u.Hostname() {
			t.Fatalf("%q: the HTTP client reads host %v (%v), the check read %q", raw, req.URL, rerr, u.Host)
		}
		host := u.Hostname()
		if ip, err := netip.ParseAddr(host); err == nil {
			if ip.Zone() != "" || CheckAddr(ip) != nil {
				t.Fatalf("%q accepted with address %s", raw, ip)
			}
			if ip.Is4() && ip.String() != host {
				t.Fatalf("%q accepted with a non-canonical IPv4 literal", raw)
			}
			return
		}
		if net.ParseIP(host) != nil || inetAton(host) {
			t.Fatalf("%q accepted: host %q reads as an address", raw, host)
		}
		lower := strings.ToLower(host)
		if host == "" || strings.HasSuffix(host, ".") || lower == "localhost" || strings.HasSuffix(lower, ".localhost") {
			t.Fatalf("%q accepted with host %q", raw, host)
		}
		for _, c := range lower {
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
				t.Fatalf("%q accepted with host %q", raw, host)
			}
		}
	})
}

// inetAton reports whether the C library's inet_aton would read s as an IPv4 address: one to
// four parts, each decimal, octal (leading 0) or hexadecimal (0x), the last filling the rest.
func inetAton(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		lp := strings.ToLower(p)
		digits, hex := lp, "0123456789"
		if rest, ok := strings.CutPrefix(lp, "0x"); ok {
			digits, hex = rest, "0123456789abcdef"
		} else if lp == "" {
			return false
		}
		if strings.Trim(digits, hex) != "" {
			return false
		}
	}
	return true
}

// FuzzForbidden: over any 16-byte address, unwrapping never panics, an address whose embedded
// IPv4 address is refused is refused, and anything allowed is global unicast by every measure
// the standard library has.
func FuzzForbidden(f *testing.F) {
	for _, s := range []string{
		"::1", "::", "::ffff:127.0.0.1", "::ffff:8.8.8.8", "::7f00:1", "::ffff:0:7f00:1", "64:ff9b::7f00:1",
		"64:ff9b:1::a00:1", "2002:7f00:1::", "2002:808:808::", "2001:0:4136:e378:8000:63bf:80ff:fffe",
		"fec0::1", "fe80::1", "fd00::2", "ff02::1", "2001:db8::1", "2606:4700:4700::1111", "2001:4860:4860::8888",
	} {
		b := netip.MustParseAddr(s).As16()
		f.Add(b[:])
	}
	withOwnAddresses(f, "127.0.0.1/8", "192.0.2.2/24", "fd00::2/64")
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) != 16 {
			return
		}
		ip := netip.AddrFrom16([16]byte(raw))
		err := CheckAddr(ip)
		if v4, _, ok := EmbeddedIPv4(ip); ok {
			if !v4.Is4() {
				t.Fatalf("%s carries %s, not an IPv4 address", ip, v4)
			}
			if CheckAddr(v4) != nil && err == nil {
				t.Fatalf("%s allowed, but it carries %s, refused", ip, v4)
			}
		}
		for _, a := range []netip.Addr{ip, ip.Unmap()} {
			if CheckAddr(a) == nil && (!a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsMulticast() ||
				a.IsLinkLocalUnicast() || a.IsUnspecified() || a.Is4In6()) {
				t.Fatalf("%s allowed", a)
			}
		}
	})
}
