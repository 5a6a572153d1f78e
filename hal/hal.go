package hal

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Link is a HAL link with the IRI template mapping Keyclic clients use to read ids.
type Link struct {
	Href        string       `json:"href"`
	IriTemplate *iriTemplate `json:"iriTemplate,omitempty"`
}

type iriTemplate struct {
	Mapping map[string]string `json:"mapping"`
}

// NewLink builds a link to path; mapping names the ids in it ("organization": "<id>").
func NewLink(path string, mapping ...string) *Link {
	l := &Link{Href: path}
	if len(mapping) > 0 {
		m := make(map[string]string, len(mapping)/2)
		for i := 0; i+1 < len(mapping); i += 2 {
			m[mapping[i]] = mapping[i+1]
		}
		l.IriTemplate = &iriTemplate{Mapping: m}
	}
	return l
}

// Links is a resource's _links: each value is a *Link, or a []*Link for a list (images).
type Links map[string]any

// Time renders times as ISO 8601 with an explicit offset, as Keyclic clients parse them.
type Time time.Time

func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000000-07:00") + `"`), nil
}

func TimePtr(t *time.Time) *Time {
	if t == nil {
		return nil
	}
	v := Time(*t)
	return &v
}

// Resource carries the fields every resource shares.
type Resource struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	CreatedAt Time   `json:"createdAt"`
	UpdatedAt Time   `json:"updatedAt"`
}

func NewResource(typ, id string, created, updated time.Time) Resource {
	return Resource{Type: typ, ID: id, CreatedAt: Time(created), UpdatedAt: Time(updated)}
}

// RenderWithExtras renders resources that need more than their row (checkpoints, images,
// Counts): load fetches those for every id of the page at once, so a page costs a few queries,
// not a few per item.
func RenderWithExtras[T, X, J any](ctx context.Context, items []T, id func(T) uuid.UUID,
	load func(context.Context, []uuid.UUID) (map[uuid.UUID]*X, error), render func(T, *X) J) ([]J, error) {
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = id(it)
	}
	extras, err := load(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]J, len(items))
	for i, it := range items {
		out[i] = render(it, extras[ids[i]])
	}
	return out, nil
}
