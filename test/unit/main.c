/*-------------------------------------------------------------------------
 *
 * main.c
 *	  Runner for the tas_bench unit tests (see unit.h).
 *
 * IDENTIFICATION
 *	  test/unit/main.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>

#include "unit.h"

#define MAX_SUITES 128

static struct
{
	const char *name;
	tb_suite_fn fn;
}			suites[MAX_SUITES];
static int	nsuites;
static int	npassed;
static int	nfailed;
static const char *current;

void
tb_unit_register(const char *name, tb_suite_fn fn)
{
	if (nsuites >= MAX_SUITES)
	{
		fprintf(stderr, "too many unit suites\n");
		exit(2);
	}
	suites[nsuites].name = name;
	suites[nsuites].fn = fn;
	nsuites++;
}

void
tb_unit_result(int ok, const char *file, int line, const char *expr, const char *detail)
{
	if (ok)
		npassed++;
	else
	{
		nfailed++;
		printf("FAIL %s: %s:%d: %s%s%s\n", current, file, line, expr,
			   detail ? ": " : "", detail ? detail : "");
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

int
main(int argc, char **argv)
{
	int			i;

	qsort(suites, nsuites, sizeof(suites[0]), by_name);
	for (i = 0; i < nsuites; i++)
	{
		int			before = nfailed;
		int			pbefore = npassed;

		if (argc > 1 && strstr(suites[i].name, argv[1]) == NULL)
			continue;
		current = suites[i].name;
		suites[i].fn();
		printf("%-32s %s (%d checks)\n", suites[i].name,
			   nfailed == before ? "ok" : "FAILED",
			   (npassed - pbefore) + (nfailed - before));
	}
	printf("unit: %d passed, %d failed\n", npassed, nfailed);
	return nfailed == 0 ? 0 : 1;
}
