-- Scaling (core): fit how each case's p50 grows with the dataset size
-- (runs.dataset_tasks).  The driver that grows a tasker dataset through the
-- sizes, run_scaling, belongs to the tasker workload (sql/parts/tasker/60_run_scaling.sql).

-- two-sided 95% Student t quantiles t(0.975, df), df = 1..30; above 30 the
-- normal 1.96 is used (the error is below 4%)
CREATE FUNCTION @extschema@.t975(df integer)
RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN df < 1 THEN 'NaN'::float8
              WHEN df <= 30 THEN (ARRAY[12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042])[df]
              ELSE 1.960 END
$$;

COMMENT ON FUNCTION @extschema@.t975(integer) IS
  'Student t quantile t(0.975, df) from the standard table (df <= 30), 1.960 above';

CREATE FUNCTION @extschema@.scaling_fit(label text, suite text DEFAULT 'orchestration')
RETURNS TABLE(case_name text, exponent float8, exponent_ci_low float8, exponent_ci_high float8,
              best_fit text, r_squared float8, sizes integer, min_tasks bigint, max_tasks bigint,
              p50_ms_first float8, p50_ms_last float8, targets_met integer, targets_missed integer,
              target_verdict text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    known text;
BEGIN
    IF scaling_fit.label IS NULL THEN
        RAISE EXCEPTION 'argument label must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the label of a scaling run, as given to (or printed by) CALL tas_bench.run_scaling(...).';
    END IF;
    IF scaling_fit.suite IS NULL THEN
        RAISE EXCEPTION 'argument suite must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the suite the scaling run ran; the default is orchestration.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.label = scaling_fit.label) THEN
        SELECT string_agg(quote_literal(l.label), ', ' ORDER BY l.label) INTO known
          FROM (SELECT DISTINCT r.label FROM @extschema@.runs r WHERE r.label IS NOT NULL
                 ORDER BY r.label LIMIT 10) l;
        RAISE EXCEPTION 'argument label: no runs with label "%"', scaling_fit.label
            USING ERRCODE = 'no_data_found',
                  DETAIL = coalesce('Labels in tas_bench.runs include: ' || known || '.',
                                    'No run in tas_bench.runs has a label.'),
                  HINT = 'Measure a suite at several dataset sizes with CALL tas_bench.run_scaling(..., label => ...).';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM @extschema@.runs r
                    WHERE r.label = scaling_fit.label AND r.suite = scaling_fit.suite) THEN
        SELECT string_agg(coalesce(quote_literal(s.suite), 'NULL'), ', ' ORDER BY s.suite) INTO known
          FROM (SELECT DISTINCT r.suite FROM @extschema@.runs r WHERE r.label = scaling_fit.label) s;
        RAISE EXCEPTION 'argument suite: no runs with label "%" in suite "%"', scaling_fit.label, scaling_fit.suite
            USING ERRCODE = 'no_data_found',
                  DETAIL = format('The runs labelled %s are in suites: %s.', quote_literal(scaling_fit.label), known),
                  HINT = 'Pass suite => the suite the scaling run ran.';
    END IF;
    RETURN QUERY
  WITH pts AS (             -- the latest ok run per case and dataset size
    SELECT DISTINCT ON (r.case_name, r.dataset_tasks)
           r.case_name, r.dataset_tasks::float8 AS n, r.p50_ns / 1e6 AS y
      FROM @extschema@.runs r
     WHERE r.label = scaling_fit.label AND r.suite = scaling_fit.suite
       AND r.status = 'ok' AND r.dataset_tasks > 0 AND r.p50_ns > 0
     ORDER BY r.case_name, r.dataset_tasks, r.run_id DESC
  ), loglog AS (            -- log p50 = log a + b log n
    SELECT p.case_name, count(*) AS k,
           regr_slope(ln(p.y), ln(p.n)) AS b,
           regr_r2(ln(p.y), ln(p.n)) AS r2,
           regr_syy(ln(p.y), ln(p.n)) AS syy, regr_sxx(ln(p.y), ln(p.n)) AS sxx,
           regr_sxy(ln(p.y), ln(p.n)) AS sxy,
           min(p.n)::bigint AS n0, max(p.n)::bigint AS n1
      FROM pts p GROUP BY p.case_name
  ), models AS (            -- p50 = a + c f(n), least squares with an intercept
    SELECT p.case_name, m.name, m.ord,
           CASE WHEN m.name = 'O(1)' THEN sum((p.y - a.ybar) ^ 2)
                ELSE regr_syy(p.y, m.f) - coalesce(regr_sxy(p.y, m.f) ^ 2 / nullif(regr_sxx(p.y, m.f), 0), 0) END AS rss,
           CASE WHEN m.name = 'O(1)' THEN 0 ELSE regr_slope(p.y, m.f) END AS slope
      FROM pts p
      JOIN (SELECT q.case_name, avg(q.y) AS ybar FROM pts q GROUP BY q.case_name) a USING (case_name)
     CROSS JOIN LATERAL (VALUES ('O(1)', 1, 1.0::float8),
                                ('O(log n)', 2, ln(p.n)),
                                ('O(n)', 3, p.n),
                                ('O(n log n)', 4, p.n * ln(p.n)),
                                ('O(n^2)', 5, p.n * p.n)) m(name, ord, f)
     GROUP BY p.case_name, m.name, m.ord
  ), flat AS (              -- cost moved by less than 10% over the whole range
    SELECT p.case_name, (max(p.y) - min(p.y)) / min(p.y) < 0.10 AS is_flat
      FROM pts p GROUP BY p.case_name
  ), r2 AS (                -- share of the variance each model explains
    SELECT mo.case_name, mo.name, mo.ord, mo.slope,
           CASE WHEN mo.name = 'O(1)' OR o.syy = 0 THEN 0 ELSE 1 - mo.rss / o.syy END AS r2
      FROM models mo
      JOIN (SELECT case_name, rss AS syy FROM models WHERE name = 'O(1)') o USING (case_name)
  ), best AS (              -- simplest model within 0.01 of the best R^2
    SELECT DISTINCT ON (m.case_name) m.case_name, m.name
      FROM r2 m
      JOIN flat USING (case_name)
      JOIN (SELECT case_name, max(r2) AS maxr2 FROM r2 WHERE name = 'O(1)' OR slope > 0
             GROUP BY case_name) mm USING (case_name)
     WHERE (flat.is_flat AND m.name = 'O(1)')
        OR (NOT flat.is_flat AND m.slope > 0 AND m.r2 >= mm.maxr2 - 0.01)
        -- cost that does not grow with n (every slope <= 0) is O(1) too
        OR (m.name = 'O(1)' AND NOT EXISTS (SELECT 1 FROM r2 g WHERE g.case_name = m.case_name
                                                                 AND g.name <> 'O(1)' AND g.slope > 0))
     ORDER BY m.case_name, m.ord
  ), tv AS (
    SELECT p.case_name,
           count(*) FILTER (WHERE t.max_ms IS NOT NULL AND p.y < t.max_ms)::integer AS met,
           count(*) FILTER (WHERE t.max_ms IS NOT NULL AND p.y >= t.max_ms)::integer AS missed,
           string_agg(CASE WHEN t.max_ms IS NULL THEN NULL
                           ELSE p.n::bigint || ' ' || CASE WHEN p.y < t.max_ms THEN 'met' ELSE 'MISSED' END
                                || ' (<' || t.max_ms || ' ms)' END, ', ' ORDER BY p.n) AS verdict
      FROM pts p
      CROSS JOIN LATERAL (SELECT @extschema@.target_for(p.case_name, p.n::bigint) AS max_ms) t
     GROUP BY p.case_name
  ), ends AS (
    SELECT DISTINCT p.case_name,
           first_value(p.y) OVER (PARTITION BY p.case_name ORDER BY p.n) AS y0,
           first_value(p.y) OVER (PARTITION BY p.case_name ORDER BY p.n DESC) AS y1
      FROM pts p
  )
  SELECT l.case_name, l.b,
         CASE WHEN l.k > 2 THEN l.b - @extschema@.t975((l.k - 2)::int)
                    * sqrt(greatest(l.syy - l.sxy ^ 2 / l.sxx, 0) / (l.k - 2) / l.sxx) END,
         CASE WHEN l.k > 2 THEN l.b + @extschema@.t975((l.k - 2)::int)
                    * sqrt(greatest(l.syy - l.sxy ^ 2 / l.sxx, 0) / (l.k - 2) / l.sxx) END,
         CASE WHEN l.k >= 3 THEN b.name END,
         l.r2, l.k::integer, l.n0, l.n1, e.y0::float8, e.y1::float8,
         tv.met, tv.missed, coalesce(tv.verdict, '')
    FROM loglog l
    JOIN ends e USING (case_name)
    LEFT JOIN best b USING (case_name)
    LEFT JOIN tv USING (case_name)
    LEFT JOIN @extschema@.cases k ON k.suite = scaling_fit.suite AND k.name = l.case_name
   WHERE l.k >= 2
   ORDER BY coalesce(k.ord, 1000000), l.case_name;
END
$$;

COMMENT ON FUNCTION @extschema@.scaling_fit(text, text) IS
  'Per case of a scaling run (label): exponent b of p50 ~ a n^b from a least-squares log-log fit with its 95% t interval (NULL with two sizes), the best of O(1), O(log n), O(n), O(n log n), O(n^2) by least squares with an intercept (the simplest model whose R^2 is within 0.01 of the best; O(1) when p50 moved by less than 10% over all sizes or never grows with n; needs 3 sizes), R^2 of the log-log fit, and the target verdicts per size.  Only the latest ok run per case and size counts; a case measured at fewer than two sizes has no row, so a label measured at one size only gives no rows.  Errors when label or suite is NULL, or no run has that label (in that suite)';

CREATE FUNCTION @extschema@.scaling_report(label text, suite text DEFAULT 'orchestration')
RETURNS TABLE(case_name text, p50_ms_by_tasks text, exponent text, best_fit text, targets text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT f.case_name,
         (SELECT string_agg(CASE WHEN x.n >= 1000000 THEN round(x.n / 1e6, 1) || 'M'
                                 WHEN x.n >= 1000 THEN round(x.n / 1e3, 1) || 'K'
                                 ELSE x.n::text END || ' ' || round(x.y, 3), '  ' ORDER BY x.n)
            FROM (SELECT DISTINCT ON (r.dataset_tasks) r.dataset_tasks AS n, r.p50_ns / 1e6 AS y
                    FROM @extschema@.runs r
                   WHERE r.label = scaling_report.label AND r.suite = scaling_report.suite
                     AND r.case_name = f.case_name AND r.status = 'ok'
                   ORDER BY r.dataset_tasks, r.run_id DESC) x),
         round(f.exponent::numeric, 2)
           || coalesce(' [' || round(f.exponent_ci_low::numeric, 2) || ', '
                       || round(f.exponent_ci_high::numeric, 2) || ']', ''),
         coalesce(f.best_fit, CASE WHEN f.sizes < 3 THEN '(needs 3 sizes)' END),
         f.target_verdict
    FROM @extschema@.scaling_fit(scaling_report.label, scaling_report.suite) f
$$;

COMMENT ON FUNCTION @extschema@.scaling_report(text, text) IS
  'For people: per case the p50 (ms) at each dataset size, the fitted exponent with its 95% interval, the best-fitting complexity class and the target verdicts; the rows and errors of tas_bench.scaling_fit(label, suite)';
