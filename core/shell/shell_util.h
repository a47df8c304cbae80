/* Small helpers shared by the shell's command files. */
#ifndef SHELL_UTIL_H
#define SHELL_UTIL_H
#include <stdio.h>

/* Commands without arguments reject extra words with a one-line error. */
static inline int shell_expect_no_args(int argc, char **argv)
{
	if (argc > 1) {
		printf("error: %s: unexpected argument '%s'\n", argv[0], argv[1]);
		return -1;
	}
	return 0;
}
#endif
