package api

import (
	"net/http"
	"strings"

	"github.com/invopop/jsonschema"

	oa "github.com/keyclic/keyclic/api/openapi"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/open311"
)

// The table of every operation the router serves, for the OpenAPI document (openapi.go). Each
// names the Go types its handler decodes and renders, from which the schemas are reflected;
// operationIds are those of Keyclic's Swagger file where it has the operation, so that clients
// generated from either have the same method names. TestOpenAPIDescribesEveryRoute checks the
// table against the router both ways.

// Who may call: the application header alone, or with a bearer token; nothing; Open311's key.
var (
	appOnly = []string{oa.SchemeApp}
	appAuth = []string{oa.SchemeApp, oa.SchemeBearer}
	public  []string
)

func q(name, typ, desc string) oa.Parameter {
	return oa.Parameter{Name: name, Schema: oa.Type(typ), Description: desc}
}

func qArray(name, desc string) oa.Parameter {
	return oa.Parameter{Name: name, Schema: &jsonschema.Schema{OneOf: []*jsonschema.Schema{oa.Type("string"), oa.ArrayOf(oa.Type("string"))}},
		Description: desc}
}

// paging is read by every list.
var paging = []oa.Parameter{
	q("page", "integer", "the page, from 1"),
	q("limit", "integer", "items per page (at most 100)"),
	q("order", "string", "asc or desc (default) by creation"),
	q("after", "string", "created after this ISO 8601 date"),
	q("before", "string", "created before this ISO 8601 date"),
}

func with(groups ...[]oa.Parameter) []oa.Parameter {
	var out []oa.Parameter
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func params(ps ...oa.Parameter) []oa.Parameter { return ps }

var (
	stateFilter   = params(q("state", "string", "one state; several as state[]"), qArray("state[]", "states"))
	geoPoint      = params(q("geo_coordinates", "string", "a point, +44.85-0.57"), q("geo_point", "string", "geo_coordinates' alias"))
	businessActiv = params(q("business_activity", "string", "a business activity id"))
	orgFilter     = params(q("organization", "string", "an organization id"))
	orgSearch     = params(q("search[name]", "string", ""), q("search[alternateName]", "string", ""), q("search[description]", "string", ""),
		q("search[billingEmailAddress]", "string", ""), q("search[notificationEmailAddress]", "string", ""))
	opSearch = params(q("search[name]", "string", ""), q("search[description]", "string", ""), q("search[identificationNumber]", "string", ""))
	geoNear  = params(q("geo_near", "string", "latitude, longitude and radius in metres: +44.85-0.57+1000"),
		q("geo_near[radius]", "number", "metres"), q("geo_near[geo_coordinates]", "string", "the centre"),
		q("geo_near[geo_point]", "string", "the centre (alias)"))
	geoHash         = params(qArray("geo_hash", "geohash cells"), qArray("geo_hash[]", "geohash cells"))
	feedbackFilters = with(stateFilter, params(q("category", "string", "a category id")), orgFilter, geoNear, geoHash,
		params(qArray("visibility", "PUBLIC or PRIVATE"), qArray("visibility[]", "PUBLIC or PRIVATE")))
	reportFilters = with(stateFilter, params(q("place", "string", "a place id"), q("category", "string", "a category id")))
	placeFilters  = with(businessActiv, geoPoint, geoHash, params(q("geo_elevation", "number", "metres"),
		q("search[name]", "string", ""), q("search[branchCode]", "string", ""), q("parent", "string", "a place id"),
		qArray("parents", "place ids"), qArray("parents[]", "place ids")))
	categoryFilters = with(businessActiv, geoPoint, params(q("search[name]", "string", ""), q("search[color]", "string", ""),
		q("search[icon]", "string", ""), q("search[identificationNumber]", "string", "")))
	analytics = with(reportFilters, params(q("after", "string", "ISO 8601 date"), q("before", "string", "ISO 8601 date"),
		q("options[sort]", "string", "asc or desc"), q("options[period]", "string", "day, week, month or year"),
		q("options[property]", "string", "what the chart groups by")))
)

// Answers.
func ok(status int, v any) oa.Answer { return oa.Answer{Status: status, Media: oa.HAL, Type: v} }
func page(item any) oa.Answer        { return oa.Answer{Status: http.StatusOK, Media: oa.HAL, PageOf: item} }
func noContent() oa.Answer           { return oa.Answer{Status: http.StatusNoContent} }
func file(media string) oa.Answer {
	return oa.Answer{Status: http.StatusOK, Media: media, Schema: binary()}
}
func binary() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", ContentMediaType: "application/octet-stream"}
}
func answers(a ...oa.Answer) []oa.Answer { return a }

// resized is an answer of a resized picture.
var resized = answers(file("image/jpeg"), file("image/png"))

// errorStatuses are the errors every operation may answer (vnd.error): a bad request, no such
// resource, a conflict with its state, a request too slow, an entity the service cannot process,
// too many requests, an internal error and a dependency away (503, Retry-After).
var errorStatuses = []int{400, 404, 408, 409, 410, 413, 422, 429, 500, 503}

// withErrors adds the error answers: vnd.error, or Open311's list of errors for Open311 routes.
func withErrors(op oa.Op) oa.Op {
	statuses := errorStatuses
	// A token in the path or the query is a credential too: a bad one is a 401.
	if len(op.Security) > 0 || strings.Contains(op.Route, ":token") || op.ID == "getExportDownload" || op.Route == "/security/login" {
		statuses = append([]int{401, 403}, statuses...)
	}
	if op.Route == "/security/connect/facebook" {
		statuses = append(statuses, http.StatusNotImplemented)
	}
	for _, st := range statuses {
		op.Answers = append(op.Answers, oa.Answer{Status: st, Media: oa.VndError, Type: vndError{}})
	}
	return op
}

// open311Op is an Open311 operation in its JSON and XML forms.
func open311Ops(method, route, id, summary string, ps []oa.Parameter, body bool, status int, v any) []oa.Op {
	var out []oa.Op
	for _, f := range []struct{ ext, media string }{{".json", oa.JSON}, {".xml", oa.XML}} {
		op := oa.Op{Method: method, Route: route + f.ext, ID: id + map[string]string{".json": "Json", ".xml": "Xml"}[f.ext],
			Tag: "Open311", Summary: summary, OptionalSecurity: []string{oa.SchemeOpen311}, Params: ps}
		if body { // posting needs a key; reading does not
			op.FormBody = open311FormBody()
			op.Security, op.OptionalSecurity = []string{oa.SchemeOpen311}, nil
		}
		op.Answers = open311Answers(status, f.media, v)
		out = append(out, op)
	}
	return out
}

func open311Answers(status int, media string, v any) []oa.Answer {
	a := []oa.Answer{{Status: status, Media: media, Type: v}}
	if status == http.StatusCreated { // matching still running: a token to follow
		a = append(a, oa.Answer{Status: http.StatusAccepted, Media: media, Type: v})
	}
	if media == oa.XML {
		for i := range a {
			a[i].Type, a[i].Schema = nil, oa.Type("string")
		}
	}
	return append(a, open311Errors(media)...)
}

// open311Errors are Open311's errors: a list of {code, description}.
func open311Errors(media string) []oa.Answer {
	var a []oa.Answer
	for _, st := range []int{400, 403, 404, 405, 409, 413, 429, 500, 503} {
		e := oa.Answer{Status: st, Media: media, Type: open311.Errors{}}
		if media == oa.XML {
			e.Type, e.Schema = nil, oa.Type("string")
		}
		a = append(a, e)
	}
	return a
}

func open311FormBody() *jsonschema.Schema {
	s := oa.Object()
	s.Required, s.AdditionalProperties = nil, nil
	for _, n := range []string{"service_code", "lat", "long", "address_string", "address_id", "email", "device_id", "account_id",
		"first_name", "last_name", "phone", "description", "media_url"} {
		s.Properties.Set(n, oa.Type("string"))
	}
	s.Required = []string{"service_code"}
	return s
}

var (
	jurisdiction  = params(q("jurisdiction_id", "string", "the application's token; needed when the server has several"))
	open311Search = with(jurisdiction, params(q("service_request_id", "string", "ids, comma separated"),
		q("service_code", "string", ""), q("start_date", "string", ""), q("end_date", "string", ""), q("status", "string", "open or closed"),
		q("page", "integer", ""), q("page_size", "integer", ""), q("lat", "number", ""), q("long", "number", ""),
		q("radius", "number", "metres")))
)

// openAPIOperations is the table.
func openAPIOperations() []oa.Op {
	ops := []oa.Op{
		{Method: "GET", Route: "/healthz", ID: "getHealth", Tag: "Health", Summary: "the process is up",
			Answers: answers(oa.Answer{Status: 200, Media: oa.JSON, Schema: oa.Object("status", oa.Type("string"))})},
		{Method: "GET", Route: "/readyz", ID: "getReadiness", Tag: "Health", Summary: "Postgres and Temporal answer",
			Answers: answers(oa.Answer{Status: 200, Media: oa.JSON, Schema: readiness()}, oa.Answer{Status: 503, Media: oa.JSON, Schema: readiness()})},
		{Method: "GET", Route: "/openapi.json", ID: "getOpenAPI", Tag: "Health", Summary: "this document",
			Answers: answers(oa.Answer{Status: 200, Media: oa.JSON, Schema: oa.Type("object")})},

		// Security: no application header, no token.
		{Method: "POST", Route: "/security/register", ID: "postRegister", Tag: "Register", Summary: "create an account",
			Body: registerData{}, Answers: answers(ok(201, hal.Person{}))},
		{Method: "POST", Route: "/security/login", ID: "postLogin", Tag: "Login", Summary: "get an access token",
			Body: loginData{}, Answers: answers(ok(200, successLogin{}))},
		{Method: "POST", Route: "/security/password/change-request", ID: "postReset", Tag: "Reset", Summary: "email a password reset link",
			Body: emailData{}, Answers: answers(noContent())},
		{Method: "POST", Route: "/security/password/change/:token", ID: "postChangeByToken", Tag: "Change", Summary: "set a new password with a reset token",
			Body: passwordData{}, Answers: answers(noContent())},
		{Method: "POST", Route: "/security/connect/facebook", ID: "postFacebook", Tag: "Facebook", Summary: "not available (501)"},

		// Downloads by signed link: the link is the credential.
		{Method: "GET", Route: "/exports/:export/download", ID: "getExportDownload", Tag: "Export", Summary: "download an export by its emailed link",
			Params: params(q("token", "string", "the link's signed token")), Answers: answers(file("application/zip"))},
		{Method: "GET", Route: "/organizations/:organization/exports/:token", ID: "getExportByOrganizationAndToken", Tag: "Export",
			Summary: "download an export by its token", Answers: answers(file("application/zip"))},

		{Method: "GET", Route: "/applications/:token", ID: "getApplicationByToken", Tag: "Application", Summary: "the application",
			Security: appOnly, Answers: answers(ok(200, hal.Application{}))},

		// People.
		{Method: "GET", Route: "/people", ID: "cgetPeople", Tag: "Person", Summary: "search people",
			Params: with(paging, params(q("search[email]", "string", ""), q("search[username]", "string", ""), q("search[givenName]", "string", ""),
				q("search[familyName]", "string", ""), q("search[jobTitle]", "string", ""))), Answers: answers(page(hal.Person{}))},
		{Method: "GET", Route: "/people/:person", ID: "getPerson", Tag: "Person", Summary: "a person", Answers: answers(ok(200, hal.Person{}))},
		{Method: "PATCH", Route: "/people/:person", ID: "patchPerson", Tag: "Person", Summary: "edit one's profile",
			Body: personPatch{}, Answers: answers(ok(200, hal.Person{}))},
		{Method: "GET", Route: "/people/:person/memberships", ID: "cgetMembershipsByPerson", Tag: "Membership", Summary: "one's memberships",
			Params: paging, Answers: answers(page(hal.Member{}))},
		{Method: "GET", Route: "/people/:person/image/:width/:height", ID: "getImageByPersonAndWidthAndHeight", Tag: "Image",
			Summary: "a person's picture, resized", Answers: resized},
		{Method: "GET", Route: "/people/:person/feedbacks", ID: "cgetFeedbackByPerson", Tag: "Feedback", Summary: "one's feedbacks",
			Params: with(paging, feedbackFilters), Answers: answers(page(hal.Feedback{}))},
		{Method: "GET", Route: "/people/:person/operations", ID: "cgetOperationsByPerson", Tag: "Operation", Summary: "operations assigned to one",
			Params: with(paging, stateFilter, opSearch), Answers: answers(page(hal.Operation{}))},
		{Method: "GET", Route: "/people/:person/notifications", ID: "cgetNotificationsByPerson", Tag: "Notification", Summary: "one's notifications",
			Params: with(paging, params(q("read", "string", "true or false"))), Answers: answers(page(notificationJSON{}))},
		{Method: "PATCH", Route: "/people/:person/notifications/:notification", ID: "patchNotificationByPersonAndNotification", Tag: "Notification",
			Summary: "mark a notification read or unread", Body: readData{}, Answers: answers(ok(200, notificationJSON{}))},
		{Method: "POST", Route: "/people/:person/notifications/read", ID: "postReadNotificationsByPerson", Tag: "Notification",
			Summary: "mark every notification read", Answers: answers(noContent())},
		{Method: "POST", Route: "/people/:person/devices", ID: "postDeviceByPerson", Tag: "Device", Summary: "register a device for pushes",
			Body: deviceData{}, Answers: answers(ok(201, deviceJSON{}))},
		{Method: "DELETE", Route: "/people/:person/devices/:device", ID: "deleteDeviceByPersonAndDevice", Tag: "Device", Summary: "remove a device",
			Answers: answers(noContent())},
		{Method: "GET", Route: "/people/:person/review-requests", ID: "cgetRequestsByPerson", Tag: "Request", Summary: "reviews asked of one",
			Params: paging, Answers: answers(page(hal.ReviewRequest{}))},

		// Organizations.
		{Method: "POST", Route: "/organizations", ID: "postOrganization", Tag: "Organization", Summary: "create an organization",
			Body: organizationData{}, Answers: answers(ok(201, hal.Organization{}))},
		{Method: "GET", Route: "/organizations", ID: "cgetOrganizations", Tag: "Organization", Summary: "organizations",
			Params: with(paging, businessActiv, orgFilter, orgSearch), Answers: answers(page(hal.Organization{}))},
		{Method: "GET", Route: "/organizations/:organization", ID: "getOrganization", Tag: "Organization", Summary: "an organization",
			Answers: answers(ok(200, hal.Organization{}))},
		{Method: "PATCH", Route: "/organizations/:organization", ID: "patchOrganization", Tag: "Organization", Summary: "edit an organization",
			Body: organizationData{}, Answers: answers(ok(200, hal.Organization{}))},
		{Method: "GET", Route: "/organizations/:organization/logo/:width/:height", ID: "getLogoByOrganizationAndWidthAndHeight", Tag: "Logo",
			Summary: "an organization's logo, resized", Answers: resized},
		{Method: "POST", Route: "/organizations/:organization/members", ID: "postMemberByOrganization", Tag: "Member", Summary: "add a member",
			Body: memberData{}, Answers: answers(ok(201, hal.Member{}))},
		{Method: "GET", Route: "/organizations/:organization/members", ID: "cgetMembersByOrganization", Tag: "Member", Summary: "members",
			Params: paging, Answers: answers(page(hal.Member{}))},
		{Method: "GET", Route: "/organizations/:organization/members/:member", ID: "getMemberByOrganizationAndMember", Tag: "Member",
			Summary: "a member", Answers: answers(ok(200, hal.Member{}))},
		{Method: "PATCH", Route: "/organizations/:organization/members/:member", ID: "patchMemberByOrganizationAndMember", Tag: "Member",
			Summary: "change a member's roles", Body: memberPatch{}, Answers: answers(ok(200, hal.Member{}))},
		{Method: "DELETE", Route: "/organizations/:organization/members/:member", ID: "deleteMemberByOrganizationAndMember", Tag: "Member",
			Summary: "remove a member", Answers: answers(noContent())},
		{Method: "POST", Route: "/organizations/:organization/places", ID: "postPlaceByOrganization", Tag: "Place", Summary: "create a place",
			Body: placeData{}, Answers: answers(ok(201, hal.Place{}))},
		{Method: "GET", Route: "/organizations/:organization/places", ID: "cgetPlacesByOrganization", Tag: "Place", Summary: "an organization's places",
			Params: with(paging, placeFilters), Answers: answers(page(hal.Place{}))},
		{Method: "POST", Route: "/organizations/:organization/categories", ID: "postCategoryByOrganization", Tag: "Category",
			Summary: "create a category", Body: categoryData{}, Answers: answers(ok(201, hal.Category{}))},
		{Method: "GET", Route: "/organizations/:organization/categories", ID: "cgetCategoriesByOrganization", Tag: "Category",
			Summary: "an organization's categories", Params: with(paging, categoryFilters), Answers: answers(page(hal.Category{}))},
		{Method: "POST", Route: "/organizations/:organization/relationships", ID: "postRelationshipByOrganization", Tag: "Relationship",
			Summary: "add a partner", Body: relationshipData{}, Answers: answers(ok(201, hal.Organization{}))},
		{Method: "GET", Route: "/organizations/:organization/relationships", ID: "cgetRelationshipsByOrganization", Tag: "Relationship",
			Summary: "partners", Params: with(paging, businessActiv, orgFilter, orgSearch), Answers: answers(page(hal.Organization{}))},
		{Method: "DELETE", Route: "/organizations/:organization/relationships/:relationship", ID: "deleteRelationshipByOrganizationAndRelationship",
			Tag: "Relationship", Summary: "remove a partner", Answers: answers(noContent())},
		{Method: "GET", Route: "/organizations/:organization/reports", ID: "cgetReportsByOrganization", Tag: "Report", Summary: "an organization's reports",
			Params:  with(paging, reportFilters, params(q("overdue", "boolean", "true: only the reports overdue now (still open, an undecided deadline passed); false: only the others"))),
			Answers: answers(page(hal.Report{}))},
		{Method: "POST", Route: "/organizations/:organization/delegates", ID: "postDelegateByOrganization", Tag: "Delegate",
			Summary: "delegate a report to a partner", Body: delegateData{}, Answers: answers(ok(200, hal.Report{}))},
		{Method: "GET", Route: "/organizations/:organization/operations", ID: "cgetOperationsByOrganization", Tag: "Operation",
			Summary: "an organization's operations", Params: with(paging, stateFilter, opSearch), Answers: answers(page(hal.Operation{}))},
		{Method: "POST", Route: "/organizations/:organization/webhooks", ID: "postWebhookByOrganization", Tag: "Webhook", Summary: "create a webhook",
			Body: webhookData{}, Answers: answers(ok(201, hal.Webhook{}))},
		{Method: "GET", Route: "/organizations/:organization/webhooks", ID: "cgetWebhooksByOrganization", Tag: "Webhook", Summary: "webhooks",
			Params: paging, Answers: answers(page(hal.Webhook{}))},
		{Method: "POST", Route: "/organizations/:organization/reports/exports", ID: "cpostExportByOrganization", Tag: "Export",
			Summary: "export reports to Excel (in the background)", Params: reportFilters, Answers: answers(ok(202, hal.Export{}))},
		{Method: "GET", Route: "/organizations/:organization/reports/exports/:export", ID: "getExportByOrganizationAndExport", Tag: "Export",
			Summary: "an export's progress", Answers: answers(ok(200, hal.Export{}))},
		{Method: "GET", Route: "/organizations/:organization/reports/exports/:export/download", ID: "getExportDownloadByOrganizationAndExport",
			Tag: "Export", Summary: "download an export", Answers: answers(file("application/zip"))},
		{Method: "GET", Route: "/organizations/:organization/analytics", ID: "getAnalyticByOrganization", Tag: "Analytic",
			Summary: "report counts by state, category or place", Params: analytics, Answers: answers(ok(200, chartJSON{}))},
		{Method: "GET", Route: "/organizations/:organization/analytics/service-levels", ID: "getServiceLevelAnalyticByOrganization", Tag: "Analytic",
			Summary: "share of reports accepted and closed on time, by category or period of creation (admins and analysts)",
			Params: with(reportFilters, params(q("after", "string", "ISO 8601 date"), q("before", "string", "ISO 8601 date"),
				q("options[sort]", "string", "asc or desc"), q("options[period]", "string", "day, week or month"),
				q("options[property]", "string", "category (default) or period"))),
			Answers: answers(ok(200, serviceLevelChartJSON{}))},
		{Method: "GET", Route: "/organizations/:organization/service-levels", ID: "getServiceLevelsByOrganization", Tag: "ServiceLevel",
			Summary: "the organization's service levels (admins; 404 while none is set)", Answers: answers(ok(200, hal.ServiceLevels{}))},
		{Method: "PUT", Route: "/organizations/:organization/service-levels", ID: "putServiceLevelsByOrganization", Tag: "ServiceLevel",
			Summary: "replace the organization's service levels (admins): they apply to reports that reach it afterwards; reports already running keep the terms they started with",
			Body:    serviceLevelsData{}, Answers: answers(ok(200, hal.ServiceLevels{}))},
		{Method: "GET", Route: "/organizations/:organization/services", ID: "cgetServicesByOrganization", Tag: "Service", Summary: "services",
			Params: with(paging, params(q("search[name]", "string", ""))), Answers: answers(page(hal.Service{}))},
		{Method: "POST", Route: "/organizations/:organization/services", ID: "postServiceByOrganization", Tag: "Service", Summary: "create a service",
			Body: serviceData{}, Answers: answers(ok(201, hal.Service{}))},

		// Catalog.
		{Method: "GET", Route: "/businessactivities", ID: "cgetBusinessActivities", Tag: "BusinessActivity", Summary: "business activities",
			Params: with(paging, orgFilter, geoPoint), Answers: answers(page(hal.BusinessActivity{}))},
		{Method: "GET", Route: "/businessactivities/:businessActivity", ID: "getBusinessActivity", Tag: "BusinessActivity",
			Summary: "a business activity", Answers: answers(ok(200, hal.BusinessActivity{}))},
		{Method: "GET", Route: "/places", ID: "cgetPlaces", Tag: "Place", Summary: "places",
			Params: with(paging, orgFilter, placeFilters), Answers: answers(page(hal.Place{}))},
		{Method: "GET", Route: "/places/:place", ID: "getPlace", Tag: "Place", Summary: "a place", Answers: answers(ok(200, hal.Place{}))},
		{Method: "PATCH", Route: "/places/:place", ID: "patchPlace", Tag: "Place", Summary: "edit a place",
			Body: placePatch{}, Answers: answers(ok(200, hal.Place{}))},
		{Method: "GET", Route: "/categories", ID: "cgetCategories", Tag: "Category", Summary: "categories",
			Params: with(paging, orgFilter, categoryFilters), Answers: answers(page(hal.Category{}))},
		{Method: "GET", Route: "/categories/:category", ID: "getCategory", Tag: "Category", Summary: "a category",
			Answers: answers(ok(200, hal.Category{}))},
		{Method: "PATCH", Route: "/categories/:category", ID: "patchCategory", Tag: "Category", Summary: "edit a category",
			Body: categoryData{}, Answers: answers(ok(200, hal.Category{}))},
		{Method: "GET", Route: "/categories/:category/duplicate-hints", ID: "getDuplicateHintsByCategory", Tag: "Category",
			Summary: "how far and how far back a category's duplicate hints look", Answers: answers(ok(200, hal.HintSettings{}))},
		{Method: "PUT", Route: "/categories/:category/duplicate-hints", ID: "putDuplicateHintsByCategory", Tag: "Category",
			Summary: "set a category's duplicate hint radius (metres) and window (days)", Body: hintSettingsData{}, Answers: answers(ok(200, hal.HintSettings{}))},

		// Feedbacks.
		{Method: "POST", Route: "/feedbacks/issues", ID: "postIssue", Tag: "Issue", Summary: "report a problem at a point",
			Body: feedbackData{}, Answers: answers(ok(201, hal.FeedbackWithHints{}))},
		{Method: "GET", Route: "/feedbacks", ID: "cgetFeedback", Tag: "Feedback", Summary: "public feedbacks",
			Params: with(paging, feedbackFilters), Answers: answers(page(hal.Feedback{}))},
		{Method: "GET", Route: "/feedbacks/:feedback", ID: "getFeedback", Tag: "Feedback", Summary: "a feedback",
			Answers: answers(ok(200, hal.FeedbackWithHints{}))},
		{Method: "GET", Route: "/feedbacks/:feedback/tracking", ID: "getTrackingByFeedback", Tag: "Tracking", Summary: "a feedback's tracking",
			Answers: answers(ok(200, hal.Tracking{}))},
		{Method: "POST", Route: "/feedbacks/:feedback/workflow/transition", ID: "postTransitionByFeedback", Tag: "Transition",
			Summary: "change a feedback's state", Body: transitionData{}, Answers: answers(ok(200, hal.Feedback{}))},
		{Method: "PATCH", Route: "/feedbacks/:feedback/state", ID: "patchStateByFeedback", Tag: "State",
			Summary: "change a feedback's state", Body: transitionData{}, Answers: answers(ok(200, hal.Feedback{}))},
		{Method: "POST", Route: "/feedbacks/:feedback/images", ID: "postImageByFeedback", Tag: "Image", Summary: "add a photo",
			Body: imageUpload{}, Answers: answers(ok(201, hal.Feedback{}))},
		{Method: "GET", Route: "/feedbacks/:feedback/images/:image/:width/:height", ID: "getImageByFeedbackAndImageAndWidthAndHeight",
			Tag: "Image", Summary: "a photo, resized", Answers: resized},
		{Method: "POST", Route: "/feedbacks/:feedback/comments", ID: "postCommentByFeedback", Tag: "Comment", Summary: "comment a feedback",
			Body: commentData{}, Answers: answers(ok(201, hal.Feedback{}))},
		{Method: "GET", Route: "/feedbacks/:feedback/comments", ID: "cgetCommentsByFeedback", Tag: "Comment", Summary: "a feedback's comments",
			Params: paging, Answers: answers(ok(200, activityPage{}))},
		{Method: "POST", Route: "/feedbacks/:feedback/contributions", ID: "postContributionByFeedback", Tag: "Contribution",
			Summary: "support a public feedback", Answers: answers(ok(201, hal.Feedback{}))},
		{Method: "GET", Route: "/feedbacks/:feedback/contributions", ID: "cgetContributionsByFeedback", Tag: "Contribution",
			Summary: "a feedback's supports", Params: paging, Answers: answers(ok(200, aggregatedPage{}))},
		{Method: "GET", Route: "/feedbacks/:feedback/reviews", ID: "cgetReviewsByFeedback", Tag: "Review", Summary: "a feedback's reviews",
			Params: paging, Answers: answers(page(hal.Review{}))},

		// Reports.
		{Method: "GET", Route: "/reports/:report", ID: "getReport", Tag: "Report", Summary: "a report", Answers: answers(ok(200, hal.Report{}))},
		{Method: "PATCH", Route: "/reports/:report", ID: "patchReport", Tag: "Report", Summary: "edit a report",
			Body: reportPatch{}, Answers: answers(ok(200, hal.Report{}))},
		{Method: "GET", Route: "/reports/:report/tracking", ID: "getTrackingByReport", Tag: "Tracking", Summary: "a report's tracking",
			Answers: answers(ok(200, hal.Tracking{}))},
		{Method: "POST", Route: "/reports/:report/workflow/transition", ID: "postTransitionByReport", Tag: "Transition",
			Summary: "accept, refuse, hold, progress or close a report", Body: transitionData{}, Answers: answers(ok(200, hal.Report{}))},
		{Method: "PATCH", Route: "/reports/:report/state", ID: "patchStateByReport", Tag: "State",
			Summary: "change a report's state", Body: transitionData{}, Answers: answers(ok(200, hal.Report{}))},
		{Method: "POST", Route: "/reports/:report/duplicate", ID: "postDuplicateByReport", Tag: "Report",
			Summary: "refuse a report as a duplicate of another report the organization treats", Body: duplicateData{},
			Answers: answers(ok(200, hal.Report{}))},
		{Method: "GET", Route: "/reports/:report/operations", ID: "cgetOperationsByReport", Tag: "Operation", Summary: "a report's operations",
			Params: with(paging, stateFilter, opSearch), Answers: answers(page(hal.Operation{}))},

		// Operations.
		{Method: "POST", Route: "/operations", ID: "postOperation", Tag: "Operation", Summary: "create an operation on a report",
			Body: operationData{}, Answers: answers(ok(201, hal.Operation{}))},
		{Method: "GET", Route: "/operations/:operation", ID: "getOperation", Tag: "Operation", Summary: "an operation",
			Answers: answers(ok(200, hal.Operation{}))},
		{Method: "PATCH", Route: "/operations/:operation", ID: "patchOperation", Tag: "Operation", Summary: "edit an operation",
			Body: operationData{}, Answers: answers(ok(200, hal.Operation{}))},
		{Method: "DELETE", Route: "/operations/:operation", ID: "deleteOperation", Tag: "Operation", Summary: "remove an operation",
			Answers: answers(noContent())},
		{Method: "POST", Route: "/operations/:operation/assign", ID: "postAssignByOperation", Tag: "Assign", Summary: "assign an operator",
			Body: assignData{}, Answers: answers(ok(200, hal.Operation{}))},
		{Method: "POST", Route: "/operations/:operation/workflow/transition", ID: "postTransitionByOperation", Tag: "Transition",
			Summary: "progress or resolve an operation", Body: transitionData{}, Answers: answers(ok(200, hal.Operation{}))},
		{Method: "PATCH", Route: "/operations/:operation/state", ID: "patchStateByOperation", Tag: "State",
			Summary: "change an operation's state", Body: transitionData{}, Answers: answers(ok(200, hal.Operation{}))},
		{Method: "GET", Route: "/operations/:operation/tracking", ID: "getTrackingByOperation", Tag: "Tracking", Summary: "an operation's tracking",
			Answers: answers(ok(200, hal.Tracking{}))},
		{Method: "GET", Route: "/operations/:operation/logs", ID: "cgetLogsByOperation", Tag: "Log", Summary: "an operation's history",
			Params: paging, Answers: answers(page(logEntryJSON{}))},
		{Method: "POST", Route: "/operations/:operation/comments", ID: "postCommentByOperation", Tag: "Comment", Summary: "comment an operation",
			Body: commentData{}, Answers: answers(ok(201, hal.Operation{}))},
		{Method: "GET", Route: "/operations/:operation/comments", ID: "cgetCommentsByOperation", Tag: "Comment", Summary: "an operation's comments",
			Params: paging, Answers: answers(ok(200, activityPage{}))},
		{Method: "POST", Route: "/operations/:operation/images", ID: "postImageByOperation", Tag: "Image", Summary: "add a photo",
			Body: imageUpload{}, Answers: answers(ok(201, hal.Operation{}))},
		{Method: "DELETE", Route: "/operations/:operation/images/:image", ID: "deleteImageByOperationAndImage", Tag: "Image",
			Summary: "remove a photo", Answers: answers(noContent())},
		{Method: "GET", Route: "/operations/:operation/images/:image/:width/:height", ID: "getImageByOperationAndImageAndWidthAndHeight",
			Tag: "Image", Summary: "a photo, resized", Answers: resized},

		// Webhooks.
		{Method: "GET", Route: "/webhooks/:webhook", ID: "getWebhook", Tag: "Webhook", Summary: "a webhook", Answers: answers(ok(200, hal.Webhook{}))},
		{Method: "PATCH", Route: "/webhooks/:webhook", ID: "patchWebhook", Tag: "Webhook", Summary: "edit a webhook",
			Body: webhookData{}, Answers: answers(ok(200, hal.Webhook{}))},
		{Method: "DELETE", Route: "/webhooks/:webhook", ID: "deleteWebhook", Tag: "Webhook", Summary: "remove a webhook",
			Answers: answers(noContent())},
		{Method: "GET", Route: "/webhooks/:webhook/deliveries", ID: "cgetDeliveriesByWebhook", Tag: "Webhook", Summary: "a webhook's deliveries",
			Params: with(paging, params(q("state", "string", "a delivery state"))), Answers: answers(page(hal.Delivery{}))},
		{Method: "POST", Route: "/webhooks/:webhook/deliveries/:delivery/redeliver", ID: "postRedeliverByWebhookAndDelivery", Tag: "Webhook",
			Summary: "send a delivery again", Answers: answers(ok(202, hal.Delivery{}))},
		{Method: "POST", Route: "/webhooks/:webhook/secret", ID: "postSecretByWebhook", Tag: "Webhook",
			Summary: "a new signing secret, shown once; the old one signs beside it for the overlap", Answers: answers(ok(200, hal.Webhook{}))},
		{Method: "POST", Route: "/webhooks/:webhook/recover", ID: "postRecoverByWebhook", Tag: "Webhook",
			Summary: "send again every delivery since a time that did not succeed", Body: recoverData{}, Answers: answers(ok(202, webhookRecovery{}))},

		// Reviews and services.
		{Method: "GET", Route: "/review-requests/:reviewRequest", ID: "getReviewRequest", Tag: "ReviewRequest", Summary: "a review request",
			Answers: answers(ok(200, hal.ReviewRequest{}))},
		{Method: "POST", Route: "/review-requests/:reviewRequest/reviews", ID: "postReviewByReviewRequest", Tag: "Review",
			Summary: "answer a review request", Body: reviewData{}, Answers: answers(ok(200, hal.Review{}))},
		{Method: "GET", Route: "/reviews/:review", ID: "getReview", Tag: "Review", Summary: "a review", Answers: answers(ok(200, hal.Review{}))},
		{Method: "GET", Route: "/services/:service", ID: "getService", Tag: "Service", Summary: "a service", Answers: answers(ok(200, hal.Service{}))},
		{Method: "PATCH", Route: "/services/:service", ID: "patchService", Tag: "Service", Summary: "edit a service",
			Body: serviceData{}, Answers: answers(ok(200, hal.Service{}))},
		{Method: "DELETE", Route: "/services/:service", ID: "deleteService", Tag: "Service", Summary: "remove a service",
			Answers: answers(noContent())},
	}
	for i := range ops {
		switch {
		case ops[i].Tag == "Health", ops[i].Security != nil:
		case len(ops[i].Route) > 9 && ops[i].Route[:10] == "/security/", ops[i].ID == "getExportDownload",
			ops[i].ID == "getExportByOrganizationAndToken":
			ops[i].Security = public
		default:
			ops[i].Security = appAuth
		}
		if ops[i].Tag != "Health" {
			ops[i] = withErrors(ops[i])
		}
	}

	// Open311 GeoReport v2: each list in .json and .xml.
	ops = append(ops, open311Ops("GET", "/open311/v2/discovery", "getOpen311Discovery", "the endpoints and formats",
		nil, false, 200, open311.Discovery{})...)
	ops = append(ops, open311Ops("GET", "/open311/v2/services", "getOpen311Services", "the service list",
		jurisdiction, false, 200, open311.Services{})...)
	ops = append(ops, open311Ops("GET", "/open311/v2/requests", "getOpen311Requests", "service requests",
		open311Search, false, 200, open311.ServiceRequests{})...)
	ops = append(ops, open311Ops("POST", "/open311/v2/requests", "postOpen311Request", "post a service request (needs api_key)",
		jurisdiction, true, 201, []open311.Created{})...)
	ops = append(ops, open311Ops("GET", "/open311/v2/servicerequestupdates", "getOpen311RequestUpdates", "changes of service requests",
		with(jurisdiction, params(q("start_date", "string", ""), q("end_date", "string", ""))), false, 200, open311.RequestUpdates{})...)
	for _, r := range []struct {
		route, id, summary string
		v                  any
	}{
		{"/open311/v2/services/:resource", "getOpen311ServiceDefinition", "a service's definition (code.json or code.xml)", open311.ServiceDefinition{}},
		{"/open311/v2/requests/:resource", "getOpen311Request", "a service request (id.json or id.xml)", open311.ServiceRequests{}},
		{"/open311/v2/tokens/:resource", "getOpen311Token", "the request id of a token (token.json or token.xml)", []open311.TokenAnswer{}},
	} {
		a := open311Answers(200, oa.JSON, r.v)
		a = append(a, open311Answers(200, oa.XML, r.v)...)
		ops = append(ops, oa.Op{Method: "GET", Route: r.route, ID: r.id, Tag: "Open311", Summary: r.summary,
			OptionalSecurity: []string{oa.SchemeOpen311}, Params: jurisdiction, Answers: a})
	}
	media := oa.Op{Method: "GET", Route: "/open311/v2/media/:feedback/:image", ID: "getOpen311Media", Tag: "Open311",
		Summary: "a request's photo (media_url)", Answers: append(append([]oa.Answer{}, resized...), open311Errors(oa.XML)...)}
	return append(ops, media)
}

// readiness is /readyz's answer: each dependency, ok or unreachable.
func readiness() *jsonschema.Schema {
	v := &jsonschema.Schema{Type: "string", Enum: []any{"ok", "unreachable"}}
	return oa.Object("postgres", v, "temporal", v)
}
