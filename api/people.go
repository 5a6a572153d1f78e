package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) peopleRoutes(g *gin.RouterGroup) {
	g.GET("/people", s.handle(s.listPeople))
	g.GET("/people/:person", s.handle(s.getPerson))
	g.PATCH("/people/:person", s.handle(s.patchPerson))
	g.GET("/people/:person/memberships", s.handle(s.listMemberships))
	g.GET("/people/:person/image/:width/:height", s.handle(s.getPersonImage))
}

// personSearch reads the search[...] filters shared by person and member lists.
func (q *query) personSearch() store.PersonSearch {
	return store.PersonSearch{
		FamilyName: q.search("familyName"), GivenName: q.search("givenName"), JobTitle: q.search("jobTitle"),
		Username: q.search("username"), Email: q.search("email"),
	}
}

func (s *Server) listPeople(c *gin.Context) error {
	q := newQuery(c)
	ps := q.personSearch()
	return respondList(c, q, func(p domain.Page) ([]domain.Person, int, error) { return s.store.People(c, ps, p) }, each(hal.RenderPerson))
}

func (s *Server) getPerson(c *gin.Context) error {
	id, err := pathID(c, "person")
	if err != nil {
		return err
	}
	p, err := s.store.Person(c, id)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderPerson(p))
	return nil
}

type personPatch struct {
	GivenName                      *string   `json:"givenName"`
	FamilyName                     *string   `json:"familyName"`
	Email                          *string   `json:"email"`
	JobTitle                       *string   `json:"jobTitle"`
	Image                          *string   `json:"image"`
	OptIn                          *flexBool `json:"optIn"`
	PreferencesMessageEmailEnabled *flexBool `json:"preferencesMessageEmailEnabled"`
	PreferencesMessagePushEnabled  *flexBool `json:"preferencesMessagePushEnabled"`
	// The Swagger file's PersonPatch names them with a dot; a client sending back the Person it
	// read nests them.
	DottedMessageEmailEnabled *flexBool         `json:"preferences.messageEmailEnabled"`
	DottedMessagePushEnabled  *flexBool         `json:"preferences.messagePushEnabled"`
	Preferences               *preferencesPatch `json:"preferences"`
}

type preferencesPatch struct {
	MessageEmailEnabled *flexBool `json:"messageEmailEnabled"`
	MessagePushEnabled  *flexBool `json:"messagePushEnabled"`
}

// preferences reads the notification preferences in any of the three forms the clients send.
func (in personPatch) preferences() (email, push *bool) {
	nested := preferencesPatch{}
	if in.Preferences != nil {
		nested = *in.Preferences
	}
	return firstBool(in.PreferencesMessageEmailEnabled, in.DottedMessageEmailEnabled, nested.MessageEmailEnabled),
		firstBool(in.PreferencesMessagePushEnabled, in.DottedMessagePushEnabled, nested.MessagePushEnabled)
}

func firstBool(bs ...*flexBool) *bool {
	for _, b := range bs {
		if b != nil {
			return b.ptr()
		}
	}
	return nil
}

// patchPerson changes the caller's own account; nobody edits someone else's.
func (s *Server) patchPerson(c *gin.Context) error {
	id, err := pathID(c, "person")
	if err != nil {
		return err
	}
	if _, err := s.store.Person(c, id); err != nil {
		return err
	}
	if id != callerOf(c) {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotYourself)}
	}
	var in personPatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckText("givenName", in.GivenName, false, 255)
	vs.CheckText("familyName", in.FamilyName, false, 255)
	vs.CheckText("jobTitle", in.JobTitle, false, 255)
	if in.Email != nil {
		vs.CheckEmail("email", in.Email, true)
		e := domain.NormalizeEmail(*in.Email)
		in.Email = &e
	}
	emailEnabled, pushEnabled := in.preferences()
	patch := store.PersonPatch{
		GivenName: trimmed(in.GivenName), FamilyName: trimmed(in.FamilyName), Email: in.Email, JobTitle: trimmed(in.JobTitle),
		OptIn: in.OptIn.ptr(), EmailEnabled: emailEnabled, PushEnabled: pushEnabled,
	}
	if in.Image != nil {
		img, err := domain.ParseImageDataURI(c.Request.Context(), "image", *in.Image, s.settings.Images)
		if err != nil {
			return err
		}
		patch.Image = &img
	}
	if err := vs.Err(); err != nil {
		return err
	}
	p, err := s.store.PatchPerson(c, id, patch)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderPerson(p))
	return nil
}

// listMemberships shows a person's memberships in this application's organizations; people see
// only their own.
func (s *Server) listMemberships(c *gin.Context) error {
	id, err := pathID(c, "person")
	if err != nil {
		return err
	}
	if _, err := s.store.Person(c, id); err != nil {
		return err
	}
	if id != callerOf(c) {
		return domain.Forbidden()
	}
	q := newQuery(c)
	p, ps := q.page(), q.personSearch()
	if err := q.err(); err != nil {
		return err
	}
	members, total, err := s.store.Memberships(c, appOf(c).ID, id, ps, p)
	if err != nil {
		return err
	}
	s.renderMembers(c, p, total, members)
	return nil
}

func (s *Server) getPersonImage(c *gin.Context) error {
	id, err := pathID(c, "person")
	if err != nil {
		return err
	}
	img, err := s.store.PersonImage(c, id)
	if err != nil {
		return err
	}
	s.sendResized(c, img)
	return nil
}

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}
