-- @description Cancel orders left pending for more than 30 days: their payment never arrived.
-- @ticket OPS-1412
-- @expect-rows 1: 1..100
-- @assert SELECT count(*) = 0 FROM orders WHERE status = 'pending' AND created_at < now() - interval '30 days'
-- @statement-timeout 30s
-- @lock-timeout 2s

-- now() is the transaction's start time, so the @assert above sees exactly the same cut-off.
UPDATE orders
   SET status = 'cancelled'
 WHERE status = 'pending'
   AND created_at < now() - interval '30 days';
