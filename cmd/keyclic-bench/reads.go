package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// The reads scenario's area: mainland France, where the generated feedbacks and places lie.
const (
	south, north = 43.0, 50.0
	west, east   = -1.0, 7.0
)

// readCase is one list read, drawn at random each time: its query string and the store filter
// the API builds from it.
type readCase struct {
	name string
	draw func() (url.Values, store.FeedbackFilter)
}

var readCases = []readCase{
	{"GET /feedbacks geo_near 1 km", func() (url.Values, store.FeedbackFilter) {
		p := randomPoint()
		return url.Values{"geo_near": {fmt.Sprintf("%+f%+f+1000", p.Latitude, p.Longitude)}},
			store.FeedbackFilter{Near: &store.GeoNear{Point: p, Radius: 1000}}
	}},
	{"GET /feedbacks geo_near[radius]=5000 (bracket form)", func() (url.Values, store.FeedbackFilter) {
		p := randomPoint()
		return url.Values{"geo_near[radius]": {"5000"}, "geo_near[geo_coordinates]": {fmt.Sprintf("%+f%+f", p.Latitude, p.Longitude)}},
			store.FeedbackFilter{Near: &store.GeoNear{Point: p, Radius: 5000}}
	}},
	{"GET /feedbacks geo_hash[] (two 5-character cells)", func() (url.Values, store.FeedbackFilter) {
		cells := []string{cell(randomPoint()), cell(randomPoint())}
		return url.Values{"geo_hash[]": cells}, store.FeedbackFilter{GeoHashes: cells}
	}},
}

// reads loads places, then feedbacks up to each size in turn, and measures each list read through
// HTTP and as the same store calls alone (no HTTP, same data, same clients) at every size. Place
// matching is measured once, on the first size. The by-size table goes to the report's end.
func (b *bench) reads(ctx context.Context, sizes []int, places int) error {
	c := benchkit.NewClient(b.stack.HTTP.URL)
	u, person, err := c.User()
	if err != nil {
		return err
	}
	if err := b.loadPlaces(ctx, places); err != nil {
		return err
	}
	if err := b.loadHintCategories(ctx); err != nil {
		return err
	}
	appID := b.appID(ctx)
	viewer := uuid.MustParse(person)
	bySize := make([][]result, len(readCases)*2+2) // the list reads, then the duplicate hints
	loaded := 0
	for i, size := range sizes {
		if err := b.loadFeedbacks(ctx, person, loaded, size); err != nil {
			return err
		}
		if err := b.loadReports(ctx); err != nil {
			return err
		}
		loaded = size
		for k, rc := range readCases {
			viaHTTP, err := b.sample(rc.name, func(int) (bool, error) {
				v, _ := rc.draw()
				return true, u.Do(http.MethodGet, "/feedbacks?"+v.Encode(), nil, http.StatusOK, nil)
			})
			if err != nil {
				return err
			}
			alone, err := b.sample("same SQL alone", func(int) (bool, error) {
				_, ff := rc.draw()
				ff.ApplicationID, ff.ViewerID = appID, viewer
				return true, b.sameSQL(ctx, ff)
			})
			if err != nil {
				return err
			}
			bySize[2*k], bySize[2*k+1] = append(bySize[2*k], viaHTTP), append(bySize[2*k+1], alone)
		}
		viaHTTP, alone, err := b.hints(ctx, u, appID, viewer, size)
		if err != nil {
			return err
		}
		k := len(readCases)
		bySize[2*k], bySize[2*k+1] = append(bySize[2*k], viaHTTP), append(bySize[2*k+1], alone)
		if i == 0 {
			if err := b.placeMatching(ctx, u, appID, places); err != nil {
				return err
			}
		}
	}
	b.footer = append(b.footer, bySizeTable(sizes, bySize))
	return nil
}

// sameSQL runs what the feedback list handler asks of the store: the page with its count, then
// the page's images, checkpoints and progression.
func (b *bench) sameSQL(ctx context.Context, ff store.FeedbackFilter) error {
	st := b.stack.App.Store
	items, _, err := st.Feedbacks(ctx, ff, domain.Page{Page: 1, Limit: domain.DefaultLimit, Desc: true})
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(items))
	for i, f := range items {
		ids[i] = f.ID
	}
	_, err = st.FeedbackExtrasFor(ctx, ids)
	return err
}

func (b *bench) placeMatching(ctx context.Context, u *benchkit.Client, appID uuid.UUID, places int) error {
	if err := b.measure(fmt.Sprintf("place matching of one point (SQL, %d places)", places), func(int) (bool, error) {
		_, err := b.stack.App.Store.MatchCandidates(ctx, appID, randomPoint())
		return true, err
	}); err != nil {
		return err
	}
	return b.measure("GET /places?geo_coordinates (HTTP)", func(int) (bool, error) {
		p := randomPoint()
		return true, u.Do(http.MethodGet, "/places?"+url.Values{"geo_coordinates": {fmt.Sprintf("%+f%+f", p.Latitude, p.Longitude)}}.Encode(), nil, http.StatusOK, nil)
	})
}

// bySizeTable prints one column per size: each read's rate and p99 through HTTP, then the same
// SQL alone and the ratio between them; the last column is how much the HTTP rate falls from the
// first size to the last.
func bySizeTable(sizes []int, rows [][]result) string {
	var t strings.Builder
	t.WriteString("\n## Reads by size (feedbacks in the same area)\n\n| read |")
	for _, n := range sizes {
		fmt.Fprintf(&t, " %s |", humanCount(n))
	}
	t.WriteString(" rate falls |\n|---|")
	t.WriteString(strings.Repeat("---:|", len(sizes)+1) + "\n")
	for k := 0; k < len(rows); k += 2 {
		viaHTTP, alone := rows[k], rows[k+1]
		fmt.Fprintf(&t, "| %s |", viaHTTP[0].name)
		for _, r := range viaHTTP {
			fmt.Fprintf(&t, " %.0f/s, p99 %s |", r.rate, ms(r.p99))
		}
		fmt.Fprintf(&t, " %.2f× |\n| same SQL alone |", viaHTTP[0].rate/viaHTTP[len(viaHTTP)-1].rate)
		for _, r := range alone {
			fmt.Fprintf(&t, " %.0f/s, p99 %s |", r.rate, ms(r.p99))
		}
		t.WriteString(" |\n| HTTP / SQL alone |")
		for i := range viaHTTP {
			fmt.Fprintf(&t, " %.2f× |", viaHTTP[i].rate/alone[i].rate)
		}
		t.WriteString(" |\n")
	}
	return t.String()
}

func humanCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func randomPoint() domain.Point {
	return domain.Point{Latitude: south + rand.Float64()*(north-south), Longitude: west + rand.Float64()*(east-west)}
}

func (b *bench) appID(ctx context.Context) (id uuid.UUID) {
	_ = b.stack.App.Store.Pool.QueryRow(ctx, `SELECT id FROM applications WHERE token = 'com.keyclic.app'`).Scan(&id)
	return id
}

// cell is the 5-character geohash cell of a point.
func cell(p domain.Point) string { return testkit.GeoHash(testkit.Pt(p.Latitude, p.Longitude), 5) }
