package store

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const operationCols = `o.id, o.report_id, o.organization_id, o.created_by, o.operator_member_id, o.operator_person_id, o.name,
	o.description, o.identification_number, o.start_date, o.duration, o.state, o.removed_at IS NOT NULL, o.created_at, o.updated_at,
	(SELECT m.organization_id FROM members m WHERE m.id = o.operator_member_id)`

func scanOperation(r pgx.Row) (domain.Operation, error) {
	var o domain.Operation
	var state string
	err := r.Scan(&o.ID, &o.ReportID, &o.OrganizationID, &o.CreatedBy, &o.OperatorMemberID, &o.OperatorPersonID, &o.Name,
		&o.Description, &o.IdentificationNumber, &o.StartDate, &o.Duration, &state, &o.Removed, &o.CreatedAt, &o.UpdatedAt,
		&o.OperatorOrganizationID)
	o.State = domain.State(state)
	return o, err
}

func writeLog(ctx context.Context, tx pgx.Tx, opID uuid.UUID, e domain.LogEntry) (bool, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO operation_logs (id, operation_id, key, action, actor_id, data, version, logged_at)
		SELECT $1, $2, $3, $4, $5, $6, coalesce(max(version), 0) + 1, $7 FROM operation_logs WHERE operation_id = $2
		ON CONFLICT (key) DO NOTHING`, uuid.New(), opID, e.Key, e.Action, e.ActorID, data, e.LoggedAt)
	return err == nil && tag.RowsAffected() == 1, err
}

// InsertOperation stores a new operation with its first checkpoint and log entry (idempotent).
func (s *Store) InsertOperation(ctx context.Context, o domain.Operation, log domain.LogEntry) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO operations (id, report_id, organization_id, created_by, name, description,
				identification_number, start_date, duration, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (id) DO NOTHING`,
			o.ID, o.ReportID, o.OrganizationID, o.CreatedBy, o.Name, o.Description, o.IdentificationNumber, o.StartDate, o.Duration,
			string(o.State), o.CreatedAt)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if err := insertCheckpoints(ctx, tx, "operation_checkpoints", "operation_id", o.ID, []Checkpoint{{State: o.State, At: o.CreatedAt}}); err != nil {
			return err
		}
		_, err = writeLog(ctx, tx, o.ID, log)
		return err
	})
}

// Operation loads a live (not removed) operation of the application.
func (s *Store) Operation(ctx context.Context, appID, id uuid.UUID) (domain.Operation, error) {
	o, err := scanOperation(s.Pool.QueryRow(ctx, `SELECT `+operationCols+` FROM operations o JOIN reports r ON r.id = o.report_id
		WHERE o.id = $1 AND r.application_id = $2 AND o.removed_at IS NULL`, id, appID))
	return o, notFound(err)
}

// OperationByID loads an operation, removed or not.
func (s *Store) OperationByID(ctx context.Context, id uuid.UUID) (domain.Operation, error) {
	o, err := scanOperation(s.Pool.QueryRow(ctx, `SELECT `+operationCols+` FROM operations o WHERE o.id = $1`, id))
	return o, notFound(err)
}

// OperationFilter narrows operation lists.
type OperationFilter struct {
	ReportID                                *uuid.UUID
	OrganizationID                          *uuid.UUID // operations of reports the organization has access to
	OperatorID                              *uuid.UUID // operations assigned to this person
	ApplicationID                           uuid.UUID
	States                                  []domain.State
	Name, Description, IdentificationNumber string
}

// Operations lists live operations.
func (s *Store) Operations(ctx context.Context, of OperationFilter, p domain.Page) ([]domain.Operation, int, error) {
	f := &filter{}
	f.where("o.removed_at IS NULL")
	f.where("o.report_id IN (SELECT id FROM reports WHERE application_id = %s)", of.ApplicationID)
	if of.ReportID != nil {
		f.where("o.report_id = %s", *of.ReportID)
	}
	if of.OrganizationID != nil {
		f.where("o.report_id IN (SELECT report_id FROM report_organizations WHERE organization_id = %s)", *of.OrganizationID)
	}
	if of.OperatorID != nil {
		f.where("o.operator_person_id = %s", *of.OperatorID)
	}
	if len(of.States) > 0 {
		states := make([]string, len(of.States))
		for i, st := range of.States {
			states[i] = string(st)
		}
		f.where("o.state = ANY (%s)", states)
	}
	f.search("o.name", of.Name)
	f.search("o.description", of.Description)
	f.search("o.identification_number", of.IdentificationNumber)
	return listPage(ctx, s.Pool, operationCols, "operations o", "o", f, p, scanOperation)
}

// ChangeOperation applies a state change (and assignment) with its checkpoint and log entry.
// A retry finds its log entry and does nothing; a state other than From is a conflict.
func (s *Store) ChangeOperation(ctx context.Context, id uuid.UUID, ch domain.OperationChange) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		var state string
		if err := tx.QueryRow(ctx, `SELECT state FROM operations WHERE id = $1 FOR UPDATE`, id).Scan(&state); err != nil {
			return notFound(err)
		}
		fresh, err := writeLog(ctx, tx, id, ch.Log)
		if err != nil || !fresh {
			return err
		}
		if domain.State(state) != ch.From {
			return domain.Conflict(domain.MsgTransitionNotAllowed, string(ch.To), state)
		}
		_, err = tx.Exec(ctx, `UPDATE operations SET state = $2, updated_at = $3,
				operator_member_id = coalesce($4, operator_member_id), operator_person_id = coalesce($5, operator_person_id)
			WHERE id = $1`, id, string(ch.To), ch.Log.LoggedAt, ch.OperatorMemberID, ch.OperatorPersonID)
		if err != nil {
			return err
		}
		if ch.From == ch.To {
			return nil
		}
		return insertCheckpoints(ctx, tx, "operation_checkpoints", "operation_id", id, []Checkpoint{{State: ch.To, At: ch.Log.LoggedAt}})
	})
}

// PatchOperation applies the changes with their log entry (idempotent).
func (s *Store) PatchOperation(ctx context.Context, id uuid.UUID, p domain.OperationPatch, log domain.LogEntry) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		fresh, err := writeLog(ctx, tx, id, log)
		if err != nil || !fresh {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE operations SET name = coalesce($2, name), description = coalesce($3, description),
			identification_number = coalesce($4, identification_number), start_date = coalesce($5, start_date),
			duration = coalesce($6, duration), updated_at = $7 WHERE id = $1`,
			id, p.Name, p.Description, p.IdentificationNumber, p.StartDate, p.Duration, log.LoggedAt)
		return err
	})
}

// RemoveOperation marks the operation removed (idempotent).
func (s *Store) RemoveOperation(ctx context.Context, id uuid.UUID, log domain.LogEntry) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		fresh, err := writeLog(ctx, tx, id, log)
		if err != nil || !fresh {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE operations SET removed_at = $2, updated_at = $2 WHERE id = $1`, id, log.LoggedAt)
		return err
	})
}

// AddOperationLog records a change made outside the workflow's own transitions (an image added).
func (s *Store) AddOperationLog(ctx context.Context, id uuid.UUID, log domain.LogEntry) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		_, err := writeLog(ctx, tx, id, log)
		return err
	})
}

// OperationLogs lists an operation's changes, oldest first.
func (s *Store) OperationLogs(ctx context.Context, id uuid.UUID, p domain.Page) ([]domain.LogEntry, int, error) {
	f := &filter{}
	f.where("l.operation_id = %s", id)
	p.Desc = false
	return listPageOrdered(ctx, s.Pool, `l.id, l.action, l.actor_id, l.data, l.version, l.logged_at`, "operation_logs l", "l.version", f, p,
		func(r pgx.Row) (domain.LogEntry, error) {
			var e domain.LogEntry
			var data []byte
			err := r.Scan(&e.ID, &e.Action, &e.ActorID, &data, &e.Version, &e.LoggedAt)
			if err == nil {
				err = json.Unmarshal(data, &e.Data)
			}
			return e, err
		})
}

// ReportProgress counts a report's live operations and those resolved.
func (s *Store) ReportProgress(ctx context.Context, reportID uuid.UUID) (resolved, total int, err error) {
	err = s.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'RESOLVED'), count(*) FROM operations
		WHERE report_id = $1 AND removed_at IS NULL`, reportID).Scan(&resolved, &total)
	return resolved, total, err
}

// OperationExtras is what rendering an operation needs beyond its row.
type OperationExtras struct {
	Checkpoints []domain.Checkpoint
	ImageIDs    []uuid.UUID
}

// OperationExtrasFor loads checkpoints and images of several operations in two queries.
func (s *Store) OperationExtrasFor(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*OperationExtras, error) {
	out := make(map[uuid.UUID]*OperationExtras, len(ids))
	for _, id := range ids {
		out[id] = &OperationExtras{Checkpoints: []domain.Checkpoint{}, ImageIDs: []uuid.UUID{}}
	}
	if err := imagesFor(ctx, s.Pool, "operation_images", "operation_id", ids, func(id, image uuid.UUID) {
		out[id].ImageIDs = append(out[id].ImageIDs, image)
	}); err != nil {
		return nil, err
	}
	return out, checkpointsFor(ctx, s.Pool, `SELECT operation_id, state, created_at, NULL::uuid FROM operation_checkpoints WHERE operation_id = ANY ($1) ORDER BY operation_id, position`,
		ids, func(id uuid.UUID, c domain.Checkpoint) { out[id].Checkpoints = append(out[id].Checkpoints, c) })
}
