CREATE TABLE "deadline_rule" (
  "id"              TEXT PRIMARY KEY,
  "name"            TEXT NOT NULL,
  "urgency"         TEXT NOT NULL,
  "category_prefix" TEXT,
  "area_type"       TEXT,
  "respond_minutes" INTEGER NOT NULL,
  "accept_minutes"  INTEGER NOT NULL,
  "reply_minutes"   INTEGER NOT NULL,
  "close_minutes"   INTEGER NOT NULL
);
-- NULL means "any" here, so two rules with the same urgency and both "any category" must collide.
CREATE UNIQUE INDEX "deadline_rule_urgency_category_prefix_area_type_key" ON "deadline_rule" ("urgency", "category_prefix", "area_type") NULLS NOT DISTINCT;

CREATE TABLE "deadline" (
  "id"            UUID PRIMARY KEY,
  "district"      TEXT NOT NULL,
  "complaint_id"  TEXT NOT NULL,
  "work_order_id" TEXT NOT NULL,
  "unit_id"       TEXT NOT NULL,
  "kind"          TEXT NOT NULL,
  "rule_id"       TEXT NOT NULL REFERENCES "deadline_rule" ("id"),
  "started_at"    TIMESTAMPTZ(3) NOT NULL,
  "due_at"        TIMESTAMPTZ(3) NOT NULL,
  "state"         TEXT NOT NULL DEFAULT 'PENDING',
  "set_at"        TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX "deadline_work_order_id_kind_key" ON "deadline" ("work_order_id", "kind");
CREATE INDEX "deadline_complaint_id_idx" ON "deadline" ("complaint_id");
CREATE INDEX "deadline_unit_id_state_due_at_id_idx" ON "deadline" ("unit_id", "state", "due_at", "id");
