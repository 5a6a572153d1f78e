package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/open311"
	"github.com/keyclic/keyclic/store"
)

// open311Requests answers GET requests: the jurisdiction's delivered feedbacks that the caller
// may read (public ones, and with a key the client's own), newest first.
func (s *Server) open311Requests(c *gin.Context) error {
	q, err := open311.ParseRequestsQuery(c.Request.URL.Query(), s.now())
	if err != nil {
		return err
	}
	oc, err := s.open311Authenticate(c, q.JurisdictionID, q.APIKey, false)
	if err != nil {
		return err
	}
	of := store.Open311Filter{
		ApplicationID: oc.app.ID, Reader: oc.reader(), From: q.From, To: q.To, Open: q.Open, Closed: q.Closed,
		Limit: q.PageSize, Offset: (q.Page - 1) * q.PageSize,
	}
	if len(q.IDs) > 0 {
		// Ids that are no request's cannot match: they are left out, like unknown ones.
		for _, raw := range q.IDs {
			if id, ok := domain.ParseUUID(raw); ok {
				of.IDs = append(of.IDs, id)
			}
		}
		if len(of.IDs) == 0 {
			s.open311Answer(c, http.StatusOK, open311.ServiceRequests{})
			return nil
		}
	} else if len(q.ServiceCodes) > 0 {
		if err := s.open311ByService(c, oc.app, q.ServiceCodes, &of); err != nil {
			return err
		}
	}
	rows, err := s.store.Open311Requests(c, of)
	if err != nil {
		return err
	}
	out := make(open311.ServiceRequests, len(rows))
	for i, r := range rows {
		out[i] = s.open311Render(c, r)
	}
	s.open311Answer(c, http.StatusOK, out)
	return nil
}

// open311ByService narrows a listing to the services named; an unknown code is a 404.
func (s *Server) open311ByService(c *gin.Context, app domain.Application, codes []string, of *store.Open311Filter) error {
	catalog, err := s.open311Catalog(c, app)
	if err != nil {
		return err
	}
	of.ByService = true
	for _, code := range codes {
		sv, err := open311Find(catalog, code)
		if err != nil {
			return err
		}
		switch sv.kind {
		case "category":
			of.Categories = append(of.Categories, sv.entry.ID)
		case "activity":
			of.Activities = append(of.Activities, sv.entry.ID)
		default:
			of.General = true
		}
	}
	return nil
}

// open311Request answers GET requests/{service_request_id}: a list of one request.
func (s *Server) open311Request(c *gin.Context) error {
	name, err := resourceOf(c)
	if err != nil {
		return err
	}
	oc, err := s.open311Reader(c)
	if err != nil {
		return err
	}
	var rows []store.Open311Row
	if id, ok := domain.ParseUUID(name); ok {
		rows, err = s.store.Open311Requests(c, store.Open311Filter{ApplicationID: oc.app.ID, Reader: oc.reader(), IDs: []uuid.UUID{id}, Limit: 1})
		if err != nil {
			return err
		}
	}
	if len(rows) == 0 {
		return &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgOpen311RequestUnknown, name)}
	}
	s.open311Answer(c, http.StatusOK, open311.ServiceRequests{s.open311Render(c, rows[0])})
	return nil
}

// open311Render shows a delivered feedback as a service request.
func (s *Server) open311Render(c *gin.Context, r store.Open311Row) open311.ServiceRequest {
	lang := langOf(c)
	var live []store.Open311Report
	var states []domain.State
	for _, rep := range r.Reports {
		if rep.State != domain.ReportWithdrawn {
			live, states = append(live, rep), append(states, rep.State)
		}
	}
	lead := open311.Lead(states)
	agency := agencies(live, []domain.State{lead})
	updated, expected := r.UpdatedAt, (*time.Time)(nil)
	for _, rep := range live {
		if rep.UpdatedAt.After(updated) {
			updated = rep.UpdatedAt
		}
		if rep.Expected != nil && (expected == nil || rep.Expected.After(*expected)) {
			expected = rep.Expected
		}
	}
	lat, long := r.Point.Latitude, r.Point.Longitude
	out := open311.ServiceRequest{
		ServiceRequestID:  r.FeedbackID.String(),
		Status:            open311.Status(lead),
		StatusNotes:       ptr(domain.Msg(open311.StatusNote(lead), agency).In(lang)),
		Description:       nonEmpty(r.Description),
		AgencyResponsible: nonEmpty(agency),
		ServiceNotice:     ptr(domain.Msg(domain.MsgOpen311Notice, agencies(r.Reports, nil)).In(lang)),
		RequestedDatetime: open311.Datetime(r.CreatedAt),
		UpdatedDatetime:   ptr(open311.Datetime(updated)),
		Address:           nonEmpty(r.Address),
		AddressID:         nonEmpty(r.AddressID),
		Lat:               &lat,
		Long:              &long,
	}
	if expected != nil {
		out.ExpectedDatetime = ptr(open311.Datetime(*expected))
	}
	switch {
	case r.CategoryID != nil:
		out.ServiceCode, out.ServiceName = r.CategoryID.String(), ptr(r.CategoryName)
	case r.ActivityID != nil:
		out.ServiceCode, out.ServiceName = r.ActivityID.String(), ptr(activityName(r.ActivityName, r.ActivityAltName, lang))
	default:
		out.ServiceCode, out.ServiceName = generalService, ptr(domain.Msg(domain.MsgOpen311GeneralService).In(lang))
	}
	// A public feedback's picture opens without a token; a private one's stays behind the
	// Keyclic API. The URL a client posted is shown to whoever may read the request.
	switch {
	case r.Public && r.ImageID != nil:
		out.MediaURL = ptr(s.open311MediaURL(r.FeedbackID, *r.ImageID))
	case r.MediaURL != "":
		out.MediaURL = ptr(r.MediaURL)
	}
	return out
}

func (s *Server) open311MediaURL(feedback, image uuid.UUID) string {
	return strings.TrimSuffix(s.settings.Open311.BaseURL, "/") + "/open311/v2/media/" + feedback.String() + "/" + image.String()
}

// open311Media sends a public feedback's picture, to anyone; a private feedback's is a 404.
func (s *Server) open311Media(c *gin.Context) error {
	feedback, err := pathID(c, "feedback")
	if err != nil {
		return err
	}
	image, err := pathID(c, "image")
	if err != nil {
		return err
	}
	img, err := s.store.Open311Media(c, feedback, image)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, img.ContentType, img.Data)
	return nil
}

// open311Updates answers FixMyStreet's GET servicerequestupdates: each change of a readable
// request's status within the window, oldest first, with FixMyStreet's extended statuses.
func (s *Server) open311Updates(c *gin.Context) error {
	q, err := open311.ParseUpdatesQuery(c.Request.URL.Query(), s.now())
	if err != nil {
		return err
	}
	oc, err := s.open311Authenticate(c, q.JurisdictionID, q.APIKey, false)
	if err != nil {
		return err
	}
	candidates, all, err := s.store.Open311Changes(c, store.Open311UpdateFilter{
		ApplicationID: oc.app.ID, Reader: oc.reader(), From: q.From, To: q.To,
		Limit: q.PageSize, Offset: (q.Page - 1) * q.PageSize,
	})
	if err != nil {
		return err
	}
	byFeedback := map[uuid.UUID][]open311.Checkpoint{}
	agency := map[uuid.UUID]string{}
	for _, cp := range all {
		byFeedback[cp.FeedbackID] = append(byFeedback[cp.FeedbackID], open311.Checkpoint{ReportID: cp.ReportID, Position: cp.Position, State: cp.State, At: cp.At})
		agency[cp.ReportID] = cp.Agency
	}
	type at struct {
		report   uuid.UUID
		position int
	}
	changes := map[at]open311.Change{}
	for feedback, cps := range byFeedback {
		for _, ch := range open311.Changes(feedback, cps) {
			changes[at{ch.ReportID, ch.Position}] = ch
		}
	}
	lang := langOf(c)
	out := open311.RequestUpdates{}
	for _, cp := range candidates {
		ch, ok := changes[at{cp.ReportID, cp.Position}]
		if !ok {
			continue
		}
		out = append(out, open311.RequestUpdate{
			UpdateID: ch.UpdateID, ServiceRequestID: cp.FeedbackID.String(), Status: open311.ExtendedStatus(ch.Lead),
			UpdatedDatetime: open311.Datetime(ch.At), Description: domain.Msg(open311.StatusNote(ch.Lead), agency[cp.ReportID]).In(lang),
			ExternalStatusCode: string(cp.State),
		})
	}
	s.open311Answer(c, http.StatusOK, out)
	return nil
}
