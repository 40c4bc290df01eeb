-- @description Deactivate the three accounts left over from the March load test.
-- @ticket OPS-1452
-- @expect-rows 1: 1..5
-- @assert SELECT count(*) = 0 FROM customers WHERE email LIKE 'loadtest%' AND status = 'active'

-- The pattern is wrong (it should be 'loadtest%@example.com'), so this matches every customer.
-- The row expectation above catches it: the run fails and rolls back instead of deactivating the whole shop.
UPDATE customers
   SET status = 'inactive'
 WHERE email LIKE '%@example.com';
