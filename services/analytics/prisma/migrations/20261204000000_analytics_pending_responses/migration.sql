-- Rates leave out RESPOND limits not yet due when they are read; this index finds those few work orders.
CREATE INDEX "work_order_fact_respond_due_at_idx" ON "work_order_fact" ("respond_due_at");
