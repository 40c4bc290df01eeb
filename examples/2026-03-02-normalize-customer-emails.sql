-- @description Trim and lower-case e-mail addresses that were imported with stray spaces and capitals.
-- @ticket OPS-1420
-- @expect-rows customers: 1..20
-- @assert SELECT count(*) = 0 FROM customers WHERE email <> lower(btrim(email))
-- @statement-timeout 1min

UPDATE customers
   SET email = lower(btrim(email))
 WHERE email <> lower(btrim(email));
