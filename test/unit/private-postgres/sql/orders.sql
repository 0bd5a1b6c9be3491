-- The table the orders route loads into (test fixture for schema files).
CREATE TABLE IF NOT EXISTS landing.orders (
  id        bigint PRIMARY KEY,
  customer  text NOT NULL,
  note      text DEFAULT 'a;b'
);
