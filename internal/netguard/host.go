package netguard

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Target is the host of a webhook URL: either an IP literal or a host name, never both.
type Target struct {
	Addr netip.Addr // an IP literal: a dotted-quad IPv4 address or a bracketed IPv6 one
	Name string     // a host name in lower case
}

// ParseURL reads the host of a URL, refusing (ErrInvalidHost) anything but a clean host name or IP
// literal: the URL is parsed the way the HTTP client will parse it to connect.
func ParseURL(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, fmt.Errorf("%w: %v", ErrInvalidHost, err)
	}
	if u.User != nil || u.Opaque != "" {
		return Target{}, fmt.Errorf("%w: credentials or opaque URL", ErrInvalidHost)
	}
	return ParseHostPort(u.Host)
}

// ParseHostPort reads "host", "host:port", "[ipv6]" or "[ipv6]:port", the form a URL carries and
// the HTTP client dials. The port, when given, must be 1 to 65535.
func ParseHostPort(hostport string) (Target, error) {
	host, port, bracketed := hostport, "", false
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return Target{}, invalid(hostport, "unclosed bracket")
		}
		host, port, bracketed = hostport[1:end], hostport[end+1:], true
		if port != "" && port[0] != ':' {
			return Target{}, invalid(hostport, "text after the bracket")
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return Target{}, invalid(hostport, "bad port")
		}
	}
	if bracketed {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() || ip.Zone() != "" {
			return Target{}, invalid(hostport, "not an IPv6 address without zone")
		}
		return Target{Addr: ip}, nil
	}
	return ParseHost(host)
}

// ParseHost reads an unbracketed host: an IPv4 address in dotted-quad form, or a host name of
// letters, digits and hyphens. A host whose last label is a number (decimal, or hexadecimal with
// 0x) is an IPv4 address to browsers and to the C library, which also read 2130706433, 0x7f.1,
// 0177.0.0.1 or 127.1 as 127.0.0.1: only the plain dotted quad is accepted, so what is checked is
// what is dialled. Non-ASCII names (whose IDNA mapping can turn full-width digits into an address),
// a trailing dot and IPv6 zones are refused too.
func ParseHost(host string) (Target, error) {
	if host == "" || len(host) > 253 {
		return Target{}, invalid(host, "empty or too long")
	}
	host = strings.ToLower(host)
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if !validLabel(l) {
			return Target{}, invalid(host, "not a host name")
		}
	}
	if numeric(labels[len(labels)-1]) {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is4() {
			return Target{}, invalid(host, "a number that is not a dotted-quad IPv4 address")
		}
		return Target{Addr: ip}, nil
	}
	return Target{Name: host}, nil
}

// validLabel is a DNS label of a host name (RFC 1123): 1 to 63 lower-case letters, digits and
// hyphens, neither first nor last a hyphen. An empty label (a trailing or doubled dot) is refused.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// numeric reports whether a label reads as a number to an IPv4 parser: decimal or octal digits,
// or 0x followed by hexadecimal digits (possibly none).
func numeric(l string) bool {
	if rest, ok := strings.CutPrefix(l, "0x"); ok {
		return strings.Trim(rest, "0123456789abcdef") == ""
	}
	return strings.Trim(l, "0123456789") == ""
}

func invalid(host, why string) error { return fmt.Errorf("%w: %q: %s", ErrInvalidHost, host, why) }

// Check applies the policy that needs no DNS: an IP literal must pass CheckAddr, and "localhost"
// names (RFC 6761) are refused without being resolved.
func (t Target) Check() error {
	if t.Addr.IsValid() {
		return CheckAddr(t.Addr)
	}
	if t.Name == "localhost" || strings.HasSuffix(t.Name, ".localhost") {
		return fmt.Errorf("%s is a loopback name: %w", t.Name, ErrForbiddenAddress)
	}
	return nil
}
