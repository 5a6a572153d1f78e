-- +goose Up
-- Reviews: when a report is closed, the feedback's reporter is asked to rate how it was handled.
-- The request's workflow (review-request/<id>) records it, waits for the answer and expires it.

-- One request per feedback and reviewer, whichever of its reports closed first (report_id): a
-- reviewer rates how their feedback was handled once, not once per report. Its id derives from
-- the feedback (domain.ReviewRequestID), so recording it again finds the same row.
CREATE TABLE review_requests (
    id              uuid PRIMARY KEY,
    feedback_id     uuid NOT NULL REFERENCES feedbacks (id),
    reviewer_id     uuid NOT NULL REFERENCES people (id),
    report_id       uuid NOT NULL REFERENCES reports (id),
    application_id  uuid NOT NULL REFERENCES applications (id),
    state           text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'REVIEWED', 'EXPIRED')),
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT review_requests_feedback_reviewer UNIQUE (feedback_id, reviewer_id)
);
CREATE INDEX review_requests_reviewer ON review_requests (reviewer_id, application_id, created_at, id);

-- The answer: one per request (the unique index), a rating of 1 to 5 and a short text.
CREATE TABLE reviews (
    id                 uuid PRIMARY KEY,
    review_request_id  uuid NOT NULL REFERENCES review_requests (id),
    feedback_id        uuid NOT NULL REFERENCES feedbacks (id),
    author_id          uuid NOT NULL REFERENCES people (id),
    rating             smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body               text NOT NULL DEFAULT '' CHECK (char_length(body) <= 255),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX reviews_review_request ON reviews (review_request_id);
CREATE INDEX reviews_feedback ON reviews (feedback_id, created_at, id);

-- +goose Down
DROP TABLE reviews;
DROP TABLE review_requests;
