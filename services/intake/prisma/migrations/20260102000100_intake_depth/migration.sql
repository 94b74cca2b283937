-- Intake in depth: complainants stored once, channel details, classification, placement queue,
-- closing at intake, merged duplicates, and Chinese full-text search.
CREATE TABLE "complainant" (
  "id"         UUID PRIMARY KEY,
  "district"   TEXT NOT NULL,
  "phone_hash" TEXT,
  "name"       TEXT,
  "phone"      TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX "complainant_district_phone_hash_key" ON "complainant" ("district", "phone_hash");

CREATE TABLE "knowledge_article" (
  "id"          TEXT PRIMARY KEY,
  "title"       TEXT NOT NULL,
  "question"    TEXT NOT NULL,
  "answer"      TEXT NOT NULL,
  "keywords"    TEXT[],
  "category_id" TEXT REFERENCES "category" ("id")
);

-- Personal data moves to complainant, one row per caller (district and phone hash, hashed as
-- domain/complainant.ts does: digits only, a leading 86/0086 before a mobile number dropped), or one
-- per complaint where only a name was given. Then the columns it came from go.
ALTER TABLE "complaint" ADD COLUMN "complainant_id" UUID REFERENCES "complainant" ("id");
CREATE TEMPORARY TABLE "complainant_migration" AS
  SELECT "id", "district", "complainant_name" AS "name", "complainant_phone" AS "phone", "received_at",
         CASE WHEN "complainant_phone" IS NULL THEN NULL
              ELSE encode(sha256(convert_to(regexp_replace(regexp_replace("complainant_phone", '[^0-9]', '', 'g'), '^(0086|86)(?=1[0-9]{10}$)', ''), 'UTF8')), 'hex')
         END AS "phone_hash"
  FROM "complaint"
  WHERE NOT "anonymous" AND ("complainant_name" IS NOT NULL OR "complainant_phone" IS NOT NULL);
INSERT INTO "complainant" ("id", "district", "phone_hash", "name", "phone", "created_at")
  SELECT DISTINCT ON ("district", "phone_hash") "id", "district", "phone_hash", "name", "phone", "received_at"
  FROM "complainant_migration" WHERE "phone_hash" IS NOT NULL
  ORDER BY "district", "phone_hash", "received_at" DESC;
INSERT INTO "complainant" ("id", "district", "phone_hash", "name", "phone", "created_at")
  SELECT "id", "district", NULL, "name", NULL, "received_at" FROM "complainant_migration" WHERE "phone_hash" IS NULL;
UPDATE "complaint" c SET "complainant_id" = p."id"
  FROM "complainant_migration" m JOIN "complainant" p ON p."district" = m."district" AND (p."phone_hash" = m."phone_hash" OR (m."phone_hash" IS NULL AND p."id" = m."id"))
  WHERE c."id" = m."id";
DROP TABLE "complainant_migration";
ALTER TABLE "complaint" DROP COLUMN "complainant_name";
ALTER TABLE "complaint" DROP COLUMN "complainant_phone";
ALTER TABLE "complaint" ADD COLUMN "channel_details" JSONB;
ALTER TABLE "complaint" ADD COLUMN "suggested_category_id" TEXT;
ALTER TABLE "complaint" ADD COLUMN "category_confidence" DOUBLE PRECISION;
ALTER TABLE "complaint" ADD COLUMN "suggested_type" TEXT;
ALTER TABLE "complaint" ADD COLUMN "suggested_urgency" TEXT;
ALTER TABLE "complaint" ADD COLUMN "emergency_rule" TEXT;
ALTER TABLE "complaint" ADD COLUMN "search_text" TEXT NOT NULL DEFAULT '';
ALTER TABLE "complaint" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'RECEIVED';
ALTER TABLE "complaint" ADD COLUMN "dispatched_at" TIMESTAMPTZ(3);
ALTER TABLE "complaint" ADD COLUMN "merged_into_id" UUID REFERENCES "complaint" ("id");
ALTER TABLE "complaint" ADD COLUMN "merged_at" TIMESTAMPTZ(3);
ALTER TABLE "complaint" ADD COLUMN "closed_answer" TEXT;
ALTER TABLE "complaint" ADD COLUMN "knowledge_article_id" TEXT REFERENCES "knowledge_article" ("id");
ALTER TABLE "complaint" ADD COLUMN "closed_at" TIMESTAMPTZ(3);
ALTER TABLE "complaint" ADD COLUMN "escalated_at" TIMESTAMPTZ(3);
ALTER TABLE "complaint" ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now();
ALTER TABLE "complaint" ALTER COLUMN "search_text" DROP DEFAULT;
ALTER TABLE "complaint" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "complaint" ALTER COLUMN "updated_at" DROP DEFAULT;
CREATE INDEX "complaint_merged_into_id_idx" ON "complaint" ("merged_into_id");
CREATE INDEX "complaint_complainant_id_idx" ON "complaint" ("complainant_id");
-- The token column searched as a 'simple' tsvector: no stemming, each token matched as written.
CREATE INDEX "complaint_search_idx" ON "complaint" USING GIN (to_tsvector('simple', "search_text"));
