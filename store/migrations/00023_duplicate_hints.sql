-- +goose Up
-- A category's duplicate hints: how far (metres) and how far back (days) the open reports shown
-- to a new feedback of the category may be. A category without a row uses the defaults
-- (domain.DefaultHintSettings).
CREATE TABLE category_hint_settings (
    category_id  uuid PRIMARY KEY REFERENCES categories (id),
    radius       int NOT NULL CHECK (radius BETWEEN 1 AND 1000),
    window_days  int NOT NULL CHECK (window_days BETWEEN 1 AND 365),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE category_hint_settings;
