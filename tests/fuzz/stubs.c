/*
 * Stand-ins every harness links. The fake locks of tests/fake_arch report
 * misuse through cmocka's mock_assert; the harnesses have no cmocka, so a
 * misuse (self-deadlock, unlocking a free lock) aborts and libFuzzer keeps
 * the input.
 */
#include <stdio.h>
#include <stdlib.h>

void mock_assert(const int result, const char *const expression, const char *const file, const int line);

void mock_assert(const int result, const char *const expression, const char *const file, const int line)
{
	if (result)
		return;
	fprintf(stderr, "%s:%d: %s\n", file, line, expression);
	abort();
}
