-- Analytics' read models. Facts are upserted by every event that knows part of them; daily counters
-- are incremented only when an event fills its fact's timestamp for the first time, so a counter
-- always equals the number of facts it summarizes and the tables can be rebuilt by replay.

CREATE TABLE "complaint_fact" (
  "complaint_id"       TEXT PRIMARY KEY,
  "district"           TEXT NOT NULL,
  "category_id"        TEXT,
  "channel"            TEXT,
  "urgency"            TEXT,
  "area_type"          TEXT,
  "street_id"          TEXT,
  "received_at"        TIMESTAMPTZ(3),
  "lead_unit_id"       TEXT,
  "lead_work_order_id" TEXT,
  "dispatched_at"      TIMESTAMPTZ(3)
);
CREATE INDEX "complaint_fact_district_received_at_idx" ON "complaint_fact" ("district", "received_at");

CREATE TABLE "work_order_fact" (
  "work_order_id"    TEXT PRIMARY KEY,
  "complaint_id"     TEXT NOT NULL,
  "district"         TEXT NOT NULL,
  "unit_id"          TEXT NOT NULL,
  "role"             TEXT,
  "category_id"      TEXT,
  "dispatched_at"    TIMESTAMPTZ(3),
  "deadlines_set_at" TIMESTAMPTZ(3)
);
CREATE INDEX "work_order_fact_unit_id_dispatched_at_idx" ON "work_order_fact" ("unit_id", "dispatched_at");
CREATE INDEX "work_order_fact_unit_id_deadlines_set_at_idx" ON "work_order_fact" ("unit_id", "deadlines_set_at");
CREATE INDEX "work_order_fact_district_dispatched_at_idx" ON "work_order_fact" ("district", "dispatched_at");

-- '' stands for "not known" in street_id and area_type, so that the whole key can be a primary key.
CREATE TABLE "complaint_daily" (
  "district"    TEXT NOT NULL,
  "day"         DATE NOT NULL,
  "street_id"   TEXT NOT NULL,
  "category_id" TEXT NOT NULL,
  "channel"     TEXT NOT NULL,
  "area_type"   TEXT NOT NULL,
  "complaints"  INTEGER NOT NULL,
  PRIMARY KEY ("district", "day", "street_id", "category_id", "channel", "area_type")
);

CREATE TABLE "work_order_daily" (
  "district"    TEXT NOT NULL,
  "unit_id"     TEXT NOT NULL,
  "day"         DATE NOT NULL,
  "category_id" TEXT NOT NULL,
  "work_orders" INTEGER NOT NULL,
  PRIMARY KEY ("district", "unit_id", "day", "category_id")
);
CREATE INDEX "work_order_daily_district_day_idx" ON "work_order_daily" ("district", "day");

CREATE TABLE "deadlines_daily" (
  "district"    TEXT NOT NULL,
  "unit_id"     TEXT NOT NULL,
  "day"         DATE NOT NULL,
  "work_orders" INTEGER NOT NULL,
  PRIMARY KEY ("district", "unit_id", "day")
);
