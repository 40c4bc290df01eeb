-- @description Give orders a free-text note, and record on the cancelled ones why they were cancelled.
-- @ticket OPS-1431
-- @expect-rows 2: 1..
-- @lock-timeout 2s
-- @allow-destructive

-- Depends on 2026-03-01-cancel-abandoned-orders.sql: the orders it cancelled are the ones noted here, so on a freshly
-- loaded shop this script finds no cancelled order and its @expect-rows stops it until that one has run.
-- The reversal drops the column again, which is why the header allows a destructive statement.

ALTER TABLE orders ADD COLUMN note text;

UPDATE orders
   SET note = $$cancelled by OPS-1412: pending for more than 30 days$$
 WHERE status = 'cancelled';

-- @revert
ALTER TABLE orders DROP COLUMN note;
