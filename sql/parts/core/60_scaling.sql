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
  WITH pts AS (             -- per case, size and repeat: the latest ok run
    SELECT DISTINCT ON (r.case_name, r.dataset_tasks, coalesce(r.env ->> 'repeat', '1'))
           r.case_name, r.dataset_tasks::float8 AS n, r.p50_ns / 1e6 AS y
      FROM @extschema@.runs r
     WHERE r.label = scaling_fit.label AND r.suite = scaling_fit.suite
       AND r.status = 'ok' AND r.dataset_tasks > 0 AND r.p50_ns > 0
     ORDER BY r.case_name, r.dataset_tasks, coalesce(r.env ->> 'repeat', '1'), r.run_id DESC
  ), loglog AS (            -- log p50 = log a + b log n, with b's 95% t interval
    SELECT q.*,
           CASE WHEN q.k > 2 AND q.sxx > 0
                THEN @extschema@.t975((q.k - 2)::int)
                     * sqrt(greatest(q.syy - q.sxy ^ 2 / q.sxx, 0) / (q.k - 2) / q.sxx) END AS half
      FROM (SELECT p.case_name, count(*) AS k, count(DISTINCT p.n) AS nsizes,
                   regr_slope(ln(p.y), ln(p.n)) AS b,
                   regr_r2(ln(p.y), ln(p.n)) AS r2,
                   regr_syy(ln(p.y), ln(p.n)) AS syy, regr_sxx(ln(p.y), ln(p.n)) AS sxx,
                   regr_sxy(ln(p.y), ln(p.n)) AS sxy,
                   min(p.n) AS n0, max(p.n) AS n1
              FROM pts p GROUP BY p.case_name) q
  ), models AS (            -- p50 = a + c f(n), least squares with an intercept
    SELECT p.case_name, m.name, m.ord,
           CASE WHEN m.name = 'O(1)' THEN sum((p.y - a.ybar) ^ 2)
                ELSE regr_syy(p.y, m.f) - coalesce(regr_sxy(p.y, m.f) ^ 2 / nullif(regr_sxx(p.y, m.f), 0), 0) END AS rss,
           CASE WHEN m.name = 'O(1)' THEN 0 ELSE regr_slope(p.y, m.f) END AS slope,
           CASE WHEN m.name = 'O(1)' THEN avg(p.y) ELSE regr_intercept(p.y, m.f) END AS icpt,
           min(m.f) AS f0, max(m.f) AS f1, min(a.ymin) AS ymin
      FROM pts p
      JOIN (SELECT q.case_name, avg(q.y) AS ybar, min(q.y) AS ymin FROM pts q GROUP BY q.case_name) a USING (case_name)
     CROSS JOIN LATERAL (VALUES ('O(1)', 1, 1.0::float8),
                                ('O(log n)', 2, ln(p.n)),
                                ('O(n)', 3, p.n),
                                ('O(n log n)', 4, p.n * ln(p.n)),
                                ('O(n^2)', 5, p.n * p.n)) m(name, ord, f)
     GROUP BY p.case_name, m.name, m.ord
  ), r2 AS (                -- share of the variance each model explains; the exponent
                            -- of the pure class over the measured range (0, about 0.1,
                            -- 1, about 1.1, 2) and the exponent of its fitted curve
    SELECT mo.case_name, mo.name, mo.ord, mo.slope, mo.icpt, mo.ymin,
           CASE WHEN mo.name = 'O(1)' OR o.syy = 0 THEN 0 ELSE 1 - mo.rss / o.syy END AS r2,
           CASE mo.name WHEN 'O(1)' THEN 0
                        WHEN 'O(log n)' THEN ln(ln(l.n1) / ln(l.n0)) / ln(l.n1 / l.n0)
                        WHEN 'O(n)' THEN 1
                        WHEN 'O(n log n)' THEN 1 + ln(ln(l.n1) / ln(l.n0)) / ln(l.n1 / l.n0)
                        ELSE 2 END AS pure_exponent,
           CASE WHEN mo.name = 'O(1)' THEN 0
                WHEN mo.icpt + mo.slope * mo.f0 > 0 AND mo.slope > 0
                THEN ln((mo.icpt + mo.slope * mo.f1) / (mo.icpt + mo.slope * mo.f0)) / ln(l.n1 / l.n0) END AS fit_exponent
      FROM models mo
      JOIN (SELECT case_name, rss AS syy FROM models WHERE name = 'O(1)') o USING (case_name)
      JOIN loglog l USING (case_name)
  ), best AS (
    SELECT l.case_name,
           CASE WHEN l.nsizes < 4 OR l.half IS NULL OR 2 * l.half > 1 THEN NULL
                -- growth not told from none: the simplest class
                WHEN l.b - l.half <= 0 AND l.b + l.half >= 0 THEN 'O(1)'
                -- the classes whose own exponent lies inside the interval: the
                -- simplest within 0.01 of the best R^2 among them
                ELSE coalesce(
                  (SELECT m.name FROM r2 m
                    WHERE m.case_name = l.case_name AND m.name <> 'O(1)' AND m.slope > 0
                      AND m.pure_exponent BETWEEN l.b - l.half AND l.b + l.half
                      AND m.r2 >= (SELECT max(x.r2) FROM r2 x
                                    WHERE x.case_name = l.case_name AND x.name <> 'O(1)' AND x.slope > 0
                                      AND x.pure_exponent BETWEEN l.b - l.half AND l.b + l.half) - 0.01
                    ORDER BY m.ord LIMIT 1),
                  -- none: the next class above the interval when a fixed cost
                  -- explains the flatter growth (its fitted curve, with a fixed
                  -- cost not below zero, has its exponent inside the interval)
                  (SELECT m.name FROM r2 m
                    WHERE m.case_name = l.case_name AND m.name <> 'O(1)'
                      AND m.pure_exponent > l.b + l.half
                      AND m.slope > 0 AND m.icpt >= -0.01 * m.ymin
                      AND m.fit_exponent BETWEEN l.b - l.half AND l.b + l.half
                      AND m.ord = (SELECT min(x.ord) FROM r2 x
                                    WHERE x.case_name = l.case_name AND x.pure_exponent > l.b + l.half))) END AS name
      FROM loglog l
  ), tv AS (
    SELECT p.case_name,
           count(*) FILTER (WHERE t.max_ms IS NOT NULL AND p.y < t.max_ms)::integer AS met,
           count(*) FILTER (WHERE t.max_ms IS NOT NULL AND p.y >= t.max_ms)::integer AS missed,
           string_agg(CASE WHEN t.max_ms IS NULL THEN NULL
                           ELSE p.n::bigint || ' ' || CASE WHEN p.y < t.max_ms THEN 'met' ELSE 'MISSED' END
                                || ' (<' || t.max_ms || ' ms)' END, ', ' ORDER BY p.n) AS verdict
      FROM (SELECT q.case_name, q.n, percentile_cont(0.5) WITHIN GROUP (ORDER BY q.y) AS y
              FROM pts q GROUP BY q.case_name, q.n) p
      CROSS JOIN LATERAL (SELECT @extschema@.target_for(p.case_name, p.n::bigint) AS max_ms) t
     GROUP BY p.case_name
  ), ends AS (              -- median p50 over the repeats at the smallest and largest size
    SELECT p.case_name,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY p.y) FILTER (WHERE p.n = l.n0) AS y0,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY p.y) FILTER (WHERE p.n = l.n1) AS y1
      FROM pts p JOIN loglog l USING (case_name)
     GROUP BY p.case_name
  )
  SELECT l.case_name, l.b, l.b - l.half, l.b + l.half,
         coalesce(b.name, 'inconclusive'),
         l.r2, l.nsizes::integer, l.n0::bigint, l.n1::bigint, e.y0::float8, e.y1::float8,
         tv.met, tv.missed, coalesce(tv.verdict, '')
    FROM loglog l
    JOIN ends e USING (case_name)
    LEFT JOIN best b USING (case_name)
    LEFT JOIN tv USING (case_name)
    LEFT JOIN @extschema@.cases k ON k.suite = scaling_fit.suite AND k.name = l.case_name
   WHERE l.nsizes >= 2
   ORDER BY coalesce(k.ord, 1000000), l.case_name;
END
$$;

COMMENT ON FUNCTION @extschema@.scaling_fit(text, text) IS
  'Per case of a scaling run (label): exponent b of p50 ~ a n^b from a least-squares log-log fit over every size and repeat, with its 95% t interval (NULL with two points), and best_fit, a class of O(1), O(log n), O(n), O(n log n), O(n^2) consistent with that interval: O(1) when the interval holds 0; else the simplest class whose own exponent over the measured range (about 0.1 for O(log n), 1, about 1.1, 2) lies inside the interval and whose R^2 (least squares p50 = a + c f(n)) is within 0.01 of the best such; else the next class above the interval when a fixed cost explains the flatter growth (its fitted curve, a >= 0, has its exponent inside the interval).  inconclusive with fewer than 4 sizes, an interval wider than 1, or no such class.  sizes counts distinct dataset sizes; p50_ms_first/last are medians over the repeats at the smallest and largest size.  Only the latest ok run per case, size and repeat (env.repeat) counts; a case measured at fewer than two sizes has no row.  Errors when label or suite is NULL, or no run has that label (in that suite)';

CREATE FUNCTION @extschema@.scaling_report(label text, suite text DEFAULT 'orchestration')
RETURNS TABLE(case_name text, p50_ms_by_tasks text, exponent text, best_fit text, targets text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT f.case_name,
         (SELECT string_agg(CASE WHEN x.n >= 1000000 THEN round(x.n / 1e6, 1) || 'M'
                                 WHEN x.n >= 1000 THEN round(x.n / 1e3, 1) || 'K'
                                 ELSE x.n::text END || ' ' || round(x.y::numeric, 3), '  ' ORDER BY x.n)
            FROM (SELECT d.n, percentile_cont(0.5) WITHIN GROUP (ORDER BY d.y) AS y
                    FROM (SELECT DISTINCT ON (r.dataset_tasks, coalesce(r.env ->> 'repeat', '1'))
                                 r.dataset_tasks AS n, r.p50_ns / 1e6 AS y
                            FROM @extschema@.runs r
                           WHERE r.label = scaling_report.label AND r.suite = scaling_report.suite
                             AND r.case_name = f.case_name AND r.status = 'ok'
                             AND r.dataset_tasks > 0 AND r.p50_ns > 0
                           ORDER BY r.dataset_tasks, coalesce(r.env ->> 'repeat', '1'), r.run_id DESC) d
                   GROUP BY d.n) x),
         round(f.exponent::numeric, 2)
           || coalesce(' [' || round(f.exponent_ci_low::numeric, 2) || ', '
                       || round(f.exponent_ci_high::numeric, 2) || ']', ''),
         f.best_fit || CASE WHEN f.best_fit <> 'inconclusive' THEN ''
                            WHEN f.sizes < 4 THEN ' (' || f.sizes || ' sizes, needs 4)'
                            WHEN f.exponent_ci_high - f.exponent_ci_low > 1 THEN ' (interval wider than 1)'
                            ELSE ' (no class inside the interval)' END,
         f.target_verdict
    FROM @extschema@.scaling_fit(scaling_report.label, scaling_report.suite) f
$$;

COMMENT ON FUNCTION @extschema@.scaling_report(text, text) IS
  'For people: per case the p50 (ms) at each dataset size, the fitted exponent with its 95% interval, the best-fitting complexity class and the target verdicts; the rows and errors of tas_bench.scaling_fit(label, suite)';
