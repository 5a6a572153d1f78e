package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// Open311Key is an Open311 client's API key (its hash only: the key is shown once).
type Open311Key struct {
	ID            uuid.UUID
	ApplicationID uuid.UUID
	AppToken      string // the application's key, the Open311 jurisdiction_id
	Client        string
	PersonID      uuid.UUID // the account the client's requests are reported through
	Public        bool      // requests posted with the key are public feedbacks
	CreatedAt     time.Time
	RevokedAt     *time.Time
}

const open311KeyCols = `k.id, k.application_id, a.token, k.client, k.person_id, k.public, k.created_at, k.revoked_at`

func scanOpen311Key(r pgx.Row) (Open311Key, error) {
	var k Open311Key
	err := r.Scan(&k.ID, &k.ApplicationID, &k.AppToken, &k.Client, &k.PersonID, &k.Public, &k.CreatedAt, &k.RevokedAt)
	return k, err
}

// open311Password is the password hash of a client's account: no bcrypt hash, so that no
// password ever matches it and the account cannot log in.
const open311Password = "!open311-client"

// CreateOpen311Key records a key of the application for a client. The client's account is the
// one of its earlier keys, or a new one (an address under .invalid, which mail never reaches).
func (s *Store) CreateOpen311Key(ctx context.Context, appID uuid.UUID, client string, public bool, hash []byte) (Open311Key, error) {
	var out Open311Key
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		// Two keys created at once for a new client must share one account.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('open311:' || $1::text || ':' || $2))`, appID, client); err != nil {
			return err
		}
		id := uuid.New()
		var person uuid.UUID
		err := tx.QueryRow(ctx, `SELECT person_id FROM open311_keys WHERE application_id = $1 AND client = $2 LIMIT 1`, appID, client).Scan(&person)
		if err == pgx.ErrNoRows {
			person = uuid.New()
			_, err = tx.Exec(ctx, `INSERT INTO people (id, email, password_hash, given_name, family_name, email_enabled, push_enabled, language)
				VALUES ($1, $2, $3, $4, 'Open311', false, false, 'fr')`,
				person, "open311-"+person.String()+"@open311.invalid", open311Password, client)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO open311_keys (id, application_id, client, person_id, key_hash, public) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, appID, client, person, hash, public); err != nil {
			return err
		}
		out, err = scanOpen311Key(tx.QueryRow(ctx, `SELECT `+open311KeyCols+` FROM open311_keys k JOIN applications a ON a.id = k.application_id WHERE k.id = $1`, id))
		return err
	})
	return out, err
}

// Open311Keys lists the keys, of one application when appID is set, oldest first.
func (s *Store) Open311Keys(ctx context.Context, appID *uuid.UUID) ([]Open311Key, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+open311KeyCols+` FROM open311_keys k JOIN applications a ON a.id = k.application_id
		WHERE $1::uuid IS NULL OR k.application_id = $1 ORDER BY k.created_at, k.id`, appID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Open311Key, error) { return scanOpen311Key(r) })
}

// RevokeOpen311Key revokes a key for good; revoking it again keeps the first time.
func (s *Store) RevokeOpen311Key(ctx context.Context, id uuid.UUID) (Open311Key, error) {
	k, err := scanOpen311Key(s.Pool.QueryRow(ctx, `WITH k AS (
			UPDATE open311_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *)
		SELECT `+open311KeyCols+` FROM k JOIN applications a ON a.id = k.application_id`, id))
	return k, notFound(err)
}

// Open311KeyByHash finds the key that is not revoked with this hash.
func (s *Store) Open311KeyByHash(ctx context.Context, hash []byte) (Open311Key, error) {
	k, err := scanOpen311Key(s.Pool.QueryRow(ctx, `SELECT `+open311KeyCols+` FROM open311_keys k JOIN applications a ON a.id = k.application_id
		WHERE k.key_hash = $1 AND k.revoked_at IS NULL`, hash))
	return k, notFound(err)
}

// Open311Request is what a request posted over Open311 carries beyond its feedback.
type Open311Request struct {
	FeedbackID uuid.UUID
	KeyID      uuid.UUID
	Token      uuid.UUID
	Email      string
	FirstName  string
	LastName   string
	Phone      string
	DeviceID   string
	AccountID  string
	Address    string
	AddressID  string
	MediaURL   string
}

// InsertOpen311Request records a posted request before its feedback's workflow starts.
func (s *Store) InsertOpen311Request(ctx context.Context, r Open311Request) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO open311_requests (feedback_id, key_id, token, email, first_name, last_name, phone,
			device_id, account_id, address, address_id, media_url)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.FeedbackID, r.KeyID, r.Token, r.Email, r.FirstName, r.LastName, r.Phone, r.DeviceID, r.AccountID, r.Address, r.AddressID, r.MediaURL)
	return err
}

// DeleteOpen311Request forgets a request whose feedback's workflow could not be started.
func (s *Store) DeleteOpen311Request(ctx context.Context, feedbackID uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM open311_requests WHERE feedback_id = $1`, feedbackID)
	return err
}

// Open311Token is where a token's request stands.
type Open311Token struct {
	FeedbackID uuid.UUID
	Recorded   bool         // the feedback's workflow has recorded the feedback
	State      domain.State // the feedback's state, once recorded
}

// Open311TokenOf finds the request a token was answered for, among the application's requests
// readable by the reader (public ones, and the reader's own).
func (s *Store) Open311TokenOf(ctx context.Context, appID uuid.UUID, token uuid.UUID, reader uuid.UUID) (Open311Token, error) {
	var t Open311Token
	var state *string
	err := s.Pool.QueryRow(ctx, `SELECT q.feedback_id, f.state FROM open311_requests q
			JOIN open311_keys k ON k.id = q.key_id
			LEFT JOIN feedbacks f ON f.id = q.feedback_id
		WHERE q.token = $1 AND k.application_id = $2 AND (k.person_id = $3 OR coalesce(f.public, k.public))`, token, appID, reader).Scan(&t.FeedbackID, &state)
	if state != nil {
		t.Recorded, t.State = true, domain.State(*state)
	}
	return t, notFound(err)
}

// Open311Service is a kind of request the application's organizations receive: a category, a
// business activity, or (neither) any problem.
type Open311Service struct {
	Kind           string // "category" or "activity"
	ID             uuid.UUID
	Name           string
	AlternateName  string // a business activity's English name
	Organization   string // a category's organization
	Identification string // a category's identification number
	MetadataSchema json.RawMessage
}

// Open311Services lists the categories of the application's enabled organizations and the
// business activities they work in, each with the metadata schema of its business activity.
func (s *Store) Open311Services(ctx context.Context, appID uuid.UUID) ([]Open311Service, error) {
	rows, err := s.Pool.Query(ctx, `SELECT 'activity', b.id, b.name, b.alternate_name, '', '', b.metadata_schema
		FROM business_activities b
		WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.business_activity_id = b.id AND o.application_id = $1 AND o.enabled)
		UNION ALL
		SELECT 'category', c.id, c.name, '', o.name, c.identification_number, coalesce(b.metadata_schema, '{}')
		FROM categories c JOIN organizations o ON o.id = c.organization_id LEFT JOIN business_activities b ON b.id = o.business_activity_id
		WHERE o.application_id = $1 AND o.enabled`, appID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Open311Service, error) {
		var sv Open311Service
		err := r.Scan(&sv.Kind, &sv.ID, &sv.Name, &sv.AlternateName, &sv.Organization, &sv.Identification, &sv.MetadataSchema)
		return sv, err
	})
}

// Open311Filter selects the service requests (delivered feedbacks) of GET requests.
type Open311Filter struct {
	ApplicationID uuid.UUID
	Reader        uuid.UUID   // the client's account: its own private requests are listed too
	IDs           []uuid.UUID // when set, every other criterion but visibility is ignored
	Categories    []uuid.UUID
	Activities    []uuid.UUID // feedbacks of these business activities without a category
	General       bool        // feedbacks with neither category nor business activity
	ByService     bool        // Categories, Activities and General apply
	From, To      time.Time
	Open, Closed  bool // statuses wanted (both false: any)
	Limit, Offset int
}

// Open311Row is a delivered feedback as a service request, with its reports.
type Open311Row struct {
	FeedbackID      uuid.UUID
	Description     string
	Point           domain.Point
	Public          bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
	CategoryID      *uuid.UUID
	CategoryName    string
	ActivityID      *uuid.UUID
	ActivityName    string
	ActivityAltName string
	Address         string
	AddressID       string
	MediaURL        string     // the URL the client posted
	ImageID         *uuid.UUID // the feedback's first picture
	Reports         []Open311Report
}

// Open311Report is a report of a service request.
type Open311Report struct {
	ID        uuid.UUID
	State     domain.State
	Agency    string // the organization treating it
	UpdatedAt time.Time
	Expected  *time.Time // the latest end an operation of it plans
}

// openReportStates are the report states of a request still being dealt with.
const openReportStates = `('NEW', 'ACCEPTED', 'ON_HOLD', 'IN_PROGRESS')`

// Open311Requests lists service requests, newest first.
func (s *Store) Open311Requests(ctx context.Context, of Open311Filter) ([]Open311Row, error) {
	f := &filter{}
	f.where("f.application_id = %s", of.ApplicationID)
	f.where("f.state = 'DELIVERED'")
	f.where("(f.public OR f.reporter_id = %s)", of.Reader)
	if len(of.IDs) > 0 {
		f.where("f.id = ANY (%s)", of.IDs)
	} else {
		f.where("f.created_at >= %s AND f.created_at <= %s", of.From, of.To)
		if of.ByService {
			f.where(`(f.category_id = ANY (%s) OR (f.category_id IS NULL AND f.business_activity_id = ANY (%s))
				OR (%s AND f.category_id IS NULL AND f.business_activity_id IS NULL))`, of.Categories, of.Activities, of.General)
		}
		open := `EXISTS (SELECT 1 FROM reports r WHERE r.feedback_id = f.id AND r.state IN ` + openReportStates + `)`
		switch {
		case of.Open && !of.Closed:
			f.where(open)
		case of.Closed && !of.Open:
			f.where("NOT " + open)
		}
	}
	sql := `SELECT f.id, f.description, ST_Y(f.location::geometry), ST_X(f.location::geometry), f.public, f.created_at, f.updated_at,
			f.category_id, coalesce(c.name, ''), f.business_activity_id, coalesce(b.name, ''), coalesce(b.alternate_name, ''),
			coalesce(q.address, ''), coalesce(q.address_id, ''), coalesce(q.media_url, ''),
			(SELECT fi.image_id FROM feedback_images fi WHERE fi.feedback_id = f.id ORDER BY fi.created_at, fi.image_id LIMIT 1)
		FROM feedbacks f
			LEFT JOIN categories c ON c.id = f.category_id
			LEFT JOIN business_activities b ON b.id = f.business_activity_id
			LEFT JOIN open311_requests q ON q.feedback_id = f.id
		WHERE ` + strings.Join(f.conds, " AND ") + ` ORDER BY f.created_at DESC, f.id DESC LIMIT ` + f.arg(of.Limit) + ` OFFSET ` + f.arg(of.Offset)
	rows, err := s.Pool.Query(ctx, sql, f.args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Open311Row, error) {
		var o Open311Row
		err := r.Scan(&o.FeedbackID, &o.Description, &o.Point.Latitude, &o.Point.Longitude, &o.Public, &o.CreatedAt, &o.UpdatedAt,
			&o.CategoryID, &o.CategoryName, &o.ActivityID, &o.ActivityName, &o.ActivityAltName,
			&o.Address, &o.AddressID, &o.MediaURL, &o.ImageID)
		return o, err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.open311Reports(ctx, out)
}

// open311Reports loads the reports of the rows, with their treating organization and the end
// their operations plan.
func (s *Store) open311Reports(ctx context.Context, rows []Open311Row) error {
	ids := make([]uuid.UUID, len(rows))
	at := make(map[uuid.UUID]int, len(rows))
	for i, r := range rows {
		ids[i], at[r.FeedbackID] = r.FeedbackID, i
	}
	rs, err := s.Pool.Query(ctx, `SELECT r.feedback_id, r.id, r.state, r.updated_at,
			(SELECT o.name FROM report_organizations ro JOIN organizations o ON o.id = ro.organization_id
				WHERE ro.report_id = r.id ORDER BY ro.position DESC LIMIT 1),
			(SELECT max(op.start_date + make_interval(mins => coalesce(op.duration, 0))) FROM operations op
				WHERE op.report_id = r.id AND op.removed_at IS NULL AND op.start_date IS NOT NULL)
		FROM reports r WHERE r.feedback_id = ANY ($1) ORDER BY r.feedback_id, r.id`, ids)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var fid uuid.UUID
		var rep Open311Report
		var state string
		var agency *string
		if err := rs.Scan(&fid, &rep.ID, &state, &rep.UpdatedAt, &agency, &rep.Expected); err != nil {
			return err
		}
		rep.State = domain.State(state)
		if agency != nil {
			rep.Agency = *agency
		}
		rows[at[fid]].Reports = append(rows[at[fid]].Reports, rep)
	}
	return rs.Err()
}

// Open311Checkpoint is a state a report of a service request reached.
type Open311Checkpoint struct {
	FeedbackID uuid.UUID
	ReportID   uuid.UUID
	Position   int
	State      domain.State
	At         time.Time
	Agency     string // the organization treating the report now
}

// Open311UpdateFilter selects the report state changes of servicerequestupdates.
type Open311UpdateFilter struct {
	ApplicationID uuid.UUID
	Reader        uuid.UUID
	From, To      time.Time
	Limit, Offset int
}

// Open311Changes pages through the report checkpoints that follow a report's first one within
// the window (the candidates for an update), oldest first, and returns them with every
// checkpoint of their requests, which the caller replays to tell which changed the status.
func (s *Store) Open311Changes(ctx context.Context, uf Open311UpdateFilter) (candidates, all []Open311Checkpoint, err error) {
	const cols = `r.feedback_id, rc.report_id, rc.position, rc.state, rc.created_at,
		coalesce((SELECT o.name FROM report_organizations ro JOIN organizations o ON o.id = ro.organization_id
			WHERE ro.report_id = r.id ORDER BY ro.position DESC LIMIT 1), '')`
	scan := func(r pgx.CollectableRow) (Open311Checkpoint, error) {
		var c Open311Checkpoint
		var state string
		err := r.Scan(&c.FeedbackID, &c.ReportID, &c.Position, &state, &c.At, &c.Agency)
		c.State = domain.State(state)
		return c, err
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+cols+` FROM report_checkpoints rc
			JOIN reports r ON r.id = rc.report_id JOIN feedbacks f ON f.id = r.feedback_id
		WHERE f.application_id = $1 AND f.state = 'DELIVERED' AND (f.public OR f.reporter_id = $2)
			AND rc.position > 0 AND rc.created_at >= $3 AND rc.created_at <= $4
		ORDER BY rc.created_at, rc.report_id, rc.position LIMIT $5 OFFSET $6`,
		uf.ApplicationID, uf.Reader, uf.From, uf.To, uf.Limit, uf.Offset)
	if err != nil {
		return nil, nil, err
	}
	if candidates, err = pgx.CollectRows(rows, scan); err != nil || len(candidates) == 0 {
		return candidates, nil, err
	}
	seen := map[uuid.UUID]bool{}
	var feedbacks []uuid.UUID
	for _, c := range candidates {
		if !seen[c.FeedbackID] {
			seen[c.FeedbackID] = true
			feedbacks = append(feedbacks, c.FeedbackID)
		}
	}
	rows, err = s.Pool.Query(ctx, `SELECT `+cols+` FROM report_checkpoints rc JOIN reports r ON r.id = rc.report_id
		WHERE r.feedback_id = ANY ($1) ORDER BY rc.created_at, rc.report_id, rc.position`, feedbacks)
	if err != nil {
		return nil, nil, err
	}
	all, err = pgx.CollectRows(rows, scan)
	return candidates, all, err
}

// Open311Media finds a picture of a public feedback (anyone may open it, without a token).
func (s *Store) Open311Media(ctx context.Context, feedbackID, imageID uuid.UUID) (domain.Image, error) {
	return s.imageVia(ctx, `SELECT fi.image_id FROM feedback_images fi JOIN feedbacks f ON f.id = fi.feedback_id
		WHERE fi.feedback_id = $1 AND fi.image_id = $2 AND f.public`, feedbackID, imageID)
}

// SoleApplication returns the application when there is exactly one (ok false otherwise).
func (s *Store) SoleApplication(ctx context.Context) (domain.Application, bool, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+applicationCols+` FROM applications a ORDER BY a.id LIMIT 2`)
	if err != nil {
		return domain.Application{}, false, err
	}
	apps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Application, error) { return scanApplication(r) })
	if err != nil || len(apps) != 1 {
		return domain.Application{}, false, err
	}
	return apps[0], true, nil
}
