package netguard

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestCheckAddr(t *testing.T) {
	withOwnAddresses(t, "127.0.0.1/8", "192.0.2.2/24", "fd00::2/64", "8.8.4.4/24", "2606:4700::2/64")
	for _, tc := range []struct {
		addr string
		why  string // part of the reason given; "" when allowed
	}{
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.215.14", ""},
		{"2606:4700:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"2a00:1450:4007:80e::200e", ""},
		{"11.0.0.1", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.32.0.1", ""},
		{"198.20.0.1", ""},
		{"223.255.255.255", ""},
		{"2001:200::1", ""},
		{"2003::1", ""},
		{"3fff:1000::1", ""},

		{"0.1.2.3", `"this network"`},
		{"0.0.0.0", `"this network"`},
		{"10.255.255.255", "private-use"},
		{"100.64.0.1", "shared address space"},
		{"127.0.0.1", "loopback"},
		{"169.254.169.254", "link-local"},
		{"172.16.0.1", "private-use"},
		{"192.0.0.9", "IETF protocol assignments"},
		{"192.0.2.1", "documentation"},
		{"192.31.196.1", "AS112"},
		{"192.52.193.1", "AMT"},
		{"192.88.99.1", "6to4 relay"},
		{"192.168.0.1", "private-use"},
		{"192.175.48.1", "AS112"},
		{"198.18.0.1", "benchmarking"},
		{"198.51.100.1", "documentation"},
		{"203.0.113.1", "documentation"},
		{"224.0.0.251", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "limited broadcast"},
		{"::1", "loopback"},
		{"::", "unspecified"},
		{"::127.0.0.1", "IPv4-compatible"},
		{"::7f00:1", "loopback"},
		{"::8.8.8.8", "IPv4-compatible"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:8.8.8.8", "IPv4-mapped"},
		{"::ffff:0:7f00:1", "IPv4-translated"},
		{"64:ff9b::7f00:1", "NAT64"},
		{"64:ff9b::808:808", "NAT64"},
		{"64:ff9b:1::a00:1", "local-use NAT64"},
		{"100::1", "discard-only"},
		{"2001::1", "Teredo"},
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo client"},
		{"2001:2::1", "IETF protocol assignments"},
		{"2001:1ff::1", "IETF protocol assignments"},
		{"2001:db8::1", "documentation"},
		{"2002:7f00:1::", "6to4"},
		{"2002:808:808::1", "6to4"},
		{"2620:4f:8000::1", "AS112"},
		{"3fff::1", "documentation"},
		{"5f00::1", "segment routing"},
		{"fc00::1", "unique-local"},
		{"fd00::1", "unique-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fec0::1", "site-local"},
		{"ff02::1", "multicast"},
		{"4000::1", "outside global unicast"},
		{"e000::1", "outside global unicast"},
		{"8.8.4.4", "this host"},
		{"2606:4700::2", "this host"},
		{"192.0.2.2", "documentation"},
	} {
		err := CheckAddr(mustAddr(tc.addr))
		switch {
		case tc.why == "" && err != nil:
			t.Errorf("%s: %v, want allowed", tc.addr, err)
		case tc.why != "" && !errors.Is(err, ErrForbiddenAddress):
			t.Errorf("%s: %v, want refused (%s)", tc.addr, err, tc.why)
		case tc.why != "" && !strings.Contains(err.Error(), tc.why):
			t.Errorf("%s: %v, want the reason to say %q", tc.addr, err, tc.why)
		}
	}
	if CheckAddr(netip.Addr{}) == nil {
		t.Error("the zero address is allowed")
	}
}

// Every block of the tables is refused from its first address to its last.
func TestEveryRegistryBlockRefused(t *testing.T) {
	withOwnAddresses(t)
	for _, e := range append(append([]entry{}, special4...), special6...) {
		first := e.prefix.Masked().Addr()
		last := first
		for b := e.prefix.Bits(); b < first.BitLen(); b++ {
			last = setBit(last, b)
		}
		for _, a := range []netip.Addr{first, last} {
			if !Forbidden(a) {
				t.Errorf("%s (%s of %s) is allowed", a, e.name, e.prefix)
			}
		}
	}
}

func setBit(a netip.Addr, bit int) netip.Addr {
	s := a.AsSlice()
	s[bit/8] |= 0x80 >> (bit % 8)
	out, _ := netip.AddrFromSlice(s)
	return out
}

func TestEmbeddedIPv4(t *testing.T) {
	for _, tc := range []struct{ v6, v4, form string }{
		{"::ffff:192.0.2.1", "192.0.2.1", "IPv4-mapped"},
		{"::7f00:1", "127.0.0.1", "IPv4-compatible"},
		{"::ffff:0:a00:1", "10.0.0.1", "IPv4-translated"},
		{"64:ff9b::c0a8:101", "192.168.1.1", "NAT64"},
		{"64:ff9b:1::a9fe:a9fe", "169.254.169.254", "local-use NAT64"},
		{"2002:a9fe:a9fe::1", "169.254.169.254", "6to4"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45", "Teredo client"},
		{"2606:4700:4700::1111", "", ""},
		{"fe80::1%eth0", "", ""},
	} {
		v4, form, ok := EmbeddedIPv4(mustAddr(tc.v6))
		if ok != (tc.v4 != "") || ok && (v4 != mustAddr(tc.v4) || form != tc.form) {
			t.Errorf("EmbeddedIPv4(%s) = %v, %q, %v; want %s, %q", tc.v6, v4, form, ok, tc.v4, tc.form)
		}
	}
	if _, _, ok := EmbeddedIPv4(mustAddr("127.0.0.1")); ok {
		t.Error("an IPv4 address carries an IPv4 address")
	}
}
