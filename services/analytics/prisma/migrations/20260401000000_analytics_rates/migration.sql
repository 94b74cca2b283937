-- The three rates, rankings and the facts every other event adds. A work order's contribution to
-- the daily rate counters is a pure function of its fact (and its callbacks and its complaint's
-- street); the contribution last applied is kept on the fact, so any later event applies only the
-- difference. That makes the counters independent of event order and of duplicates, and lets the
-- whole model be rebuilt by replay.

ALTER TABLE "complaint_fact"
  ADD COLUMN "lat"                 DOUBLE PRECISION,
  ADD COLUMN "lng"                 DOUBLE PRECISION,
  ADD COLUMN "merged_into"         TEXT,
  ADD COLUMN "closed_at_intake_at" TIMESTAMPTZ(3),
  ADD COLUMN "repeat_calls"        INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "work_order_fact"
  ADD COLUMN "respond_due_at"    TIMESTAMPTZ(3),
  ADD COLUMN "accepted_at"       TIMESTAMPTZ(3),
  ADD COLUMN "contacted_at"      TIMESTAMPTZ(3),
  ADD COLUMN "returned_at"       TIMESTAMPTZ(3),
  ADD COLUMN "replied_at"        TIMESTAMPTZ(3),
  ADD COLUMN "closed_at"         TIMESTAMPTZ(3),
  ADD COLUMN "reopens"           INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "overdue"           INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "exempted"          BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "rate_contribution" JSONB;
CREATE INDEX "work_order_fact_complaint_id_idx" ON "work_order_fact" ("complaint_id");

CREATE TABLE "callback_fact" (
  "callback_id"   TEXT PRIMARY KEY,
  "work_order_id" TEXT NOT NULL,
  "complaint_id"  TEXT NOT NULL,
  "district"      TEXT NOT NULL,
  "unit_id"       TEXT NOT NULL,
  "contacted"     BOOLEAN,
  "solved"        BOOLEAN,
  "rating"        TEXT NOT NULL,
  "recorded_at"   TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "callback_fact_work_order_id_idx" ON "callback_fact" ("work_order_id");

-- The raw counts behind the three rates, per district, unit, street ('' when unknown) and local day:
-- the formulas are applied when read, so changing their configuration needs no rebuild.
CREATE TABLE "unit_rate_daily" (
  "district"            TEXT NOT NULL,
  "unit_id"             TEXT NOT NULL,
  "street_id"           TEXT NOT NULL,
  "day"                 DATE NOT NULL,
  "response_due"        INTEGER NOT NULL DEFAULT 0,
  "response_on_time"    INTEGER NOT NULL DEFAULT 0,
  "solved_answered"     INTEGER NOT NULL DEFAULT 0,
  "solved_yes"          INTEGER NOT NULL DEFAULT 0,
  "satisfied"           INTEGER NOT NULL DEFAULT 0,
  "basically_satisfied" INTEGER NOT NULL DEFAULT 0,
  "no_comment"          INTEGER NOT NULL DEFAULT 0,
  "dissatisfied"        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY ("district", "unit_id", "street_id", "day")
);
CREATE INDEX "unit_rate_daily_district_day_idx" ON "unit_rate_daily" ("district", "day");
CREATE INDEX "unit_rate_daily_day_idx" ON "unit_rate_daily" ("day");

-- The same counts rolled up per calendar month (month = its first day), kept in step with the daily
-- rows: a period is read as whole months from here plus its loose days from unit_rate_daily, so a
-- year costs twelve rows per unit and street instead of 365.
CREATE TABLE "unit_rate_monthly" (
  "district"            TEXT NOT NULL,
  "unit_id"             TEXT NOT NULL,
  "street_id"           TEXT NOT NULL,
  "month"               DATE NOT NULL,
  "response_due"        INTEGER NOT NULL DEFAULT 0,
  "response_on_time"    INTEGER NOT NULL DEFAULT 0,
  "solved_answered"     INTEGER NOT NULL DEFAULT 0,
  "solved_yes"          INTEGER NOT NULL DEFAULT 0,
  "satisfied"           INTEGER NOT NULL DEFAULT 0,
  "basically_satisfied" INTEGER NOT NULL DEFAULT 0,
  "no_comment"          INTEGER NOT NULL DEFAULT 0,
  "dissatisfied"        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY ("district", "unit_id", "street_id", "month")
);
CREATE INDEX "unit_rate_monthly_month_idx" ON "unit_rate_monthly" ("month");

-- The same counts per district, category (as dispatched) and local day: resolution and satisfaction by category.
CREATE TABLE "category_rate_daily" (
  "district"            TEXT NOT NULL,
  "category_id"         TEXT NOT NULL,
  "day"                 DATE NOT NULL,
  "response_due"        INTEGER NOT NULL DEFAULT 0,
  "response_on_time"    INTEGER NOT NULL DEFAULT 0,
  "solved_answered"     INTEGER NOT NULL DEFAULT 0,
  "solved_yes"          INTEGER NOT NULL DEFAULT 0,
  "satisfied"           INTEGER NOT NULL DEFAULT 0,
  "basically_satisfied" INTEGER NOT NULL DEFAULT 0,
  "no_comment"          INTEGER NOT NULL DEFAULT 0,
  "dissatisfied"        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY ("district", "category_id", "day")
);

-- Complaints received per district, local day and local hour (0–23): the hour-of-day and weekday profile.
CREATE TABLE "complaint_hourly" (
  "district"   TEXT NOT NULL,
  "day"        DATE NOT NULL,
  "hour"       INTEGER NOT NULL,
  "complaints" INTEGER NOT NULL,
  PRIMARY KEY ("district", "day", "hour")
);

-- Located complaints per district, local day, H3 cell (resolution 8) and category: the hot-spot map.
CREATE TABLE "hotspot_daily" (
  "district"    TEXT NOT NULL,
  "day"         DATE NOT NULL,
  "cell"        TEXT NOT NULL,
  "category_id" TEXT NOT NULL,
  "complaints"  INTEGER NOT NULL,
  PRIMARY KEY ("district", "day", "cell", "category_id")
);

-- Early warnings raised (未诉先办). Not a read model but the record of what was published: a rebuild
-- keeps it, so replaying history raises no warning twice.
CREATE TABLE "early_warning" (
  "warning_id"       TEXT PRIMARY KEY,
  "district"         TEXT NOT NULL,
  "street_id"        TEXT NOT NULL,
  "category_id"      TEXT NOT NULL,
  "window_start"     DATE NOT NULL,
  "window_end"       DATE NOT NULL,
  "observed"         INTEGER NOT NULL,
  "expected"         DOUBLE PRECISION NOT NULL,
  "score"            DOUBLE PRECISION NOT NULL,
  "tail_probability" DOUBLE PRECISION NOT NULL,
  "raised_at"        TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "early_warning_area_idx" ON "early_warning" ("district", "street_id", "category_id", "window_end");
CREATE INDEX "early_warning_district_raised_at_idx" ON "early_warning" ("district", "raised_at");

-- Historical cases imported from a legacy system, kept as the events they stand for: they are not on
-- the bus, so a rebuild applies them again (in this order) before replaying the bus.
CREATE TABLE "imported_event" (
  "seq"         BIGSERIAL PRIMARY KEY,
  "source"      TEXT NOT NULL,
  "envelope"    JSONB NOT NULL,
  "imported_at" TIMESTAMPTZ(3) NOT NULL
);

-- Analytics' own copy of the handling units' kinds, for ranking like with like (reference data).
CREATE TABLE "unit_directory" (
  "id"       TEXT PRIMARY KEY,
  "district" TEXT NOT NULL,
  "name"     TEXT NOT NULL,
  "kind"     TEXT NOT NULL
);

-- Which generation of the read models is current; it names the consumer group (analytics-g<N>).
CREATE TABLE "read_model_generation" (
  "id"         INTEGER PRIMARY KEY,
  "generation" INTEGER NOT NULL,
  "rebuilt_at" TIMESTAMPTZ(3)
);
INSERT INTO "read_model_generation" ("id", "generation") VALUES (1, 1);
