package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

// Services an organization offers the public: the Swagger file's
// GET /organizations/{organization}/services, and the endpoints its admins manage them with.
// Every person of the application reads them (they are how citizens reach an organization);
// only the organization's admins create, change and delete them.
func (s *Server) serviceRoutes(g *gin.RouterGroup) {
	g.GET("/organizations/:organization/services", s.handle(s.listServices))
	g.POST("/organizations/:organization/services", s.handle(s.createService))
	g.GET("/services/:service", s.handle(s.getService))
	g.PATCH("/services/:service", s.handle(s.patchService))
	g.DELETE("/services/:service", s.handle(s.deleteService))
}

// SetClock makes the server read the time from now (tests fix it to check a service's isOpen).
// Call it before serving.
func (s *Server) SetClock(now func() time.Time) { s.now = now }

type serviceData struct {
	Name         *string           `json:"name"`
	Description  *string           `json:"description"`
	ContactPoint *contactPointData `json:"contactPoint"`
}

type contactPointData struct {
	Telephone      *string             `json:"telephone"`
	TimeZone       *string             `json:"timeZone"`
	HoursAvailable *[]openingRangeData `json:"hoursAvailable"`
}

type openingRangeData struct {
	DayOfWeek *string `json:"dayOfWeek"`
	Opens     *string `json:"opens"`
	Closes    *string `json:"closes"`
}

// openingRangeTexts are the ranges as the domain reads what a client wrote.
func openingRangeTexts(in []openingRangeData) []domain.OpeningRangeText {
	out := make([]domain.OpeningRangeText, len(in))
	for i, r := range in {
		out[i] = domain.OpeningRangeText{DayOfWeek: r.DayOfWeek, Opens: r.Opens, Closes: r.Closes}
	}
	return out
}

// check validates the request and returns the fields to set (nil: unchanged); on creation name, contactPoint.telephone and
// contactPoint.timeZone are required, and a patch may not blank them. hoursAvailable, when
// given, replaces every range.
func (d *serviceData) check(creating bool) (store.ServicePatch, error) {
	var vs domain.Violations
	var out store.ServicePatch
	vs.CheckText("name", d.Name, creating || d.Name != nil, 255)
	vs.CheckText("description", d.Description, false, 10000)
	out.Name, out.Description = trimmed(d.Name), d.Description
	cp := d.ContactPoint
	if cp == nil {
		if creating {
			vs.Add("contactPoint.telephone", domain.MsgNotBlank)
			vs.Add("contactPoint.timeZone", domain.MsgNotBlank)
		}
		return out, vs.Err()
	}
	switch tel := trimmed(cp.Telephone); {
	case tel == nil && !creating:
	case tel == nil || *tel == "":
		vs.Add("contactPoint.telephone", domain.MsgNotBlank)
	case !domain.ValidTelephone(*tel):
		vs.Add("contactPoint.telephone", domain.MsgInvalidTelephone)
	default:
		out.Telephone = tel
	}
	switch zone := trimmed(cp.TimeZone); {
	case zone == nil && !creating:
	case zone == nil || *zone == "":
		vs.Add("contactPoint.timeZone", domain.MsgNotBlank)
	default:
		if _, ok := domain.LoadTimeZone(*zone); !ok {
			vs.Add("contactPoint.timeZone", domain.MsgInvalidTimeZone)
		}
		out.TimeZone = zone
	}
	if cp.HoursAvailable != nil {
		ranges := domain.ParseOpeningRanges(&vs, "contactPoint.hoursAvailable", openingRangeTexts(*cp.HoursAvailable))
		out.Ranges = &ranges
	}
	return out, vs.Err()
}

// pathService loads the service named in the path, within the request's application.
func (s *Server) pathService(c *gin.Context) (domain.Service, error) {
	id, err := pathID(c, "service")
	if err != nil {
		return domain.Service{}, err
	}
	return s.store.Service(c, appOf(c).ID, id)
}

func (s *Server) listServices(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	f := store.ServiceFilter{OrganizationID: o.ID, Name: q.search("name")}
	now := s.now()
	return respondList(c, q, func(p domain.Page) ([]domain.Service, int, error) { return s.store.Services(c, f, p) },
		each(func(sv domain.Service) hal.Service { return hal.RenderService(sv, now) }))
}

func (s *Server) getService(c *gin.Context) error {
	sv, err := s.pathService(c)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderService(sv, s.now()))
	return nil
}

// createService adds a service to an organization (its admins only).
func (s *Server) createService(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in serviceData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ok, err := in.check(true)
	if err != nil {
		return err
	}
	sv := domain.Service{ID: newID(c, "service"), OrganizationID: o.ID, Name: *ok.Name, Telephone: *ok.Telephone,
		Hours: domain.OpeningHours{TimeZone: *ok.TimeZone}}
	if ok.Description != nil {
		sv.Description = *ok.Description
	}
	if ok.Ranges != nil {
		sv.Hours.Ranges = *ok.Ranges
	}
	id := sv.ID
	sv, err = s.store.CreateService(c, sv)
	if store.IsDuplicateID(err) { // made by an earlier attempt of this request
		sv, err = s.store.Service(c, o.ApplicationID, id)
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusCreated, hal.RenderService(sv, s.now()))
	return nil
}

// adminService loads the service in the path for an admin of its organization.
func (s *Server) adminService(c *gin.Context) (domain.Service, error) {
	sv, err := s.pathService(c)
	if err == nil {
		_, err = s.requireAdmin(c, sv.OrganizationID)
	}
	return sv, err
}

// patchService changes a service (admins of its organization only).
func (s *Server) patchService(c *gin.Context) error {
	sv, err := s.adminService(c)
	if err != nil {
		return err
	}
	var in serviceData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ok, err := in.check(false)
	if err != nil {
		return err
	}
	if sv, err = s.store.PatchService(c, appOf(c).ID, sv.ID, ok); err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderService(sv, s.now()))
	return nil
}

// deleteService removes a service (admins of its organization only).
func (s *Server) deleteService(c *gin.Context) error {
	sv, err := s.adminService(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteService(c, appOf(c).ID, sv.ID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
