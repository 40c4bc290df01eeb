-- @description Purge cancelled orders. DELIBERATELY UNSAFE: an example of what the runner refuses.
-- @ticket OPS-1460

-- The author meant "WHERE status = 'cancelled'" and forgot it: this would empty the table.
DELETE FROM orders;
