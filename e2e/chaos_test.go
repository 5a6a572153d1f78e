package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/chaos"
	"github.com/keyclic/keyclic/internal/testkit"
)

// Faults under load, as production meets them: two API processes and two worker processes on a
// Postgres and a Temporal engine of their own, a steady stream of whole lifecycles (feedbacks,
// transitions, comments, operations, webhook deliveries to a consumer that refuses one request in
// seven), and meanwhile a worker and an API process killed with SIGKILL, Temporal restarted and
// Postgres stopped at once and started again. Every request answered 2xx has its effect exactly
// once, none is answered 500, and no workflow is left stuck (`keyclic-chaos` runs it longer).
func TestFaultsUnderLoadLoseAndDoubleNothing(t *testing.T) {
	c, err := chaos.Run(context.Background(), chaos.Options{
		Duration: 45 * time.Second, Clients: 3, Binary: testkit.Binary(t), Log: testkit.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c.Print(&out)
	t.Log("\n" + out.String())
	if p := c.Problems(); len(p) > 0 {
		t.Errorf("faults under load broke a guarantee:\n%s", strings.Join(p, "\n"))
	}
}
