CREATE TABLE "region" (
  "id"        TEXT PRIMARY KEY,
  "district"  TEXT NOT NULL,
  "level"     TEXT NOT NULL,
  "name"      TEXT NOT NULL,
  "parent_id" TEXT REFERENCES "region" ("id"),
  "area_type" TEXT,
  "boundary"  JSONB
);
CREATE INDEX "region_district_level_idx" ON "region" ("district", "level");

CREATE TABLE "category" (
  "id"        TEXT PRIMARY KEY,
  "name"      TEXT NOT NULL,
  "parent_id" TEXT REFERENCES "category" ("id"),
  "position"  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE "complaint" (
  "id"                UUID PRIMARY KEY,
  "district"          TEXT NOT NULL,
  "channel"           TEXT NOT NULL,
  "type"              TEXT NOT NULL,
  "urgency"           TEXT NOT NULL,
  "category_id"       TEXT NOT NULL REFERENCES "category" ("id"),
  "title"             TEXT NOT NULL,
  "description"       TEXT NOT NULL,
  "address"           TEXT,
  "lat"               DOUBLE PRECISION,
  "lng"               DOUBLE PRECISION,
  "street_id"         TEXT REFERENCES "region" ("id"),
  "community_id"      TEXT REFERENCES "region" ("id"),
  "grid_id"           TEXT REFERENCES "region" ("id"),
  "area_type"         TEXT,
  "anonymous"         BOOLEAN NOT NULL,
  "complainant_name"  TEXT,
  "complainant_phone" TEXT,
  "received_at"       TIMESTAMPTZ(3) NOT NULL,
  "received_by"       TEXT NOT NULL
);
CREATE INDEX "complaint_district_received_at_id_idx" ON "complaint" ("district", "received_at" DESC, "id" DESC);
