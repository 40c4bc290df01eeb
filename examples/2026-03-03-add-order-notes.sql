-- @description Give orders a free-text note, and record on the cancelled ones why they were cancelled.
-- @ticket OPS-1431
-- @expect-rows 2: 1..
-- @lock-timeout 2s

ALTER TABLE orders ADD COLUMN note text;

UPDATE orders
   SET note = $$cancelled by OPS-1412: pending for more than 30 days$$
 WHERE status = 'cancelled';

-- @revert
ALTER TABLE orders DROP COLUMN note;
