package api

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

type feedbackJSON struct {
	resource
	Description    string           `json:"description"`
	GeoCoordinates geoJSON          `json:"geoCoordinates"`
	Metadata       json.RawMessage  `json:"metadata"`
	Public         bool             `json:"public"`
	State          domain.State     `json:"state"`
	Links          Links            `json:"_links"`
	Embedded       feedbackEmbedded `json:"_embedded"`
}

type geoJSON struct {
	Point     pointJSON `json:"point"`
	Elevation *float64  `json:"elevation,omitempty"` // absent when unknown
}

// pointJSON is a position with its spatial reference, always WGS 84.
type pointJSON struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	SRID      int     `json:"srid"`
}

type feedbackEmbedded struct {
	StateTransitions []string     `json:"stateTransitions"`
	Tracking         trackingJSON `json:"tracking"`
}

type trackingJSON struct {
	State       domain.State    `json:"state"`
	Progression progressionJSON `json:"progression"`
	// Time is how long the resource took to reach its state, in seconds: from its first
	// checkpoint (its creation) to its last (the state it is in now); 0 in its first state.
	Time        int64            `json:"time"`
	Checkpoints []checkpointJSON `json:"checkpoints"`
}

type progressionJSON struct {
	Resolved int `json:"resolved"`
	Total    int `json:"total"`
}

type checkpointJSON struct {
	CreatedAt isoTime      `json:"createdAt"`
	State     domain.State `json:"state"`
}

// renderTracking builds a tracking: the state, the operations' progression and every checkpoint.
func renderTracking(state domain.State, resolved, total int, cps []domain.Checkpoint) trackingJSON {
	t := trackingJSON{State: state, Progression: progressionJSON{Resolved: resolved, Total: total}, Checkpoints: make([]checkpointJSON, len(cps))}
	for i, c := range cps {
		t.Checkpoints[i] = checkpointJSON{CreatedAt: isoTime(c.At), State: c.State}
	}
	if len(cps) > 1 {
		t.Time = max(0, int64(cps[len(cps)-1].At.Sub(cps[0].At)/time.Second))
	}
	return t
}

func feedbackLink(id uuid.UUID) *Link {
	return link("/feedbacks/"+id.String(), "feedback", id.String())
}

func renderFeedbackWith(f domain.Feedback, x *store.FeedbackExtras) feedbackJSON {
	id := f.ID.String()
	links := Links{
		"self":     feedbackLink(f.ID),
		"reporter": personLink(f.ReporterID),
		"tracking": link("/feedbacks/"+id+"/tracking", "feedback", id),
	}
	if f.CategoryID != nil {
		links["category"] = link("/categories/"+f.CategoryID.String(), "category", f.CategoryID.String())
	}
	if f.BusinessActivityID != nil {
		links["businessActivity"] = businessActivityLink(*f.BusinessActivityID)
	}
	images := make([]*Link, len(x.ImageIDs))
	for i, img := range x.ImageIDs {
		images[i] = link("/feedbacks/"+id+"/images/"+img.String()+"/200/200", "feedback", id, "image", img.String(), "width", "200", "height", "200")
	}
	links["images"] = images
	if len(images) > 0 {
		links["image"] = images[0]
	}
	meta := f.Metadata
	if len(meta) == 0 {
		meta = json.RawMessage("{}")
	}
	return feedbackJSON{
		resource:       newResource("Feedback", id, f.CreatedAt, f.UpdatedAt),
		Description:    f.Description,
		GeoCoordinates: geoJSON{Point: pointJSON{Latitude: f.Point.Latitude, Longitude: f.Point.Longitude, SRID: domain.SRID}, Elevation: f.Elevation},
		Metadata:       meta,
		Public:         f.Public,
		State:          f.State,
		Links:          links,
		Embedded: feedbackEmbedded{
			StateTransitions: domain.FeedbackClientMachine.Allowed(f.State),
			Tracking:         renderTracking(f.State, x.Resolved, x.Operations, x.Checkpoints),
		},
	}
}

// renderFeedbacks renders several feedbacks, loading what they need in a few queries.
func (s *Server) renderFeedbacks(c context.Context, fs []domain.Feedback) ([]feedbackJSON, error) {
	return renderWithExtras(c, fs, func(x domain.Feedback) uuid.UUID { return x.ID }, s.store.FeedbackExtrasFor, renderFeedbackWith)
}

func (s *Server) renderFeedback(c *gin.Context, status int, f domain.Feedback) error {
	return respondOne(c, status, f, s.renderFeedbacks, itself[feedbackJSON])
}
