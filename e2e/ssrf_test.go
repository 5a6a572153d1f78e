package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// ssrfURLs are payload URLs leading into the service's own network, or written so that what is
// checked may not be what is dialled: an instance refusing internal targets accepts none of them.
var ssrfURLs = []string{
	// Special-purpose IPv4 blocks.
	"http://0.1.2.3/",
	"http://192.0.2.1/",
	"http://198.18.0.1/",
	"http://240.0.0.1/",
	"http://255.255.255.255/",
	"http://224.0.0.1/",
	"http://192.88.99.1/",
	"http://198.51.100.7/",
	"http://203.0.113.7/",
	"http://100.64.0.1/",
	"http://169.254.169.254/latest/meta-data/",
	// IPv4 carried in IPv6, and special-purpose IPv6 blocks.
	"http://[::127.0.0.1]/",
	"http://[::7f00:1]/",
	"http://[::ffff:0:7f00:1]/",
	"http://[::ffff:7f00:1]/",
	"http://[64:ff9b::7f00:1]/",
	"http://[64:ff9b:1::7f00:1]/",
	"http://[2002:7f00:1::]/",
	"http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
	"http://[fec0::1]/",
	"http://[2001:db8::1]/",
	"http://[100::1]/",
	"http://[ff02::1]/",
	"http://[0:0:0:0:0:0:0:1]:8080/",
	// Numbers a C library or a browser reads as 127.0.0.1.
	"http://2130706433/",
	"http://0x7f000001/",
	"http://0x7f.1/",
	"http://0x7f.0x0.0x0.0x1/",
	"http://0177.0.0.1/",
	"http://017700000001/",
	"http://127.1/",
	"http://127.0.1/",
	"http://１２７.０.０.１/",
	// Credentials and fragments.
	"http://8.8.8.8@127.0.0.1/",
	"http://localhost:80@8.8.8.8/",
	"http://127.0.0.1#@8.8.8.8/",
	"http://127.0.0.1?@8.8.8.8/",
	// Trailing dots.
	"http://127.0.0.1./",
	"http://localhost./",
	"http://8.8.8.8./",
	// Loopback names, brackets, zones and ports.
	"http://api.localhost:8080/",
	"http://[fe80::1%25eth0]/",
	"http://[::1]:8080/",
	"http://127.0.0.1:8080/",
	"http://8.8.8.8:0/",
	"http://8.8.8.8:65536/",
}

// hostURLs are this machine's own addresses on port 8080, where the API itself listens.
func hostURLs(t *testing.T) []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok {
				out = append(out, "http://"+netip.AddrPortFrom(ip.Unmap(), 8080).String()+"/")
			}
		}
	}
	return out
}

// An instance refusing internal targets (the default) refuses every form of internal URL with a
// 400 naming payloadUrl, on creation and on update, and nothing is written.
func TestWebhookSSRFRefused(t *testing.T) {
	settings := stack.App.APISettings()
	settings.Webhooks.AllowInternal = false
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()
	desk := stack.NewDesk(t, "Webhooks SSRF")
	admin := desk.Admin.With(func(c *testkit.Client) { c.Base = srv.URL })
	base := "/organizations/" + desk.Org + "/webhooks"

	urls := append(append([]string{}, ssrfURLs...), hostURLs(t)...)
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			admin := admin.With(func(c *testkit.Client) { c.T = t })
			r := admin.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": u, "enabled": false})
			if r.Status == http.StatusCreated {
				admin.Delete("/webhooks/" + r.Str("id")) // so that the other cases start from none
			}
			r.ExpectError(http.StatusBadRequest, "payloadUrl")
			admin.Get(base).Expect(http.StatusOK).ExpectIDSet()
		})
	}

	// The message says why: an internal address, or a URL that is not clean.
	en := admin.With(func(c *testkit.Client) { c.Lang = "en-US" })
	for u, why := range map[string]string{
		"http://[64:ff9b::7f00:1]/": "internal network",
		"http://localhost./":        "not a valid URL",
		"http://0x7f.1/":            "not a valid URL",
	} {
		en.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": u}).
			ExpectError(http.StatusBadRequest, "payloadUrl").ExpectMessageContains(why)
	}

	// Public literals are accepted (created disabled: nothing is ever sent to them).
	var ids []string
	for _, u := range []string{"http://8.8.8.8/", "https://1.1.1.1:8443/x", "http://[2606:4700:4700::1111]/"} {
		ids = append(ids, admin.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": u, "enabled": false}).
			Expect(http.StatusCreated).Str("id"))
	}
	admin.Get(base).Expect(http.StatusOK).ExpectIDSet(ids...)

	// An update is checked the same way, and a refused one changes nothing.
	for _, u := range urls {
		admin.Patch("/webhooks/"+ids[0], map[string]any{"payloadUrl": u}).ExpectError(http.StatusBadRequest, "payloadUrl")
	}
	if g := admin.Get("/webhooks/" + ids[0]).Expect(http.StatusOK); g.Str("payloadUrl") != "http://8.8.8.8/" {
		t.Fatalf("refused updates changed the webhook: %s", g.Body)
	}
	for _, id := range ids {
		admin.Delete("/webhooks/" + id).Expect(http.StatusNoContent)
	}
}
