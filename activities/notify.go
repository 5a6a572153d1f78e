package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// notifyByEmail emails each recipient once per key (never the actor, never someone who turned
// email notifications off), in the recipient's language.
func (a *Activities) notifyByEmail(ctx context.Context, key string, recipients []uuid.UUID, actor *uuid.UUID, tpl string, data map[string]any) error {
	seen := map[uuid.UUID]bool{}
	for _, id := range recipients {
		if seen[id] || (actor != nil && *actor == id) {
			continue
		}
		seen[id] = true
		p, err := a.Store.Person(ctx, id)
		if err != nil {
			return err
		}
		if !p.EmailEnabled {
			continue
		}
		if err := a.deliverEmail(ctx, fmt.Sprintf("%s/%s", key, id), p.Email, p.Language, tpl, data); err != nil {
			return err
		}
	}
	return nil
}
