-- 05_settle: settle() runs VACUUM (ANALYZE) in a background worker and
-- reports what it changed.  After it, every page of a table nobody else is
-- writing is all-visible and its statistics exist.
SET client_min_messages = notice;
CREATE SCHEMA st;
CREATE TABLE st.items (id int PRIMARY KEY, v text);
INSERT INTO st.items SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g;
CREATE TABLE st.empty (id int);
DELETE FROM st.items WHERE id % 10 = 0;
SELECT table_name, maintained, pages > 0 AS has_pages, all_visible = pages AS all_pages_visible,
       all_visible_before <= pages AS before_ok
  FROM tas_bench.settle('st') ORDER BY 1;
SELECT relname, reltuples::bigint AS reltuples FROM pg_class
 WHERE relnamespace = 'st'::regnamespace AND relkind = 'r' ORDER BY 1;
SELECT count(*) > 0 AS has_statistics FROM pg_stats WHERE schemaname = 'st' AND tablename = 'items';

-- a table the caller may not maintain is reported, not vacuumed
CREATE ROLE regress_settle_user;
GRANT USAGE ON SCHEMA st TO regress_settle_user;
SET ROLE regress_settle_user;
SELECT table_name, maintained FROM tas_bench.settle('st') ORDER BY 1;
RESET ROLE;

-- inside a transaction block its own rows cannot be settled: a warning says so
BEGIN;
SELECT count(*) AS tables FROM tas_bench.settle('st');
COMMIT;

-- errors
SELECT * FROM tas_bench.settle(NULL);
SELECT * FROM tas_bench.settle('no_such_schema');

DROP SCHEMA st CASCADE;
DROP ROLE regress_settle_user;
