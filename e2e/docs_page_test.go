package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The docs page, opened in a real browser, renders the service's OpenAPI document, lists its
// operations, and "Try it out" calls the running server and shows its answer: with no request
// leaving the service's origin and nothing refused by the page's Content-Security-Policy.
func TestDocsPageListsOperationsAndTriesThemAgainstTheServer(t *testing.T) {
	ctx := headlessChromium(t, 90*time.Second)
	origin := stack.HTTP.URL

	var mu sync.Mutex
	var requests, problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// Errors and exceptions of the page, and refusals by its Content-Security-Policy.
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()

	// The operations are found by method and path, whatever their tags and ids.
	healthz := `//div[contains(@class,"opblock-get")][.//*[@data-path="/healthz"]]`
	readyz := `//div[contains(@class,"opblock-get")][.//*[@data-path="/readyz"]]`
	liveResponse := healthz + `//table[contains(@class,"live-responses-table")]/tbody/tr[contains(concat(" ",normalize-space(@class)," ")," response ")]`
	err = chromedp.Do(ctx,
		chromedp.Navigate(origin+"/docs"),
		// Tags start folded: unfold the one holding the health checks.
		chromedp.Click(chromedp.Search(`//h3[contains(@class,"opblock-tag")][@data-tag="Health"]`)),
		chromedp.WaitVisible(chromedp.Search(healthz)),
		chromedp.WaitVisible(chromedp.Search(readyz)),
		chromedp.Click(chromedp.Search(healthz+`//button[contains(@class,"opblock-summary-control")]`)),
		chromedp.Click(chromedp.Search(healthz+`//button[contains(@class,"try-out__btn")]`)),
		chromedp.Click(chromedp.Search(healthz+`//button[contains(@class,"execute")]`)),
		chromedp.WaitVisible(chromedp.Search(liveResponse)),
	)
	var status, body string
	if err == nil {
		status, err = chromedp.Run(ctx, chromedp.Text(chromedp.Search(liveResponse+`/td[contains(@class,"response-col_status")]`)))
	}
	if err == nil {
		body, err = chromedp.Run(ctx, chromedp.Text(chromedp.Search(liveResponse+`/td[contains(@class,"response-col_description")]`)))
	}
	if err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		mu.Lock()
		t.Fatalf("the docs page: %v\nbrowser problems: %q\npage text: %.2000s", err, problems, page)
	}
	if strings.TrimSpace(status) != "200" {
		t.Errorf("try it out on GET /healthz shows the status %q, want 200", status)
	}
	if !strings.Contains(body, `"status": "ok"`) {
		t.Errorf("try it out on GET /healthz shows %q, want the server's body {\"status\": \"ok\"}", body)
	}

	mu.Lock()
	defer mu.Unlock()
	called := false
	for _, u := range requests {
		switch {
		case u == origin+"/healthz":
			called = true
		case strings.HasPrefix(u, "data:"): // the stylesheet's inline icons: nothing leaves
		case !strings.HasPrefix(u, origin+"/"):
			t.Errorf("the page requested %s, outside the service's origin %s", u, origin)
		}
	}
	if !called {
		t.Errorf("the browser never called %s/healthz; it requested %q", origin, requests)
	}
	for _, p := range problems {
		t.Errorf("the browser reported: %s", p)
	}
}
