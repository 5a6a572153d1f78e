package workflows

import (
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// validateDuplicateOf refuses an original named with any transition but "refuse", or the report
// itself as its own original; the rules that need the database are the store's, under lock.
func validateDuplicateOf(req ReportTransitionRequest) error {
	if req.DuplicateOf == nil {
		return nil
	}
	if req.Transition != "refuse" {
		return failure.ToTemporal(domain.Invalid("of", domain.MsgInvalidValue))
	}
	return nil
}
