package api

import (
	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// The state-machine endpoints (POST …/workflow/transition, and PATCH …/state's bodies) of
// feedbacks, reports and operations name their transition the same way.

type transitionData struct {
	Transition *string `json:"transition"`
}

// readTransition reads and checks the {"transition": "..."} body against a machine's names.
func readTransition(c *gin.Context, m domain.Machine) (string, error) {
	var in transitionData
	if err := bindJSON(c, &in); err != nil {
		return "", err
	}
	if in.Transition == nil || *in.Transition == "" {
		return "", domain.Invalid("transition", domain.MsgNotBlank)
	}
	for _, t := range m.Transitions {
		if t.Name == *in.Transition {
			return t.Name, nil
		}
	}
	return "", domain.Invalid("transition", domain.MsgUnknownTransition, *in.Transition)
}
