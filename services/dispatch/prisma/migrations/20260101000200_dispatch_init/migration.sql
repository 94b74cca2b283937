CREATE TABLE "unit" (
  "id"            TEXT PRIMARY KEY,
  "district"      TEXT NOT NULL,
  "name"          TEXT NOT NULL,
  "kind"          TEXT NOT NULL,
  "parent_id"     TEXT REFERENCES "unit" ("id"),
  "region_id"     TEXT,
  "contact_phone" TEXT
);
CREATE INDEX "unit_district_kind_id_idx" ON "unit" ("district", "kind", "id");

CREATE TABLE "responsibility_rule" (
  "id"              TEXT NOT NULL,
  "version"         INTEGER NOT NULL CHECK ("version" >= 1),
  "district"        TEXT NOT NULL,
  "category_prefix" TEXT NOT NULL,
  "region_id"       TEXT,
  "complaint_type"  TEXT,
  "lead_unit_id"    TEXT NOT NULL REFERENCES "unit" ("id"),
  "effective_from"  TIMESTAMPTZ(3) NOT NULL,
  "effective_to"    TIMESTAMPTZ(3),
  PRIMARY KEY ("id", "version"),
  CHECK ("effective_to" IS NULL OR "effective_to" > "effective_from")
);
CREATE INDEX "responsibility_rule_district_idx" ON "responsibility_rule" ("district");

CREATE TABLE "complaint_case" (
  "complaint_id" TEXT PRIMARY KEY,
  "district"     TEXT NOT NULL,
  "category_id"  TEXT NOT NULL,
  "type"         TEXT NOT NULL,
  "urgency"      TEXT NOT NULL,
  "street_id"    TEXT,
  "community_id" TEXT,
  "grid_id"      TEXT,
  "area_type"    TEXT,
  "received_at"  TIMESTAMPTZ(3) NOT NULL
);

CREATE TABLE "work_order" (
  "id"            UUID PRIMARY KEY,
  "complaint_id"  TEXT NOT NULL REFERENCES "complaint_case" ("complaint_id"),
  "district"      TEXT NOT NULL,
  "unit_id"       TEXT NOT NULL REFERENCES "unit" ("id"),
  "role"          TEXT NOT NULL,
  "state"         TEXT NOT NULL,
  "rule_id"       TEXT,
  "rule_version"  INTEGER,
  "manual_queue"  BOOLEAN NOT NULL,
  "dispatched_at" TIMESTAMPTZ(3) NOT NULL,
  FOREIGN KEY ("rule_id", "rule_version") REFERENCES "responsibility_rule" ("id", "version"),
  -- A rule is recorded with its version, or not at all.
  CHECK (("rule_id" IS NULL) = ("rule_version" IS NULL))
);
CREATE UNIQUE INDEX "work_order_complaint_id_role_key" ON "work_order" ("complaint_id", "role");
CREATE INDEX "work_order_unit_id_dispatched_at_id_idx" ON "work_order" ("unit_id", "dispatched_at" DESC, "id" DESC);
CREATE INDEX "work_order_district_manual_queue_state_dispatched_at_id_idx" ON "work_order" ("district", "manual_queue", "state", "dispatched_at" DESC, "id" DESC);
