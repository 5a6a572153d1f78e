package activities

import (
	"context"
	"time"

	"github.com/keyclic/keyclic/domain"
)

// composeOverdue tells the admins of the organization whose deadline the report missed (named by
// the notice: the report may have been handed on since) which deadline it was, and when it fell.
func (a *Activities) composeOverdue(ctx context.Context, n domain.Notice, nt notification, r domain.Report, f domain.Feedback) (notification, error) {
	orgID := r.Treating()
	if n.OrganizationID != nil {
		orgID = *n.OrganizationID
	}
	org, err := a.Store.OrganizationByID(ctx, orgID)
	if err != nil {
		return nt, err
	}
	due := r.Deadlines.AcceptBy
	if n.Text == domain.BreachClose {
		due = r.Deadlines.CloseBy
	}
	when := ""
	if due != nil {
		when = due.UTC().Format(time.RFC3339)
	}
	nt.args = []any{excerpt(f.Description), org.Name, when}
	nt.recipients, err = a.Store.AdminsOf(ctx, org.ID)
	return nt, err
}
