package domain

// State is a lifecycle state (upper case); a transition is named in lower case.
type State string

// Transition moves a resource from one of From to To.
type Transition struct {
	Name string
	From []State
	To   State
}

// Machine is a resource's lifecycle: its transitions in the order clients are shown them.
type Machine struct {
	Resource    string
	Transitions []Transition
}

// Allowed lists the transitions available from s, in the machine's order.
func (m Machine) Allowed(s State) []string {
	out := []string{}
	for _, t := range m.Transitions {
		for _, f := range t.From {
			if f == s {
				out = append(out, t.Name)
				break
			}
		}
	}
	return out
}

// Next returns the state the named transition leads to from s, or a conflict error naming the
// transitions that are allowed now. An unknown transition name is a validation error.
func (m Machine) Next(s State, name string) (State, error) {
	known := false
	for _, t := range m.Transitions {
		if t.Name != name {
			continue
		}
		known = true
		for _, f := range t.From {
			if f == s {
				return t.To, nil
			}
		}
	}
	if !known {
		return s, Invalid("transition", MsgUnknownTransition, name)
	}
	return s, Conflict(MsgTransitionNotAllowed, name, string(s))
}
