package chaos

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Print writes the counts as an operator reads them.
func (c *Counts) Print(w io.Writer) {
	fmt.Fprintln(w, "faults (one at a time, under load):")
	for _, f := range c.Faults {
		line := fmt.Sprintf("  %-8s %-40s whole again after %s", clock(f.At), f.Name, f.Took.Round(100*time.Millisecond))
		if f.Problem != "" {
			line += "  FAILED: " + f.Problem
		}
		fmt.Fprintln(w, line)
	}
	t := c.Tally
	fmt.Fprintf(w, "requests: %d, answered %s; sent again %d times: %s; 500 answers: %d; never answered: %d\n",
		t.requests, counted(t.answered), sum(t.retries), counted(t.retries), t.server, c.Cut)
	fmt.Fprintf(w, "lifecycles: %d gone through to the closed report; left after a refusal: %s\n", c.Lifecycles, counted(c.Refused))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "effect\tin the database\tlost\tdoubled\t")
	for _, ef := range c.Effects {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", ef.Name, ef.Total, ef.Lost, ef.Doubled)
	}
	tw.Flush()
	d := c.Webhooks
	fmt.Fprintf(w, "webhook deliveries: %d recorded, %d received by webhook-id (%d of them again under the same id), %d lost, %d doubled, %d with a wrong state\n",
		d.Recorded, d.Received, d.Redelivered, d.Lost, d.Doubled, d.Wrong)
	wf := c.Workflows
	fmt.Fprintf(w, "workflows: %d closed, %d failed; open by design: %s; stuck: %d\n", wf.Closed, len(wf.Failed), counted(wf.OpenByDesign), len(wf.Stuck))
	if p := c.Problems(); len(p) > 0 {
		fmt.Fprintf(w, "PROBLEMS:\n  %s\n", strings.Join(p, "\n  "))
		return
	}
	fmt.Fprintln(w, "result: every answered request has its effect exactly once; 0 lost, 0 doubled, 0 stuck")
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// counted writes a map of counts in a stable order: "a 3, b 1".
func counted[K interface{ ~int | ~string }](m map[K]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%v: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
