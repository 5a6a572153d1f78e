package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const reportCols = `r.id, r.feedback_id, r.application_id, r.organization_id, r.place_id, r.category_id, r.state, r.description,
	r.priority, r.tags, r.identification_number, r.created_at, r.updated_at, r.duplicate_of,
	ARRAY(SELECT ro.organization_id FROM report_organizations ro WHERE ro.report_id = r.id ORDER BY ro.position),
	r.accept_by, r.accept_met, r.close_by, r.close_met`

func scanReport(row pgx.Row) (domain.Report, error) { return scanReportWith(row) }

// scanReportWith reads the reportCols of a row, then its columns after them into extra.
func scanReportWith(row pgx.Row, extra ...any) (domain.Report, error) {
	var r domain.Report
	var state string
	err := row.Scan(append([]any{&r.ID, &r.FeedbackID, &r.ApplicationID, &r.OrganizationID, &r.PlaceID, &r.CategoryID, &state, &r.Description,
		&r.Priority, &r.Tags, &r.IdentificationNumber, &r.CreatedAt, &r.UpdatedAt, &r.DuplicateOf, &r.Chain,
		&r.Deadlines.AcceptBy, &r.Deadlines.AcceptMet, &r.Deadlines.CloseBy, &r.Deadlines.CloseMet}, extra...)...)
	r.State = domain.State(state)
	if r.Tags == nil {
		r.Tags = []string{}
	}
	return r, err
}

// Report loads a report of the application (withdrawn ones included: their history stays).
func (s *Store) Report(ctx context.Context, appID, id uuid.UUID) (domain.Report, error) {
	r, err := scanReport(s.Pool.QueryRow(ctx, `SELECT `+reportCols+` FROM reports r WHERE r.id = $1 AND r.application_id = $2`, id, appID))
	return r, notFound(err)
}

// ReportByID loads a report wherever it is (activities know the id only).
func (s *Store) ReportByID(ctx context.Context, id uuid.UUID) (domain.Report, error) {
	r, err := scanReport(s.Pool.QueryRow(ctx, `SELECT `+reportCols+` FROM reports r WHERE r.id = $1`, id))
	return r, notFound(err)
}

// ReportFilter narrows an organization's report list.
type ReportFilter struct {
	OrganizationID uuid.UUID
	States         []domain.State
	Place          *uuid.UUID
	Category       *uuid.UUID
	// Overdue keeps the reports overdue at Now (true) or the others (false); nil keeps both.
	Overdue *bool
	Now     time.Time
}

// overdueSQL is the condition of a report overdue at the time in placeholder now: still open,
// with an undecided deadline passed (never NULL, so that NOT of it is the other reports).
func overdueSQL(now string) string {
	return `(r.state NOT IN ('REFUSED', 'CLOSED', 'WITHDRAWN') AND (
		(r.accept_met IS NULL AND r.accept_by IS NOT NULL AND r.accept_by < ` + now + `) OR
		(r.close_met IS NULL AND r.close_by IS NOT NULL AND r.close_by < ` + now + `)))`
}

func (rf ReportFilter) apply(f *filter) {
	// Reports the organization received or was delegated; withdrawn ones leave the lists.
	f.where("r.id IN (SELECT report_id FROM report_organizations WHERE organization_id = %s)", rf.OrganizationID)
	f.where("r.state <> %s", string(domain.ReportWithdrawn))
	if len(rf.States) > 0 {
		states := make([]string, len(rf.States))
		for i, st := range rf.States {
			states[i] = string(st)
		}
		f.where("r.state = ANY (%s)", states)
	}
	if rf.Place != nil {
		f.where("r.place_id = %s", *rf.Place)
	}
	if rf.Category != nil {
		f.where("r.category_id = %s", *rf.Category)
	}
	if rf.Overdue != nil {
		cond := overdueSQL(f.arg(rf.Now))
		if !*rf.Overdue {
			cond = "NOT " + cond
		}
		f.conds = append(f.conds, cond)
	}
}

// Reports lists the reports an organization received or was delegated.
func (s *Store) Reports(ctx context.Context, rf ReportFilter, p domain.Page) ([]domain.Report, int, error) {
	f := &filter{}
	rf.apply(f)
	return listPage(ctx, s.Pool, reportCols, "reports r", "r", f, p, scanReport)
}

// SetReportState moves a report from one state to another, recording the checkpoint. A retry
// that finds the report already moved by the same checkpoint succeeds; any other state is a conflict.
func (s *Store) SetReportState(ctx context.Context, id uuid.UUID, from, to domain.State, cp Checkpoint) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		return setReportState(ctx, tx, id, from, to, cp)
	})
}

func setReportState(ctx context.Context, tx pgx.Tx, id uuid.UUID, from, to domain.State, cp Checkpoint) error {
	var state string
	if err := tx.QueryRow(ctx, `SELECT state FROM reports WHERE id = $1 FOR UPDATE`, id).Scan(&state); err != nil {
		return notFound(err)
	}
	if domain.State(state) == to {
		// A retried write finds its own checkpoint: done already. Any other way to this state
		// is a conflict, and a failed read an error (never a conflict).
		done, err := hasCheckpoint(ctx, tx, "report_checkpoints", "report_id", id, cp)
		if err != nil || done {
			return err
		}
	}
	if domain.State(state) != from {
		return domain.Conflict(domain.MsgTransitionNotAllowed, string(to), state)
	}
	if _, err := tx.Exec(ctx, `UPDATE reports SET state = $2, updated_at = $3 WHERE id = $1`, id, string(to), cp.At); err != nil {
		return err
	}
	return insertCheckpoints(ctx, tx, "report_checkpoints", "report_id", id, []Checkpoint{cp})
}

// AcceptReport accepts a report unless another report of the same feedback was accepted first;
// the feedback's other NEW reports are withdrawn in the same transaction, and their ids returned
// so that their workflows can be told.
func (s *Store) AcceptReport(ctx context.Context, id uuid.UUID, cp Checkpoint) ([]uuid.UUID, error) {
	var withdrawn []uuid.UUID
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		var feedbackID, orgID uuid.UUID
		if err := tx.QueryRow(ctx, `SELECT feedback_id, organization_id FROM reports WHERE id = $1`, id).Scan(&feedbackID, &orgID); err != nil {
			return notFound(err)
		}
		// Serializes the acceptances of one feedback's reports: the first one wins.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM feedbacks WHERE id = $1 FOR UPDATE`, feedbackID); err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reports WHERE feedback_id = $1 AND id <> $2 AND state NOT IN ('NEW', 'REFUSED', 'WITHDRAWN'))`,
			feedbackID, id).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return domain.Conflict(domain.MsgAcceptedElsewhere)
		}
		if err := setReportState(ctx, tx, id, domain.ReportNew, domain.ReportAccepted, cp); err != nil {
			return err
		}
		// The siblings this acceptance withdraws, or withdrew in an attempt whose answer was lost
		// (their workflows must be told all the same).
		reason := "accepted by organization " + orgID.String()
		rows, err := tx.Query(ctx, `SELECT id FROM reports WHERE feedback_id = $1 AND id <> $2
			AND (state = 'NEW' OR (state = 'WITHDRAWN' AND withdrawn_reason = $3)) FOR UPDATE`, feedbackID, id, reason)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return err
		}
		for _, sib := range ids {
			if _, err := tx.Exec(ctx, `UPDATE reports SET state = 'WITHDRAWN', withdrawn_reason = $2, updated_at = $3 WHERE id = $1 AND state = 'NEW'`,
				sib, reason, cp.At); err != nil {
				return err
			}
			// A report is withdrawn once: the key makes the checkpoint once too.
			if err := insertCheckpoints(ctx, tx, "report_checkpoints", "report_id", sib, []Checkpoint{{State: domain.ReportWithdrawn, At: cp.At, Key: "withdrawn"}}); err != nil {
				return err
			}
		}
		// A retry after the commit finds the siblings already withdrawn: list those too.
		rows, err = tx.Query(ctx, `SELECT id FROM reports WHERE feedback_id = $1 AND id <> $2 AND state = 'WITHDRAWN' ORDER BY id`, feedbackID, id)
		if err != nil {
			return err
		}
		withdrawn, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		return err
	})
	return withdrawn, err
}

// DelegateReport appends an organization to the report's chain (idempotent).
func (s *Store) DelegateReport(ctx context.Context, id, orgID, by uuid.UUID, at time.Time) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM reports WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO report_organizations (report_id, organization_id, position, delegated_by, created_at)
			SELECT $1, $2, coalesce(max(position) + 1, 0), $3, $4 FROM report_organizations WHERE report_id = $1
			ON CONFLICT (report_id, organization_id) DO NOTHING`, id, orgID, by, at)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE reports SET updated_at = $2 WHERE id = $1`, id, at)
		return err
	})
}

// PatchReport applies the changes.
func (s *Store) PatchReport(ctx context.Context, id uuid.UUID, p domain.ReportPatch, at time.Time) error {
	var tags []string
	if p.Tags != nil {
		tags = *p.Tags
	}
	_, err := s.Pool.Exec(ctx, `UPDATE reports SET description = coalesce($2, description), priority = coalesce($3, priority),
		tags = CASE WHEN $4 THEN $5::text[] ELSE tags END, identification_number = coalesce($6, identification_number), updated_at = $7
		WHERE id = $1`, id, p.Description, p.Priority, p.Tags != nil, tags, p.IdentificationNumber, at)
	return err
}

// ReportExtras is what rendering a report needs beyond its row.
type ReportExtras struct {
	Checkpoints []domain.Checkpoint
	Resolved    int
	Operations  int
	Duplicates  []uuid.UUID // reports refused as duplicates of this one, oldest first
}

// ReportExtrasFor loads checkpoints, operation counts and duplicates of several reports in three queries.
func (s *Store) ReportExtrasFor(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*ReportExtras, error) {
	out := make(map[uuid.UUID]*ReportExtras, len(ids))
	for _, id := range ids {
		out[id] = &ReportExtras{Checkpoints: []domain.Checkpoint{}}
	}
	rows, err := s.Pool.Query(ctx, `SELECT report_id, count(*) FILTER (WHERE state = 'RESOLVED'), count(*) FROM operations
		WHERE report_id = ANY ($1) AND removed_at IS NULL GROUP BY report_id`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id uuid.UUID
		var resolved, total int
		if err := rows.Scan(&id, &resolved, &total); err != nil {
			rows.Close()
			return nil, err
		}
		out[id].Resolved, out[id].Operations = resolved, total
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.duplicatesFor(ctx, ids, out); err != nil {
		return nil, err
	}
	return out, s.reportCheckpointsFor(ctx, ids, out)
}

// checkpointsFor runs an (id, state, created_at, duplicate_of) query for several ids, handing each
// row to add (only a report's refusal as a duplicate names an original; other queries select NULL).
func checkpointsFor(ctx context.Context, q querier, sql string, ids []uuid.UUID, add func(uuid.UUID, domain.Checkpoint)) error {
	rows, err := q.Query(ctx, sql, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var c domain.Checkpoint
		var st string
		if err := rows.Scan(&id, &st, &c.At, &c.DuplicateOf); err != nil {
			return err
		}
		c.State = domain.State(st)
		add(id, c)
	}
	return rows.Err()
}

// ReportWithRoles loads a report of the application with the roles person holds in each
// organization of its chain they belong to, in one statement: what every access check of a
// report needs.
func (s *Store) ReportWithRoles(ctx context.Context, appID, id, person uuid.UUID) (domain.Report, map[uuid.UUID]domain.Roles, error) {
	var raw []byte
	r, err := scanReportWith(s.Pool.QueryRow(ctx, `SELECT `+reportCols+`,
			(SELECT coalesce(json_agg(json_build_object('organization', m.organization_id, 'roles', m.roles)), '[]')
			 FROM members m JOIN report_organizations ro ON ro.organization_id = m.organization_id
			 WHERE ro.report_id = r.id AND m.person_id = $3)
		FROM reports r WHERE r.id = $1 AND r.application_id = $2`, id, appID, person), &raw)
	if err != nil {
		return r, nil, notFound(err)
	}
	var ms []struct {
		Organization uuid.UUID
		Roles        domain.Roles
	}
	if err := json.Unmarshal(raw, &ms); err != nil {
		return r, nil, err
	}
	roles := make(map[uuid.UUID]domain.Roles, len(ms))
	for _, m := range ms {
		if m.Roles == nil {
			m.Roles = domain.Roles{}
		}
		roles[m.Organization] = m.Roles
	}
	return r, roles, nil
}
