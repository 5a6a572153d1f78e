package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) notificationRoutes(g *gin.RouterGroup) {
	g.GET("/people/:person/notifications", s.handle(s.listNotifications))
	g.PATCH("/people/:person/notifications/:notification", s.handle(s.patchNotification))
	g.POST("/people/:person/notifications/read", s.handle(s.readAllNotifications))
	g.POST("/people/:person/devices", s.handle(s.addDevice))
	g.DELETE("/people/:person/devices/:device", s.handle(s.removeDevice))
}

// pathSelf reads the {person} of the path, which must be the caller: walls and devices are private.
func (s *Server) pathSelf(c *gin.Context) (uuid.UUID, error) {
	id, err := pathID(c, "person")
	if err != nil {
		return id, err
	}
	if id != callerOf(c) {
		if _, err := s.store.Person(c, id); err != nil {
			return id, err
		}
		return id, domain.Forbidden()
	}
	return id, nil
}

type notificationJSON struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Actor     string    `json:"actor,omitempty"` // the person who acted; none for the service's own notices
	Verb      string    `json:"verb"`
	Subject   string    `json:"subject"`
	Message   string    `json:"message"`
	Object    objectJS  `json:"object"`
	Read      bool      `json:"read"`
	ReadAt    *hal.Time `json:"readAt"`
	Time      hal.Time  `json:"time"`
	CreatedAt hal.Time  `json:"createdAt"`
	Links     hal.Links `json:"_links"`
}

type objectJS struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// objectPaths maps a notification's object type to its resource path.
var objectPaths = map[string]string{"Feedback": "/feedbacks/", "Report": "/reports/", "Operation": "/operations/", "Person": "/people/",
	"ReviewRequest": "/review-requests/"}

// renderNotification renders a wall entry in the reader's language.
func renderNotification(e store.WallEntry, lang domain.Lang) notificationJSON {
	var args []any
	if raw, ok := e.Data["args"].([]any); ok {
		args = raw
	}
	message, _ := e.Data["message"].(string)
	subject, _ := e.Data["subject"].(string)
	id := e.ID.String()
	links := hal.Links{"self": hal.NewLink("/people/"+e.PersonID.String()+"/notifications/"+id, "person", e.PersonID.String(), "notification", id)}
	if p, ok := objectPaths[e.ObjectType]; ok {
		// The mapping names the id as the path does: "feedback", "reviewRequest".
		links["object"] = hal.NewLink(p+e.ObjectID.String(), strings.ToLower(e.ObjectType[:1])+e.ObjectType[1:], e.ObjectID.String())
	}
	actor := ""
	if e.ActorID != nil {
		actor = e.ActorID.String()
		links["actor"] = hal.PersonLink(*e.ActorID)
	}
	return notificationJSON{
		Type: "Notification", ID: id, Actor: actor, Verb: e.Action,
		Subject: domain.Msg(subject).In(lang), Message: domain.Msg(message, args...).In(lang),
		Object: objectJS{Type: e.ObjectType, ID: e.ObjectID.String()},
		Read:   e.ReadAt != nil, ReadAt: hal.TimePtr(e.ReadAt), Time: hal.Time(e.CreatedAt), CreatedAt: hal.Time(e.CreatedAt),
		Links: links,
	}
}

// listNotifications is the wall as the caller's application shows it: newest first, all, only
// unread (?read=false) or only read (?read=true).
func (s *Server) listNotifications(c *gin.Context) error {
	id, err := s.pathSelf(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	p := q.page()
	read := q.boolean("read")
	if err := q.err(); err != nil {
		return err
	}
	entries, total, err := s.store.Wall(c, id, appOf(c).ID, read, p)
	if err != nil {
		return err
	}
	items := make([]notificationJSON, len(entries))
	for i, e := range entries {
		items[i] = renderNotification(e, langOf(c))
	}
	writeHAL(c, http.StatusOK, renderPage(c, p, total, items))
	return nil
}

type readData struct {
	Read *bool `json:"read"`
}

func (s *Server) patchNotification(c *gin.Context) error {
	person, err := s.pathSelf(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "notification")
	if err != nil {
		return err
	}
	var in readData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Read == nil {
		return domain.Invalid("read", domain.MsgNotNull)
	}
	e, err := s.store.MarkRead(c, person, appOf(c).ID, id, *in.Read)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, renderNotification(e, langOf(c)))
	return nil
}

func (s *Server) readAllNotifications(c *gin.Context) error {
	person, err := s.pathSelf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.MarkAllRead(c, person, appOf(c).ID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type deviceData struct {
	Token    *string `json:"token"`
	Platform *string `json:"platform"`
}

type deviceJSON struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	Platform  string    `json:"platform"`
	CreatedAt hal.Time  `json:"createdAt"`
	Links     hal.Links `json:"_links"`
}

// addDevice registers a phone or browser for the caller's pushes of the request's application.
func (s *Server) addDevice(c *gin.Context) error {
	person, err := s.pathSelf(c)
	if err != nil {
		return err
	}
	var in deviceData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckText("token", in.Token, true, 4096)
	vs.CheckText("platform", in.Platform, false, 50)
	if err := vs.Err(); err != nil {
		return err
	}
	app := appOf(c).ID
	d, err := s.store.AddDevice(c, store.Device{ID: newID(c, "device"), PersonID: person, ApplicationID: &app,
		Token: strings.TrimSpace(*in.Token), Platform: deref(trimmed(in.Platform))})
	if err != nil {
		return err
	}
	id := d.ID.String()
	writeHAL(c, http.StatusCreated, deviceJSON{Type: "Device", ID: id, Token: d.Token, Platform: d.Platform, CreatedAt: hal.Time(d.CreatedAt),
		Links: hal.Links{
			"self":   hal.NewLink("/people/"+person.String()+"/devices/"+id, "person", person.String(), "device", id),
			"person": hal.PersonLink(person),
		}})
	return nil
}

func (s *Server) removeDevice(c *gin.Context) error {
	person, err := s.pathSelf(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "device")
	if err != nil {
		return err
	}
	if err := s.store.RemoveDevice(c, person, appOf(c).ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
