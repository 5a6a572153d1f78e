package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/open311"
	"github.com/keyclic/keyclic/store"
)

// open311Changeset is when the Open311 endpoints last changed (discovery's changeset).
var open311Changeset = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

const (
	georeportV2 = "http://wiki.open311.org/GeoReport_v2"
	// generalService is the service of feedbacks that name neither a category nor a business
	// activity: they go to every organization covering the point.
	generalService = "general"
)

func (s *Server) open311Discovery(c *gin.Context) {
	changeset := open311.Datetime(open311Changeset)
	s.open311Answer(c, http.StatusOK, open311.Discovery{
		Changeset: changeset, Contact: s.settings.Open311.Contact, KeyService: s.settings.Open311.KeyService,
		Endpoints: []open311.Endpoint{{
			Specification: georeportV2, URL: strings.TrimSuffix(s.settings.Open311.BaseURL, "/") + "/open311/v2",
			Changeset: changeset, Type: "production",
			Formats: []string{open311.XML.MediaType(), open311.JSON.MediaType()},
		}},
	})
}

// open311Service is a service with what posting to it means for the feedback.
type open311Service struct {
	open311.Service
	kind   string // "category", "activity" or generalService
	entry  store.Open311Service
	schema []byte
}

// open311Catalog lists the jurisdiction's services: any problem first, then its organizations'
// business activities, then their categories (by organization).
func (s *Server) open311Catalog(c *gin.Context, app domain.Application) ([]open311Service, error) {
	rows, err := s.store.Open311Services(c, app.ID)
	if err != nil {
		return nil, err
	}
	lang := langOf(c)
	general := open311Service{kind: generalService, Service: open311.Service{
		ServiceCode: generalService, ServiceName: domain.Msg(domain.MsgOpen311GeneralService).In(lang),
		Description: ptr(domain.Msg(domain.MsgOpen311GeneralDescription).In(lang)), Type: "realtime",
	}}
	var activities, categories []open311Service
	for _, r := range rows {
		sv := open311Service{kind: r.Kind, entry: r, schema: r.MetadataSchema}
		sv.ServiceCode, sv.Type = r.ID.String(), "realtime"
		sv.Metadata = len(open311.Attributes(r.MetadataSchema)) > 0
		if r.Kind == "activity" {
			sv.ServiceName = activityName(r.Name, r.AlternateName, lang)
			sv.Keywords = nonEmpty(strings.Join(slices.DeleteFunc([]string{r.Name, r.AlternateName}, func(s string) bool { return s == "" }), ", "))
			activities = append(activities, sv)
			continue
		}
		sv.ServiceName = r.Name
		sv.Group = nonEmpty(r.Organization)
		sv.Keywords = nonEmpty(r.Identification)
		sv.Description = ptr(domain.Msg(domain.MsgOpen311CategoryDescription, r.Name, r.Organization).In(lang))
		categories = append(categories, sv)
	}
	slices.SortFunc(activities, func(a, b open311Service) int { return strings.Compare(a.ServiceName, b.ServiceName) })
	slices.SortFunc(categories, func(a, b open311Service) int {
		if c := strings.Compare(*a.Group, *b.Group); c != 0 {
			return c
		}
		if c := strings.Compare(a.ServiceName, b.ServiceName); c != 0 {
			return c
		}
		return strings.Compare(a.ServiceCode, b.ServiceCode)
	})
	return append(append([]open311Service{general}, activities...), categories...), nil
}

// activityName is a business activity's name in the reader's language (its alternate name is
// the English one).
func activityName(name, alternate string, lang domain.Lang) string {
	if lang == domain.English && alternate != "" {
		return alternate
	}
	return name
}

// open311Find finds a service by code; an unknown code is the specification's 404.
func open311Find(catalog []open311Service, code string) (open311Service, error) {
	for _, sv := range catalog {
		if sv.ServiceCode == code {
			return sv, nil
		}
	}
	return open311Service{}, &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgOpen311ServiceUnknown, code)}
}

func (s *Server) open311Services(c *gin.Context) error {
	oc, err := s.open311Reader(c)
	if err != nil {
		return err
	}
	catalog, err := s.open311Catalog(c, oc.app)
	if err != nil {
		return err
	}
	out := make(open311.Services, len(catalog))
	for i, sv := range catalog {
		out[i] = sv.Service
	}
	s.open311Answer(c, http.StatusOK, out)
	return nil
}

func (s *Server) open311Service(c *gin.Context) error {
	code, err := resourceOf(c)
	if err != nil {
		return err
	}
	oc, err := s.open311Reader(c)
	if err != nil {
		return err
	}
	catalog, err := s.open311Catalog(c, oc.app)
	if err != nil {
		return err
	}
	sv, err := open311Find(catalog, code)
	if err != nil {
		return err
	}
	s.open311Answer(c, http.StatusOK, open311.ServiceDefinition{ServiceCode: sv.ServiceCode, Attributes: open311.Attributes(sv.schema)})
	return nil
}

func ptr[T any](v T) *T { return &v }

// nonEmpty is nil for "", so that an unknown value is null (JSON) or left out (XML).
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
