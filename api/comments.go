package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) commentRoutes(g *gin.RouterGroup) {
	g.POST("/feedbacks/:feedback/comments", s.handle(s.postFeedbackComment))
	g.GET("/feedbacks/:feedback/comments", s.handle(s.listFeedbackComments))
	g.POST("/operations/:operation/comments", s.handle(s.postOperationComment))
	g.GET("/operations/:operation/comments", s.handle(s.listOperationComments))
}

// activityJSON is an item of the activity lists (comments, supports): who (actor) did what (verb)
// on which resource (object), when, with the comment's text as message.
type activityJSON struct {
	Type    string    `json:"type"`
	ID      string    `json:"id"`
	Actor   string    `json:"actor"`
	Verb    string    `json:"verb"`
	Object  string    `json:"object"`
	Message string    `json:"message"`
	Time    hal.Time  `json:"time"`
	Links   hal.Links `json:"_links"`
}

// Activity verbs.
const (
	verbComment    = "comment"
	verbContribute = "contribute"
)

func renderActivities(as []store.Activity, verb string, object func(uuid.UUID) *hal.Link) []activityJSON {
	out := make([]activityJSON, len(as))
	for i, a := range as {
		out[i] = activityJSON{
			Type: "Activity", ID: a.ID.String(), Actor: a.ActorID.String(), Verb: verb, Object: a.ObjectID.String(),
			Message: a.Message, Time: hal.Time(a.CreatedAt),
			Links: hal.Links{"actor": hal.PersonLink(a.ActorID), "object": object(a.ObjectID)},
		}
	}
	return out
}

// activityPage is a page of activities as Keyclic's clients read it (the Swagger file's
// ActivityPagination, the form of the activity feeds the API once served them from): how long the
// read took, the address of the next page ("" on the last one), and the activities.
type activityPage struct {
	Duration string         `json:"duration"`
	Next     string         `json:"next"`
	Results  []activityJSON `json:"results"`
}

// readDuration tells how long a read took since start, as the activity feeds did ("3.25ms").
func readDuration(start time.Time) string {
	return fmt.Sprintf("%.2fms", float64(time.Since(start).Microseconds())/1000)
}

// nextHref is the address of the page after p, or "" when p is the last of total items.
func nextHref(c *gin.Context, p domain.Page, total int) string {
	if p.Page >= p.Pages(total) {
		return ""
	}
	return pageHref(c, p, p.Page+1)
}

// respondActivities answers with a page of activities read by list.
func (s *Server) respondActivities(c *gin.Context, verb string, object func(uuid.UUID) *hal.Link,
	list func(domain.Page) ([]store.Activity, int, error)) {
	start := time.Now()
	q := newQuery(c)
	p := q.page()
	if err := q.err(); err != nil {
		s.fail(c, err)
		return
	}
	as, total, err := list(p)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeHAL(c, http.StatusOK, activityPage{Duration: readDuration(start), Next: nextHref(c, p, total), Results: renderActivities(as, verb, object)})
}

type commentData struct {
	Text *string `json:"text"`
}

// maxCommentLength bounds a comment's text, in characters.
const maxCommentLength = 10000

// readComment reads and checks the {"text": "..."} body.
func readComment(c *gin.Context) (string, error) {
	var in commentData
	if err := bindJSON(c, &in); err != nil {
		return "", err
	}
	var vs domain.Violations
	vs.CheckText("text", in.Text, true, maxCommentLength)
	if err := vs.Err(); err != nil {
		return "", err
	}
	return *in.Text, nil
}

// requirePublic refuses comments and supports on a private feedback. The answer is 409, not 403:
// nobody may comment on or support a private feedback, not even its reporter or the organizations
// that received it, so it is the feedback's visibility that refuses, not who is asking. (Those who
// may not even see it got 404 before.)
func requirePublic(f domain.Feedback) error {
	if !f.Public {
		return domain.Conflict(domain.MsgFeedbackNotPublic)
	}
	return nil
}

// postFeedbackComment comments on a public feedback the caller can see; it answers with the feedback.
func (s *Server) postFeedbackComment(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	text, err := readComment(c)
	if err != nil {
		return err
	}
	if err := requirePublic(f); err != nil {
		return err
	}
	actor := callerOf(c)
	id := newID(c, "comment")
	notice := domain.Notice{Action: domain.ActionFeedbackCommented, Key: "feedback-comment/" + id.String(),
		ActorID: &actor, FeedbackID: &f.ID, Text: text}
	// An id made by an earlier attempt of this request means the comment is there.
	if _, err := s.store.AddFeedbackComment(c, id, f.ID, actor, text, s.now(), notice); err != nil && !store.IsDuplicateID(err) {
		return err
	}
	return s.respondFeedback(c, http.StatusCreated, f.ApplicationID, f.ID)
}

// listFeedbackComments lists the comments of a feedback the caller can see, newest first.
func (s *Server) listFeedbackComments(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	s.respondActivities(c, verbComment, hal.FeedbackLink, func(p domain.Page) ([]store.Activity, int, error) {
		return s.store.FeedbackComments(c, f.ID, p)
	})
	return nil
}

// postOperationComment comments on an operation: any member of an organization of the report's
// chain may. The comment is also recorded in the operation's log. It answers with the operation.
func (s *Server) postOperationComment(c *gin.Context) error {
	o, _, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	text, err := readComment(c)
	if err != nil {
		return err
	}
	actor := callerOf(c)
	id := newID(c, "comment")
	notice := domain.Notice{Action: domain.ActionOperationCommented, Key: "operation-comment/" + id.String(),
		ActorID: &actor, OperationID: &o.ID, Text: text}
	// An id made by an earlier attempt of this request means the comment is there.
	if _, err := s.store.AddOperationComment(c, id, o.ID, actor, text, s.now(), notice); err != nil && !store.IsDuplicateID(err) {
		return err
	}
	return s.respondOperation(c, http.StatusCreated, o.ID)
}

// listOperationComments lists an operation's comments, newest first.
func (s *Server) listOperationComments(c *gin.Context) error {
	o, _, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	s.respondActivities(c, verbComment, hal.OperationLink, func(p domain.Page) ([]store.Activity, int, error) {
		return s.store.OperationComments(c, o.ID, p)
	})
	return nil
}
