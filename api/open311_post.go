package api

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/open311"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

// maxOpen311Form bounds a POST requests body: its longest values are a 4,000-character
// description and a media URL.
const maxOpen311Form = 1 << 20

// open311Form reads the form of a POST: the application/x-www-form-urlencoded body, with the
// query's parameters (a parameter given in both is given twice, which is refused).
func open311Form(c *gin.Context) (url.Values, error) {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, domain.Invalid("", domain.MsgOpen311FormExpected)
		}
	}
	v, _ := c.Get(ctxBody)
	body, _ := v.([]byte)
	if len(body) > maxOpen311Form {
		return nil, domain.Invalid("", domain.MsgBodyTooLarge)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, domain.Invalid("", domain.MsgOpen311BadForm)
	}
	for k, vs := range c.Request.URL.Query() {
		form[k] = append(form[k], vs...)
	}
	return form, nil
}

// violationsOn keeps the violations of err that name one of the parameters.
func violationsOn(err error, names ...string) error {
	de, ok := domain.AsError(err)
	if !ok {
		return nil
	}
	var vs domain.Violations
	for _, v := range de.Violations {
		if slices.Contains(names, v.Path) {
			vs = append(vs, v)
		}
	}
	return vs.Err()
}

// open311Params names, for each field of a feedback, the Open311 parameter it comes from.
var open311Params = map[string]string{
	"geo.point": "lat", "geo.point.latitude": "lat", "geo.point.longitude": "long", "description": "description",
	"category": "service_code", "businessActivity": "service_code", "metadata": "attribute",
}

// asOpen311Params renames the fields a feedback's violations name to the parameters they come from.
func asOpen311Params(err error) error {
	de, ok := domain.AsError(err)
	if !ok || len(de.Violations) == 0 {
		return err
	}
	out := *de
	out.Violations = make([]domain.Violation, len(de.Violations))
	for i, v := range de.Violations {
		if p, ok := open311Params[v.Path]; ok {
			v.Path = p
		}
		out.Violations[i] = v
	}
	return &out
}

// open311PostRequest creates a feedback for the client's key, through the same path as
// POST /feedbacks/issues (parseFeedback, then the feedback workflow's matching), reported by
// the client's account. It answers the feedback's id as service_request_id once matching is
// decided, or a token when matching takes longer than OPEN311_POST_WAIT.
func (s *Server) open311PostRequest(c *gin.Context) error {
	form, err := open311Form(c)
	if err != nil {
		return err
	}
	in, perr := open311.ParseNewRequest(form)
	// Who asks comes first: a request without a valid key learns nothing of its other values.
	if err := violationsOn(perr, "api_key", "jurisdiction_id"); err != nil {
		return err
	}
	oc, err := s.open311Authenticate(c, in.JurisdictionID, in.APIKey, true)
	if err != nil {
		return err
	}
	if perr != nil {
		return perr
	}
	catalog, err := s.open311Catalog(c, oc.app)
	if err != nil {
		return err
	}
	sv, err := open311Find(catalog, in.ServiceCode)
	if err != nil {
		return err
	}
	meta, err := open311.Metadata(sv.schema, in.Attributes)
	if err != nil {
		return err
	}
	f, err := s.open311Feedback(c, oc, sv, in, meta)
	if err != nil {
		return asOpen311Params(err)
	}
	row := store.Open311Request{
		FeedbackID: f.ID, KeyID: oc.key.ID, Token: uuid.New(), Email: domain.NormalizeEmail(in.Email),
		FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone, DeviceID: in.DeviceID, AccountID: in.AccountID,
		Address: in.AddressString, AddressID: in.AddressID, MediaURL: in.MediaURL,
	}
	if err := s.store.InsertOpen311Request(c, row); err != nil {
		return err
	}
	var h client.WorkflowUpdateHandle
	err = s.runFeedback(c, f, client.WorkflowUpdateStageAccepted, func(x client.WorkflowUpdateHandle) error { h = x; return nil })
	if err != nil && !alreadyRan(err) {
		// Nothing started: the request leaves nothing behind.
		_ = s.store.DeleteOpen311Request(context.WithoutCancel(c), f.ID)
		return err
	}
	wait, cancel := context.WithTimeout(c, s.settings.Open311.PostWait)
	defer cancel()
	var res workflows.FeedbackResult
	if h != nil {
		err = h.Get(wait, &res)
	} else { // an earlier attempt of this request (same Idempotency-Key) ran it
		err = s.temporal.GetWorkflow(wait, workflows.FeedbackWorkflowID(f.ID), "").Get(wait, &res)
	}
	if err == nil {
		err = feedbackFailure(res, f)
	}
	if err != nil && c.Err() == nil && wait.Err() != nil && classify(err).Kind == domain.KindUnavailable {
		// Matching goes on in the workflow; the token tells the request's id once it is known.
		s.open311Answer(c, http.StatusAccepted, open311.Created{
			Token: ptr(row.Token.String()), ServiceNotice: ptr(domain.Msg(domain.MsgOpen311Pending).In(langOf(c))),
		})
		return nil
	}
	if err != nil {
		return open311NotCreated(err)
	}
	rows, err := s.store.Open311Requests(c, store.Open311Filter{ApplicationID: oc.app.ID, Reader: oc.reader(), IDs: []uuid.UUID{f.ID}, Limit: 1})
	if err != nil {
		return err
	}
	var notice *string
	if len(rows) == 1 {
		notice = ptr(domain.Msg(domain.MsgOpen311Notice, agencies(rows[0].Reports, nil)).In(langOf(c)))
	}
	s.open311Answer(c, http.StatusCreated, open311.Created{ServiceRequestID: ptr(f.ID.String()), ServiceNotice: notice})
	return nil
}

// open311NotCreated turns matching's refusal (no organization covers the point for the service)
// into the specification's 400: the request was not created.
func open311NotCreated(err error) error {
	de, ok := domain.AsError(err)
	if !ok || de.Kind != domain.KindConflict && de.Kind != domain.KindForbidden {
		return err
	}
	return &domain.Error{Kind: domain.KindInvalid, Msg: domain.Message{Key: domain.MsgOpen311NotCreated, Args: []any{de.Msg}}}
}

// open311Feedback drafts the feedback through parseFeedback, as POST /feedbacks/issues does,
// for the jurisdiction's application and the client's account.
func (s *Server) open311Feedback(c *gin.Context, oc open311Caller, sv open311Service, in open311.NewRequest, meta []byte) (domain.Feedback, error) {
	c.Set(ctxApp, oc.app)
	c.Set(ctxPerson, oc.key.PersonID)
	visibility := domain.VisibilityPrivate
	if oc.key.Public {
		visibility = domain.VisibilityPublic
	}
	data := feedbackData{
		Geo:         &geoData{Point: &pointData{Latitude: in.Lat, Longitude: in.Long}},
		Description: &in.Description,
		Visibility:  &visibility,
		Metadata:    meta,
	}
	code := sv.ServiceCode
	switch sv.kind {
	case "category":
		data.Category = &code
	case "activity":
		data.BusinessActivity = &code
	}
	return s.parseFeedback(c, data)
}

// agencies names the organizations treating the reports in one of the states (any state when
// none is given), each once, in order.
func agencies(reports []store.Open311Report, states []domain.State) string {
	var names []string
	for _, r := range reports {
		if r.Agency != "" && (states == nil || slices.Contains(states, r.State)) {
			names = append(names, r.Agency)
		}
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ", ")
}

// open311Token answers the request a token stands for: its id once matching delivered it.
func (s *Server) open311Token(c *gin.Context) error {
	name, err := resourceOf(c)
	if err != nil {
		return err
	}
	oc, err := s.open311Reader(c)
	if err != nil {
		return err
	}
	unknown := &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgOpen311TokenUnknown, name)}
	token, ok := domain.ParseUUID(name)
	if !ok {
		return unknown
	}
	t, err := s.store.Open311TokenOf(c, oc.app.ID, token, oc.reader())
	if err == nil && t.Recorded && t.State == domain.FeedbackFailed {
		err = open311NotCreated(domain.Conflict(domain.MsgNoMatchingOrganization))
	}
	if domain.IsKind(err, domain.KindNotFound) {
		err = unknown
	}
	if err != nil {
		return err
	}
	answer := open311.TokenAnswer{Token: token.String()}
	if t.Recorded && t.State == domain.FeedbackDelivered {
		answer.ServiceRequestID = ptr(t.FeedbackID.String())
	}
	s.open311Answer(c, http.StatusOK, answer)
	return nil
}
