package domain

// Duplicate hints: the open reports near a new feedback, of the same kind and recent, that its
// reporter (or an organization's member) may look at before treating it as a new problem.
const (
	DefaultHintRadius     = 250  // metres
	MaxHintRadius         = 1000 // metres: beyond, a "same problem" is rarely the same
	DefaultHintWindowDays = 30
	MaxHintWindowDays     = 365
	HintLimit             = 5
)

// HintStates are the report states a hint may be in: the reports still being dealt with.
var HintStates = []State{ReportNew, ReportAccepted, ReportInProgress, ReportOnHold}

// HintSettings are a category's radius (metres) and window (days) for its hints.
type HintSettings struct {
	Radius     int
	WindowDays int
}

// DefaultHintSettings apply to categories without settings of their own, and to feedbacks
// without a category.
var DefaultHintSettings = HintSettings{Radius: DefaultHintRadius, WindowDays: DefaultHintWindowDays}

// CheckHintSettings validates the settings an admin sends; nil fields are missing.
func (vs *Violations) CheckHintSettings(radius, windowDays *int) {
	switch {
	case radius == nil:
		vs.Add("radius", MsgNotBlank)
	case *radius < 1 || *radius > MaxHintRadius:
		vs.Add("radius", MsgOutOfRange, 1, MaxHintRadius)
	}
	switch {
	case windowDays == nil:
		vs.Add("windowDays", MsgNotBlank)
	case *windowDays < 1 || *windowDays > MaxHintWindowDays:
		vs.Add("windowDays", MsgOutOfRange, 1, MaxHintWindowDays)
	}
}
