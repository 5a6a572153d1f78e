package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// chart reads GET /organizations/{org}/analytics?query as c.
func chart(c *testkit.Client, org, query string) (labels []string, data []int) {
	c.T.Helper()
	r := c.Get("/organizations/" + org + "/analytics?" + query).Expect(http.StatusOK)
	labels = r.Strings("labels")
	for _, v := range r.List("data") {
		n, ok := v.(float64)
		if !ok {
			c.T.Fatalf("data holds %v: %s", v, r.Body)
		}
		data = append(data, int(n))
	}
	if labels == nil || r.At("data") == nil || len(labels) != len(data) {
		c.T.Fatalf("not a chart: %s", r.Body)
	}
	return labels, data
}

func expectChart(t *testing.T, c *testkit.Client, org, query string, labels []string, data []int) {
	t.Helper()
	gotLabels, gotData := chart(c, org, query)
	if !slices.Equal(gotLabels, labels) || !slices.Equal(gotData, data) {
		t.Errorf("%s:\n got %q %v\nwant %q %v", query, gotLabels, gotData, labels, data)
	}
}

func TestAnalyticsCounts(t *testing.T) {
	d := stack.NewDesk(t, "Analytics")
	place := d.Admin.Get("/places/" + d.Place).Expect(http.StatusOK).Str("name")
	alpha, beta := testkit.Unique("Alpha "), testkit.Unique("Beta ")
	alphaID := d.Admin.CreateCategory(d.Org, alpha, "#aa0000", "fa-a")
	betaID := d.Admin.CreateCategory(d.Org, beta, "#00bb00", "fa-b")
	report := func(category string, transitions ...string) string {
		extra := map[string]any{}
		if category != "" {
			extra["category"] = category
		}
		r := d.Admin.ReportOf(d.Org, d.Citizen.Issue(d.Inside(), extra))
		if len(transitions) > 0 {
			d.Admin.DriveReport(r, transitions...)
		}
		return r
	}
	// 3 NEW (Alpha, Alpha, none), 2 ACCEPTED (Beta, Alpha), 1 CLOSED (none).
	ids := []string{
		report(alphaID), report(alphaID), report(""),
		report(betaID, "accept"), report(alphaID, "accept"),
		report("", "accept", "progress", "close"),
	}
	// A rival organization covering the same place accepts a seventh feedback first: the desk's
	// report of it is WITHDRAWN and counts nowhere.
	rival := stack.NewDeskIn(t, "Rival", testkit.BusinessActivityRoads, d.Corner, d.Size)
	f := d.Citizen.Issue(d.Inside(), nil)
	rival.Admin.DriveReport(rival.Admin.ReportOf(rival.Org, f), "accept")
	withdrawn := testkit.Eventually(30*time.Second, func() bool {
		return len(d.Admin.ReportsOfFeedback(d.Org, f)) == 0
	})
	if !withdrawn {
		t.Fatal("the desk's report of the feedback the rival accepted is still listed")
	}

	analyst, _ := d.Member(testkit.RoleAnalytics)
	states := []string{"ACCEPTED", "CLOSED", "NEW"}
	expectChart(t, analyst, d.Org, "", states, []int{2, 1, 3})
	expectChart(t, d.Admin, d.Org, "options[property]=state&options[sort]=asc", states, []int{2, 1, 3})
	expectChart(t, analyst, d.Org, "options[sort]=desc", []string{"NEW", "CLOSED", "ACCEPTED"}, []int{3, 1, 2})

	// By category: the reports without one form a group named in the client's language, first
	// in ascending order.
	expectChart(t, analyst, d.Org, "options[property]=category", []string{"Sans catégorie", alpha, beta}, []int{2, 3, 1})
	english := analyst.With(func(c *testkit.Client) { c.Lang = "en-US" })
	expectChart(t, english, d.Org, "options[property]=category&options[sort]=desc", []string{beta, alpha, "No category"}, []int{1, 3, 2})
	expectChart(t, analyst, d.Org, "options[property]=place", []string{place}, []int{6})

	// The list's filters narrow what is counted.
	expectChart(t, analyst, d.Org, "options[property]=category&state=NEW", []string{"Sans catégorie", alpha}, []int{1, 2})
	expectChart(t, analyst, d.Org, "category="+alphaID, []string{"ACCEPTED", "NEW"}, []int{1, 2})
	expectChart(t, analyst, d.Org, "state[]=NEW&state[]=CLOSED&category="+alphaID, []string{"NEW"}, []int{2})
	expectChart(t, analyst, d.Org, "place="+uuid.NewString(), []string{}, []int(nil))

	// By period of creation (UTC); the labels are computed from the reports' own times.
	created := make([]time.Time, len(ids))
	for i, id := range ids {
		v, err := time.Parse(time.RFC3339Nano, d.Admin.Get("/reports/"+id).Expect(http.StatusOK).Str("createdAt"))
		if err != nil {
			t.Fatal(err)
		}
		created[i] = v.UTC()
	}
	for _, tc := range []struct {
		period string
		label  func(time.Time) string
	}{
		{"", func(v time.Time) string { return v.Format("2006-01") }},
		{"month", func(v time.Time) string { return v.Format("2006-01") }},
		{"week", func(v time.Time) string { y, w := v.ISOWeek(); return fmt.Sprintf("%04d-W%02d", y, w) }},
		{"day", func(v time.Time) string { return v.Format("2006-01-02") }},
	} {
		counts := map[string]int{}
		for _, v := range created {
			counts[tc.label(v)]++
		}
		var labels []string
		for l := range counts {
			labels = append(labels, l)
		}
		slices.Sort(labels)
		var data []int
		for _, l := range labels {
			data = append(data, counts[l])
		}
		q := "options[property]=period"
		if tc.period != "" {
			q += "&options[period]=" + tc.period
		}
		expectChart(t, analyst, d.Org, q, labels, data)
		slices.Reverse(labels)
		slices.Reverse(data)
		expectChart(t, analyst, d.Org, q+"&options[sort]=desc", labels, data)
	}

	// after/before bound the creation time.
	expectChart(t, analyst, d.Org, "after="+url.QueryEscape(created[5].Add(time.Second).Format(time.RFC3339)), []string{}, []int(nil))
	expectChart(t, analyst, d.Org, "before="+url.QueryEscape(created[0].Add(-time.Second).Format(time.RFC3339)), []string{}, []int(nil))
	expectChart(t, analyst, d.Org, "after="+url.QueryEscape(created[0].Add(-time.Second).Format(time.RFC3339)), states, []int{2, 1, 3})
}

func TestAnalyticsPermissionsAndParameters(t *testing.T) {
	d := stack.NewDesk(t, "Analytics rights")
	d.ReportIn()
	path := "/organizations/" + d.Org + "/analytics"
	analyst, _ := d.Member(testkit.RoleAnalytics)
	exporter, _ := d.Member(testkit.RoleExport)
	operator, _ := d.Member(testkit.RoleOperator)
	plain, _ := d.Member()
	other := stack.NewDesk(t, "Other analytics")

	analyst.Get(path).Expect(http.StatusOK)
	d.Admin.Get(path).Expect(http.StatusOK)
	for who, c := range map[string]*testkit.Client{"exporter": exporter, "operator": operator, "member without role": plain,
		"outsider": stack.NewUser(t), "reporter": d.Citizen, "other organization's admin": other.Admin} {
		if r := c.Get(path); r.Status != http.StatusForbidden {
			t.Errorf("%s read the analytics: %d %s", who, r.Status, r.Body)
		} else {
			r.ExpectError(http.StatusForbidden)
		}
	}
	stack.Client(t).Get(path).ExpectError(http.StatusUnauthorized)
	d.Admin.Get("/organizations/" + uuid.NewString() + "/analytics").ExpectError(http.StatusNotFound)

	for query, paths := range map[string][]string{
		"options[property]=colour":                      {"options[property]"},
		"options[sort]=up":                              {"options[sort]"},
		"options[property]=period&options[period]=year": {"options[period]"},
		"state=LOST":                                    {"state"},
		"place=nowhere":                                 {"place"},
		"category=7":                                    {"category"},
		"after=yesterday":                               {"after"},
		"before=31/12/2024":                             {"before"},
		"options[property]=x&options[sort]=y&place=z&state=": {"options[property]", "options[sort]", "place"},
	} {
		analyst.Get(path+"?"+query).ExpectError(http.StatusBadRequest, paths...)
	}
	// Names are case-insensitive, like order.
	expectChart(t, analyst, d.Org, "options[property]=STATE&options[sort]=DESC", []string{"NEW"}, []int{1})
}
