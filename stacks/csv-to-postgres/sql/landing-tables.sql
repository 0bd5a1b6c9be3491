-- The tables the csv-to-postgres pipeline loads into. Applied at deploy time by the database's bootstrap as the
-- loader login (which owns them), once per content of this file: a changed file runs again, whole, so every
-- statement is re-runnable. No BEGIN/COMMIT: the bootstrap runs it inside its own transaction.

-- people/*.csv replaces this table (replace mode: TRUNCATE + COPY in one transaction).
CREATE TABLE IF NOT EXISTS landing.people (
  id          bigint      PRIMARY KEY,
  name        text        NOT NULL,
  email       text,
  updated_at  timestamptz
);

-- events/*.csv is appended (append mode), partners included (see config.ts partnerWriters).
CREATE TABLE IF NOT EXISTS landing.events (
  event_id    uuid        PRIMARY KEY,
  person_id   bigint      NOT NULL,
  kind        text        NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS events_person_id ON landing.events (person_id);
