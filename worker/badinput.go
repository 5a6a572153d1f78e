package worker

import (
	"context"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
	"github.com/keyclic/keyclic/store"
)

// badInput stops Temporal from retrying an activity that Postgres refused for a value it holds
// (a data exception fails the same way on every attempt): the activity fails at once as invalid
// input, so an update answers 400 instead of waiting out its retries, and the workflow's later
// updates are not stuck behind it. The API checks input first; this is the net below it.
type badInput struct {
	interceptor.WorkerInterceptorBase
}

func (*badInput) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &badInputActivity{interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type badInputActivity struct {
	interceptor.ActivityInboundInterceptorBase
}

func (a *badInputActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	out, err := a.Next.ExecuteActivity(ctx, in)
	if err != nil && store.IsDataException(err) {
		activity.GetLogger(ctx).Error("value refused by Postgres: not retried", "error", err)
		return out, failure.ToTemporal(domain.Invalid("", domain.MsgInvalidValue))
	}
	return out, err
}
