-- Work orders become a state machine: versioned for optimistic concurrency, with a history of every transition.
ALTER TABLE "work_order"
  ADD COLUMN "version"           INTEGER NOT NULL DEFAULT 1 CHECK ("version" >= 1),
  ADD COLUMN "binding"           BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN "rehandles"         INTEGER NOT NULL DEFAULT 0 CHECK ("rehandles" >= 0),
  ADD COLUMN "extension_minutes" INTEGER CHECK ("extension_minutes" > 0),
  ADD COLUMN "extension_reason"  TEXT,
  ADD COLUMN "reply_text"        TEXT,
  ADD COLUMN "updated_at"        TIMESTAMPTZ(3),
  -- A pending extension request has both its minutes and its reason, or neither.
  ADD CONSTRAINT "work_order_extension_check" CHECK (("extension_minutes" IS NULL) = ("extension_reason" IS NULL));
UPDATE "work_order" SET "updated_at" = "dispatched_at";
ALTER TABLE "work_order" ALTER COLUMN "updated_at" SET NOT NULL;

-- A case now has a lead order per re-dispatch; the returned ones stay. At most one lead is active at a time,
-- which also stops two dispatchers re-dispatching the same case at once.
DROP INDEX "work_order_complaint_id_role_key";
CREATE INDEX "work_order_complaint_id_idx" ON "work_order" ("complaint_id");
CREATE UNIQUE INDEX "work_order_active_lead_key" ON "work_order" ("complaint_id") WHERE "role" = 'LEAD' AND "state" NOT IN ('RETURNED', 'REROUTED');

CREATE TABLE "work_order_event" (
  "id"            UUID PRIMARY KEY,
  "work_order_id" UUID NOT NULL REFERENCES "work_order" ("id"),
  -- The order's version once this transition was saved: one entry per version.
  "version"       INTEGER NOT NULL,
  "type"          TEXT NOT NULL,
  "actor"         TEXT NOT NULL,
  "at"            TIMESTAMPTZ(3) NOT NULL,
  "note"          TEXT,
  "data"          JSONB NOT NULL
);
CREATE UNIQUE INDEX "work_order_event_work_order_id_version_key" ON "work_order_event" ("work_order_id", "version");

-- A client's retry key with the result of the first attempt, so a retry returns it and does nothing twice.
CREATE TABLE "idempotency_key" (
  "actor"      TEXT NOT NULL,
  "key"        TEXT NOT NULL,
  "operation"  TEXT NOT NULL,
  "result"     JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY ("actor", "key")
);

-- Whistle & report (吹哨报到): a street or town summons departments for one case.
CREATE TABLE "whistle" (
  "id"                UUID PRIMARY KEY,
  "complaint_id"      TEXT NOT NULL REFERENCES "complaint_case" ("complaint_id"),
  "district"          TEXT NOT NULL,
  "street_unit_id"    TEXT NOT NULL REFERENCES "unit" ("id"),
  "reason"            TEXT NOT NULL,
  "report_in_minutes" INTEGER NOT NULL CHECK ("report_in_minutes" >= 1),
  "blown_at"          TIMESTAMPTZ(3) NOT NULL,
  "report_in_due_at"  TIMESTAMPTZ(3) NOT NULL,
  "state"             TEXT NOT NULL,
  "closed_at"         TIMESTAMPTZ(3),
  "version"           INTEGER NOT NULL DEFAULT 1 CHECK ("version" >= 1)
);
CREATE INDEX "whistle_complaint_id_idx" ON "whistle" ("complaint_id");

CREATE TABLE "whistle_summons" (
  "whistle_id"     UUID NOT NULL REFERENCES "whistle" ("id"),
  "unit_id"        TEXT NOT NULL REFERENCES "unit" ("id"),
  "reported_in_at" TIMESTAMPTZ(3),
  "late"           BOOLEAN,
  "part_done_at"   TIMESTAMPTZ(3),
  PRIMARY KEY ("whistle_id", "unit_id"),
  -- Lateness is known exactly when the unit reported in; a part is done only after reporting in.
  CHECK (("reported_in_at" IS NULL) = ("late" IS NULL)),
  CHECK ("part_done_at" IS NULL OR "reported_in_at" IS NOT NULL)
);

-- Double dispatch (双派单): a rule may name units that assist the lead, each getting an ASSIST order.
ALTER TABLE "responsibility_rule" ADD COLUMN "assist_unit_ids" TEXT[] NOT NULL DEFAULT '{}';
