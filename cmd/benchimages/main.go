// Command benchimages measures the memory and the time of hostile image uploads and resizes on
// this machine, against the real stack (a fresh database and a Temporal dev server of its own,
// as the tests use; the API runs in this process, so its memory is this process's):
//
//	go run ./cmd/benchimages -parallel 8
//
// Each phase sends -parallel requests at once, one per user, as person pictures (PATCH
// /people/{id}, then GET /people/{id}/image/{w}/{h}: the path every upload and resize takes):
// a small photo first, as the reference, then the costliest picture the default bounds accept
// (24 megapixels of 16-bit RGBA: 192 MB decoded, from a 190 kB file), the largest file (10 MiB
// of noise), a header declaring 20000 × 20000, and the resizes of the costliest picture to 4096
// wide. Before each phase the heap is collected and returned to the OS and the peak RSS reset;
// for each it prints the answers, the time per request, the RSS before and its peak (VmHWM),
// and the peak Go heap, sampled every 10 ms. It prints a Markdown table.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/imagetest"
	"github.com/keyclic/keyclic/internal/testkit"
)

func main() {
	parallel := flag.Int("parallel", 8, "requests at once in each phase")
	flag.Parse()

	ctx := context.Background()
	stack, err := testkit.Start(ctx, "benchimages")
	if err != nil {
		log.Fatal(err)
	}
	defer stack.Stop()
	fail := func(format string, args ...any) {
		stack.Stop()
		log.Fatalf(format, args...)
	}
	describeLimits(stack)

	api := benchkit.NewClient(stack.HTTP.URL)
	users := make([]user, *parallel)
	for i := range users {
		c, id, err := api.User()
		if err != nil {
			fail("user: %v", err)
		}
		users[i] = user{c, id}
	}

	log.Print("making the images…")
	costliest := imagetest.ZeroPNG(6000, 4000, imagetest.RGBAlpha, 16)
	phases := []phase{
		{name: "reference: upload a 1200×900 JPEG photo", body: imageBody(photo(1200, 900))},
		{name: "reference: resize it to 200×200", get: "/200/200"},
		{name: "upload 24 MP 16-bit RGBA PNG (the costliest accepted)", body: imageBody(costliest)},
		{name: "upload a 10 MiB PNG of noise (the largest file)", body: imageBody(noise(10 << 20))},
		{name: "upload a header of 20000 × 20000 (bomb)", body: imageBody(imagetest.HeaderBomb(20000, 20000))},
		{name: "upload 24 MP 16-bit RGBA PNG, again", body: imageBody(costliest)},
		{name: "resize it to 4096×4096", get: "/4096/4096"},
	}
	fmt.Printf("\n%d requests at once in each phase, one per user.\n\n", *parallel)
	fmt.Println("| phase | answers | time per request p50 / max | RSS before | peak RSS (VmHWM) | peak Go heap |")
	fmt.Println("|---|---|---:|---:|---:|---:|")
	for _, p := range phases {
		r := p.run(api, users)
		fmt.Printf("| %s | %s | %s / %s | %s | %s | %s |\n", p.name, r.answers, ms(r.p50), ms(r.max),
			kib(r.rssBefore), kib(r.peakRSS), mib(int64(r.heap.Inuse)))
	}
}

type user struct {
	c  *benchkit.Client
	id string
}

type phase struct {
	name string
	body []byte // PATCH /people/{id} with this body
	get  string // or GET /people/{id}/image + this
}

type result struct {
	answers            string
	p50, max           time.Duration
	rssBefore, peakRSS int64
	heap               benchkit.HeapPeak
}

// run sends one request per user at once and measures them.
func (p phase) run(api *benchkit.Client, users []user) result {
	runtime.GC()
	debug.FreeOSMemory()
	var r result
	r.rssBefore = benchkit.ProcStatus("VmRSS")
	if !benchkit.ResetPeakRSS() {
		log.Print("VmHWM cannot be reset here: peaks are since the start")
	}
	peak := benchkit.SampleHeap(10 * time.Millisecond)
	times := make([]time.Duration, len(users))
	statuses := make([]int, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			start := time.Now()
			statuses[i] = p.send(api, u)
			times[i] = time.Since(start)
		})
	}
	wg.Wait()
	r.heap = peak()
	r.peakRSS = benchkit.ProcStatus("VmHWM")
	slices.Sort(times)
	r.p50, r.max = times[len(times)/2], times[len(times)-1]
	r.answers = countStatuses(statuses)
	return r
}

// send makes the phase's request as u and returns its status (0 when it failed to get one).
func (p phase) send(api *benchkit.Client, u user) int {
	method, path, body := http.MethodPatch, "/people/"+u.id, io.Reader(nil)
	if p.get != "" {
		method, path = http.MethodGet, path+"/image"+p.get
	} else {
		body = bytes.NewReader(p.body)
	}
	req, err := http.NewRequest(method, api.Base+path, body)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Keyclic-App", api.App)
	req.Header.Set("Authorization", "Bearer "+u.c.Token)
	resp, err := api.HTTP.Do(req)
	if err != nil {
		log.Printf("%s %s: %v", method, path, err)
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func countStatuses(statuses []int) string {
	n := map[int]int{}
	for _, s := range statuses {
		n[s]++
	}
	var out []string
	for s, k := range n {
		out = append(out, fmt.Sprintf("%d × %d", k, s))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// imageBody is the JSON body of a picture upload, made once and sent as it is by every request.
func imageBody(data []byte) []byte {
	b, err := json.Marshal(map[string]string{"image": "data:image/png;base64," + base64.StdEncoding.EncodeToString(data)})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// photo is a w×h JPEG with smooth colours, like a small photo.
func photo(w, h int) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 85}); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// noise is a PNG of random pixels, incompressible, just under size bytes.
func noise(size int) []byte {
	side := 1
	for 4*(side+1)*(side+1)+64<<10 < size {
		side++
	}
	m := image.NewNRGBA(image.Rect(0, 0, side, side))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range m.Pix {
		m.Pix[i] = uint8(rng.Uint32())
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, m); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }
func mib(n int64) string        { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
func kib(n int64) string        { return fmt.Sprintf("%.0f MiB", float64(n)/1024) }
