package hal

import (
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// ReasonDuplicate is the reason of the checkpoint of a report refused as a duplicate.
const ReasonDuplicate = "duplicate"

// duplicateLinks links a duplicate to its original (duplicateOf) and an original to its
// duplicates (duplicates, oldest first).
func duplicateLinks(links Links, r domain.Report, x *store.ReportExtras) {
	if r.DuplicateOf != nil {
		links["duplicateOf"] = ReportLink(*r.DuplicateOf)
	}
	if len(x.Duplicates) > 0 {
		dups := make([]*Link, len(x.Duplicates))
		for i, d := range x.Duplicates {
			dups[i] = ReportLink(d)
		}
		links["duplicates"] = dups
	}
}

// renderCheckpoint shows a checkpoint, with its reason where one is recorded.
func renderCheckpoint(c domain.Checkpoint) Checkpoint {
	cp := Checkpoint{CreatedAt: Time(c.At), State: c.State}
	if c.DuplicateOf != nil {
		cp.Reason, cp.Links = ReasonDuplicate, Links{"duplicateOf": ReportLink(*c.DuplicateOf)}
	}
	return cp
}
