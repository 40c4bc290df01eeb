-- The sample shop that `prodscript demo` creates, and that the example scripts in examples/ are written for.
-- It is set-up SQL, not a reviewed script: the demo runs it directly. To try the examples on your own
-- PostgreSQL, load it into an empty database with: psql -d shop -f examples/setup/shop.sql
-- Dates are relative to now(), so the examples find the same rows whenever they run.

CREATE TABLE customers (
    id         bigint PRIMARY KEY,
    email      text NOT NULL,
    status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'closed')),
    created_at timestamptz NOT NULL
);

CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status      text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
    total_cents integer NOT NULL CHECK (total_cents >= 0),
    created_at  timestamptz NOT NULL
);

-- 300 customers; every 25th was imported with stray spaces and capitals in its e-mail address.
INSERT INTO customers (id, email, created_at)
SELECT i,
       CASE WHEN i % 25 = 0 THEN ' Customer' || i || '@Example.COM ' ELSE 'customer' || i || '@example.com' END,
       now() - make_interval(days => i)
  FROM generate_series(1, 300) AS i;

-- Three accounts left behind by a load test.
INSERT INTO customers (id, email, created_at)
SELECT 1000 + i, 'loadtest' || i || '@example.com', now() - make_interval(days => 40)
  FROM generate_series(1, 3) AS i;

-- 800 orders over the last 120 days; every 10th is still pending, its payment never arrived.
INSERT INTO orders (id, customer_id, status, total_cents, created_at)
SELECT i,
       1 + (i * 7) % 300,
       CASE WHEN i % 10 = 0 THEN 'pending' WHEN i % 10 < 4 THEN 'shipped' ELSE 'paid' END,
       500 + (i * 37) % 20000,
       now() - make_interval(days => i % 120, hours => i % 24)
  FROM generate_series(1, 800) AS i;
