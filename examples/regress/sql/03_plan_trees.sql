-- 03_plan_trees: the plans of one call, with the statements run inside the
-- functions and inside the functions they call, indented by nesting level.
-- No costs, rows or times; generic plans ($n for parameters).  A plan that
-- changes (an index no longer used, a join method flipped, a statement that
-- now runs once per row: the "N calls" of its header) changes a line here.
SET search_path = tasker, public;
\a
\t on

SELECT * FROM tas_bench.plan_tree('SELECT * FROM get_next_ready_tasks($1)', 'SELECT 5');

SELECT * FROM tas_bench.plan_tree('SELECT * FROM get_step_transitive_dependencies($1)',
                                  'SELECT workflow_step_uuid FROM tas_bench.sample_steps(20, seed => 1)');

SELECT * FROM tas_bench.plan_tree('SELECT * FROM calculate_dependency_levels($1)',
                                  'SELECT task_uuid FROM tas_bench.sample_tasks(20, seed => 1)');
