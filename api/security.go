package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"golang.org/x/crypto/bcrypt"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

func (s *Server) securityRoutes(g *gin.RouterGroup) {
	g.POST("/register", s.handle(s.register))
	g.POST("/login", s.handle(s.login))
	g.POST("/password/change-request", s.handle(s.passwordChangeRequest))
	g.POST("/password/change/:token", s.handle(s.passwordChange))
	g.POST("/connect/facebook", func(c *gin.Context) {
		c.Header("Content-Type", "application/vnd.error+json; charset=utf-8")
		c.AbortWithStatusJSON(http.StatusNotImplemented, renderError(&domain.Error{Msg: domain.Msg(domain.MsgFacebookUnavailable)}, langOf(c)))
	})
}

type registerData struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

func (s *Server) register(c *gin.Context) error {
	var in registerData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckEmail("email", in.Email, true)
	vs.CheckPassword("password", in.Password)
	if err := vs.Err(); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(*in.Password), s.settings.BcryptCost)
	if err != nil {
		return err
	}
	id := newID(c, "person")
	p, err := s.store.CreatePerson(c, domain.Person{
		ID: id, Email: domain.NormalizeEmail(*in.Email), PasswordHash: string(hash), Language: langOf(c),
	}, domain.Notice{Action: domain.ActionUserRegistered, Key: "registered/" + id.String(), PersonID: &id})
	if err != nil && resumed(c) { // "email taken": by an earlier attempt of this request?
		if prev, perr := s.store.Person(c, id); perr == nil {
			p, err = prev, nil
		}
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusCreated, hal.RenderPerson(p))
	return nil
}

type loginData struct {
	Login    *string `json:"login"`
	Password *string `json:"password"`
}

type successLogin struct {
	AccessToken string      `json:"accessToken"`
	TokenType   string      `json:"tokenType"`
	Credentials credentials `json:"credentials"`
	Links       hal.Links   `json:"_links"`
}

// credentials tell the client who logged in, as Keyclic's clients read them (the Swagger file's
// successLogin): the person, their login, their roles, and their memberships.
type credentials struct {
	ID              string           `json:"id"`
	Login           string           `json:"login"`
	Roles           []string         `json:"roles"`
	AdministratorOf []administeredOf `json:"administratorOf"`
	MemberOf        []membershipOf   `json:"memberOf"`
	ExpiresAt       hal.Time         `json:"expiresAt"`
}

// administeredOf is an application the person administers ({id, token, type}); the service has
// no application administrators, so the list is empty.
type administeredOf struct {
	ID    string `json:"id"`
	Token string `json:"token"`
	Type  string `json:"type"`
}

// membershipOf is one membership: the member's id, its organization, its roles.
type membershipOf struct {
	ID           string          `json:"id"`
	Organization organizationRef `json:"organization"`
	Roles        domain.Roles    `json:"roles"`
}

type organizationRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// loginCredentials lists the person's memberships in the organizations of the application the
// client names (X-Keyclic-App), or in every application when it names none it knows.
func (s *Server) loginCredentials(c *gin.Context, p domain.Person, exp time.Time) (credentials, error) {
	var appID *uuid.UUID
	if key := c.GetHeader("X-Keyclic-App"); key != "" {
		if app, err := s.apps.get(c, s, key); err == nil {
			appID = &app.ID
		}
	}
	ms, err := s.store.AllMemberships(c, p.ID, appID)
	if err != nil {
		return credentials{}, err
	}
	out := credentials{
		ID: p.ID.String(), Login: p.Email, Roles: accessRoles, AdministratorOf: []administeredOf{},
		MemberOf: make([]membershipOf, len(ms)), ExpiresAt: hal.Time(exp),
	}
	for i, m := range ms {
		out.MemberOf[i] = membershipOf{ID: m.ID.String(), Organization: organizationRef{Type: "Organization", ID: m.OrganizationID.String()}, Roles: m.Roles}
	}
	return out, nil
}

// login answers the same way for an unknown email and a wrong password, in about the same time.
func (s *Server) login(c *gin.Context) error {
	var in loginData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckText("login", in.Login, true, 254)
	vs.CheckText("password", in.Password, true, 4096)
	if err := vs.Err(); err != nil {
		return err
	}
	login := strings.TrimSpace(*in.Login)
	// Password guessing is slowed down per login name, known or not (the answer reveals nothing).
	// The attempt is counted before the password is checked, in one statement, so concurrent
	// guesses cannot all pass a check that each reads before the others are recorded.
	throttled := s.settings.LoginMaxFailures > 0
	if throttled {
		ok, retryAfter, err := s.store.ClaimLoginAttempt(c, login, s.settings.LoginMaxFailures, s.settings.LoginFailureWindow)
		if err != nil {
			return err
		}
		if !ok {
			c.Header("Retry-After", strconv.Itoa(int(retryAfter.Seconds())))
			return &domain.Error{Kind: domain.KindTooManyRequests, Msg: domain.Msg(domain.MsgTooManyLogins)}
		}
	}
	p, err := s.store.PersonByEmail(c, login)
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return err
	}
	hash := s.dummyHash
	if err == nil {
		hash = []byte(p.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(*in.Password)) != nil || err != nil {
		return domain.Unauthorized(domain.MsgBadCredentials) // the attempt stays counted
	}
	if throttled {
		if err := s.store.ClearLoginFailures(c, login); err != nil {
			return err
		}
	}
	tok, exp, err := s.tokens.Issue(p)
	if err != nil {
		return err
	}
	creds, err := s.loginCredentials(c, p, exp)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, successLogin{AccessToken: tok, TokenType: "Bearer", Credentials: creds, Links: hal.Links{"person": hal.PersonLink(p.ID)}})
	return nil
}

// releaseTimeout bounds giving back the throttle slot of a request whose workflow did not start.
const releaseTimeout = 10 * time.Second

type emailData struct {
	Email *string `json:"email"`
}

// passwordChangeRequest starts a password-reset workflow when the email is known. The answer is
// the same either way, so the endpoint does not reveal who has an account.
func (s *Server) passwordChangeRequest(c *gin.Context) error {
	var in emailData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckEmail("email", in.Email, true)
	if err := vs.Err(); err != nil {
		return err
	}
	p, err := s.store.PersonByEmail(c, strings.TrimSpace(*in.Email))
	if domain.IsKind(err, domain.KindNotFound) {
		c.Status(http.StatusNoContent)
		return nil
	}
	if err != nil {
		return err
	}
	// The application, when the client names one, chooses the link in the email.
	var appID *uuid.UUID
	if key := c.GetHeader("X-Keyclic-App"); key != "" {
		if app, err := s.apps.get(c, s, key); err == nil {
			appID = &app.ID
		}
	}
	// One email per throttle period at most: repeated requests must not flood someone's
	// mailbox. The request is recorded only if it takes the person's throttle slot, atomically;
	// the answer is the same either way, so nothing is revealed.
	reset := store.PasswordReset{ID: newID(c, "password reset"), PersonID: p.ID, ExpiresAt: s.now().Add(s.settings.PasswordResetTTL)}
	prev, found, err := s.earlierReset(c, reset.ID)
	if err != nil {
		return err
	}
	switch {
	case found && prev.State == store.ResetPending:
		reset = prev // recorded by an earlier attempt of this request, which may not have started its workflow
	case found:
		reset.ID = uuid.New() // given back by an earlier attempt, or used since: this one is a new request
		fallthrough
	default:
		recorded, err := s.store.StartPasswordReset(c, reset, s.settings.PasswordResetThrottle)
		if err != nil {
			return err
		}
		if !recorded {
			c.Status(http.StatusNoContent)
			return nil
		}
	}
	_, err = s.temporal.ExecuteWorkflow(c, client.StartWorkflowOptions{
		ID:                       workflows.PasswordResetWorkflowID(reset.ID),
		TaskQueue:                s.settings.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:            "Password reset request",
	}, workflows.PasswordResetWorkflowName, workflows.PasswordResetInput{
		RequestID: reset.ID, PersonID: p.ID, ApplicationID: appID, Language: langOf(c), TTL: domain.Duration(s.settings.PasswordResetTTL),
	})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		err = nil // started by an earlier attempt of this request: its email is on its way
	}
	if err != nil {
		// No email is known to be on its way: the request gives its slot back, so that the
		// next one sends it (nothing lost). Should the workflow have started all the same and
		// made its token already, the email is going out: the slot is kept (nothing doubled).
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c), releaseTimeout) // even when the request timed out
		released, relErr := s.store.ReleasePasswordReset(ctx, reset)
		cancel()
		if relErr == nil && !released {
			c.Status(http.StatusNoContent)
			return nil
		}
		if relErr != nil {
			s.log.ErrorContext(c, "password reset request not released", "request", reset.ID, "error", relErr)
		}
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type passwordData struct {
	Password *string `json:"password"`
}

// passwordChange consumes a reset token through its workflow, which refuses it once expired or used.
func (s *Server) passwordChange(c *gin.Context) error {
	var in passwordData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckPassword("password", in.Password)
	if err := vs.Err(); err != nil {
		return err
	}
	tokenHash := domain.HashResetToken(c.Param("token"))
	reset, err := s.store.PendingPasswordResetByToken(c, tokenHash)
	if domain.IsKind(err, domain.KindNotFound) && resumed(c) {
		// Used by an earlier attempt of this request (its API died before answering)? Then that
		// change is the answer.
		if used, uerr := s.store.UsedPasswordResetByToken(c, tokenHash); uerr == nil &&
			s.earlierOutcome(c, workflows.PasswordResetWorkflowID(used.ID), workflows.UpdateChangePassword, nil) {
			c.Status(http.StatusNoContent)
			return nil
		}
	}
	if domain.IsKind(err, domain.KindNotFound) {
		err = domain.Invalid("token", domain.MsgResetTokenInvalid)
	}
	if err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(*in.Password), s.settings.BcryptCost)
	if err != nil {
		return err
	}
	wf := workflows.PasswordResetWorkflowID(reset.ID)
	err = s.resend(c, wf, workflows.UpdateChangePassword, func() error {
		h, err := s.temporal.UpdateWorkflow(c, client.UpdateWorkflowOptions{
			UpdateID:     updateID(c, wf, workflows.UpdateChangePassword),
			WorkflowID:   wf,
			UpdateName:   workflows.UpdateChangePassword,
			Args:         []any{workflows.ChangePasswordRequest{PasswordHash: string(hash)}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(c, nil)
		}
		return err
	})
	var gone *serviceerror.NotFound
	if errors.As(err, &gone) { // the workflow ended (token expired) between the lookup and the update
		err = domain.Invalid("token", domain.MsgResetTokenInvalid)
	}
	if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func mustHash(pw string, cost int) []byte {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		panic(err)
	}
	return h
}

// earlierReset finds the reset request an earlier attempt of this request recorded under id.
func (s *Server) earlierReset(c *gin.Context, id uuid.UUID) (store.PasswordReset, bool, error) {
	if !resumed(c) {
		return store.PasswordReset{}, false, nil
	}
	r, err := s.store.PasswordReset(c, id)
	if domain.IsKind(err, domain.KindNotFound) {
		return r, false, nil
	}
	return r, err == nil, err
}
