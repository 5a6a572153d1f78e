package testkit

import (
	"fmt"
	"net/http"
	"net/url"
)

// Helpers for feedback lists, comments, supports and images.

// Feedback visibilities.
const (
	VisibilityPublic  = "VISIBILITY_PUBLIC"
	VisibilityPrivate = "VISIBILITY_PRIVATE"
)

// Visibility is the extra body of a feedback (see IssueBody) with that visibility and description.
func Visibility(public bool, description string) map[string]any {
	v := VisibilityPrivate
	if public {
		v = VisibilityPublic
	}
	return map[string]any{"visibility": v, "description": description}
}

// GeoNear formats the compact geo_near form ("+44.8-0.5+1000": latitude, longitude, radius in
// metres), escaped for a query string.
func GeoNear(p LatLon, radius float64) string {
	return url.QueryEscape(signed(p.Lat) + signed(p.Lon) + signed(radius))
}

// GeoNearBrackets formats the documented geo_near[radius]=…&geo_near[geo_coordinates]=… form.
func GeoNearBrackets(p LatLon, radius float64) string {
	return url.QueryEscape("geo_near[radius]") + "=" + fmt.Sprint(radius) + "&" +
		url.QueryEscape("geo_near[geo_coordinates]") + "=" + GeoCoordinates(p)
}

// ImageHrefs reads the resource at path and returns the hrefs of its _links.images.
func (c *Client) ImageHrefs(path string) []string {
	c.T.Helper()
	hrefs := c.Get(path).Expect(http.StatusOK).Hrefs("_links.images")
	if hrefs == nil {
		c.T.Fatalf("%s has no _links.images", path)
	}
	return hrefs
}

// LogActions lists the actions of an operation's log, oldest first (c must be an admin of an
// organization of the report's chain).
func (c *Client) LogActions(op string) []string {
	c.T.Helper()
	r := c.Get("/operations/" + op + "/logs?limit=100").Expect(http.StatusOK)
	out := []string{}
	for _, it := range r.List("_embedded.items") {
		out = append(out, fmt.Sprint(it.(map[string]any)["action"]))
	}
	return out
}

// ActivityTotal is the number of activities of an activity list as c sees it: comments (an
// ActivityPagination, every page followed) or contributions (an ActivityAggregatedPagination,
// whose group counts them all).
func (c *Client) ActivityTotal(path string) int {
	c.T.Helper()
	n := 0
	for next := path; next != ""; {
		r := c.Get(next).Expect(http.StatusOK)
		for _, it := range r.List("results") {
			if count, ok := it.(map[string]any)["activity_count"].(float64); ok {
				return int(count)
			}
			n++
		}
		next = r.Str("next")
	}
	return n
}
