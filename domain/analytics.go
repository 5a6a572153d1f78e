package domain

// Analytics properties: what an organization's reports are counted by.
const (
	ChartByState    = "state"
	ChartByCategory = "category"
	ChartByPlace    = "place"
	ChartByPeriod   = "period"
)

// ChartProperties lists the properties a client may ask for, the default first.
var ChartProperties = []string{ChartByState, ChartByCategory, ChartByPlace, ChartByPeriod}

// Granularities of the period property, the default last.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// ChartPeriods lists the granularities a client may ask for.
var ChartPeriods = []string{PeriodDay, PeriodWeek, PeriodMonth}

// ChartQuery says how to group and sort an organization's reports.
type ChartQuery struct {
	Property string // one of ChartProperties
	Period   string // one of ChartPeriods, for ChartByPeriod
	Desc     bool   // labels in descending order
}

// ChartGroup is one group of a chart: its label and its count. None marks the group of the
// reports without a category (or place); the API names it in the client's language.
type ChartGroup struct {
	Label string
	Count int
	None  bool
}

// Service-level analytics group by one of these properties.
var ServiceLevelChartProperties = []string{ChartByCategory, ChartByPeriod}

// ServiceLevelGroup counts, in one group, the reports whose deadlines were decided: how many had
// their acceptance (closing) decided, and how many of those met it.
type ServiceLevelGroup struct {
	Label                    string
	None                     bool // the reports without a category
	Accepted, AcceptedOnTime int
	Closed, ClosedOnTime     int
}
