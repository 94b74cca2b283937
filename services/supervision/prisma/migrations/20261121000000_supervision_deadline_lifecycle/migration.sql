-- Deadlines follow the case: met (on time or late), cancelled, reset for a re-handling round, and
-- watched by the timer engine (early warning, overdue), which claims rows by state and due time.
ALTER TABLE "deadline_rule" ADD COLUMN "working_days" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "deadline" ALTER COLUMN "rule_id" DROP NOT NULL;
ALTER TABLE "deadline" ADD COLUMN "round"      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "deadline" ADD COLUMN "warn_at"    TIMESTAMPTZ(3);
ALTER TABLE "deadline" ADD COLUMN "warned_at"  TIMESTAMPTZ(3);
ALTER TABLE "deadline" ADD COLUMN "overdue_at" TIMESTAMPTZ(3);
ALTER TABLE "deadline" ADD COLUMN "met_at"     TIMESTAMPTZ(3);
ALTER TABLE "deadline" ADD COLUMN "met_late"   BOOLEAN;
ALTER TABLE "deadline" ADD COLUMN "paused_at"  TIMESTAMPTZ(3);
ALTER TABLE "deadline" ADD COLUMN "pause_reason" TEXT;
UPDATE "deadline" SET "warn_at" = "started_at" + ("due_at" - "started_at") * 0.8 WHERE "state" = 'PENDING';

-- A whistle's report-in deadlines share the whistle's id (one per summoned department), and a
-- reopened order gets new REPLY/CLOSE deadlines in a new round beside the old ones.
DROP INDEX "deadline_work_order_id_kind_key";
CREATE UNIQUE INDEX "deadline_work_order_id_unit_id_kind_round_key" ON "deadline" ("work_order_id", "unit_id", "kind", "round");

-- The timer engine's two scans: pending by due time, and pending not yet warned by warning time.
CREATE INDEX "deadline_state_due_at_idx" ON "deadline" ("state", "due_at");
CREATE INDEX "deadline_state_warn_at_idx" ON "deadline" ("state", "warn_at") WHERE "warned_at" IS NULL;

-- Recent warnings and overdue reports, kept so a live subscriber that reconnects can resume after the
-- last one it saw. `seq` orders them; `event_id` is the id of the event on the bus.
CREATE TABLE "timer_event" (
  "seq"           BIGSERIAL PRIMARY KEY,
  "event_id"      UUID NOT NULL,
  "level"         TEXT NOT NULL,
  "district"      TEXT NOT NULL,
  "complaint_id"  TEXT NOT NULL,
  "work_order_id" TEXT NOT NULL,
  "unit_id"       TEXT NOT NULL,
  "deadline_id"   UUID NOT NULL,
  "kind"          TEXT NOT NULL,
  "due_at"        TIMESTAMPTZ(3) NOT NULL,
  "at"            TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX "timer_event_event_id_key" ON "timer_event" ("event_id");
CREATE INDEX "timer_event_at_idx" ON "timer_event" ("at");

-- Supervision orders (督办): reminder → supervision → interview of the unit head; closed only with evidence and a note.
CREATE TABLE "supervision_order" (
  "id"              UUID PRIMARY KEY,
  "district"        TEXT NOT NULL,
  "complaint_id"    TEXT NOT NULL,
  "unit_id"         TEXT NOT NULL,
  "level"           TEXT NOT NULL,
  "state"           TEXT NOT NULL DEFAULT 'OPEN',
  "cause"           TEXT NOT NULL,
  "key_supervision" BOOLEAN NOT NULL DEFAULT false,
  "note"            TEXT,
  "opened_by"       TEXT NOT NULL,
  "opened_at"       TIMESTAMPTZ(3) NOT NULL,
  "escalated_at"    TIMESTAMPTZ(3),
  "closed_by"       TEXT,
  "closed_at"       TIMESTAMPTZ(3),
  "closing_note"    TEXT,
  "evidence"        TEXT[] NOT NULL DEFAULT '{}'
);
-- One open order per case and unit: a second cause raises the open one instead of opening another.
CREATE UNIQUE INDEX "supervision_order_open_key" ON "supervision_order" ("complaint_id", "unit_id") WHERE "state" = 'OPEN';
CREATE INDEX "supervision_order_district_state_opened_at_id_idx" ON "supervision_order" ("district", "state", "opened_at", "id");
CREATE INDEX "supervision_order_complaint_id_idx" ON "supervision_order" ("complaint_id");

-- Callbacks (回访): one task each time a work order closes; a dissatisfied answer is reviewed.
CREATE TABLE "callback_task" (
  "id"                     UUID PRIMARY KEY,
  "district"               TEXT NOT NULL,
  "complaint_id"           TEXT NOT NULL,
  "work_order_id"          TEXT NOT NULL,
  "unit_id"                TEXT NOT NULL,
  "attempt"                INTEGER NOT NULL,
  "state"                  TEXT NOT NULL DEFAULT 'DUE',
  "due_at"                 TIMESTAMPTZ(3) NOT NULL,
  "contacted"              BOOLEAN,
  "solved"                 BOOLEAN,
  "rating"                 TEXT,
  "recorded_by"            TEXT,
  "recorded_at"            TIMESTAMPTZ(3),
  "review_reason"          TEXT,
  "exemption_requested_by" TEXT,
  "reviewed_by"            TEXT,
  "reviewed_at"            TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX "callback_task_work_order_id_attempt_key" ON "callback_task" ("work_order_id", "attempt");
CREATE INDEX "callback_task_district_state_due_at_id_idx" ON "callback_task" ("district", "state", "due_at", "id");
CREATE INDEX "callback_task_complaint_id_idx" ON "callback_task" ("complaint_id");
