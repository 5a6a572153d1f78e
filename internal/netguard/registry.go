package netguard

import "net/netip"

// entry is one block of an IANA special-purpose address registry (or of the other address-space
// registries where the block is not global unicast).
type entry struct {
	prefix netip.Prefix
	name   string
}

func block(prefix, name string) entry { return entry{netip.MustParsePrefix(prefix), name} }

// special4 is the IANA IPv4 Special-Purpose Address Registry, every block refused whatever its
// "globally reachable" column says (an anycast relay or AS112 server is no webhook consumer),
// plus multicast. Sub-blocks the registry lists inside a larger block are named in comments.
var special4 = []entry{
	block("0.0.0.0/8", `"this network" (RFC 791)`), // with 0.0.0.0/32 "this host on this network" (RFC 1122)
	block("10.0.0.0/8", "private-use (RFC 1918)"),
	block("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"),
	block("127.0.0.0/8", "loopback (RFC 1122)"),
	block("169.254.0.0/16", "link-local (RFC 3927)"),
	block("172.16.0.0/12", "private-use (RFC 1918)"),
	// IETF protocol assignments (RFC 6890), holding 192.0.0.0/29 IPv4 service continuity
	// (RFC 7335), 192.0.0.8/32 IPv4 dummy address (RFC 7600), 192.0.0.9/32 PCP anycast (RFC 7723),
	// 192.0.0.10/32 TURN anycast (RFC 8155), 192.0.0.170-171/32 NAT64/DNS64 discovery (RFC 8880).
	block("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
	block("192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"),
	block("192.31.196.0/24", "AS112-v4 (RFC 7535)"),
	block("192.52.193.0/24", "AMT (RFC 7450)"),
	block("192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"),
	block("192.168.0.0/16", "private-use (RFC 1918)"),
	block("192.175.48.0/24", "direct delegation AS112 service (RFC 7534)"),
	block("198.18.0.0/15", "benchmarking (RFC 2544)"),
	block("198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"),
	block("203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"),
	block("224.0.0.0/4", "multicast (RFC 5771)"),
	block("255.255.255.255/32", "limited broadcast (RFC 919)"),
	block("240.0.0.0/4", "reserved (RFC 1112)"),
}

// special6 is the IANA IPv6 Special-Purpose Address Registry, every block refused, plus the
// non-global blocks of the IPv6 address space (site-local, multicast, IPv4-compatible). Anything
// outside 2000::/3 is refused as well (globalUnicast6), so this table mostly names the reason.
var special6 = []entry{
	block("::1/128", "loopback (RFC 4291)"),
	block("::/128", "unspecified (RFC 4291)"),
	block("::/96", "deprecated IPv4-compatible (RFC 4291)"),
	block("::ffff:0:0/96", "IPv4-mapped (RFC 4291)"),
	block("64:ff9b::/96", "IPv4-IPv6 translation, NAT64 (RFC 6052)"),
	block("64:ff9b:1::/48", "local-use IPv4-IPv6 translation (RFC 8215)"),
	block("100::/64", "discard-only (RFC 6666)"),
	block("100:0:0:1::/64", "dummy IPv6 prefix (registry entry of 2025)"),
	// IETF protocol assignments (RFC 2928), holding 2001::/32 Teredo (RFC 4380), 2001:1::1/128 PCP
	// anycast (RFC 7723), 2001:1::2/128 TURN anycast (RFC 8155), 2001:1::3/128 DNS-SD SRP anycast,
	// 2001:2::/48 benchmarking (RFC 5180), 2001:3::/32 AMT (RFC 7450), 2001:4:112::/48 AS112-v6
	// (RFC 7535), 2001:10::/28 deprecated ORCHID (RFC 4843), 2001:20::/28 ORCHIDv2 (RFC 7343),
	// 2001:30::/28 drone remote ID entity tags (RFC 9374).
	block("2001::/32", "Teredo (RFC 4380)"),
	block("2001::/23", "IETF protocol assignments (RFC 2928)"),
	block("2001:db8::/32", "documentation (RFC 3849)"),
	block("2002::/16", "6to4 (RFC 3056)"),
	block("2620:4f:8000::/48", "direct delegation AS112 service (RFC 7534)"),
	block("3fff::/20", "documentation (RFC 9637)"),
	block("5f00::/16", "segment routing SIDs (RFC 9602)"),
	block("fc00::/7", "unique-local (RFC 4193)"),
	block("fe80::/10", "link-local (RFC 4291)"),
	block("fec0::/10", "deprecated site-local (RFC 3879)"),
	block("ff00::/8", "multicast (RFC 4291)"),
}

// globalUnicast6 is the only IPv6 space IANA allocates as global unicast (RFC 4291, IANA IPv6
// Address Space registry): everything outside it is refused even if no entry above names it.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// specialBlock returns the first registry block holding ip.
func specialBlock(ip netip.Addr) (entry, bool) {
	table := special6
	if ip.Is4() {
		table = special4
	}
	for _, e := range table {
		if e.prefix.Contains(ip) {
			return e, true
		}
	}
	return entry{}, false
}
