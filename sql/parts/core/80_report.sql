-- Report (core): report_html(label, baseline, scaling) writes one
-- self-contained HTML document (inline CSS and SVG, no script, nothing
-- fetched) from the stored results: the suite table with a latency
-- histogram per case, the comparison with a baseline as a forest plot, the
-- scaling fits as log-log plots, load results (a marked place until load
-- tests exist) and the environment every number came from.
--
-- Every figure is computed here from tas_bench.runs, tas_bench.samples
-- (read only through that relation), compare() and scaling_fit(); row-level
-- security applies, so a role's report shows its own runs.  doc/report.md
-- says how to read it.

-- ---------------------------------------------------------------- helpers

CREATE FUNCTION @extschema@.report_esc(t text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT replace(replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                         '"', '&quot;'), '''', '&#39;')
$$;

COMMENT ON FUNCTION @extschema@.report_esc(text) IS
  'text escaped for HTML and SVG (& < > " and ''), NULL as the empty string (used by tas_bench.report_html())';

CREATE FUNCTION @extschema@.report_num(x float8, digits integer DEFAULT 3)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN x IS NULL THEN ''
              WHEN x = 0 THEN '0'
              WHEN x <> x OR abs(x) = 'Infinity'::float8 THEN x::text
              ELSE trim_scale(round(x::numeric, greatest(0, digits - 1 - floor(log(abs(x::numeric)))::integer)))::text END
$$;

COMMENT ON FUNCTION @extschema@.report_num(float8, integer) IS
  'x rounded to digits significant digits (never fewer than its integer part), trailing zeros dropped, NULL as the empty string (used by tas_bench.report_html())';

-- position of v on a log axis from lo (at p0) to hi (at p1), 1 decimal
CREATE FUNCTION @extschema@.report_logpos(v float8, axis float8[])
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT round((axis[3] + (ln(v) - ln(axis[1])) / (ln(axis[2]) - ln(axis[1])) * (axis[4] - axis[3]))::numeric, 1)
$$;

COMMENT ON FUNCTION @extschema@.report_logpos(float8, float8[]) IS
  'Position of v on a logarithmic axis = {lo, hi, p0, p1} running from lo (drawn at p0) to hi (at p1), rounded to 0.1 (SVG coordinates of tas_bench.report_html())';

-- tick values for a log axis over [lo, hi]: 1-2-5 steps, decades when that
-- gives too many, finer steps (or the ends) when it gives too few
CREATE FUNCTION @extschema@.report_log_ticks(lo float8, hi float8)
RETURNS SETOF float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH c AS (
    SELECT (m * 10::numeric ^ e)::float8 AS v, m
      FROM generate_series(floor(log(lo))::integer - 1, ceil(log(hi))::integer + 1) e,
           unnest('{1,1.5,2,3,4,5,6,7,8,9}'::numeric[]) m
  ), d AS (SELECT v FROM c WHERE m = 1 AND v BETWEEN lo AND hi),
     f AS (SELECT v FROM c WHERE m IN (1, 2, 5) AND v BETWEEN lo AND hi),
     g AS (SELECT v FROM c WHERE m IN (1, 1.5, 2, 3, 5, 7) AND v BETWEEN lo AND hi)
  SELECT v FROM (
    SELECT v FROM f WHERE (SELECT count(*) FROM f) BETWEEN 2 AND 7
    UNION ALL SELECT v FROM d WHERE (SELECT count(*) FROM f) > 7
    UNION ALL SELECT v FROM g WHERE (SELECT count(*) FROM f) < 2 AND (SELECT count(*) FROM g) BETWEEN 2 AND 10
    UNION ALL SELECT x FROM unnest(ARRAY[lo, hi]) x
     WHERE (SELECT count(*) FROM f) < 2 AND (SELECT count(*) FROM g) NOT BETWEEN 2 AND 10
  ) t ORDER BY v
$$;

COMMENT ON FUNCTION @extschema@.report_log_ticks(float8, float8) IS
  'Tick values of a logarithmic axis over [lo, hi]: 1-2-5 steps (decades when there would be more than 7, finer steps or the two ends when fewer than 2) (used by tas_bench.report_html())';

-- x axis (log) with ticks, labels and an axis title; y axis title rotated
CREATE FUNCTION @extschema@.report_axes(lo float8, hi float8, box float8[], xtitle text, ytitle text,
                                        yticks text DEFAULT '')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH b(x0, x1, y0, y1) AS (SELECT box[1], box[2], box[3], box[4])
  SELECT format('<g class="axis"><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/>',
                x0, y1, x1, y1, x0, y0, x0, y1)
      || coalesce((SELECT string_agg(format('<line x1="%s" y1="%s" x2="%s" y2="%s"/><text x="%s" y="%s" class="tick">%s</text>',
                                            p, y1, p, y1 + 4, p, y1 + 15, @extschema@.report_num(t, 2)), '')
                     FROM (SELECT t, @extschema@.report_logpos(t, ARRAY[lo, hi, x0, x1]) AS p
                             FROM @extschema@.report_log_ticks(lo, hi) t) k), '')
      || yticks
      || format('<text x="%s" y="%s" class="axis-label x-label">%s</text>', round(((x0 + x1) / 2)::numeric, 1), y1 + 31,
                @extschema@.report_esc(xtitle))
      || format('<text x="%s" y="%s" class="axis-label y-label" transform="rotate(-90 %s %s)">%s</text>',
                12, round(((y0 + y1) / 2)::numeric, 1), 12, round(((y0 + y1) / 2)::numeric, 1),
                @extschema@.report_esc(ytitle))
      || '</g>'
    FROM b
$$;

COMMENT ON FUNCTION @extschema@.report_axes(float8, float8, float8[], text, text, text) IS
  'SVG axes of a plot of tas_bench.report_html() in box = {x0, x1, y0, y1}: a logarithmic x axis over [lo, hi] drawn from x0 to x1 at y1 with ticks and labels, the y axis from y0 to y1, both axis titles and the given y ticks';

-- ---------------------------------------------------------------- latency histogram

-- One case: histogram of the calls of run_id on 40 logarithmic bins (bars:
-- share of calls per bin), the baseline run's histogram as an outline, p50
-- and p99 marked, the target (ms) drawn when it is on the scale.
CREATE FUNCTION @extschema@.report_latency_svg(run_id bigint, baseline_run bigint DEFAULT NULL,
                                               target_ms float8 DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    W constant float8 := 360; H constant float8 := 190;
    x0 constant float8 := 46; x1 constant float8 := 350; y0 constant float8 := 22; y1 constant float8 := 146;
    nb constant integer := 40;
    lo float8; hi float8; ymax float8; r @extschema@.runs;
    bars text; outline text; marks text := ''; yt text; tgt float8 := target_ms * 1e6;
    share float8[]; bshare float8[];
BEGIN
    SELECT * INTO r FROM @extschema@.runs x WHERE x.run_id = report_latency_svg.run_id;
    SELECT greatest(min(s.ns), 1), greatest(max(s.ns), 1) INTO lo, hi
      FROM @extschema@.samples s WHERE s.run_id IN (report_latency_svg.run_id, baseline_run);
    IF lo IS NULL THEN
        RETURN NULL;
    END IF;
    IF tgt IS NOT NULL AND tgt <= hi * 20 AND tgt >= lo / 20 THEN
        lo := least(lo, tgt); hi := greatest(hi, tgt);
    END IF;
    IF hi / lo < 1.2 THEN
        lo := lo / 1.1; hi := hi * 1.1;
    END IF;
    lo := lo / 1.03; hi := hi * 1.03;

    -- share of calls per bin (1 .. nb), of the run and of the baseline run
    WITH b AS (
        SELECT s.run_id AS rid, least(width_bucket(ln(greatest(s.ns, 1)), ln(lo), ln(hi), nb), nb) AS bin,
               count(*) * 100.0 / sum(count(*)) OVER (PARTITION BY s.run_id) AS share
          FROM @extschema@.samples s WHERE s.run_id IN (report_latency_svg.run_id, baseline_run)
         GROUP BY 1, 2)
    SELECT array_agg(coalesce(m.share, 0) ORDER BY g), array_agg(coalesce(o.share, 0) ORDER BY g),
           max(greatest(m.share, o.share))
      INTO share, bshare, ymax
      FROM generate_series(1, nb) g
      LEFT JOIN b m ON m.rid = report_latency_svg.run_id AND m.bin = g
      LEFT JOIN b o ON o.rid = baseline_run AND o.bin = g;
    ymax := CASE WHEN ymax <= 10 THEN ceil(ymax / 2) * 2 WHEN ymax <= 50 THEN ceil(ymax / 10) * 10 ELSE 100 END;

    SELECT string_agg(format('<rect class="bar" x="%s" y="%s" width="%s" height="%s"/>',
                             round((x0 + (g - 1) * (x1 - x0) / nb)::numeric, 1),
                             round((y1 - v / ymax * (y1 - y0))::numeric, 1),
                             round(((x1 - x0) / nb - 0.6)::numeric, 1),
                             round((v / ymax * (y1 - y0))::numeric, 1)), '' ORDER BY g)
      INTO bars FROM unnest(share) WITH ORDINALITY u(v, g) WHERE v > 0;
    IF baseline_run IS NOT NULL THEN
        SELECT '<polyline class="base-outline" points="' || string_agg(
                   format('%s,%s %s,%s',
                          round((x0 + (g - 1) * (x1 - x0) / nb)::numeric, 1),
                          round((y1 - v / ymax * (y1 - y0))::numeric, 1),
                          round((x0 + g * (x1 - x0) / nb)::numeric, 1),
                          round((y1 - v / ymax * (y1 - y0))::numeric, 1)), ' ' ORDER BY g)
               || '"/>'
          INTO outline
          FROM unnest(bshare) WITH ORDINALITY u(v, g);
    END IF;
    IF r.p50_ns > 0 THEN
        marks := marks || format('<line class="p50" x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s"/><text class="mark" x="%1$s" y="%4$s">p50</text>',
                                 @extschema@.report_logpos(r.p50_ns, ARRAY[lo, hi, x0, x1]), y0, y1, y0 - 3);
    END IF;
    IF r.p99_ns > 0 THEN
        marks := marks || format('<line class="p99" x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s"/><text class="mark" x="%1$s" y="%4$s">p99</text>',
                                 @extschema@.report_logpos(r.p99_ns, ARRAY[lo, hi, x0, x1]), y0 + 10, y1, y0 + 8);
    END IF;
    IF tgt BETWEEN lo AND hi THEN
        marks := marks || format('<line class="target" x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s"/><text class="mark target-text%6$s" x="%5$s" y="%4$s">target</text>',
                                 @extschema@.report_logpos(tgt, ARRAY[lo, hi, x0, x1]), y0, y1, y0 + 19,
                                 @extschema@.report_logpos(tgt, ARRAY[lo, hi, x0, x1])
                                   + CASE WHEN @extschema@.report_logpos(tgt, ARRAY[lo, hi, x0, x1]) > x1 - 40 THEN -2 ELSE 2 END,
                                 CASE WHEN @extschema@.report_logpos(tgt, ARRAY[lo, hi, x0, x1]) > x1 - 40 THEN ' end' ELSE '' END);
    END IF;
    yt := format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s"/><text x="%4$s" y="%5$s" class="tick ytick">%6$s</text>'
                 || '<line x1="%1$s" y1="%7$s" x2="%3$s" y2="%7$s"/><text x="%4$s" y="%8$s" class="tick ytick">%9$s</text>',
                 x0 - 4, y0, x0, x0 - 6, y0 + 4, ymax::integer,
                 round(((y0 + y1) / 2)::numeric, 1), round(((y0 + y1) / 2 + 4)::numeric, 1), (ymax / 2)::integer);
    RETURN format('<svg class="plot-svg" viewBox="0 0 %s %s" role="img" aria-label="%s"><title>%s</title>',
                  W, H, 'latency distribution of ' || @extschema@.report_esc(r.case_name),
                  'latency distribution of ' || @extschema@.report_esc(coalesce(r.case_name, r.name)))
        || coalesce(bars, '') || coalesce(outline, '') || marks
        || @extschema@.report_axes(lo / 1e6, hi / 1e6, ARRAY[x0, x1, y0, y1], 'latency per call, ms (log scale)', '% of calls', yt)
        || '</svg>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_latency_svg(bigint, bigint, float8) IS
  'SVG histogram of the calls of a run on 40 logarithmic bins (share of calls per bin), the baseline run''s histogram as an outline, p50 and p99 marked and the target (ms) drawn when on the scale; NULL when the run has no samples (used by tas_bench.report_html())';

-- ---------------------------------------------------------------- sections

-- The latest run per case of a label (as compare() picks them), in case order.
CREATE FUNCTION @extschema@.report_latest(label text)
RETURNS SETOF @extschema@.runs
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT r.*
    FROM (SELECT DISTINCT ON (x.suite, coalesce(x.case_name, x.name)) x.*
            FROM @extschema@.runs x
           WHERE x.label = report_latest.label AND x.status <> 'running'
           ORDER BY x.suite, coalesce(x.case_name, x.name), x.run_id DESC) r
    LEFT JOIN @extschema@.cases k ON k.suite = r.suite AND k.name = r.case_name
   ORDER BY r.suite NULLS LAST, coalesce(k.ord, 1000000), coalesce(r.case_name, r.name)
$$;

COMMENT ON FUNCTION @extschema@.report_latest(text) IS
  'The latest finished run of each case (suite, coalesce(case_name, name)) of a label, as tas_bench.compare() picks them, in suite and case order (used by tas_bench.report_html())';

CREATE FUNCTION @extschema@.report_suite_section(label text, baseline text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    out text := '<section id="suite"><h2>Suite results</h2>';
    s record;
    rows_html text;
    figs text;
BEGIN
    out := out || '<p class="note">Latest run of each case labelled <code>' || @extschema@.report_esc(label)
        || '</code>. Times in ms per call; tail = p95/p50; rows, hit and read are per call (shared buffers). '
        || 'Each histogram shows the share of calls on a logarithmic time axis'
        || CASE WHEN baseline IS NOT NULL THEN '; the outline is the baseline <code>' || @extschema@.report_esc(baseline) || '</code>' ELSE '' END
        || '.</p>';
    FOR s IN SELECT DISTINCT coalesce(r.suite, '') AS suite, r.suite IS NULL AS nosuite
               FROM @extschema@.report_latest(label) r ORDER BY 2, 1 LOOP
        SELECT string_agg(format('<tr class="status-%s"><td class="case">%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td>'
                                 '<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>'
                                 '<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="%s">%s</td></tr>',
                                 @extschema@.report_esc(r.status),
                                 @extschema@.report_esc(coalesce(r.case_name, r.name, 'run ' || r.run_id)),
                                 @extschema@.report_esc(r.status) || CASE WHEN r.error IS NOT NULL
                                     THEN ' <span class="err">' || @extschema@.report_esc(left(r.error, 120)) || '</span>' ELSE '' END,
                                 r.n,
                                 @extschema@.report_num(r.p50_ns / 1e6), @extschema@.report_num(r.p95_ns / 1e6),
                                 @extschema@.report_num(r.p99_ns / 1e6), @extschema@.report_num(r.p95_p50),
                                 @extschema@.report_num(r.rows_per_call), @extschema@.report_num(r.shared_hit_per_call),
                                 @extschema@.report_num(r.shared_read_per_call), r.dataset_tasks,
                                 coalesce(@extschema@.report_num(t.ms) , ''),
                                 CASE WHEN t.ms IS NULL OR r.status <> 'ok' THEN 'target' WHEN r.p50_ns / 1e6 < t.ms THEN 'target met' ELSE 'target missed' END,
                                 CASE WHEN t.ms IS NULL THEN '' WHEN r.status <> 'ok' THEN 'failed'
                                      WHEN r.p50_ns / 1e6 < t.ms THEN 'met' ELSE 'MISSED' END), '' ORDER BY r.ordinality),
               string_agg(format('<figure class="plot latency" data-plot="latency" data-case="%s"><figcaption><b>%s</b> %s</figcaption>%s</figure>',
                                 @extschema@.report_esc(coalesce(r.case_name, r.name)),
                                 @extschema@.report_esc(coalesce(r.case_name, r.name, 'run ' || r.run_id)),
                                 CASE WHEN r.n > 0 THEN format('p50 %s ms, p99 %s ms, n %s', @extschema@.report_num(r.p50_ns / 1e6),
                                                               @extschema@.report_num(r.p99_ns / 1e6), r.n)
                                      ELSE '' END,
                                 @extschema@.report_latency_svg(r.run_id,
                                     (SELECT b.run_id FROM @extschema@.report_latest(baseline) b
                                       WHERE b.suite IS NOT DISTINCT FROM r.suite
                                         AND coalesce(b.case_name, b.name) IS NOT DISTINCT FROM coalesce(r.case_name, r.name)
                                         AND b.n > 0),
                                     t.ms)), '' ORDER BY r.ordinality) FILTER (WHERE r.n > 0)
          INTO rows_html, figs
          FROM @extschema@.report_latest(label) WITH ORDINALITY r
         CROSS JOIN LATERAL (SELECT @extschema@.target_for(coalesce(r.case_name, r.name), r.dataset_tasks) AS ms) t
         WHERE coalesce(r.suite, '') = s.suite AND (r.suite IS NULL) = s.nosuite;
        out := out || '<h3>' || CASE WHEN s.nosuite THEN 'Runs without a suite' ELSE 'Suite <code>' || @extschema@.report_esc(s.suite) || '</code>' END || '</h3>'
            || '<table class="suite"><thead><tr><th>case</th><th>status</th><th>n</th><th>p50</th><th>p95</th><th>p99</th>'
            || '<th>tail</th><th>rows</th><th>hit</th><th>read</th><th>tasks</th><th>target</th><th>verdict</th></tr></thead><tbody>'
            || coalesce(rows_html, '') || '</tbody></table>'
            || '<div class="grid">' || coalesce(figs, '') || '</div>';
    END LOOP;
    RETURN out || '</section>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_suite_section(text, text) IS
  'The suite section of tas_bench.report_html(): per suite a table of the latest run of each case of label (p50/p95/p99 ms, tail, rows and buffers per call, dataset size, target verdict) and a latency histogram per case, the baseline''s as an outline';

-- Forest plot of the comparison: one row per case, ratio and its interval
-- on a log axis, the noise band shaded, colours by verdict; then the table
-- and the deterministic metrics that changed.
CREATE FUNCTION @extschema@.report_comparison_section(label text, baseline text,
                                                      noise float8 DEFAULT 0.05, alpha float8 DEFAULT 0.05)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    W constant float8 := 1000; rh constant float8 := 22;
    x0 constant float8 := 330; x1 constant float8 := 840; y0 constant float8 := 14;
    y1 float8; H float8; k integer; m float8; lo float8; hi float8;
    svg text; tbl text; det text; counts text; cmp @extschema@.comparison[];
BEGIN
    SELECT array_agg(x ORDER BY x.suite NULLS LAST, coalesce(k.ord, 1000000), x.case_name) INTO cmp
      FROM @extschema@.compare(baseline, label, noise, alpha) x
      LEFT JOIN @extschema@.cases k ON k.suite = x.suite AND k.name = x.case_name;
    k := coalesce(cardinality(cmp), 0);
    y1 := y0 + greatest(k, 1) * rh + 6; H := y1 + 42;
    -- symmetric log range around 1 holding every interval and the noise band
    SELECT greatest(abs(ln(1 - noise)), abs(ln(1 + noise)),
                    max(abs(ln(greatest((c).ratio_ci_low, 1e-6)))), max(abs(ln(greatest((c).ratio_ci_high, 1e-6)))),
                    max(abs(ln(greatest((c).ratio, 1e-6))))) * 1.08
      INTO m FROM (SELECT cmp[i] AS c, i AS o FROM generate_subscripts(cmp, 1) i) x;
    m := least(greatest(m, ln(1.1)), ln(100));
    lo := exp(-m); hi := exp(m);

    SELECT string_agg(
             format('<g class="row v-%s">', (c).verdict)
             || CASE WHEN o % 2 = 0 THEN format('<rect class="stripe" x="0" y="%s" width="%s" height="%s"/>', y0 + (o - 1) * rh, W, rh) ELSE '' END
             || format('<text class="case-label" x="%s" y="%s">%s</text>', x0 - 8, y0 + (o - 1) * rh + 15,
                       @extschema@.report_esc(coalesce((c).case_name, '?')))
             || CASE WHEN (c).ratio IS NOT NULL AND (c).ratio > 0 THEN
                     CASE WHEN (c).ratio_ci_low > 0 THEN
                          format('<line class="ci" x1="%s" y1="%s" x2="%s" y2="%s"/>',
                                 @extschema@.report_logpos(greatest((c).ratio_ci_low, lo), ARRAY[lo, hi, x0, x1]), y0 + (o - 1) * rh + 11,
                                 @extschema@.report_logpos(least((c).ratio_ci_high, hi), ARRAY[lo, hi, x0, x1]), y0 + (o - 1) * rh + 11)
                          ELSE '' END
                     || format('<circle class="pt" cx="%s" cy="%s" r="4.5"/>',
                               @extschema@.report_logpos(least(greatest((c).ratio, lo), hi), ARRAY[lo, hi, x0, x1]), y0 + (o - 1) * rh + 11)
                ELSE '' END
             || format('<text class="verdict-text" x="%s" y="%s">%s %s</text>', x1 + 10, y0 + (o - 1) * rh + 15,
                       (c).verdict, CASE WHEN (c).ratio IS NOT NULL THEN '×' || @extschema@.report_num((c).ratio) ELSE '' END)
             || '</g>', '' ORDER BY o)
      INTO svg FROM (SELECT cmp[i] AS c, i AS o FROM generate_subscripts(cmp, 1) i) x;
    svg := format('<figure class="plot forest" data-plot="forest"><figcaption><b>Ratio of p50, candidate <code>%s</code> / baseline <code>%s</code></b>, with its %s%% interval; shaded: 1 ± noise (%s)</figcaption>',
                  @extschema@.report_esc(label), @extschema@.report_esc(baseline), round(((1 - alpha) * 100)::numeric, 1), noise)
        || format('<svg class="plot-svg" viewBox="0 0 %s %s" role="img" aria-label="forest plot of the p50 ratios"><title>ratio of p50 per case</title>', W, H)
        || format('<rect class="noise" x="%s" y="%s" width="%s" height="%s"/>',
                  @extschema@.report_logpos(1 - noise, ARRAY[lo, hi, x0, x1]), y0,
                  @extschema@.report_logpos(1 + noise, ARRAY[lo, hi, x0, x1]) - @extschema@.report_logpos(1 - noise, ARRAY[lo, hi, x0, x1]), y1 - y0)
        || format('<line class="one" x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s"/>', @extschema@.report_logpos(1, ARRAY[lo, hi, x0, x1]), y0, y1)
        || coalesce(svg, '')
        || replace(@extschema@.report_axes(lo, hi, ARRAY[x0, x1, y0, y1], 'ratio of p50, candidate / baseline (log scale; left of 1 = faster)', 'case'),
                   format('<line x1="%s" y1="%s" x2="%s" y2="%s"/>', x0, y0, x0, y1), '')
        || '</svg></figure>';

    SELECT string_agg(format('%s %s', n, v), ', ' ORDER BY n DESC, v) INTO counts
      FROM (SELECT (c).verdict AS v, count(*) AS n FROM (SELECT cmp[i] AS c, i AS o FROM generate_subscripts(cmp, 1) i) x GROUP BY 1) x;
    SELECT string_agg(format('<tr class="v-%s"><td class="case">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>'
                             '<td class="num">%s</td><td class="num">%s</td><td class="verdict">%s</td><td>%s</td></tr>',
                             (c).verdict, @extschema@.report_esc((c).case_name),
                             @extschema@.report_num((c).baseline_p50_ms), @extschema@.report_num((c).candidate_p50_ms),
                             @extschema@.report_num((c).ratio, 4),
                             CASE WHEN (c).ratio_ci_low IS NOT NULL THEN @extschema@.report_num((c).ratio_ci_low, 4) || ' – ' || @extschema@.report_num((c).ratio_ci_high, 4) ELSE '' END,
                             CASE WHEN (c).p_value < 0.001 THEN '&lt; 0.001' ELSE @extschema@.report_num((c).p_value, 2) END, (c).verdict, @extschema@.report_esc((c).note)), '' ORDER BY o)
      INTO tbl FROM (SELECT cmp[i] AS c, i AS o FROM generate_subscripts(cmp, 1) i) x;
    SELECT string_agg(format('<tr><td class="case">%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td></tr>',
                             @extschema@.report_esc((c).case_name), @extschema@.report_esc(array_to_string((c).changed, ', ')),
                             @extschema@.report_num((c).rows_per_call_delta), @extschema@.report_num((c).shared_hit_per_call_delta),
                             @extschema@.report_num((c).shared_read_per_call_delta), @extschema@.report_num((c).wal_bytes_per_call_delta),
                             CASE WHEN (c).plan_changed THEN 'changed' WHEN (c).plan_changed IS NULL THEN 'not captured' ELSE 'same' END), '' ORDER BY o)
      INTO det FROM (SELECT cmp[i] AS c, i AS o FROM generate_subscripts(cmp, 1) i) x WHERE cardinality((c).changed) > 0 OR (c).plan_changed;

    RETURN '<section id="comparison"><h2>Comparison with <code>' || @extschema@.report_esc(baseline) || '</code></h2>'
        || format('<p class="note">tas_bench.compare(%s, %s, noise =&gt; %s, alpha =&gt; %s): %s. A case is <b>faster</b> or <b>slower</b> only when the rank test is significant and the whole interval lies outside the band; <b>unchanged</b> when the interval lies inside it; <b>unstable</b> when a side drifted inside its run more than the band and the change does not exceed that drift.</p>',
                  @extschema@.report_esc(quote_literal(baseline)), @extschema@.report_esc(quote_literal(label)), noise, alpha,
                  coalesce(counts, 'no cases'))
        || svg
        || '<table class="compare"><thead><tr><th>case</th><th>baseline p50</th><th>candidate p50</th><th>ratio</th><th>interval</th><th>p</th><th>verdict</th><th>note</th></tr></thead><tbody>'
        || coalesce(tbl, '') || '</tbody></table>'
        || '<h3>Deterministic metrics that changed</h3>'
        || CASE WHEN det IS NULL THEN '<p class="note" id="deterministic">None: rows, buffers, WAL per call and plan fingerprints are the same on both sides (where captured).</p>'
                ELSE '<table class="deterministic" id="deterministic"><thead><tr><th>case</th><th>changed</th><th>Δ rows</th><th>Δ hit</th><th>Δ read</th><th>Δ WAL bytes</th><th>plan</th></tr></thead><tbody>'
                     || det || '</tbody></table>' END
        || '</section>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_comparison_section(text, text, float8, float8) IS
  'The comparison section of tas_bench.report_html(): tas_bench.compare(baseline, label, noise, alpha) as a forest plot (ratio of p50 and its interval per case on a log axis, 1 ± noise shaded, colour by verdict), its table, and the cases whose deterministic metrics (rows, buffers, WAL per call, plan) changed';

-- Scaling: per case p50 against tasks on log-log axes, the fitted line
-- a·n^b, its exponent interval, the targets at each size.
CREATE FUNCTION @extschema@.report_scaling_section(scaling text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    W constant float8 := 360; H constant float8 := 200;
    x0 constant float8 := 62; x1 constant float8 := 350; y0 constant float8 := 16; y1 constant float8 := 156;
    out text := '<section id="scaling"><h2>Scaling</h2>';
    s text; f record; figs text; tbl text;
    nlo float8; nhi float8; ylo float8; yhi float8; a float8; pts text; tg text; ln_ text;
    pn float8[]; py float8[]; pt float8[];
BEGIN
    IF scaling IS NULL THEN
        RETURN out || '<p class="note">No scaling run in this report: pass <code>scaling =&gt; ''label''</code> (a label of <code>CALL tas_bench.run_scaling(...)</code>), or a label measured at two or more dataset sizes.</p></section>';
    END IF;
    out := out || '<p class="note">Label <code>' || @extschema@.report_esc(scaling) || '</code>: p50 of the latest ok run per case and dataset size, on log-log axes. '
        || 'The line is the least-squares fit p50 = a·n<sup>b</sup>; b with its 95% interval, the best-fitting class and the targets come from tas_bench.scaling_fit(). Red dashes: the target at each size.</p>';
    FOR s IN SELECT DISTINCT r.suite FROM @extschema@.runs r
              WHERE r.label = scaling AND r.suite IS NOT NULL AND r.status = 'ok' AND r.dataset_tasks > 0
              ORDER BY 1 LOOP
        figs := ''; tbl := '';
        FOR f IN SELECT x.* FROM @extschema@.scaling_fit(scaling, s) x LOOP
            SELECT array_agg(q.n ORDER BY q.n), array_agg(q.y ORDER BY q.n), array_agg(q.t ORDER BY q.n)
              INTO pn, py, pt
              FROM (SELECT DISTINCT ON (r.dataset_tasks) r.dataset_tasks::float8 AS n, r.p50_ns / 1e6 AS y,
                           @extschema@.target_for(r.case_name, r.dataset_tasks) AS t
                      FROM @extschema@.runs r
                     WHERE r.label = scaling AND r.suite = s AND r.case_name = f.case_name
                       AND r.status = 'ok' AND r.dataset_tasks > 0 AND r.p50_ns > 0
                     ORDER BY r.dataset_tasks, r.run_id DESC) q;
            SELECT min(p.n) / 1.25, max(p.n) * 1.25, min(p.y), max(p.y),
                   regr_intercept(ln(p.y), ln(p.n))
              INTO nlo, nhi, ylo, yhi, a FROM unnest(pn, py, pt) AS p(n, y, t);
            -- targets join the y range when they are not far off it
            SELECT least(ylo, min(p.t) FILTER (WHERE p.t >= ylo / 20)), greatest(yhi, max(p.t) FILTER (WHERE p.t <= yhi * 20))
              INTO ylo, yhi FROM unnest(pn, py, pt) AS p(n, y, t);
            IF yhi / ylo < 1.5 THEN ylo := ylo / 1.2; yhi := yhi * 1.2; END IF;
            ylo := ylo / 1.1; yhi := yhi * 1.1;
            SELECT string_agg(format('<circle class="pt" cx="%s" cy="%s" r="3.5"><title>%s tasks: %s ms</title></circle>',
                                     @extschema@.report_logpos(p.n, ARRAY[nlo, nhi, x0, x1]),
                                     @extschema@.report_logpos(p.y, ARRAY[ylo, yhi, y1, y0]), p.n, @extschema@.report_num(p.y)), '' ORDER BY p.n),
                   string_agg(CASE WHEN p.t BETWEEN ylo AND yhi THEN
                                   format('<line class="target" x1="%1$s" y1="%3$s" x2="%2$s" y2="%3$s"/>',
                                          @extschema@.report_logpos(p.n, ARRAY[nlo, nhi, x0, x1]) - 9,
                                          @extschema@.report_logpos(p.n, ARRAY[nlo, nhi, x0, x1]) + 9,
                                          @extschema@.report_logpos(p.t, ARRAY[ylo, yhi, y1, y0])) END, '' ORDER BY p.n)
              INTO pts, tg FROM unnest(pn, py, pt) AS p(n, y, t);
            ln_ := '';
            IF a IS NOT NULL AND f.exponent IS NOT NULL THEN
                -- the fitted line between the smallest and the largest size, clipped to the plot
                ln_ := format('<line class="fit" x1="%s" y1="%s" x2="%s" y2="%s"/>',
                              @extschema@.report_logpos(f.min_tasks, ARRAY[nlo, nhi, x0, x1]),
                              @extschema@.report_logpos(least(greatest(exp(a + f.exponent * ln(f.min_tasks)), ylo), yhi), ARRAY[ylo, yhi, y1, y0]),
                              @extschema@.report_logpos(f.max_tasks, ARRAY[nlo, nhi, x0, x1]),
                              @extschema@.report_logpos(least(greatest(exp(a + f.exponent * ln(f.max_tasks)), ylo), yhi), ARRAY[ylo, yhi, y1, y0]));
            END IF;
            figs := figs || format('<figure class="plot scaling" data-plot="scaling" data-case="%s"><figcaption><b>%s</b> b = %s%s%s</figcaption>',
                                   @extschema@.report_esc(f.case_name), @extschema@.report_esc(f.case_name),
                                   @extschema@.report_num(f.exponent, 2),
                                   coalesce(' [' || @extschema@.report_num(f.exponent_ci_low, 2) || ', ' || @extschema@.report_num(f.exponent_ci_high, 2) || ']', ''),
                                   coalesce(', ' || @extschema@.report_esc(f.best_fit), ''))
                || format('<svg class="plot-svg" viewBox="0 0 %s %s" role="img" aria-label="p50 against tasks, %s"><title>p50 against tasks: %s</title>',
                          W, H, @extschema@.report_esc(f.case_name), @extschema@.report_esc(f.case_name))
                || coalesce(tg, '') || ln_ || coalesce(pts, '')
                || @extschema@.report_axes(nlo, nhi, ARRAY[x0, x1, y0, y1], 'tasks in the dataset (log scale)', 'p50, ms (log scale)',
                       (SELECT string_agg(format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s"/><text x="%4$s" y="%5$s" class="tick ytick">%6$s</text>',
                                                 x0 - 4, @extschema@.report_logpos(t, ARRAY[ylo, yhi, y1, y0]), x0, x0 - 6,
                                                 @extschema@.report_logpos(t, ARRAY[ylo, yhi, y1, y0]) + 4, @extschema@.report_num(t, 2)), '')
                          FROM @extschema@.report_log_ticks(ylo, yhi) t))
                || '</svg></figure>';
            tbl := tbl || format('<tr><td class="case">%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td><td class="num">%s</td><td>%s</td></tr>',
                                 @extschema@.report_esc(f.case_name),
                                 (SELECT string_agg(p.n::bigint || ': ' || @extschema@.report_num(p.y), ', ' ORDER BY p.n) FROM unnest(pn, py, pt) AS p(n, y, t)),
                                 @extschema@.report_num(f.exponent, 2),
                                 coalesce(@extschema@.report_num(f.exponent_ci_low, 2) || ' – ' || @extschema@.report_num(f.exponent_ci_high, 2), 'needs 3 sizes'),
                                 @extschema@.report_esc(coalesce(f.best_fit, CASE WHEN f.sizes < 3 THEN '(needs 3 sizes)' END)),
                                 @extschema@.report_num(f.r_squared, 3), @extschema@.report_esc(f.target_verdict));
        END LOOP;
        out := out || '<h3>Suite <code>' || @extschema@.report_esc(s) || '</code></h3>'
            || CASE WHEN tbl = '' THEN '<p class="note">No case of this suite was measured at two or more sizes.</p>'
                    ELSE '<table class="scaling"><thead><tr><th>case</th><th>p50 ms by tasks</th><th>b</th><th>95% interval</th><th>best fit</th><th>R²</th><th>targets</th></tr></thead><tbody>'
                         || tbl || '</tbody></table><div class="grid">' || figs || '</div>' END;
    END LOOP;
    RETURN out || '</section>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_scaling_section(text) IS
  'The scaling section of tas_bench.report_html(): per suite and case of the scaling label, p50 against tasks on log-log axes with the fitted line p50 = a n^b and the targets at each size, and the table of tas_bench.scaling_fit() (exponent with its 95% interval, best fit, R^2, target verdicts)';

-- LOAD: the marked place for load results.  Load tests (tas_bench.load,
-- load_runs, load_intervals, run_ramp, saturation_report) are not built
-- yet; when they land, this function draws per load run throughput and p99
-- over time (load_intervals) and the ramp's throughput/latency curve with
-- the saturation point marked (saturation_report), one SVG per plot, and
-- report_html() needs no other change.  (Profile results go in a section
-- of their own in the same way once the profile issue lands.)
CREATE FUNCTION @extschema@.report_load_section(label text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('@extschema@.load_runs') IS NULL THEN
        RETURN '<section id="load"><h2>Load</h2><p class="note">No load results: load tests '
            || '(<code>tas_bench.load</code>, <code>run_ramp</code>) are not part of this tas_bench yet. '
            || 'Once they are, this section shows throughput and p99 over time per load run and the ramp''s '
            || 'throughput/latency curve with the saturation point marked.</p></section>';
    END IF;
    RETURN '<section id="load"><h2>Load</h2><p class="note">This tas_bench has load results '
        || '(<code>tas_bench.load_runs</code>), but this report does not draw them yet: see '
        || '<code>SELECT * FROM tas_bench.saturation_report(' || @extschema@.report_esc(quote_literal(label)) || ')</code>.</p></section>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_load_section(text) IS
  'The load section of tas_bench.report_html(): a marked place until load tests exist (then: throughput and p99 over time per load run, the ramp''s curve with the saturation point)';

-- The environment each number came from: per label the distinct values of
-- every key of runs.env (settings flattened), the datasets and the time span.
CREATE FUNCTION @extschema@.report_environment_section(labels text[])
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    hdr text; body text; ds text := ''; ids bigint[];
BEGIN
    SELECT string_agg('<th>' || @extschema@.report_esc(l) || '</th>', '' ORDER BY i) INTO hdr
      FROM unnest(labels) WITH ORDINALITY x(l, i);
    WITH env(li, key, val) AS (
    SELECT l.i, kv.key, kv.val
          FROM unnest(labels) WITH ORDINALITY l(label, i)
          JOIN @extschema@.runs r ON r.label = l.label AND r.status <> 'running'
         CROSS JOIN LATERAL (
               SELECT e.key, e.value #>> '{}' AS val FROM jsonb_each(coalesce(r.env, '{}')) e
                WHERE e.key NOT IN ('settings', 'imported', 'repeat') AND jsonb_typeof(e.value) <> 'object'
               UNION ALL
               SELECT 'setting ' || e.key, e.value #>> '{}' FROM jsonb_each(coalesce(r.env -> 'settings', '{}')) e
               UNION ALL
               SELECT 'imported from', concat_ws(' ', 'PostgreSQL ' || (r.env #>> '{imported,source,server_version}'),
                                                 'database ' || (r.env #>> '{imported,source,database}'),
                                                 'label ' || (r.env #>> '{imported,label}'),
                                                 'exported ' || (r.env #>> '{imported,exported_at}'))
                WHERE r.env ? 'imported'
               UNION ALL
               SELECT 'runs', NULL
               UNION ALL
               SELECT 'tasks when measured', r.dataset_tasks::text WHERE r.dataset_tasks IS NOT NULL) kv
    )
    SELECT string_agg(format('<tr%s><td class="key">%s</td>%s</tr>',
                             CASE WHEN (SELECT count(DISTINCT e.val) FROM env e WHERE e.key = k.key) > 1 THEN ' class="differs"' ELSE '' END,
                             @extschema@.report_esc(k.key),
                             (SELECT string_agg('<td>' || coalesce((
                                         SELECT CASE WHEN k.key = 'runs' THEN sum(v.c)::text
                                                     ELSE string_agg(@extschema@.report_esc(v.val) || CASE WHEN v.c < v.t THEN ' <span class="count">(' || v.c || ' runs)</span>' ELSE '' END,
                                                                     '<br>' ORDER BY v.c DESC, v.val) END
                                           FROM (SELECT e.val, count(*) AS c, sum(count(*)) OVER () AS t
                                                   FROM env e WHERE e.li = l.i AND e.key = k.key GROUP BY e.val) v), '')
                                     || '</td>', '' ORDER BY l.i)
                                FROM generate_subscripts(labels, 1) l(i))),
                      '' ORDER BY k.ord, k.key)
      INTO body
      FROM (SELECT DISTINCT e.key, CASE WHEN e.key = 'runs' THEN 0 WHEN e.key LIKE 'setting %' THEN 2 ELSE 1 END AS ord
              FROM env e) k;
    -- the datasets (tas_bench.datasets belongs to the workload: found by name)
    SELECT array_agg(DISTINCT r.dataset_id) INTO ids FROM @extschema@.runs r
     WHERE r.label = ANY (labels) AND r.dataset_id IS NOT NULL;
    IF ids IS NOT NULL AND to_regclass('@extschema@.datasets') IS NOT NULL THEN
        EXECUTE $q$SELECT coalesce(string_agg(format('<tr><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                                                     d.dataset_id, d.tasks, d.seed, @extschema@.report_esc(d.target_schema),
                                                     @extschema@.report_esc(array_to_string(d.patterns, ', ')),
                                                     @extschema@.report_esc(d.anchor::text)), '' ORDER BY d.dataset_id), '')
                     FROM @extschema@.datasets d WHERE d.dataset_id = ANY ($1)$q$
           INTO ds USING ids;
        IF ds <> '' THEN
            ds := '<h3>Datasets</h3><table class="datasets"><thead><tr><th>id</th><th>tasks</th><th>seed</th><th>schema</th><th>patterns</th><th>anchor</th></tr></thead><tbody>'
                || ds || '</tbody></table>';
        END IF;
    END IF;
    RETURN '<section id="environment"><h2>Environment</h2><p class="note">What every number came from: the values of <code>tas_bench.runs.env</code> '
        || '(tas_bench.environment() at each run) per label; a key with several values lists each with its number of runs, and is highlighted.</p>'
        || '<table class="env"><thead><tr><th>key</th>' || hdr || '</tr></thead><tbody>' || coalesce(body, '') || '</tbody></table>'
        || ds || '</section>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_environment_section(text[]) IS
  'The environment section of tas_bench.report_html(): per label the distinct values of every key of runs.env (versions, settings, dataset, settled, imported from), with the number of runs of each when they differ, and the datasets the runs used';

-- ---------------------------------------------------------------- the report

CREATE FUNCTION @extschema@.report_html(label text, baseline text DEFAULT NULL, scaling text DEFAULT NULL,
                                        noise float8 DEFAULT 0.05, alpha float8 DEFAULT 0.05)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    known text; arg text; lbl text; sc text := scaling; labels text[];
    css constant text := $css$
:root{--fg:#1d2330;--muted:#5b6478;--line:#c9ced8;--bg:#fff;--stripe:#f4f6f9;--bar:#4a78c2;--faster:#1b8a3a;--slower:#c62828;--unchanged:#6b7280;--inconclusive:#c78a00;--unstable:#b4540a;--other:#7b3fa0}
*{box-sizing:border-box}
body{font:14px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:0 16px 32px}
main{max-width:1120px;margin:0 auto}
h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:2px solid var(--line);padding-bottom:3px}h3{font-size:15px;margin:18px 0 6px}
code{font:12.5px "DejaVu Sans Mono",ui-monospace,monospace;overflow-wrap:anywhere}
nav a{margin-right:14px;color:#2a55a0}
.note{color:var(--muted);max-width:900px}
table{border-collapse:collapse;width:100%;table-layout:auto;font-size:12.5px;margin:6px 0 10px}
th,td{padding:3px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--stripe);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.case{overflow-wrap:anywhere;min-width:14em}
td.key{white-space:nowrap}tr.differs td{background:#fff6d6}
.err{color:var(--slower);display:block;overflow-wrap:anywhere}
.count{color:var(--muted)}
td.missed,.target.missed{color:var(--slower);font-weight:600}td.met{color:var(--faster)}
tr.status-failed td,tr.status-cancelled td,tr.status-abandoned td{background:#fdecec}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px 14px}
figure{margin:0;min-width:0}
figcaption{font-size:12.5px;overflow-wrap:anywhere}
figure.forest{margin:8px 0}
svg.plot-svg{width:100%;height:auto;display:block}
svg text{font-family:"DejaVu Sans",system-ui,sans-serif;font-size:10px;fill:var(--fg)}
svg .axis line{stroke:#8a92a3;stroke-width:1}
svg .tick{text-anchor:middle;fill:var(--muted)}svg .ytick{text-anchor:end}
svg .axis-label{font-size:10.5px;text-anchor:middle;fill:var(--muted)}
svg .bar{fill:var(--bar);opacity:.85}
svg .base-outline{fill:none;stroke:#222;stroke-width:1.1;stroke-dasharray:3 2}
svg .p50{stroke:#111;stroke-width:1.2}svg .p99{stroke:#111;stroke-width:1;stroke-dasharray:2 2}
svg .mark{font-size:9px;text-anchor:middle}
svg .target{stroke:var(--slower);stroke-width:2}svg .target-text{fill:var(--slower);text-anchor:start}svg .target-text.end{text-anchor:end}
svg .noise{fill:#e3e7ee}svg .one{stroke:#555;stroke-width:1}
svg .stripe{fill:var(--stripe)}
svg .case-label{text-anchor:end;font-size:11px}
svg .verdict-text{font-size:11px}
svg .ci{stroke-width:2.2}
svg .fit{stroke:var(--bar);stroke-width:1.6}
svg .scaling .pt,svg circle.pt{fill:var(--fg)}
.v-faster .pt,.v-faster .ci{fill:var(--faster);stroke:var(--faster)}.v-faster .verdict-text,tr.v-faster td.verdict{color:var(--faster);fill:var(--faster)}
.v-slower .pt,.v-slower .ci{fill:var(--slower);stroke:var(--slower)}.v-slower .verdict-text,tr.v-slower td.verdict{color:var(--slower);fill:var(--slower)}
.v-unchanged .pt,.v-unchanged .ci{fill:var(--unchanged);stroke:var(--unchanged)}.v-unchanged .verdict-text{fill:var(--unchanged)}
.v-inconclusive .pt,.v-inconclusive .ci{fill:var(--inconclusive);stroke:var(--inconclusive)}.v-inconclusive .verdict-text,tr.v-inconclusive td.verdict{color:var(--inconclusive);fill:var(--inconclusive)}
.v-unstable .pt,.v-unstable .ci{fill:var(--unstable);stroke:var(--unstable)}.v-unstable .verdict-text,tr.v-unstable td.verdict{color:var(--unstable);fill:var(--unstable)}
.v-new .verdict-text,.v-missing .verdict-text,.v-failed .verdict-text{fill:var(--other)}
td.verdict{font-weight:600}
footer{margin-top:30px;color:var(--muted);font-size:12px}
@media print{nav{display:none}}
$css$;
BEGIN
    -- arguments: every label named must have runs the caller may read
    IF label IS NULL THEN
        RAISE EXCEPTION 'argument label must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass the label of the runs to report, as given to run_suite, bench or run_scaling.';
    END IF;
    IF noise IS NULL OR noise < 0 OR noise >= 1 THEN
        RAISE EXCEPTION 'argument noise must be in [0, 1), not %', coalesce(noise::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'noise is the relative change below which a ratio counts as no change, e.g. 0.05.';
    END IF;
    IF alpha IS NULL OR alpha <= 0 OR alpha >= 1 THEN
        RAISE EXCEPTION 'argument alpha must be in (0, 1), not %', coalesce(alpha::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'alpha is the significance level of the comparison, e.g. 0.05.';
    END IF;
    FOREACH arg IN ARRAY ARRAY['label', 'baseline', 'scaling'] LOOP
        lbl := CASE arg WHEN 'label' THEN label WHEN 'baseline' THEN baseline ELSE scaling END;
        CONTINUE WHEN lbl IS NULL;
        IF NOT EXISTS (SELECT 1 FROM @extschema@.runs r WHERE r.label = lbl AND r.status <> 'running') THEN
            SELECT string_agg(quote_literal(l), ', ' ORDER BY l) INTO known
              FROM (SELECT DISTINCT r.label AS l FROM @extschema@.runs r WHERE r.label IS NOT NULL LIMIT 20) s;
            RAISE EXCEPTION 'argument %: no finished runs with label "%" that you may read', arg, lbl
                USING ERRCODE = 'no_data_found',
                      DETAIL = coalesce('Labels you may read include: ' || known || '.', 'You may read no run that has a label.'),
                      HINT = 'Row-level security shows each role its own runs; members of pg_read_all_stats read all.';
        END IF;
    END LOOP;
    -- without a scaling label, the label itself when it was measured at several sizes
    IF sc IS NULL AND EXISTS (SELECT 1 FROM @extschema@.runs r
                               WHERE r.label = report_html.label AND r.status = 'ok' AND r.dataset_tasks > 0
                                 AND r.suite IS NOT NULL
                               GROUP BY r.suite, r.case_name HAVING count(DISTINCT r.dataset_tasks) >= 2) THEN
        sc := label;
    END IF;
    labels := ARRAY[label] || CASE WHEN baseline IS NOT NULL THEN ARRAY[baseline] ELSE '{}' END
                           || CASE WHEN sc IS NOT NULL AND sc <> label THEN ARRAY[sc] ELSE '{}' END;

    RETURN '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">'
        || '<meta name="generator" content="tas_bench ' || @extschema@.report_esc(@extschema@.version()) || '">'
        || '<title>tas_bench report: ' || @extschema@.report_esc(label) || '</title><style>' || css || '</style></head><body><main>'
        || '<header><h1>tas_bench report: <code>' || @extschema@.report_esc(label) || '</code></h1>'
        || '<p class="note">' || CASE WHEN baseline IS NOT NULL THEN 'Compared with <code>' || @extschema@.report_esc(baseline) || '</code>. ' ELSE '' END
        || CASE WHEN sc IS NOT NULL THEN 'Scaling: <code>' || @extschema@.report_esc(sc) || '</code>. ' ELSE '' END
        || 'Made ' || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC by tas_bench '
        || @extschema@.report_esc(@extschema@.version()) || ' on PostgreSQL ' || @extschema@.report_esc(current_setting('server_version'))
        || ', database <code>' || @extschema@.report_esc(current_database()) || '</code>, as role <code>' || @extschema@.report_esc(current_user)
        || '</code> (a role sees its own runs). Figures are measured in-process, per call; see doc/report.md.</p>'
        || '<nav><a href="#suite">Suite</a>' || CASE WHEN baseline IS NOT NULL THEN '<a href="#comparison">Comparison</a>' ELSE '' END
        || '<a href="#scaling">Scaling</a><a href="#load">Load</a><a href="#environment">Environment</a></nav></header>'
        || @extschema@.report_suite_section(label, baseline)
        || CASE WHEN baseline IS NOT NULL THEN @extschema@.report_comparison_section(label, baseline, noise, alpha) ELSE '' END
        || @extschema@.report_scaling_section(sc)
        || @extschema@.report_load_section(label)
        || @extschema@.report_environment_section(labels)
        || '<footer>Made by tas_bench.report_html(); no script, nothing fetched: this file is the whole report.</footer>'
        || '</main></body></html>';
END
$$;

COMMENT ON FUNCTION @extschema@.report_html(text, text, text, float8, float8) IS
  'One self-contained HTML document (inline CSS and SVG, no script, nothing fetched) about label: the suite table with a latency histogram per case; with baseline, the comparison tas_bench.compare(baseline, label, noise, alpha) as a forest plot and the deterministic metrics that changed; scaling (the label scaling, or label itself when measured at two or more sizes) as log-log plots with the fitted line, exponent interval and targets; load (a marked place until load tests exist); the environment. Reads the caller''s runs (row-level security). See doc/report.md; scripts/report.sh writes it to a file';
