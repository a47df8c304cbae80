/* Test registry walk, failure recording and result lines (see dsl.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "dsl.h"

#define WHAT_MAX 200

/* fw.lds */
extern const struct fw_test __fw_tests_start[], __fw_tests_end[];

static struct {
	int failures;
	char first[WHAT_MAX];	/* "<file>:<line>: <what>" of the first failure */
} current;

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void dsl_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (current.failures++)
		return;
	n = snprintf(current.first, sizeof(current.first), "%s:%d: ", base_name(file), line);
	if (n < 0 || n >= WHAT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(current.first + n, sizeof(current.first) - n, fmt, ap);
	va_end(ap);
}

int dsl_failed(void)
{
	return current.failures != 0;
}

int dsl_run(const char *suite)
{
	int passed = 0, failed = 0;

	for (const struct fw_test *t = __fw_tests_start; t < __fw_tests_end; t++) {
		if (suite ? strcmp(suite, t->suite) != 0 : t->on_request)
			continue;
		current.failures = 0;
		current.first[0] = '\0';
		t->fn();
		if (current.failures) {
			printf("TEST %s.%s FAIL: %s\n", t->suite, t->name, current.first);
			failed++;
		} else {
			printf("TEST %s.%s PASS\n", t->suite, t->name);
			passed++;
		}
	}
	printf("fw: %d passed, %d failed\n", passed, failed);
	return failed;
}

static void list_suites(int on_request)
{
	const char *last = NULL;

	for (const struct fw_test *t = __fw_tests_start; t < __fw_tests_end; t++) {
		if (t->on_request != on_request)
			continue;
		if (!last || strcmp(last, t->suite) != 0)
			printf(" %s", t->suite);
		last = t->suite;
	}
}

void dsl_list_suites(void)
{
	printf("suites:");
	list_suites(0);
	printf("; on request:");
	list_suites(1);
	printf("\n");
}

