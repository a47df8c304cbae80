/* help, version, reset, shutdown */
#include <stdio.h>
#include <string.h>
#include <arch/psci.h>
#include <mantle/shell.h>
#include <mantle/version.h>
#include <mantle/log.h>
#include "shell_util.h"

static int cmd_help(int argc, char **argv)
{
	size_t n;
	const struct shell_cmd *const *cmds = shell_commands(&n);

	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("commands:\n");
	for (size_t i = 0; i < n; i++) {
		char usage[48];
		snprintf(usage, sizeof(usage), "%s%s%s%s%s", cmds[i]->name,
			 cmds[i]->sub ? " " : "", cmds[i]->sub ? cmds[i]->sub : "",
			 cmds[i]->args[0] ? " " : "", cmds[i]->args);
		printf("  %-22s %s\n", usage, cmds[i]->summary);
	}
	return 0;
}
SHELL_COMMAND(help, "help", NULL, "", "list the commands", cmd_help);

static int cmd_version(int argc, char **argv)
{
	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("Mantle %s\n", mantle_version);
	printf("  git revision: %s\n", mantle_git_rev);
	printf("  built:        %s\n", mantle_build_date);
	printf("  compiler:     %s\n", mantle_compiler);
	return 0;
}
SHELL_COMMAND(version, "version", NULL, "", "version, build date, git revision, compiler", cmd_version);

static int cmd_reset(int argc, char **argv)
{
	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("resetting the system\n");
	psci_system_reset();
	printf("error: reset: PSCI SYSTEM_RESET returned\n");
	return -1;
}
SHELL_COMMAND(reset, "reset", NULL, "", "reset the machine (PSCI SYSTEM_RESET)", cmd_reset);

static int cmd_shutdown(int argc, char **argv)
{
	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("powering off\n");
	psci_system_off();
	printf("error: shutdown: PSCI SYSTEM_OFF returned\n");
	return -1;
}
SHELL_COMMAND(shutdown, "shutdown", NULL, "", "power the machine off (PSCI SYSTEM_OFF)", cmd_shutdown);
