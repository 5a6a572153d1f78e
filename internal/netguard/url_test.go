package netguard

import (
	"context"
	"errors"
	"testing"
)

// outcome names what CheckURL answers, as the API maps it onto messages.
func outcome(err error) string {
	switch {
	case err == nil:
		return "accepted"
	case errors.Is(err, ErrInvalidHost):
		return "invalid"
	case errors.Is(err, ErrForbiddenAddress):
		return "internal"
	default:
		return "unresolvable"
	}
}

// refusedURLs are payload URLs that must never be accepted on an instance refusing internal
// targets, with the reason given. The host's own address is 8.8.4.4 and 2606:4700::2 here.
var refusedURLs = []struct{ url, want string }{
	// The forms of the audit.
	{"http://0.1.2.3/", "internal"},
	{"http://[::127.0.0.1]/", "internal"},
	{"http://[::7f00:1]/", "internal"},
	{"http://[::ffff:0:7f00:1]/", "internal"},
	{"http://[64:ff9b::7f00:1]/", "internal"},
	{"http://[2002:7f00:1::]/", "internal"},
	{"http://[fec0::1]/", "internal"},
	{"http://192.0.2.1/", "internal"},
	{"http://192.0.2.2:8080/", "internal"},
	{"http://[fd00::2]:8080/", "internal"},
	{"http://198.18.0.1/", "internal"},
	{"http://240.0.0.1/", "internal"},
	// This host's own public addresses.
	{"http://8.8.4.4:8080/", "internal"},
	{"http://[2606:4700::2]:8080/", "internal"},
	{"http://[::ffff:8.8.4.4]/", "internal"},
	// IPv4 blocks.
	{"http://127.0.0.1/", "internal"},
	{"http://127.255.255.254:9/", "internal"},
	{"http://0.0.0.0/", "internal"},
	{"http://10.0.0.1/", "internal"},
	{"http://100.64.0.1/", "internal"},
	{"http://169.254.169.254/latest/meta-data/", "internal"},
	{"http://172.16.0.1/", "internal"},
	{"http://172.31.255.255/", "internal"},
	{"http://192.0.0.170/", "internal"},
	{"http://192.31.196.1/", "internal"},
	{"http://192.52.193.1/", "internal"},
	{"http://192.88.99.1/", "internal"},
	{"http://192.168.1.1/", "internal"},
	{"http://192.175.48.1/", "internal"},
	{"http://198.19.255.255/", "internal"},
	{"http://198.51.100.7/", "internal"},
	{"http://203.0.113.7/", "internal"},
	{"http://224.0.0.1/", "internal"},
	{"http://239.255.255.250:1900/", "internal"},
	{"http://255.255.255.255/", "internal"},
	// IPv6 blocks and IPv4 carried in IPv6.
	{"http://[::1]/", "internal"},
	{"http://[0:0:0:0:0:0:0:1]:8080/", "internal"},
	{"http://[::]/", "internal"},
	{"http://[::ffff:127.0.0.1]/", "internal"},
	{"http://[::ffff:7f00:1]/", "internal"},
	{"http://[::ffff:8.8.8.8]/", "internal"},
	{"http://[64:ff9b:1::7f00:1]/", "internal"},
	{"http://[64:ff9b::808:808]/", "internal"},
	{"http://[2002:808:808::1]/", "internal"},
	{"http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "internal"},
	{"http://[2001:db8::1]/", "internal"},
	{"http://[3fff::1]/", "internal"},
	{"http://[100::1]/", "internal"},
	{"http://[5f00::1]/", "internal"},
	{"http://[fc00::1]/", "internal"},
	{"http://[fe80::1]/", "internal"},
	{"http://[ff02::1]/", "internal"},
	{"http://[2620:4f:8000::1]/", "internal"},
	{"http://[4000::1]/", "internal"},
	// Numbers that a C library or a browser reads as 127.0.0.1.
	{"http://2130706433/", "invalid"},
	{"http://0x7f000001/", "invalid"},
	{"http://0X7F000001/", "invalid"},
	{"http://0x7f.1/", "invalid"},
	{"http://0x7f.0x0.0x0.0x1/", "invalid"},
	{"http://0177.0.0.1/", "invalid"},
	{"http://017700000001/", "invalid"},
	{"http://127.1/", "invalid"},
	{"http://127.0.1/", "invalid"},
	{"http://127.000.000.001/", "invalid"},
	{"http://1.2.3.4.5/", "invalid"},
	{"http://www.example.0x10/", "invalid"},
	{"http://0x/", "invalid"},
	{"http://１２７.０.０.１/", "invalid"},
	// Credentials and fragments: the host is what follows the last "@" before the path.
	{"http://user@8.8.8.8/", "invalid"},
	{"http://8.8.8.8@127.0.0.1/", "invalid"},
	{"http://8.8.8.8:80@127.0.0.1/", "invalid"},
	{"http://localhost:80@8.8.8.8/", "invalid"},
	{"http://127.0.0.1#@8.8.8.8/", "internal"},
	{"http://127.0.0.1?@8.8.8.8/", "internal"},
	{`http://127.0.0.1\@8.8.8.8/`, "invalid"},
	// Trailing dots.
	{"http://127.0.0.1./", "invalid"},
	{"http://localhost./", "invalid"},
	{"http://8.8.8.8./", "invalid"},
	{"http://example.com./", "invalid"},
	// Loopback names, refused without resolving.
	{"http://localhost/", "internal"},
	{"https://LOCALHOST:8443/x", "internal"},
	{"http://api.localhost/", "internal"},
	// Brackets, zones and ports.
	{"http://[fe80::1%25eth0]/", "invalid"},
	{"http://[2606:4700:4700::1111%25eth0]/", "invalid"},
	{"http://[127.0.0.1]/", "invalid"},
	{"http://[::1/", "invalid"},
	{"http://::1/", "invalid"},
	{"http://127.0.0.1:8080/", "internal"},
	{"http://8.8.8.8:0/", "invalid"},
	{"http://8.8.8.8:65536/", "invalid"},
	{"http://8.8.8.8:80:80/", "invalid"},
	// Not host names.
	{"http://exa_mple.com/", "invalid"},
	{"http://-example.com/", "invalid"},
	{"http://example..com/", "invalid"},
	{"http:///x", "invalid"},
	// Names answering internal addresses (the resolver is a table here).
	{"http://internal.example.com/", "internal"},
	{"http://mixed.example.com/", "internal"},
	{"http://mapped.example.com/", "internal"},
	{"http://nowhere.example.com/", "unresolvable"},
}

var acceptedURLs = []string{
	"http://8.8.8.8/",
	"https://1.1.1.1:8443/x",
	"http://[2606:4700:4700::1111]/",
	"https://[2001:4860:4860::8888]:443/hooks?x=1",
	"http://9.9.9.9:80/path#frag",
	"http://93.184.215.14/",
	"http://hooks.example.com/keyclic",
	"HTTPS://Hooks.Example.COM:8443/keyclic",
	"http://public-mapped.example.com/",
}

func TestCheckURL(t *testing.T) {
	withOwnAddresses(t, "127.0.0.1/8", "::1/128", "8.8.4.4/24", "2606:4700::2/64")
	withLookup(t, map[string][]string{
		"hooks.example.com":         {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
		"internal.example.com":      {"127.0.0.1"},
		"mixed.example.com":         {"8.8.8.8", "10.0.0.1"},
		"mapped.example.com":        {"::ffff:169.254.169.254"},
		"public-mapped.example.com": {"::ffff:8.8.8.8"},
	})
	if n := len(refusedURLs); n < 40 {
		t.Fatalf("only %d refused URLs", n)
	}
	for _, tc := range refusedURLs {
		err := CheckURL(context.Background(), tc.url, false)
		if got := outcome(err); got != tc.want {
			t.Errorf("%s: %s (%v), want %s", tc.url, got, err, tc.want)
		}
	}
	for _, u := range acceptedURLs {
		if err := CheckURL(context.Background(), u, false); err != nil {
			t.Errorf("%s: %v, want accepted", u, err)
		}
	}
}

// With internal targets allowed (development, tests) the address policy is off, but a host that is
// not a clean name or literal is still refused.
func TestCheckURLAllowingInternal(t *testing.T) {
	withLookup(t, nil)
	for _, u := range []string{"http://127.0.0.1:9/hook", "http://localhost:8080/", "http://[::1]/", "http://192.168.1.1/", "http://unresolvable.example/"} {
		if err := CheckURL(context.Background(), u, true); err != nil {
			t.Errorf("%s: %v, want accepted", u, err)
		}
	}
	for _, u := range []string{"http://2130706433/", "http://127.1/", "http://127.0.0.1./", "http://[fe80::1%25lo]/", "http://user@127.0.0.1/"} {
		if err := CheckURL(context.Background(), u, true); !errors.Is(err, ErrInvalidHost) {
			t.Errorf("%s: %v, want invalid", u, err)
		}
	}
}

func TestParseHost(t *testing.T) {
	for host, want := range map[string]Target{
		"8.8.8.8":         {Addr: mustAddr("8.8.8.8")},
		"Hooks.Example":   {Name: "hooks.example"},
		"xn--bcher-kva.0": {},
		"1e100.net":       {Name: "1e100.net"},
		"0x10.example":    {Name: "0x10.example"},
		"a.b-c.d":         {Name: "a.b-c.d"},
		"123":             {},
		"":                {},
	} {
		got, err := ParseHost(host)
		if (err != nil) != (want == Target{}) || got != want {
			t.Errorf("ParseHost(%q) = %+v, %v; want %+v", host, got, err, want)
		}
	}
}
