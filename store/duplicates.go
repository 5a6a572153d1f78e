package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// A report refused as a duplicate names its original (reports.duplicate_of, and the refusal's
// checkpoint). Duplicates are one level deep: an original is never a duplicate itself, and a
// report with duplicates is not made a duplicate, so the people following a duplicate are found
// from the original in one step.

// RefuseAsDuplicate refuses the report as a duplicate of the original, writing the state, the
// checkpoint naming the original and duplicate_of in one transaction. The original is checked
// again under lock (it may have moved since the request was read): treated by the same
// organization, neither refused nor withdrawn, not a duplicate itself; the report has no
// duplicates of its own. A retry that finds its own checkpoint succeeds.
func (s *Store) RefuseAsDuplicate(ctx context.Context, id, of uuid.UUID, from domain.State, cp Checkpoint) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		// Both rows, in one order, so that two reports marked as each other's duplicate at the
		// same time wait for each other instead of deadlocking.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM reports WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, id, of); err != nil {
			return err
		}
		done, err := hasCheckpoint(ctx, tx, "report_checkpoints", "report_id", id, cp)
		if err != nil || done {
			return err
		}
		if err := checkDuplicate(ctx, tx, id, of); err != nil {
			return err
		}
		if err := setReportState(ctx, tx, id, from, domain.ReportRefused, cp); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reports SET duplicate_of = $2 WHERE id = $1`, id, of); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE report_checkpoints SET duplicate_of = $3 WHERE report_id = $1 AND key = $2`, id, cp.Key, of)
		return err
	})
}

// checkDuplicate applies the rules of a duplicate to a report and its original, as they are now.
func checkDuplicate(ctx context.Context, q querier, id, of uuid.UUID) error {
	if id == of {
		return domain.Invalid("of", domain.MsgDuplicateOfItself)
	}
	var state string
	var sameOrg bool
	var originalOf *uuid.UUID
	err := q.QueryRow(ctx, `SELECT o.state, o.duplicate_of, o.application_id = r.application_id AND `+treatingOrg("o")+` = `+treatingOrg("r")+`
		FROM reports o, reports r WHERE o.id = $1 AND r.id = $2`, of, id).Scan(&state, &originalOf, &sameOrg)
	// Another organization's report, or none: the same answer, so that nothing leaks.
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !sameOrg) {
		return &domain.Error{Kind: domain.KindNotFound, Msg: domain.Msg(domain.MsgDuplicateOriginalUnknown, of)}
	}
	if err != nil {
		return err
	}
	// A duplicate is refused too: naming its own original says more.
	if originalOf != nil {
		return domain.Conflict(domain.MsgDuplicateOriginalIsDuplicate, of, *originalOf, *originalOf)
	}
	if st := domain.State(state); st == domain.ReportRefused || st == domain.ReportWithdrawn {
		return domain.Conflict(domain.MsgDuplicateOriginalEnded, of, st)
	}
	own, err := duplicatesOf(ctx, q, id)
	if err != nil {
		return err
	}
	if len(own) > 0 {
		names := ""
		for i, d := range own {
			if i > 0 {
				names += ", "
			}
			names += d.String()
		}
		return domain.Conflict(domain.MsgDuplicateHasDuplicates, names, of)
	}
	return nil
}

// treatingOrg is the SQL of the organization treating report alias a: the last of its chain.
func treatingOrg(a string) string {
	return `(SELECT ro.organization_id FROM report_organizations ro WHERE ro.report_id = ` + a + `.id ORDER BY ro.position DESC LIMIT 1)`
}

// CheckDuplicate tells whether the report may be refused as a duplicate of the original now
// (the rules RefuseAsDuplicate applies again when it writes), so that the API answers before
// sending anything to the report's workflow.
func (s *Store) CheckDuplicate(ctx context.Context, id, of uuid.UUID) error {
	return checkDuplicate(ctx, s.Pool, id, of)
}

func duplicatesOf(ctx context.Context, q querier, id uuid.UUID) ([]uuid.UUID, error) {
	rows, err := q.Query(ctx, `SELECT id FROM reports WHERE duplicate_of = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// DuplicateFollowers are the people who follow a report through its duplicates: the reporter
// and the supporters of each duplicate's feedback.
func (s *Store) DuplicateFollowers(ctx context.Context, reportID uuid.UUID) ([]uuid.UUID, error) {
	return s.ids(ctx, `SELECT f.reporter_id FROM reports d JOIN feedbacks f ON f.id = d.feedback_id WHERE d.duplicate_of = $1
		UNION SELECT c.person_id FROM reports d JOIN feedback_contributions c ON c.feedback_id = d.feedback_id WHERE d.duplicate_of = $1`, reportID)
}

// duplicatesFor fills the duplicates of several reports in one query.
func (s *Store) duplicatesFor(ctx context.Context, ids []uuid.UUID, out map[uuid.UUID]*ReportExtras) error {
	rows, err := s.Pool.Query(ctx, `SELECT duplicate_of, id FROM reports WHERE duplicate_of = ANY ($1) ORDER BY created_at, id`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var of, id uuid.UUID
		if err := rows.Scan(&of, &id); err != nil {
			return err
		}
		out[of].Duplicates = append(out[of].Duplicates, id)
	}
	return rows.Err()
}

// reportCheckpointsFor fills the checkpoints of several reports, with the original a refusal as
// a duplicate names.
func (s *Store) reportCheckpointsFor(ctx context.Context, ids []uuid.UUID, out map[uuid.UUID]*ReportExtras) error {
	return checkpointsFor(ctx, s.Pool, `SELECT report_id, state, created_at, duplicate_of FROM report_checkpoints
		WHERE report_id = ANY ($1) ORDER BY report_id, position`, ids,
		func(id uuid.UUID, c domain.Checkpoint) { out[id].Checkpoints = append(out[id].Checkpoints, c) })
}
