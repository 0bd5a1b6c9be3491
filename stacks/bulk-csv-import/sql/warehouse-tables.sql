-- The tables the bulk-csv-import pipeline loads into. Applied at deploy time by the database's bootstrap as the
-- loader login (which owns them), once per content of this file: a changed file runs again, whole, so every
-- statement is re-runnable. No BEGIN/COMMIT: the bootstrap runs it inside its own transaction.

-- customers/*.csv is upserted by the primary key (the route names no key): new customers are added, known ones
-- updated, customers absent from the file stay.
CREATE TABLE IF NOT EXISTS warehouse.customers (
  customer_id bigint      PRIMARY KEY,
  name        text        NOT NULL,
  email       text,
  country     char(2),
  updated_at  timestamptz
);

-- order-lines/*.csv is upserted by (order_id, line_no), the route's key: the unique constraint below is what
-- INSERT ... ON CONFLICT needs; the surrogate id stays stable across updates.
CREATE TABLE IF NOT EXISTS warehouse.order_lines (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id    bigint      NOT NULL,
  line_no     integer     NOT NULL,
  sku         text        NOT NULL,
  quantity    integer     NOT NULL,
  unit_price  numeric(12,2) NOT NULL,
  CONSTRAINT order_lines_order_line UNIQUE (order_id, line_no)
);

-- price-list/*.csv replaces the whole table (replace mode: TRUNCATE + import in one transaction).
CREATE TABLE IF NOT EXISTS warehouse.price_list (
  sku         text        PRIMARY KEY,
  unit_price  numeric(12,2) NOT NULL,
  valid_from  date        NOT NULL
);
