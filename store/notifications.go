package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// WallEntry is a notification on a person's wall.
type WallEntry struct {
	ID       uuid.UUID
	Key      string
	PersonID uuid.UUID
	// ApplicationID is the application of the object the entry is about; nil for entries about
	// the account itself, which every application shows.
	ApplicationID *uuid.UUID
	Action        string
	ActorID       *uuid.UUID
	ObjectType    string
	ObjectID      uuid.UUID
	Data          map[string]any
	ReadAt        *time.Time
	CreatedAt     time.Time
}

// AddWallEntry posts a notification once per key; fresh is false when the key was there already.
func (s *Store) AddWallEntry(ctx context.Context, e WallEntry) (fresh bool, err error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return false, err
	}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO notifications (id, key, person_id, application_id, action, actor_id, object_type, object_id, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
		uuid.New(), e.Key, e.PersonID, e.ApplicationID, e.Action, e.ActorID, e.ObjectType, e.ObjectID, data)
	return tag.RowsAffected() == 1, err
}

const wallCols = `n.id, n.key, n.person_id, n.application_id, n.action, n.actor_id, n.object_type, n.object_id, n.data, n.read_at, n.created_at`

// onWallOf is the condition selecting the entries a person's wall shows in an application: that
// application's, and those about the account itself.
const onWallOf = `n.person_id = %s AND (n.application_id = %s OR n.application_id IS NULL)`

func scanWallEntry(r pgx.Row) (WallEntry, error) {
	var e WallEntry
	var data []byte
	err := r.Scan(&e.ID, &e.Key, &e.PersonID, &e.ApplicationID, &e.Action, &e.ActorID, &e.ObjectType, &e.ObjectID, &data, &e.ReadAt, &e.CreatedAt)
	if err == nil {
		err = json.Unmarshal(data, &e.Data)
	}
	return e, err
}

// Wall lists a person's notifications as an application shows them, in the page's order; only
// the read (or unread) ones when read is given.
func (s *Store) Wall(ctx context.Context, personID, appID uuid.UUID, read *bool, p domain.Page) ([]WallEntry, int, error) {
	f := &filter{}
	f.where(onWallOf, personID, appID)
	if read != nil && *read {
		f.where("n.read_at IS NOT NULL")
	} else if read != nil {
		f.where("n.read_at IS NULL")
	}
	return listPage(ctx, s.Pool, wallCols, "notifications n", "n", f, p, scanWallEntry)
}

// MarkRead marks one of the notifications a person's wall shows in an application read (or
// unread), returning it; another application's is not found.
func (s *Store) MarkRead(ctx context.Context, personID, appID, id uuid.UUID, read bool) (WallEntry, error) {
	e, err := scanWallEntry(s.Pool.QueryRow(ctx, `UPDATE notifications AS n SET read_at = CASE WHEN $1 THEN coalesce(read_at, now()) END
		WHERE n.id = $2 AND `+fmt.Sprintf(onWallOf, "$3", "$4")+` RETURNING `+wallCols, read, id, personID, appID))
	return e, notFound(err)
}

// MarkAllRead marks read every notification a person's wall shows in an application, and returns
// how many changed.
func (s *Store) MarkAllRead(ctx context.Context, personID, appID uuid.UUID) (int64, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE notifications AS n SET read_at = now() WHERE n.read_at IS NULL AND `+
		fmt.Sprintf(onWallOf, "$1", "$2"), personID, appID)
	return tag.RowsAffected(), err
}

// Device is a phone or browser that receives a person's pushes.
type Device struct {
	ID       uuid.UUID
	PersonID uuid.UUID
	// ApplicationID is the application the device was registered through (a push token belongs
	// to one installation of one application); nil for devices registered before devices were
	// per application, which receive every push.
	ApplicationID *uuid.UUID
	Token         string
	Platform      string
	CreatedAt     time.Time
}

const deviceCols = `id, person_id, application_id, token, platform, created_at`

func scanDevice(r pgx.Row) (Device, error) {
	var d Device
	err := r.Scan(&d.ID, &d.PersonID, &d.ApplicationID, &d.Token, &d.Platform, &d.CreatedAt)
	return d, err
}

// AddDevice registers a device; registering the same token again returns the existing one,
// which then belongs to the application that registered it last (the token's holder).
func (s *Store) AddDevice(ctx context.Context, d Device) (Device, error) {
	return scanDevice(s.Pool.QueryRow(ctx, `INSERT INTO devices (id, person_id, application_id, token, platform) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (person_id, token) DO UPDATE SET platform = excluded.platform, application_id = excluded.application_id
		RETURNING `+deviceCols, d.ID, d.PersonID, d.ApplicationID, d.Token, d.Platform))
}

// RemoveDevice deletes one of a person's devices of an application (or of none); another
// application's device is not found.
func (s *Store) RemoveDevice(ctx context.Context, personID, appID, id uuid.UUID) error {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM devices WHERE id = $1 AND person_id = $2 AND (application_id = $3 OR application_id IS NULL)`,
		id, personID, appID)
	if err == nil && tag.RowsAffected() == 0 {
		return domain.NotFound()
	}
	return err
}

// Devices lists the devices of a person that receive the pushes of an application: those
// registered through it and those of no application; every device when appID is nil (a notice
// about the account itself).
func (s *Store) Devices(ctx context.Context, personID uuid.UUID, appID *uuid.UUID) ([]Device, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+deviceCols+` FROM devices
		WHERE person_id = $1 AND ($2::uuid IS NULL OR application_id = $2 OR application_id IS NULL) ORDER BY created_at, id`, personID, appID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Device, error) { return scanDevice(r) })
}

// Push is a push notification handed to a device.
type Push struct {
	Key      string
	DeviceID uuid.UUID
	PersonID uuid.UUID
	Title    string
	Body     string
	Data     map[string]any
}

// ClaimPush records a push once per key and reports whether it is new (to be sent).
func (s *Store) ClaimPush(ctx context.Context, p Push) (bool, error) {
	data, err := json.Marshal(p.Data)
	if err != nil {
		return false, err
	}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO pushes (id, key, device_id, person_id, title, body, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (key) DO NOTHING`, uuid.New(), p.Key, p.DeviceID, p.PersonID, p.Title, p.Body, data)
	return tag.RowsAffected() == 1, err
}

// ReleasePush forgets a push whose sending failed, so that the retry sends it.
func (s *Store) ReleasePush(ctx context.Context, key string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM pushes WHERE key = $1`, key)
	return err
}

// PushesTo lists the pushes recorded for a person, oldest first.
func (s *Store) PushesTo(ctx context.Context, personID uuid.UUID) ([]Push, error) {
	rows, err := s.Pool.Query(ctx, `SELECT key, device_id, person_id, title, body, data FROM pushes WHERE person_id = $1 ORDER BY created_at, id`, personID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Push, error) {
		var p Push
		var data []byte
		err := r.Scan(&p.Key, &p.DeviceID, &p.PersonID, &p.Title, &p.Body, &data)
		if err == nil {
			err = json.Unmarshal(data, &p.Data)
		}
		return p, err
	})
}

// FeedbackFollowers are the feedback's reporter and everyone who commented or supported it.
func (s *Store) FeedbackFollowers(ctx context.Context, feedbackID uuid.UUID) ([]uuid.UUID, error) {
	return s.ids(ctx, `SELECT reporter_id FROM feedbacks WHERE id = $1
		UNION SELECT author_id FROM feedback_comments WHERE feedback_id = $1
		UNION SELECT person_id FROM feedback_contributions WHERE feedback_id = $1`, feedbackID)
}

// OperationCommenters are the people who commented an operation.
func (s *Store) OperationCommenters(ctx context.Context, opID uuid.UUID) ([]uuid.UUID, error) {
	return s.ids(ctx, `SELECT DISTINCT author_id FROM operation_comments WHERE operation_id = $1`, opID)
}

func (s *Store) ids(ctx context.Context, sql string, args ...any) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// Outbox row handling: see the outbox table's comment in the migrations.

// AddToOutbox writes a notice to the outbox inside the caller's transaction, and wakes the
// dispatcher when it commits.
func AddToOutbox(ctx context.Context, tx pgx.Tx, n domain.Notice) error {
	payload, err := json.Marshal(n)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO outbox (id, payload) VALUES ($1, $2)`, uuid.New(), payload); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_notify('keyclic_outbox', '')`)
	return err
}

func addNotices(ctx context.Context, tx pgx.Tx, notices []domain.Notice) error {
	for _, n := range notices {
		if err := AddToOutbox(ctx, tx, n); err != nil {
			return err
		}
	}
	return nil
}

// OutboxItem is a notice waiting for its workflow.
type OutboxItem struct {
	ID     uuid.UUID
	Notice domain.Notice
}

// DispatchOutbox hands up to limit pending notices to start, and marks those it accepted
// dispatched, in one transaction; rows locked by another dispatcher are skipped.
func (s *Store) DispatchOutbox(ctx context.Context, limit int, start func(OutboxItem) error) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, payload FROM outbox WHERE dispatched_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
		if err != nil {
			return err
		}
		items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxItem, error) {
			var it OutboxItem
			var payload []byte
			err := r.Scan(&it.ID, &payload)
			if err == nil {
				err = json.Unmarshal(payload, &it.Notice)
			}
			return it, err
		})
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := start(it); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE outbox SET dispatched_at = now() WHERE id = $1`, it.ID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
