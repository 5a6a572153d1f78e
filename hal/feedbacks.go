package hal

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

type Feedback struct {
	Resource
	Description    string           `json:"description"`
	GeoCoordinates Geo              `json:"geoCoordinates"`
	Metadata       json.RawMessage  `json:"metadata"`
	Public         bool             `json:"public"`
	State          domain.State     `json:"state"`
	Links          Links            `json:"_links"`
	Embedded       FeedbackEmbedded `json:"_embedded"`
}

type Geo struct {
	Point     Point    `json:"point"`
	Elevation *float64 `json:"elevation,omitempty"` // absent when unknown
}

// Point is a position with its spatial reference, always WGS 84.
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	SRID      int     `json:"srid"`
}

type FeedbackEmbedded struct {
	StateTransitions []string `json:"stateTransitions"`
	Tracking         Tracking `json:"tracking"`
}

type Tracking struct {
	State       domain.State `json:"state"`
	Progression Progression  `json:"progression"`
	// Time is how long the resource took to reach its state, in seconds: from its first
	// checkpoint (its creation) to its last (the state it is in now); 0 in its first state.
	Time        int64        `json:"time"`
	Checkpoints []Checkpoint `json:"checkpoints"`
}

type Progression struct {
	Resolved int `json:"resolved"`
	Total    int `json:"total"`
}

type Checkpoint struct {
	CreatedAt Time         `json:"createdAt"`
	State     domain.State `json:"state"`
	// Reason says why the state was reached, where one is recorded: "duplicate" for a report
	// refused as a duplicate, whose original _links.duplicateOf names.
	Reason string `json:"reason,omitempty"`
	Links  Links  `json:"_links,omitempty"`
}

// RenderTracking builds a tracking: the state, the operations' progression and every checkpoint.
func RenderTracking(state domain.State, resolved, total int, cps []domain.Checkpoint) Tracking {
	t := Tracking{State: state, Progression: Progression{Resolved: resolved, Total: total}, Checkpoints: make([]Checkpoint, len(cps))}
	for i, c := range cps {
		t.Checkpoints[i] = renderCheckpoint(c)
	}
	if len(cps) > 1 {
		t.Time = max(0, int64(cps[len(cps)-1].At.Sub(cps[0].At)/time.Second))
	}
	return t
}

func FeedbackLink(id uuid.UUID) *Link {
	return NewLink("/feedbacks/"+id.String(), "feedback", id.String())
}

func RenderFeedback(f domain.Feedback, x *store.FeedbackExtras) Feedback {
	id := f.ID.String()
	links := Links{
		"self":     FeedbackLink(f.ID),
		"reporter": PersonLink(f.ReporterID),
		"tracking": NewLink("/feedbacks/"+id+"/tracking", "feedback", id),
	}
	if f.CategoryID != nil {
		links["category"] = NewLink("/categories/"+f.CategoryID.String(), "category", f.CategoryID.String())
	}
	if f.BusinessActivityID != nil {
		links["businessActivity"] = BusinessActivityLink(*f.BusinessActivityID)
	}
	images := make([]*Link, len(x.ImageIDs))
	for i, img := range x.ImageIDs {
		images[i] = NewLink("/feedbacks/"+id+"/images/"+img.String()+"/200/200", "feedback", id, "image", img.String(), "width", "200", "height", "200")
	}
	links["images"] = images
	if len(images) > 0 {
		links["image"] = images[0]
	}
	meta := f.Metadata
	if len(meta) == 0 {
		meta = json.RawMessage("{}")
	}
	return Feedback{
		Resource:       NewResource("Feedback", id, f.CreatedAt, f.UpdatedAt),
		Description:    f.Description,
		GeoCoordinates: Geo{Point: Point{Latitude: f.Point.Latitude, Longitude: f.Point.Longitude, SRID: domain.SRID}, Elevation: f.Elevation},
		Metadata:       meta,
		Public:         f.Public,
		State:          f.State,
		Links:          links,
		Embedded: FeedbackEmbedded{
			StateTransitions: domain.FeedbackClientMachine.Allowed(f.State),
			Tracking:         RenderTracking(f.State, x.Resolved, x.Operations, x.Checkpoints),
		},
	}
}
