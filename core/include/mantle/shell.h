/* The management shell: command table, tokenizer and dispatcher. */
#ifndef MANTLE_SHELL_H
#define MANTLE_SHELL_H
#include <stddef.h>

#define SHELL_PROMPT   "mantle> "
#define SHELL_MAX_ARGS CONFIG_SHELL_MAX_ARGS

/* argv[0] is the command name; for a subcommand, argv[0] is the subcommand. */
typedef int (*shell_cmd_fn)(int argc, char **argv);

struct shell_cmd {
	const char *name;       /* "host" */
	const char *sub;        /* "info", or NULL for a command without subcommands */
	const char *args;       /* usage of the arguments, "" if none */
	const char *summary;    /* one line for help */
	shell_cmd_fn fn;
};

/* Commands register themselves in a linker section, as drivers do. */
#define SHELL_COMMAND(id, ...) \
	static const struct shell_cmd shell_cmd_##id = { __VA_ARGS__ }; \
	static const struct shell_cmd *const shell_cmd_ptr_##id \
	__attribute__((section(".shell_cmd_table"), used)) = &shell_cmd_##id

/*
 * Split line (modified in place) into argv. Words are separated by blanks;
 * '...' and "..." group words; a backslash escapes the next byte outside
 * single quotes. Returns argc (0 for a blank line), or -1 with *err set.
 */
int shell_tokenize(char *line, char **argv, int max_args, const char **err);

/*
 * Find the command for argv in table. On success returns it and sets
 * *consumed to the words naming it (1 or 2). On failure returns NULL and
 * writes a one-line message (no newline) to err.
 */
const struct shell_cmd *shell_lookup(const struct shell_cmd *const *table, size_t n,
				     int argc, char **argv, int *consumed,
				     char *err, size_t errlen);

/* Tokenize, look up and run a line against table; errors go to stdout. Returns the command's status. */
int shell_execute(const struct shell_cmd *const *table, size_t n, char *line);

/* The registered commands. */
const struct shell_cmd *const *shell_commands(size_t *n);

/* Start the shell as an orphan vCPU on CPU 0. */
void shell_start(void);

#endif
