-- Platform tables every service has: the transactional outbox and the consumer inbox.

-- Events written in the same transaction as the change that caused them; a relay publishes them.
CREATE TABLE "outbox" (
  "seq"        BIGSERIAL PRIMARY KEY,
  "id"         UUID NOT NULL UNIQUE,
  "topic"      TEXT NOT NULL,
  "key"        TEXT NOT NULL,
  "payload"    TEXT NOT NULL,
  "headers"    JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Event ids a consumer group has handled, written in the same transaction as the effect.
CREATE TABLE "inbox" (
  "consumer"   TEXT NOT NULL,
  "event_id"   UUID NOT NULL,
  "handled_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY ("consumer", "event_id")
);
