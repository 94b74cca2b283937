-- Open orders by the time they reached their level: the escalation sweep reads the oldest first.
CREATE INDEX "supervision_order_escalation" ON "supervision_order" ((COALESCE("escalated_at", "opened_at")), "id") WHERE "state" = 'OPEN';
