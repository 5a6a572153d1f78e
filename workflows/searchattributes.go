package workflows

import "go.temporal.io/sdk/temporal"

// Custom search attributes, so operators can filter in the Temporal UI (for example
// KeyclicOrganizations = '<id>' AND KeyclicState = 'ON_HOLD'). Values are ids and states only,
// never personal data.
var (
	SAApplication   = temporal.NewSearchAttributeKeyKeyword("KeyclicApplication")
	SAOrganizations = temporal.NewSearchAttributeKeyKeywordList("KeyclicOrganizations")
	SAState         = temporal.NewSearchAttributeKeyKeyword("KeyclicState")
	SAFeedback      = temporal.NewSearchAttributeKeyKeyword("KeyclicFeedback")
	SAReport        = temporal.NewSearchAttributeKeyKeyword("KeyclicReport")
	// SAOverdue marks a report that missed a service-level deadline and is not past it yet
	// (KeyclicOverdue = true).
	SAOverdue = temporal.NewSearchAttributeKeyBool("KeyclicOverdue")
)

// SearchAttributeDefinitions lists them as the dev server's --search-attribute flags expect.
func SearchAttributeDefinitions() []string {
	return []string{
		"KeyclicApplication=Keyword",
		"KeyclicOrganizations=KeywordList",
		"KeyclicState=Keyword",
		"KeyclicFeedback=Keyword",
		"KeyclicReport=Keyword",
		"KeyclicOverdue=Bool",
	}
}
