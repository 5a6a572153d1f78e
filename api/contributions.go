package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/keyclic/keyclic/hal"
)

func (s *Server) contributionRoutes(g *gin.RouterGroup) {
	g.POST("/feedbacks/:feedback/contributions", s.handle(s.postContribution))
	g.GET("/feedbacks/:feedback/contributions", s.handle(s.listContributions))
}

// postContribution supports a public feedback the caller can see (no body; once per person: a
// second time is 409 and changes nothing). It answers with the feedback. Its reporter may support
// it too: nothing in the service's rules forbids it.
func (s *Server) postContribution(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	if err := requirePublic(f); err != nil {
		return err
	}
	if _, err := s.store.AddContribution(c, newID(c, "contribution"), f.ID, callerOf(c), s.now()); err != nil {
		return err
	}
	return s.respondFeedback(c, http.StatusCreated, f.ApplicationID, f.ID)
}

// aggregatedPage is a page of aggregated activities as Keyclic's clients read it (the Swagger
// file's ActivityAggregatedPagination): the supports of a feedback form one group, counted whole,
// whose activities are paged (newest first unless the query says otherwise).
type aggregatedPage struct {
	Duration string          `json:"duration"`
	Next     string          `json:"next"`
	Results  []activityGroup `json:"results"`
}

type activityGroup struct {
	ID            string         `json:"id"`
	Verb          string         `json:"verb"`
	Group         string         `json:"group"`
	ActivityCount int            `json:"activity_count"`
	ActorCount    int            `json:"actor_count"`
	CreatedAt     hal.Time       `json:"created_at"` // the first support
	UpdatedAt     hal.Time       `json:"updated_at"` // the latest support
	Activities    []activityJSON `json:"activities"`
}

// listContributions lists the supports of a feedback the caller can see: one group, or none
// before the first support.
func (s *Server) listContributions(c *gin.Context) error {
	start := time.Now()
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	sum, err := s.store.FeedbackContributionSummary(c, f.ID)
	if err != nil {
		return err
	}
	as, total, err := s.store.FeedbackContributions(c, f.ID, p)
	if err != nil {
		return err
	}
	out := aggregatedPage{Next: nextHref(c, p, total), Results: []activityGroup{}}
	if sum.Supports > 0 {
		out.Results = append(out.Results, activityGroup{
			// The group's id is the same on every read: derived from the feedback's.
			ID: uuid.NewSHA1(f.ID, []byte(verbContribute)).String(), Verb: verbContribute, Group: verbContribute + ":" + f.ID.String(),
			ActivityCount: sum.Supports, ActorCount: sum.Supporters, CreatedAt: hal.Time(sum.First), UpdatedAt: hal.Time(sum.Latest),
			Activities: renderActivities(as, verbContribute, hal.FeedbackLink),
		})
	}
	out.Duration = readDuration(start)
	writeHAL(c, http.StatusOK, out)
	return nil
}
