package hal

import (
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// FeedbackWithHints is a single feedback as its creation and its read answer it: a Feedback
// whose _embedded also carries its duplicate hints. Lists keep the plain Feedback.
type FeedbackWithHints struct {
	Feedback
	Embedded FeedbackWithHintsEmbedded `json:"_embedded"`
}

type FeedbackWithHintsEmbedded struct {
	FeedbackEmbedded
	DuplicateHints []DuplicateHint `json:"duplicateHints"`
}

// DuplicateHint is an open report near the feedback: its distance in metres and, for what the
// caller may see, the feedback's and the report's ids and links.
type DuplicateHint struct {
	Distance int     `json:"distance"`
	Feedback *string `json:"feedback,omitempty"`
	Report   *string `json:"report,omitempty"`
	Links    Links   `json:"_links"`
}

// WithHints adds the hints to a rendered feedback.
func WithHints(f Feedback, hs []store.DuplicateHint) FeedbackWithHints {
	out := make([]DuplicateHint, len(hs))
	for i, h := range hs {
		d := DuplicateHint{Distance: h.Distance, Links: Links{}}
		if h.Feedback != nil {
			id := h.Feedback.String()
			d.Feedback, d.Links["feedback"] = &id, FeedbackLink(*h.Feedback)
		}
		if h.Report != nil {
			id := h.Report.String()
			d.Report, d.Links["report"] = &id, ReportLink(*h.Report)
		}
		out[i] = d
	}
	return FeedbackWithHints{Feedback: f, Embedded: FeedbackWithHintsEmbedded{FeedbackEmbedded: f.Embedded, DuplicateHints: out}}
}

// HintSettings are a category's duplicate hint settings: radius in metres, window in days.
type HintSettings struct {
	Type       string `json:"type"`
	Radius     int    `json:"radius"`
	WindowDays int    `json:"windowDays"`
	Links      Links  `json:"_links"`
}

func RenderHintSettings(categoryID string, h domain.HintSettings) HintSettings {
	return HintSettings{Type: "DuplicateHintSettings", Radius: h.Radius, WindowDays: h.WindowDays, Links: Links{
		"self":     NewLink("/categories/"+categoryID+"/duplicate-hints", "category", categoryID),
		"category": NewLink("/categories/"+categoryID, "category", categoryID),
	}}
}
